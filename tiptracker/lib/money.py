"""Money and financial years as people write them: exact decimals, never floating point.

`parse_pounds("£50,000.00")` and `FinancialYear.parse("2022/23")` raise ValueError with a
message saying what was wrong, for forms and serializers to show against their field;
`format_pounds` writes an amount the way the pages and the board report show it.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# The largest amount a DecimalField(max_digits=12, decimal_places=2) holds.
MAX_AMOUNT = Decimal("9999999999.99")
PENNY = Decimal("0.01")

# Digits, either plain or grouped in threes with commas, and at most some decimals (checked
# apart, so that "12.345" gets its own message).
_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$")


def parse_pounds(text: object) -> Decimal:
    """An amount of money greater than zero from "50000", "50,000", "£50,000.00" or "£1.5".

    Refuses what is not money, negative and zero amounts, fractions of a penny and amounts
    too large to keep.
    """
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        value = str(text)
    else:
        value = str(text or "")
    value = "".join(value.split())  # "£ 50 000" is not money, but "£ 50,000" is
    if not value:
        raise ValueError("Enter an amount in pounds, like £50,000.00")
    if value[0] in "-−(" or value.startswith("£-") or value.startswith("£−"):
        raise ValueError("The amount must be more than £0: a negative amount is not allowed")
    value = value.removeprefix("£")
    match = _AMOUNT.match(value)
    if not match:
        raise ValueError("Enter the amount in pounds as a number, like 50000, 50,000 or £50,000.00")
    pence = match.group(1)
    if pence is not None and len(pence) > 2:
        raise ValueError("The amount can have at most 2 decimal places (pence), like £50,000.50")
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError("Enter the amount in pounds as a number, like 50,000") from None
    if amount <= 0:
        raise ValueError("The amount must be more than £0")
    if amount > MAX_AMOUNT:
        raise ValueError(f"The amount must be {format_pounds(MAX_AMOUNT)} or less")
    return amount.quantize(PENNY)


def check_pounds(amount: Decimal) -> Decimal:
    """An amount already a Decimal (from the API or a service's caller), held to the same
    rules as typed text."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError("Enter the amount in pounds as a number, like 50000.00")
    if amount <= 0:
        raise ValueError("The amount must be more than £0")
    if amount != amount.quantize(PENNY):
        raise ValueError("The amount can have at most 2 decimal places (pence), like 50000.50")
    if amount > MAX_AMOUNT:
        raise ValueError(f"The amount must be {format_pounds(MAX_AMOUNT)} or less")
    return amount.quantize(PENNY)


def pounds_from_pence(pence: int | None) -> Decimal:
    """Whole pence (as the selectors sum money, exactly on every database) as pounds."""
    return (Decimal(pence or 0) / 100).quantize(PENNY)


def format_pounds(amount: Decimal | int | None) -> str:
    """£50,000.00; a negative amount (an overspend) as -£1,250.00; None as an empty string."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(PENNY)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def board_pounds(amount: Decimal | int) -> str:
    """An amount as board papers write it: £50,000 for whole pounds (no ".00"), £1,250.50
    with pence, and from a million in millions to one decimal place, £1.6m (£2m, not
    £2.0m)."""
    value = Decimal(amount).quantize(PENNY)
    sign, value = ("-" if value < 0 else ""), abs(value)
    if value >= 1_000_000:
        millions = f"{value / 1_000_000:.1f}".removesuffix(".0")
        return f"{sign}£{millions}m"
    if value == value.to_integral_value():
        return f"{sign}£{value:,.0f}"
    return f"{sign}£{value:,.2f}"


_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, 1 April to 31 March, written 2022/23 (architecture.md, Time)."""

    start_year: int

    FIRST = 1990  # before any trauma-informed funding; a typo more likely than history
    LAST = 2098

    @classmethod
    def parse(cls, text: object) -> "FinancialYear":
        value = str(text or "").strip()
        if not value:
            raise ValueError("Enter the financial year, like 2022/23")
        match = _YEAR.match(value)
        if not match:
            raise ValueError(cls._shape_problem(value))
        start, end = int(match.group(1)), int(match.group(2))
        if end != (start + 1) % 100:
            raise ValueError(
                f"The financial year must be two consecutive years, like "
                f"{start}/{(start + 1) % 100:02d} (not {value})"
            )
        if not cls.FIRST <= start <= cls.LAST:
            raise ValueError(
                f"Enter a financial year from {cls(cls.FIRST)} to {cls(cls.LAST)}, like 2022/23"
            )
        return cls(start)

    @staticmethod
    def _shape_problem(value: str) -> str:
        if re.match(r"^\d{4}\s*[-–—_\\.]\s*\d{2,4}$", value):
            return f"Write the financial year with a slash, like 2022/23 (not {value})"
        if re.match(r"^\d{2}/\d{2}$", value):
            return f"Write the first year in full, like 2022/23 (not {value})"
        if re.match(r"^\d{4}/\d{4}$", value):
            return f"Write only the last two digits of the second year, like 2022/23 (not {value})"
        return f"Enter the financial year as the year it starts, a slash and the last two digits of the next year, like 2022/23 (not {value})"

    @classmethod
    def containing(cls, day: dt.date) -> "FinancialYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


def financial_years_between(start: dt.date, end: dt.date) -> list[FinancialYear]:
    """The financial years that overlap the period from `start` to `end` (inclusive)."""
    first, last = FinancialYear.containing(start), FinancialYear.containing(end)
    return [FinancialYear(year) for year in range(first.start_year, last.start_year + 1)]
