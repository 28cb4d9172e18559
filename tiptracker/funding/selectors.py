"""Reads for funding: the figures per financial year and per allocation.

`funding_summary` is what the board report reads: plain dataclasses of exact Decimals,
computed in the database in a fixed number of queries whatever the number of rows.

Money is summed and compared in whole pence: SQLite does decimal arithmetic in floating
point (0.1 + 0.2 > 0.3 there), integers are exact everywhere.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Round, RowNumber

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.lib.money import (
    FinancialYear,
    financial_years_between,
    format_pounds,
    pounds_from_pence,
)

ZERO = Decimal("0.00")


def pence(field: str = "amount") -> Func:
    """An amount column as whole pence (a bigint), for exact sums and comparisons."""
    return Cast(Round(F(field) * Value(100)), BigIntegerField())


@dataclass(frozen=True)
class YearSummary:
    """One financial year's money: allocated, committed against it, and what remains
    (negative when more is committed than allocated)."""

    financial_year: str
    allocated: Decimal
    committed: Decimal
    remaining: Decimal
    allocation_count: int
    commitment_count: int
    # Committed in the year but not against any allocation.
    committed_without_allocation: Decimal
    # Allocations of the year whose own commitments exceed them.
    overcommitted_allocations: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def over_committed(self) -> bool:
        return self.allocation_count > 0 and self.committed > self.allocated

    @property
    def without_allocation(self) -> bool:
        return self.allocation_count == 0 and self.commitment_count > 0


def _year_warnings(
    year: str, allocated: Decimal, committed: Decimal, allocations: int, commitments: int
) -> list[str]:
    if allocations == 0 and commitments:
        return [
            f"There is no allocation for {year}, but {format_pounds(committed)} is committed "
            f"in it: {'this commitment is' if commitments == 1 else f'these {commitments} commitments are'} "
            "not covered by any funding yet."
        ]
    if committed > allocated:
        return [
            f"Commitments in {year} ({format_pounds(committed)}) are more than its allocations "
            f"({format_pounds(allocated)}), by {format_pounds(committed - allocated)}."
        ]
    return []


def _asked_years(
    years: Iterable[str | FinancialYear] | None, start: dt.date | None, end: dt.date | None
) -> list[str] | None:
    if years is not None:
        return [str(FinancialYear.parse(str(year))) for year in years]
    if start is not None or end is not None:
        if start is None or end is None:
            raise ValueError("A period needs both a start and an end")
        return [str(year) for year in financial_years_between(start, end)]
    return None


def funding_summary(
    partnership_id: int,
    years: Iterable[str | FinancialYear] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[YearSummary]:
    """The figures for each financial year asked for, in the order asked (years with nothing
    recorded come back as zeros); or for the years overlapping the period from `start` to
    `end`, oldest first; or, asking for neither, for every year with a record, oldest first.
    Three queries."""
    asked = _asked_years(years, start, end)
    allocations = Allocation.objects.filter(partnership_id=partnership_id)
    commitments = Commitment.objects.filter(partnership_id=partnership_id)
    if asked is not None:
        allocations = allocations.filter(financial_year__in=asked)
        commitments = commitments.filter(financial_year__in=asked)
    allocated = {
        row["financial_year"]: row
        for row in allocations.order_by()
        .values("financial_year")
        .annotate(total=Sum(pence()), n=Count("id"))
    }
    committed = {
        row["financial_year"]: row
        for row in commitments.order_by()
        .values("financial_year")
        .annotate(
            total=Sum(pence()),
            n=Count("id"),
            unlinked=Sum(pence(), filter=Q(allocation__isnull=True)),
        )
    }
    over = {
        row["financial_year"]: row["n"]
        for row in allocations.annotate(committed_pence=committed_pence())
        .filter(committed_pence__gt=pence())
        .order_by()
        .values("financial_year")
        .annotate(n=Count("id"))
    }
    found = asked if asked is not None else sorted(set(allocated) | set(committed))
    summaries = []
    for year in found:
        given = allocated.get(year, {})
        spent = committed.get(year, {})
        total_allocated = pounds_from_pence(given.get("total"))
        total_committed = pounds_from_pence(spent.get("total"))
        summaries.append(
            YearSummary(
                financial_year=year,
                allocated=total_allocated,
                committed=total_committed,
                remaining=total_allocated - total_committed,
                allocation_count=given.get("n", 0),
                commitment_count=spent.get("n", 0),
                committed_without_allocation=pounds_from_pence(spent.get("unlinked")),
                overcommitted_allocations=over.get(year, 0),
                warnings=_year_warnings(
                    year,
                    total_allocated,
                    total_committed,
                    given.get("n", 0),
                    spent.get("n", 0),
                ),
            )
        )
    return summaries


def funding_years(partnership_id: int) -> list[str]:
    """Every financial year with an allocation or a commitment, newest first (one query)."""
    allocated = (
        Allocation.objects.filter(partnership_id=partnership_id)
        .order_by()
        .values_list("financial_year", flat=True)
    )
    committed = (
        Commitment.objects.filter(partnership_id=partnership_id)
        .order_by()
        .values_list("financial_year", flat=True)
    )
    return sorted(set(allocated.union(committed)), reverse=True)


def with_balance(allocations: QuerySet[Allocation]) -> QuerySet[Allocation]:
    """Allocations with `committed_pence`, from which the model gives `committed`,
    `remaining` and `over_by` in pounds."""
    return allocations.annotate(committed_pence=committed_pence())


def committed_pence() -> Func:
    """For an allocation, the sum of its commitments in whole pence (0 for none)."""
    committed = (
        Commitment.objects.filter(allocation=OuterRef("pk"))
        .order_by()
        .values("allocation")
        .annotate(total=Sum(pence()))
        .values("total")
    )
    return Coalesce(
        Subquery(committed, output_field=BigIntegerField()),
        Value(0),
        output_field=BigIntegerField(),
    )


def _first_per_year(queryset: QuerySet, limit: int | None, *order: str) -> QuerySet:
    """At most `limit` rows of each financial year, in one query (a page stays bounded)."""
    queryset = queryset.order_by("financial_year", *order)
    if limit is None:
        return queryset
    return queryset.annotate(
        row_in_year=Window(
            RowNumber(), partition_by=[F("financial_year")], order_by=[F(name) for name in order]
        )
    ).filter(row_in_year__lte=limit)


def allocation_lines(
    partnership_id: int, years: Iterable[str], *, limit_per_year: int | None = None
) -> QuerySet[Allocation]:
    """The allocations of these years with their balance (at most `limit_per_year` each)."""
    allocations = Allocation.objects.filter(
        partnership_id=partnership_id, financial_year__in=list(years)
    )
    return _first_per_year(with_balance(allocations), limit_per_year, "source", "id")


def commitment_lines(
    partnership_id: int, years: Iterable[str], *, limit_per_year: int | None = None
) -> QuerySet[Commitment]:
    """The commitments of these years with their allocation (at most `limit_per_year` each)."""
    commitments = Commitment.objects.filter(
        partnership_id=partnership_id, financial_year__in=list(years)
    ).select_related("allocation")
    return _first_per_year(commitments, limit_per_year, "starts_on", "id")


def commitment_warnings(commitment: Commitment) -> list[str]:
    """What the funding page will warn about in this commitment's year and allocation."""
    [year] = funding_summary(commitment.partnership_id, [commitment.financial_year])
    warnings = list(year.warnings)
    if commitment.allocation_id is not None:
        line = with_balance(Allocation.objects.filter(pk=commitment.allocation_id)).get()
        if line.remaining < 0:
            warnings.append(
                f"Commitments against the allocation {line} ({format_pounds(line.committed)}) "
                f"are more than it ({format_pounds(line.amount)}), by {format_pounds(-line.remaining)}."
            )
    return warnings
