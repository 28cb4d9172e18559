"""Month arithmetic as the board report and the network count their six months."""

import datetime as dt

import pytest

from tiptracker.lib.dates import easter_sunday, months_after, scottish_bank_holidays


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


# Scotland's bank holidays, as gov.uk lists them ---------------------------------------------

GOV_UK_SCOTLAND = {
    2022: [
        "2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03",
        "2022-08-01", "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27",
    ],
    2025: [
        "2025-01-01", "2025-01-02", "2025-04-18", "2025-05-05", "2025-05-26", "2025-08-04",
        "2025-12-01", "2025-12-25", "2025-12-26",
    ],
    2026: [
        "2026-01-01", "2026-01-02", "2026-04-03", "2026-05-04", "2026-05-25", "2026-08-03",
        "2026-11-30", "2026-12-25", "2026-12-28",
    ],
    2027: [
        "2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31", "2027-08-02",
        "2027-11-30", "2027-12-27", "2027-12-28",
    ],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(GOV_UK_SCOTLAND))
def test_scottish_bank_holidays_are_those_gov_uk_lists(year):
    expected = {dt.date.fromisoformat(day) for day in GOV_UK_SCOTLAND[year]}
    assert scottish_bank_holidays(year) == expected


def test_easter_falls_where_the_church_calendar_puts_it():
    assert [easter_sunday(y) for y in (2021, 2022, 2024, 2038)] == [
        dt.date(2021, 4, 4),
        dt.date(2022, 4, 17),
        dt.date(2024, 3, 31),
        dt.date(2038, 4, 25),
    ]
