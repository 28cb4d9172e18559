"""Gathering a board report's figures (report_figures): for one partnership and one period,
through the other apps' selectors, into the plain objects of figures.py. The training's
figures are gathered in gather_training.py; the partnership's organisations, the board's
previous report, the plan, funding, the network and the improvement programme here.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Max, Q

from tiptracker.engagement.models import Engagement as EngagementRecord
from tiptracker.engagement.selectors import engagement_in_period
from tiptracker.funding.models import Allocation as AllocationRecord
from tiptracker.funding.models import Commitment as CommitmentRecord
from tiptracker.funding.selectors import funding_summary
from tiptracker.improvement.period import programme_in_period
from tiptracker.lib.dates import LONDON, month_end, months_after
from tiptracker.lib.money import FinancialYear
from tiptracker.lived.selectors import stage_counts
from tiptracker.network.selectors import coaching_summary, network_summary
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.plan.models import Action, PlanChange, ProgressUpdate
from tiptracker.plan.selectors import plan_as_it_stood
from tiptracker.reporting import gather_training
from tiptracker.reporting.figures import (
    ActionNote,
    ChartNote,
    Coaching,
    CoachingOrganisation,
    Commitment,
    Engagement,
    FundingYear,
    HeadlineMeasure,
    ImprovementProject,
    Network,
    PlanProgress,
    PreviousReport,
    Published,
    ReportFigures,
)
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.resources.models import Resource as ResourceRecord


def report_figures(*, partnership_id: int, start: dt.date, end: dt.date) -> ReportFigures:
    """Every figure of the board report for the period from `start` to `end` (both included),
    through the other apps' selectors. A fixed number of queries whatever the size of the
    partnership: each part is one or a few aggregates, never a query per person."""
    if end < start:
        raise ValueError(
            f"The period cannot end ({end:%-d %B %Y}) before it starts ({start:%-d %B %Y})."
        )
    partnership = Partnership.objects.get(pk=partnership_id)
    council, health_board = _council_and_health_board(partnership_id)
    impact, impact_start, impact_end = gather_training.impact(partnership_id, start, end)
    coverage, coverage_trend = gather_training.coverage(partnership_id, start, end)
    return ReportFigures(
        partnership=partnership.name,
        council=council,
        health_board=health_board,
        start=start,
        end=end,
        coverage=coverage,
        coverage_trend=coverage_trend,
        attendance=gather_training.attendance(partnership_id, start, end),
        impact=impact,
        impact_start=impact_start,
        impact_end=impact_end,
        plan=_plan(partnership_id, start, end),
        funding=_funding(partnership_id, start, end),
        engagement=[
            Engagement(
                date=e.date,
                body=e.body,
                kind=EngagementRecord.Kind(e.kind).label,
                summary=e.summary,
                represented_by=e.represented_by,
            )
            for e in engagement_in_period(partnership_id, start, end)
        ],
        network=_network(partnership_id, start, end),
        lived=stage_counts(partnership_id=partnership_id, start=impact_start, end=impact_end),
        briefings=gather_training.briefings(partnership_id, start, end),
        briefings_planned=gather_training.briefings(
            partnership_id, end + dt.timedelta(days=1), month_end(months_after(end, 6))
        ),
        completions=gather_training.completions(partnership_id, start, end),
        resources=[
            Published(title=title, kind=ResourceRecord.Kind(kind).label, on=on)
            for title, kind, on in ResourceRecord.objects.filter(
                partnership_id=partnership_id, updated_on__range=(start, end)
            )
            .order_by("updated_on", "title", "id")
            .values_list("title", "kind", "updated_on")
        ],
        previous_report=_previous_report(partnership_id, start, end),
        improvement=_improvement(partnership_id, start, end),
        coaching=_coaching(partnership_id, start, end),
    )


def _previous_report(partnership_id: int, start: dt.date, end: dt.date) -> PreviousReport | None:
    """The latest report approved for a period before this one (it started earlier and
    ended before this one ends), with the day it was approved."""
    found = (
        Report.objects.filter(
            partnership_id=partnership_id,
            state=Report.State.APPROVED,
            period_start__lt=start,
            period_end__lt=end,
        )
        .order_by("-period_end", "-id")
        .annotate(
            approved_at=Max("events__at", filter=Q(events__action=ReportEvent.Action.APPROVED))
        )
        .values_list("title", "reference", "period_start", "period_end", "approved_at")
        .first()
    )
    if found is None:
        return None
    title, reference, period_start, period_end, approved_at = found
    return PreviousReport(
        title=title,
        reference=reference,
        period_start=period_start,
        period_end=period_end,
        approved_on=approved_at.astimezone(LONDON).date() if approved_at else None,
    )


def _council_and_health_board(partnership_id: int) -> tuple[str, str]:
    """The first (by name) organisation of each kind: a partnership has one council and one
    NHS board in practice, and the board's Directions table names them."""
    names: dict[str, str] = {}
    for kind, name in (
        Organisation.objects.filter(
            partnership_id=partnership_id,
            kind__in=[Organisation.Kind.COUNCIL, Organisation.Kind.NHS_BOARD],
        )
        .order_by("name", "id")
        .values_list("kind", "name")
    ):
        names.setdefault(kind, name)
    return names.get(Organisation.Kind.COUNCIL, ""), names.get(Organisation.Kind.NHS_BOARD, "")


def _plan(partnership_id: int, start: dt.date, end: dt.date) -> PlanProgress | None:
    """The plan as it stood at the end of the day `end` (rebuilt from its history, so later
    edits do not change a past period), and the actions completed during the period."""
    past = plan_as_it_stood(partnership_id, end)
    states = [action.state for _phase, actions in past.phases for action in actions]
    if not states and not past.priorities:
        return None
    begins, ends = gather_training.day_bounds(start, end)
    # Completed in the period: a change in it that left the action complete when it was not
    # before. Read from the states the history keeps (codes), never from the labels it shows.
    completed_in_period: dict[int, str] = {}
    status_before: dict[int, str | None] = {}
    for entity_id, title, verb, state, at in (
        PlanChange.objects.filter(
            partnership_id=partnership_id, entity=PlanChange.Entity.ACTION, at__lt=ends
        )
        .order_by("at", "id")
        .values_list("entity_id", "title", "verb", "state", "at")
    ):
        if verb == PlanChange.Verb.DELETED:
            status_before[entity_id] = None
            continue
        status = state.get("status")
        if (
            at >= begins
            and status == Action.Status.COMPLETE
            and status_before.get(entity_id) != Action.Status.COMPLETE
        ):
            completed_in_period.setdefault(entity_id, title)
        status_before[entity_id] = status
    still_there = {action.entity_id for _phase, actions in past.phases for action in actions}
    is_open = [s for s in states if s["status"] not in ("complete", "cancelled")]
    # The next steps are for the financial year after the period: the one containing the day
    # after `end`. A period ending on 30 June 2022 looks to 2022/23 (the rest of the current
    # year, as the board reads "the current financial year"); one ending on 31 March 2023
    # looks to 2023/24.
    next_year = str(FinancialYear.containing(end + dt.timedelta(days=1)))
    return PlanProgress(
        actions=len(states),
        completed=sum(s["status"] == "complete" for s in states),
        on_track=sum(s["status"] == "on_track" for s in states),
        at_risk=sum(s["status"] == "at_risk" for s in states),
        off_track=sum(s["status"] == "off_track" for s in states),
        not_started=sum(s["status"] == "not_started" for s in states),
        cancelled=sum(s["status"] == "cancelled" for s in states),
        overdue=sum(bool(s["due_date"]) and s["due_date"] < end.isoformat() for s in is_open),
        # Those deleted by the end of the period are left out, as the plan then left them.
        completed_in_period=[
            title for entity_id, title in completed_in_period.items() if entity_id in still_there
        ],
        at_risk_titles=[s["title"] for s in states if s["status"] == "at_risk"],
        notes=_notes(past, start, end),
        next_year=next_year,
        next_priorities=[
            p.state["title"]
            for p in sorted(past.priorities, key=lambda p: p.state["number"])
            if p.state["financial_year"] == next_year
        ],
    )


def _notes(past, start: dt.date, end: dt.date) -> list[ActionNote]:  # type: ignore[no-untyped-def]
    """For each action at risk or off track at the end of the period (in the plan's order),
    the latest progress note written in the period."""
    troubled = {
        action.entity_id: action.state
        for _phase, actions in past.phases
        for action in actions
        if action.state["status"] in ("at_risk", "off_track")
    }
    latest: dict[int, tuple[dt.date, str]] = {}
    for action_id, written_on, text in (
        ProgressUpdate.objects.filter(action_id__in=troubled, written_on__range=(start, end))
        .order_by("action_id", "-written_on", "-id")
        .values_list("action_id", "written_on", "text")
    ):
        latest.setdefault(action_id, (written_on, text))
    return [
        ActionNote(
            action=state["title"],
            status=state["status"].replace("_", " "),
            written_on=latest[entity_id][0],
            text=" ".join(latest[entity_id][1].split()),
        )
        for entity_id, state in troubled.items()
        if entity_id in latest
    ]


def _funding(partnership_id: int, start: dt.date, end: dt.date) -> list[FundingYear]:
    """The financial years overlapping the period that have an allocation or a commitment."""
    years = [
        year
        for year in funding_summary(partnership_id, start=start, end=end)
        if year.allocation_count or year.commitment_count
    ]
    if not years:
        return []
    names = [year.financial_year for year in years]
    sources: dict[str, list[str]] = defaultdict(list)
    purposes: dict[str, list[str]] = defaultdict(list)
    for year, source, purpose in (
        AllocationRecord.objects.filter(partnership_id=partnership_id, financial_year__in=names)
        .order_by("financial_year", "source", "id")
        .values_list("financial_year", "source", "purpose")
    ):
        if source not in sources[year]:
            sources[year].append(source)
        purpose = " ".join(purpose.split())
        if purpose and purpose not in purposes[year]:
            purposes[year].append(purpose)
    commitments: dict[str, list[Commitment]] = defaultdict(list)
    for year, what, partner, amount in (
        CommitmentRecord.objects.filter(partnership_id=partnership_id, financial_year__in=names)
        .order_by("financial_year", "starts_on", "id")
        .values_list("financial_year", "what", "partner", "amount")
    ):
        commitments[year].append(Commitment(what=what, partner=partner, amount=amount))
    return [
        FundingYear(
            year=year.financial_year,
            allocated=year.allocated,
            committed=year.committed,
            remaining=year.remaining,
            sources=sources[year.financial_year],
            commitments=commitments[year.financial_year],
            purposes=purposes[year.financial_year],
        )
        for year in years
    ]


def _network(partnership_id: int, start: dt.date, end: dt.date) -> Network | None:
    summary = network_summary(partnership_id, on=end, since=start)
    if not summary.champions and not summary.ambassadors:
        return None
    return Network(
        champions=summary.champions,
        ambassadors=summary.ambassadors,
        teams_with_ambassador=summary.teams_covered,
        teams=summary.teams,
    )


def _coaching(partnership_id: int, start: dt.date, end: dt.date) -> Coaching | None:
    found = coaching_summary(partnership_id, since=start, on=end)
    if not found.groups:
        return None
    return Coaching(
        coaching_pairs=found.coaching_pairs,
        mentoring_pairs=found.mentoring_pairs,
        peer_networks=found.peer_networks,
        meetings=found.meetings,
        people=found.people,
        by_organisation=[
            CoachingOrganisation(
                organisation=row.organisation,
                groups=row.groups,
                meetings=row.meetings,
                people=row.people,
            )
            for row in found.by_organisation
        ],
    )


def _improvement(partnership_id: int, start: dt.date, end: dt.date) -> list[ImprovementProject]:
    """The improvement projects active in the period, each headline measure with every value
    up to the period's end (improvement.period), so that a frozen report keeps its chart."""
    found = []
    for project in programme_in_period(
        partnership_id=partnership_id, start=start, end=end
    ).projects:
        measure = project.headline
        found.append(
            ImprovementProject(
                title=project.title,
                stage=project.stage,
                cycles=project.cycles,
                adopted=project.adopted,
                headline=None
                if measure is None
                else HeadlineMeasure(
                    title=measure.title,
                    unit=measure.unit,
                    unit_label=measure.unit_label,
                    chart=measure.chart,
                    rules=measure.rules,
                    improvement=measure.improvement,
                    baseline=measure.baseline,
                    target=measure.target,
                    values=measure.values,
                    notes=[ChartNote(on=on, text=text) for on, text in measure.notes],
                ),
            )
        )
    return found
