"""Reads for training pages and the API."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tiptracker.lib.dates import month_ends_before
from tiptracker.lib.levels import LEVELS, Level
from tiptracker.partnerships.access import managed_team_ids, staff_for
from tiptracker.partnerships.models import Membership
from tiptracker.training.coverage import (
    Coverage,
    CoverageRow,
    coverage,
    coverage_by_month,
    outstanding_staff_ids_sql,
)
from tiptracker.training.models import Booking, CoverageSnapshot, TrainingSession
from tiptracker.training.services import TREND_MONTHS, coverage_snapshots_fill


def coverage_for(membership: Membership, *, as_of: dt.date, by: str | None = None) -> Coverage:
    """Coverage as this member may see it: a manager's is limited to their teams."""
    return coverage(
        partnership_id=membership.partnership_id,
        partnership_slug=membership.partnership.slug,
        as_of=as_of,
        by=by,
        team_ids=managed_team_ids(membership),
    )


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    rows: list[CoverageRow]

    def row(self, level: Level) -> CoverageRow:
        return next(r for r in self.rows if r.level == level)


def coverage_trend_for(membership: Membership, *, as_of: dt.date) -> list[TrendPoint]:
    """Coverage at each of the last 24 month ends before `as_of`, then at `as_of` itself.

    The partnership's month ends come from the derived table (filled where missing); a
    manager's, over a few teams, are computed directly in one query.
    """
    month_ends = month_ends_before(as_of, TREND_MONTHS)
    team_ids = managed_team_ids(membership)
    if team_ids is None:
        coverage_snapshots_fill(partnership_id=membership.partnership_id, month_ends=month_ends)
        by_day: dict[dt.date, list[CoverageRow]] = {day: [] for day in month_ends}
        for snap in CoverageSnapshot.objects.filter(
            partnership_id=membership.partnership_id, month_end__in=month_ends
        ).order_by("month_end", "level"):
            by_day[snap.month_end].append(CoverageRow(level=Level(snap.level), needed=snap.needed, met=snap.met))
    else:
        by_day = coverage_by_month(partnership_id=membership.partnership_id, month_ends=month_ends, team_ids=team_ids)
    points = [TrendPoint(day=day, rows=rows) for day, rows in by_day.items()]
    points.append(TrendPoint(day=as_of, rows=coverage_for(membership, as_of=as_of).totals))
    return points


def outstanding_staff_for(membership: Membership, *, as_of: dt.date, level: Level) -> QuerySet:
    """The people who need `level` on `as_of` and have not met it, as this member may see them."""
    from django.db.models.expressions import RawSQL

    sql, params = outstanding_staff_ids_sql(
        partnership_id=membership.partnership_id, as_of=as_of, level=level, team_ids=managed_team_ids(membership)
    )
    return (
        staff_for(membership)
        .filter(id__in=RawSQL(sql, params))
        .select_related("organisation", "team")
        .order_by("organisation__name", "team__name", "last_name", "first_name", "staff_id")
    )


def sessions_with_places(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.annotate(
        booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )


__all__ = ["LEVELS", "coverage_for", "coverage_trend_for", "outstanding_staff_for", "sessions_with_places"]
