"""What every sub-command shares: the parser that reports a mistake in one line, and the
arguments that name a partnership or a date."""

import argparse
import datetime as dt
import sys
from typing import Any, NoReturn

from tiptracker.lib.user_error import UserError


class Parser(argparse.ArgumentParser):
    """Says a mistake in the command's own name, after the usage (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"tiptracker: error: {message}\n")


def partnership_by_slug(slug: str) -> Any:
    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        raise UserError(
            f"no partnership '{slug}' (create it with: tiptracker partnership create {slug} --name NAME)"
        )
    return partnership


def date_argument(text: str) -> dt.date:
    from tiptracker.lib.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def aligned(lines: list[list[Any]], *, rules_after: tuple[int, ...] = ()) -> list[str]:
    """A table for people: columns two spaces apart, a count (an int) right-aligned with
    thousands separators, anything else left-aligned; a line of dashes after each line
    numbered in `rules_after` (0: the header)."""
    from tiptracker.lib.numbers import thousands

    widths = [max(len(thousands(line[i])) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append(
            "  ".join(
                thousands(v).rjust(w) if isinstance(v, int) else str(v).ljust(w)
                for v, w in zip(line, widths, strict=True)
            ).rstrip()
        )
        if n in rules_after:
            out.append("  ".join("-" * w for w in widths))
    return out
