"""Money and financial years as people type them (tiptracker.lib.money)."""

import datetime as dt
from decimal import Decimal

import pytest

from tiptracker.lib.money import (
    FinancialYear,
    board_pounds,
    check_pounds,
    financial_years_between,
    format_pounds,
    parse_pounds,
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("50000", "50000.00"),
        ("50,000", "50000.00"),
        ("£50,000.00", "50000.00"),
        (" £ 50,000.5 ", "50000.50"),
        ("1,234,567.89", "1234567.89"),
        ("0.01", "0.01"),
        (50000, "50000.00"),
    ],
)
def test_it_reads_an_amount_as_people_write_it(typed, amount):
    assert parse_pounds(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("-50", "negative"),
        ("£-50", "negative"),
        ("0", "more than £0"),
        ("0.00", "more than £0"),
        ("12.345", "at most 2 decimal places"),
        ("fifty", "as a number"),
        ("50,00", "as a number"),
        ("5,0000", "as a number"),
        ("1e5", "as a number"),
        ("NaN", "as a number"),
        ("10000000000", "or less"),
    ],
)
def test_it_refuses_what_is_not_an_amount_of_money_saying_why(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_pounds(typed)


def test_a_decimal_from_a_caller_is_held_to_the_same_rules():
    assert check_pounds(Decimal("12.5")) == Decimal("12.50")
    for bad, message in [
        (Decimal("-1"), "more than £0"),
        (Decimal("0"), "more than £0"),
        (Decimal("1.001"), "2 decimal places"),
        (Decimal("NaN"), "as a number"),
    ]:
        with pytest.raises(ValueError, match=message):
            check_pounds(bad)


def test_it_writes_pounds_with_commas_and_pence():
    assert format_pounds(Decimal("50000")) == "£50,000.00"
    assert format_pounds(Decimal("1234.5")) == "£1,234.50"
    assert format_pounds(Decimal("-2500")) == "-£2,500.00"
    assert format_pounds(None) == ""


@pytest.mark.parametrize("typed", ["2022/23", " 2021/22 ", "1999/00"])
def test_it_reads_a_financial_year_of_two_consecutive_years(typed):
    assert str(FinancialYear.parse(typed)) == typed.strip()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the financial year"),
        ("2022/24", "two consecutive years, like 2022/23"),
        ("2022/21", "two consecutive years"),
        ("2022-23", "with a slash"),
        ("22/23", "first year in full"),
        ("2022/2023", "last two digits"),
        ("twenty22", "like 2022/23"),
        ("1850/51", "from 1990/91"),
    ],
)
def test_it_refuses_a_financial_year_not_of_the_form_2022_23(typed, message):
    with pytest.raises(ValueError, match=message):
        FinancialYear.parse(typed)


def test_a_financial_year_runs_from_1_april_to_31_march():
    year = FinancialYear.parse("2022/23")
    assert (year.starts_on, year.ends_on) == (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert FinancialYear.containing(dt.date(2023, 3, 31)) == year
    assert FinancialYear.containing(dt.date(2023, 4, 1)) == FinancialYear(2023)


def test_a_period_covers_the_financial_years_it_overlaps():
    years = financial_years_between(dt.date(2021, 10, 1), dt.date(2022, 6, 30))
    assert [str(y) for y in years] == ["2021/22", "2022/23"]


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("50000"), "£50,000"),
        (Decimal("50000.00"), "£50,000"),
        (Decimal("1250.5"), "£1,250.50"),
        (Decimal("0.01"), "£0.01"),
        (Decimal("999999.99"), "£999,999.99"),
        (Decimal("1000000"), "£1m"),
        (Decimal("1600000"), "£1.6m"),
        (Decimal("1649999"), "£1.6m"),
        (Decimal("2000000"), "£2m"),
        (Decimal("-1250"), "-£1,250"),
    ],
)
def test_board_papers_write_whole_pounds_without_pence_and_millions_short(amount, written):
    assert board_pounds(amount) == written
