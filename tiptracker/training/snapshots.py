"""The coverage trend's derived table (CoverageSnapshot): partnership coverage at past month
ends, so that the dashboard's trend is read rather than computed. An import rebuilds it; a
single change forgets the month ends it could have moved, and the dashboard fills them again
when next asked."""

import datetime as dt

from django.db import transaction

from tiptracker.lib.dates import month_ends_before, today
from tiptracker.training.coverage import coverage_by_month
from tiptracker.training.models import CoverageSnapshot
from tiptracker.training.signals import coverage_changed

TREND_MONTHS = 24


def coverage_snapshots_rebuild(*, partnership_id: int, as_of: dt.date | None = None) -> None:
    """Recompute partnership coverage at the last TREND_MONTHS month ends (one query)."""
    month_ends = month_ends_before(as_of or today(), TREND_MONTHS)
    figures = coverage_by_month(partnership_id=partnership_id, month_ends=month_ends)
    with transaction.atomic():
        CoverageSnapshot.objects.filter(partnership_id=partnership_id).delete()
        _snapshots_store(partnership_id, figures)
        coverage_changed.send(sender=CoverageSnapshot, partnership_id=partnership_id)


def coverage_snapshots_invalidate(*, partnership_id: int, since: dt.date | None = None) -> None:
    """Forget the month ends a change could have moved (all of them, without `since`); the
    dashboard computes them again when next asked. Cheaper than a rebuild for one change."""
    snapshots = CoverageSnapshot.objects.filter(partnership_id=partnership_id)
    if since is not None:
        snapshots = snapshots.filter(month_end__gte=since)
    snapshots.delete()
    coverage_changed.send(sender=CoverageSnapshot, partnership_id=partnership_id)


def coverage_snapshots_fill(*, partnership_id: int, month_ends: list[dt.date]) -> None:
    """Compute and keep the month ends the table does not hold yet (a dashboard looking
    further back than the last rebuild)."""
    held = set(
        CoverageSnapshot.objects.filter(
            partnership_id=partnership_id, month_end__in=month_ends
        ).values_list("month_end", flat=True)
    )
    missing = [day for day in month_ends if day not in held]
    if not missing:
        return
    # Two dashboards may fill the same month at once: the second one's rows are skipped.
    _snapshots_store(
        partnership_id, coverage_by_month(partnership_id=partnership_id, month_ends=missing)
    )


def _snapshots_store(partnership_id: int, figures: dict[dt.date, list]) -> None:
    CoverageSnapshot.objects.bulk_create(
        [
            CoverageSnapshot(
                partnership_id=partnership_id,
                month_end=day,
                level=row.level,
                needed=row.needed,
                met=row.met,
            )
            for day, rows in figures.items()
            for row in rows
        ],
        ignore_conflicts=True,
    )
