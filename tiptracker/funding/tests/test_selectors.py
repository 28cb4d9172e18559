"""The figures per financial year and per allocation, as the page and the board report
read them: exact Decimals, with the warnings the issue asks for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.funding.selectors import (
    YearSummary,
    allocation_lines,
    commitment_lines,
    commitment_warnings,
    funding_summary,
    funding_years,
)
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding(partnership, other_partnership):
    """The reference report's funding, plus a year over-committed and one with no allocation."""
    first = AllocationFactory(partnership=partnership, financial_year="2021/22")
    AllocationFactory(partnership=partnership, financial_year="2022/23")
    CommitmentFactory(allocation=first, amount=Decimal("50000.00"))
    over = AllocationFactory(
        partnership=partnership, financial_year="2023/24", amount=Decimal("10000.00")
    )
    CommitmentFactory(allocation=over, amount=Decimal("7500.10"))
    CommitmentFactory(allocation=over, amount=Decimal("2500.00"))
    CommitmentFactory(
        allocation=None,
        partnership=partnership,
        financial_year="2023/24",
        amount=Decimal("0.01"),
    )
    CommitmentFactory(
        allocation=None, partnership=partnership, financial_year="2024/25", amount=Decimal("1200")
    )
    # Another partnership's money never counts.
    CommitmentFactory(
        allocation__partnership=other_partnership, allocation__financial_year="2021/22"
    )
    return partnership


def test_it_sums_each_year_exactly(funding):
    years = {year.financial_year: year for year in funding_summary(funding.id)}
    assert list(years) == ["2021/22", "2022/23", "2023/24", "2024/25"]
    assert years["2021/22"] == YearSummary(
        financial_year="2021/22",
        allocated=Decimal("50000.00"),
        committed=Decimal("50000.00"),
        remaining=Decimal("0.00"),
        allocation_count=1,
        commitment_count=1,
        committed_without_allocation=Decimal("0.00"),
        overcommitted_allocations=0,
        warnings=[],
    )
    assert years["2022/23"].remaining == Decimal("50000.00")
    assert years["2022/23"].committed == Decimal("0.00")
    assert isinstance(years["2022/23"].remaining, Decimal)


def test_it_warns_when_commitments_exceed_the_allocation(funding):
    [year] = funding_summary(funding.id, ["2023/24"])
    assert year.committed == Decimal("10000.11")
    assert year.remaining == Decimal("-0.11")
    assert year.committed_without_allocation == Decimal("0.01")
    assert year.over_committed and year.overcommitted_allocations == 1
    assert year.warnings == [
        "Commitments in 2023/24 (£10,000.11) are more than its allocations (£10,000.00), by £0.11."
    ]


def test_it_warns_about_a_commitment_in_a_year_with_no_allocation(funding):
    [year] = funding_summary(funding.id, ["2024/25"])
    assert year.without_allocation and not year.over_committed
    assert year.remaining == Decimal("-1200.00")
    assert year.warnings == [
        "There is no allocation for 2024/25, but £1,200.00 is committed in it: this commitment "
        "is not covered by any funding yet."
    ]


def test_years_asked_for_with_nothing_in_them_come_back_as_zeros(funding):
    [year] = funding_summary(funding.id, ["2030/31"])
    assert (year.allocated, year.committed, year.remaining, year.warnings) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        [],
    )


def test_a_period_gives_the_years_it_overlaps(funding):
    years = funding_summary(funding.id, start=dt.date(2021, 12, 1), end=dt.date(2022, 5, 31))
    assert [y.financial_year for y in years] == ["2021/22", "2022/23"]


def test_the_summary_costs_three_queries_however_many_rows(funding):
    with CaptureQueriesContext(connection) as queries:
        funding_summary(funding.id)
    assert len(queries) == 3


def test_each_allocation_has_its_balance(funding):
    lines = {a.financial_year: a for a in allocation_lines(funding.id, ["2021/22", "2023/24"])}
    assert (lines["2021/22"].committed, lines["2021/22"].remaining) == (
        Decimal("50000.00"),
        Decimal("0.00"),
    )
    # The unlinked penny counts against the year, not against the allocation.
    assert lines["2023/24"].committed == Decimal("10000.10")
    assert lines["2023/24"].over_by == Decimal("0.10")


def test_the_lines_of_a_year_are_bounded(partnership):
    for n in range(4):
        CommitmentFactory(allocation=None, partnership=partnership, what=f"Work {n}")
    CommitmentFactory(
        allocation=None, partnership=partnership, financial_year="2021/22", what="Earlier"
    )
    shown = list(commitment_lines(partnership.id, ["2021/22", "2022/23"], limit_per_year=2))
    assert [c.what for c in shown] == ["Earlier", "Work 0", "Work 1"]


def test_the_years_come_newest_first(funding):
    assert funding_years(funding.id) == ["2024/25", "2023/24", "2022/23", "2021/22"]


def test_a_commitment_is_warned_about_its_year_and_its_allocation(funding):
    over = CommitmentFactory(
        allocation__partnership=funding,
        allocation__financial_year="2025/26",
        allocation__amount=Decimal("100"),
        amount=Decimal("150"),
    )
    assert commitment_warnings(over) == [
        "Commitments in 2025/26 (£150.00) are more than its allocations (£100.00), by £50.00.",
        "Commitments against the allocation Scottish Government, 2025/26 (£150.00) are more "
        "than it (£100.00), by £50.00.",
    ]
