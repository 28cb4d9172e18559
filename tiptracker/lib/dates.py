"""Dates as partnerships write them, and the calendar facts the reports need."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def today() -> dt.date:
    """Today in Europe/London (the date a user in Scotland would write)."""
    return timezone.localdate()


def parse_date(value: object) -> dt.date:
    """A date from ISO `YYYY-MM-DD`, UK day-first `DD/MM/YYYY`, or a native spreadsheet date.

    Raises ValueError with a message naming what was wrong.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK.match(text)
        if not match:
            raise ValueError(f"'{text}' is not a date: use YYYY-MM-DD or DD/MM/YYYY")
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


def month_end(day: dt.date) -> dt.date:
    first_of_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_of_next - dt.timedelta(days=1)


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or earlier if negative (the month's last day where that
    month is shorter: 31 August less six months is 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    first = dt.date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def month_ends_before(as_of: dt.date, count: int) -> list[dt.date]:
    """The last `count` month ends strictly before `as_of`'s month, oldest first."""
    ends = []
    cursor = as_of.replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        ends.append(cursor)
        cursor = cursor.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def financial_year(day: dt.date) -> str:
    """The financial year (1 April to 31 March) that contains `day`, written `2022/23`."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"
