"""Dates as partnerships write them, and the calendar facts the reports need."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def long_date(day: dt.date) -> str:
    """ "1 August 2022": how pages, papers and messages write a day."""
    return f"{day.day} {day:%B %Y}"


def today() -> dt.date:
    """Today in Europe/London (the date a user in Scotland would write)."""
    return timezone.localdate()


# No date anyone enters here is older than this: an earlier one is a slip of the keyboard
# (0001 for 2001, 1022 for 2022), and would reach the figures, the charts and the database
# as a real day. Python and PostgreSQL both take the year 1; the people using this do not.
EARLIEST = dt.date(1900, 1, 1)


def entered_date_problem(day: dt.date) -> str | None:
    """Why `day` cannot be a date someone entered, as words that follow "the date"
    ("is before 1900: check the year"), or None if it can. The one rule for every door a
    date comes in by: import files, the forms' date boxes and the API. (Whether a date may
    be in the future depends on what it is the date of: the services say, a completion may
    not be.)"""
    if day < EARLIEST:
        return "is before 1900: check the year"
    return None


def validate_entered_date(day: dt.date) -> None:
    """entered_date_problem as a validator, for a form's or a serializer's date field."""
    problem = entered_date_problem(day)
    if problem:
        raise ValidationError(f"The date {problem}", code="date_out_of_range")


def parse_date(value: object) -> dt.date:
    """A date from ISO `YYYY-MM-DD`, UK day-first `DD/MM/YYYY`, or a native spreadsheet date,
    in 1900 or later (entered_date_problem).

    Raises ValueError with a message naming what was wrong.
    """
    day = _parse_date(value)
    problem = entered_date_problem(day)
    if problem:
        # A spreadsheet's own date is quoted the UK way (strftime writes the year 1 as "1").
        written = (
            str(value).strip()
            if isinstance(value, str)
            else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        )
        raise ValueError(f"'{written}' {problem}")
    return day


def _parse_date(value: object) -> dt.date:
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


# Scotland's bank holidays ------------------------------------------------------------------
# The days gov.uk lists for Scotland: 1 and 2 January, Good Friday, the first and last
# Mondays of May, the first Monday of August, St Andrew's Day (30 November), Christmas Day
# and Boxing Day. A day falling at a weekend is made up on the next weekday that is not a
# holiday already. Royal proclamations move or add a day now and then: those since 2020.
_PROCLAIMED: dict[int, tuple[tuple[dt.date, ...], tuple[dt.date, ...]]] = {
    # year: (days added, days the proclamation moved away)
    2020: ((dt.date(2020, 5, 8),), (dt.date(2020, 5, 4),)),  # VE Day's 75th anniversary
    2022: (
        (dt.date(2022, 6, 2), dt.date(2022, 6, 3), dt.date(2022, 9, 19)),  # jubilee, funeral
        (dt.date(2022, 5, 30),),
    ),
    2023: ((dt.date(2023, 5, 8),), ()),  # the coronation
}


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def scottish_bank_holidays(year: int) -> set[dt.date]:
    holidays: set[dt.date] = set()
    for month, day in ((1, 1), (1, 2), (11, 30), (12, 25), (12, 26)):
        observed = dt.date(year, month, day)
        while observed.weekday() >= 5 or observed in holidays:
            observed += dt.timedelta(days=1)
        holidays.add(observed)
    holidays.add(easter_sunday(year) - dt.timedelta(days=2))  # Good Friday
    holidays.add(_monday_on_or_after(dt.date(year, 5, 1)))
    holidays.add(_monday_on_or_after(dt.date(year, 5, 25)))  # the last Monday of May
    holidays.add(_monday_on_or_after(dt.date(year, 8, 1)))
    added, moved = _PROCLAIMED.get(year, ((), ()))
    return (holidays - set(moved)) | set(added)


def is_scottish_bank_holiday(day: dt.date) -> bool:
    return day in scottish_bank_holidays(day.year)
