"""Month arithmetic as the board report and the network count their six months."""

import datetime as dt

import pytest

from tiptracker.lib.dates import months_after


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2022, 6, 30), 6, dt.date(2022, 12, 30)),
        (dt.date(2022, 8, 31), 6, dt.date(2023, 2, 28)),  # February is shorter
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),  # a leap year
        (dt.date(2022, 6, 30), -6, dt.date(2021, 12, 30)),
        (dt.date(2022, 8, 31), -6, dt.date(2022, 2, 28)),
        (dt.date(2022, 1, 15), -1, dt.date(2021, 12, 15)),  # across the year
        (dt.date(2022, 12, 15), 1, dt.date(2023, 1, 15)),
    ],
)
def test_the_same_day_months_away_or_the_months_last_where_shorter(day, months, expected):
    assert months_after(day, months) == expected
