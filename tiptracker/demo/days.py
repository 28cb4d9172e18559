"""The demo's calendar: when the programme started, and the days and times training runs on."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from tiptracker.lib.dates import is_scottish_bank_holiday

LONDON = ZoneInfo("Europe/London")
PROGRAMME_STARTS = dt.date(2021, 1, 1)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def at(day: dt.date, clock: str) -> dt.datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LONDON)


def weekday_on_or_after(day: dt.date) -> dt.date:
    """Training runs Tuesday to Thursday, never on a bank holiday."""
    while day.weekday() not in (1, 2, 3) or is_scottish_bank_holiday(day):
        day += dt.timedelta(days=1)
    return day
