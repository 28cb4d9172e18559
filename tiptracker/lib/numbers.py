"""Numbers as people read them: 4,155 rather than 4155.

One helper for pages, charts, the board report and the human-readable columns of exports.
Django's USE_THOUSAND_SEPARATOR stays off: it would also group the ids in addresses and the
values in forms (?page=1,000), which must stay plain. CSV and JSON stay plain numbers, for
machines.
"""

from decimal import Decimal
from numbers import Real


def thousands(value: object, places: int | None = None) -> str:
    """4155 -> "4,155"; with `places`, 81.94 -> "81.9" and 1234.5 -> "1,234.5" (places=1).

    A number without `places` keeps its own form (an int stays whole, 2.5 stays 2.5). Anything
    that is not a number (None, text already written, a suppressed "fewer than 5") is returned
    as text unchanged, so a template may pass whatever it holds."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        return str(value)
    if places is not None:
        return f"{value:,.{places}f}"
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral()):
        return f"{int(value):,}"
    return f"{value:,}"
