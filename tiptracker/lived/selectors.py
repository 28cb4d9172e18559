"""Reads of the lived-experience route. Those that show a person's details are called only
through the audited functions in reads.py and export.py (lived_records_list,
lived_record_open, lived_export); what leaves the route is `stage_counts`, suppressed."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from tiptracker.lib import suppression
from tiptracker.lived.models import AuditEvent, ConsentRecord, RouteRecord, Stage, StageChange


def records_for_partnership(partnership_id: int) -> QuerySet[RouteRecord]:
    """With the date of each record's latest step (`last_step_on`), so the list shows the
    records nobody has moved for a long time: close them, rather than keep them for ever."""
    return (
        RouteRecord.objects.filter(partnership_id=partnership_id)
        .annotate(last_step_on=Max("changes__on"))
        .order_by("created_at", "id")
    )


def record_with_history(*, partnership_id: int, record_id: int) -> RouteRecord:
    """One record of this partnership with everything a page shows about it, or 404."""
    record = (
        RouteRecord.objects.filter(partnership_id=partnership_id, pk=record_id)
        .select_related("partnership")
        .prefetch_related(
            Prefetch("changes", queryset=StageChange.objects.order_by("at", "id")),
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.select_related("consent_text").order_by(
                    "given_on", "id"
                ),
            ),
            "involvements",
        )
        .first()
    )
    if record is None:
        raise Http404("No such record")
    return record


def audit_trail(*, partnership_id: int, record_id: int | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, for coordinators to read."""
    events = AuditEvent.objects.filter(partnership_id=partnership_id)
    if record_id is not None:
        events = events.filter(record_id=record_id)
    return events.order_by("-at", "-id")


@dataclass(frozen=True)
class StageCounts:
    """What the route tells the board: how many people reached each stage during a period
    (each count on its own, since one person may reach several), and where people stood at
    its end (a breakdown with its total). Small numbers are suppressed."""

    start: dt.date
    end: dt.date
    entered: list[tuple[str, suppression.Figure]]
    at_end: list[tuple[str, suppression.Figure]]
    at_end_total: suppression.Figure


def stage_counts(*, partnership_id: int, start: dt.date, end: dt.date) -> StageCounts:
    """Counts by stage over [start, end], for the board report: anonymous (withdrawn and
    purged records count too, as their stages are kept) and suppressed below the threshold."""
    if end < start:
        raise ValueError("the period must end on or after its start")
    at = suppression.threshold()
    changes = StageChange.objects.filter(record__partnership_id=partnership_id)

    entered_rows = (
        changes.filter(on__gte=start, on__lte=end)
        .values("to_stage")
        .annotate(people=Count("record", distinct=True))
    )
    entered = {row["to_stage"]: row["people"] for row in entered_rows}

    # Where each record stood at the end: the stage of its latest change on or before `end`.
    latest = (
        changes.filter(record=OuterRef("record"), on__lte=end)
        .order_by("-on", "-at", "-id")
        .values("id")[:1]
    )
    standing_rows = (
        changes.filter(on__lte=end, id=Subquery(latest))
        .values("to_stage")
        .annotate(people=Count("record", distinct=True))
    )
    standing = {row["to_stage"]: row["people"] for row in standing_rows}

    stages = list(Stage)
    breakdown = suppression.row([standing.get(s, 0) for s in stages], at=at)
    return StageCounts(
        start=start,
        end=end,
        entered=[(s.label, suppression.count(entered.get(s, 0), at=at)) for s in stages],
        at_end=[(s.label, figure) for s, figure in zip(stages, breakdown.cells, strict=True)],
        at_end_total=breakdown.total,
    )
