"""The figures a board report is drafted from, for one partnership and one period, gathered
through the other apps' selectors into plain objects (house style: a report gathers its
figures; renderers never query). Small numbers arrive already suppressed (lib/suppression).

Every object here is plain data, so that a report can freeze the figures it used (next step
of issue 6: stored as JSON with the report).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q

from tiptracker.engagement.models import Engagement as EngagementRecord
from tiptracker.engagement.selectors import engagement_in_period
from tiptracker.feedback import impact as impact_chain
from tiptracker.funding.models import Allocation as AllocationRecord
from tiptracker.funding.models import Commitment as CommitmentRecord
from tiptracker.funding.selectors import funding_summary
from tiptracker.lib import suppression
from tiptracker.lib.dates import LONDON, month_end, months_after
from tiptracker.lib.levels import LEVELS
from tiptracker.lib.money import FinancialYear
from tiptracker.lib.suppression import Figure
from tiptracker.lived.selectors import StageCounts, stage_counts
from tiptracker.network.selectors import network_summary
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.plan.models import PlanChange, ProgressUpdate
from tiptracker.plan.selectors import plan_as_it_stood
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.resources.models import Resource as ResourceRecord
from tiptracker.training.coverage import coverage_by_month
from tiptracker.training.models import Booking, Completion, TrainingSession


@dataclass(frozen=True)
class LevelCoverage:
    level: int  # 1 to 4 (lib/levels.py)
    name: str  # "Trauma Informed", ...
    needed_at_start: int
    trained_at_start: int
    needed_at_end: int
    trained_at_end: int

    @property
    def percent_at_start(self) -> float | None:
        return 100 * self.trained_at_start / self.needed_at_start if self.needed_at_start else None

    @property
    def percent_at_end(self) -> float | None:
        return 100 * self.trained_at_end / self.needed_at_end if self.needed_at_end else None


@dataclass(frozen=True)
class CoverageOnDay:
    """Coverage of one level on one day of the period: a point of the trend."""

    day: dt.date
    level: int
    needed: int
    trained: int

    @property
    def percent(self) -> float | None:
        return 100 * self.trained / self.needed if self.needed else None


@dataclass(frozen=True)
class CourseAttendance:
    """Sessions of one course held in the period, and the people who attended them."""

    course: str  # its title
    level: int
    sessions: int
    attended: int
    months: list[str]  # "April 2022", ... the months its sessions were held, in order
    for_managers: bool  # a manager briefing (the course's audience or title says so)


@dataclass(frozen=True)
class ImpactRow:
    """The impact chain for one course over the period (feedback, suppressed)."""

    course: str
    level: int
    attended: Figure
    reacted: Figure | None  # None: the course runs no such survey ("not measured")
    learned: Figure | None
    changed: Figure | None


@dataclass(frozen=True)
class ActionNote:
    """The latest progress note written in the period on an action at risk or off track at
    its end: the reason the board reads for it."""

    action: str
    status: str  # "at risk", "off track"
    written_on: dt.date
    text: str


@dataclass(frozen=True)
class PlanProgress:
    """The implementation plan as it stood at the end of the period."""

    actions: int
    completed: int
    on_track: int
    at_risk: int
    off_track: int
    overdue: int
    completed_in_period: list[str]  # titles of actions completed during the period
    at_risk_titles: list[str]
    next_year: str  # "2022/23": the financial year the next steps are for
    next_priorities: list[str]  # that year's priorities, in order
    # With the four above, every action is counted (reports frozen before these were
    # counted read them as 0).
    not_started: int = 0
    cancelled: int = 0
    notes: list[ActionNote] = field(default_factory=list)


@dataclass(frozen=True)
class Commitment:
    what: str
    partner: str
    amount: Decimal


@dataclass(frozen=True)
class FundingYear:
    year: str  # "2021/22"
    allocated: Decimal
    committed: Decimal
    remaining: Decimal
    sources: list[str]  # where the allocations came from
    commitments: list[Commitment]
    purposes: list[str] = field(default_factory=list)  # what the allocations are for


@dataclass(frozen=True)
class Engagement:
    date: dt.date
    body: str
    kind: str  # its label: "Meeting", ...
    summary: str
    represented_by: str = ""  # who took part for the partnership


@dataclass(frozen=True)
class Network:
    """Champions and ambassadors in post at the end of the period."""

    champions: int
    ambassadors: int
    teams_with_ambassador: int
    teams: int


@dataclass(frozen=True)
class Briefing:
    """A briefing for board and elected members held (or planned) in the period."""

    date: dt.date
    title: str
    invited: int
    accepted: int
    attended: int  # 0 for one still to come


@dataclass(frozen=True)
class Published:
    """A resource or toolkit published (or last updated) in the period."""

    title: str
    kind: str  # its label: "Manager toolkit", ...
    on: dt.date


@dataclass(frozen=True)
class SourceCount:
    """Completions recorded in the period from one source (Completion.Source)."""

    source: str  # "attendance", "import", "claim", "manual"
    completions: int


@dataclass(frozen=True)
class PreviousReport:
    """The last report the board approved before this one's period: what it last received."""

    title: str
    reference: str
    period_start: dt.date
    period_end: dt.date
    approved_on: dt.date | None


@dataclass(frozen=True)
class ReportFigures:
    partnership: str
    council: str  # the partnership's council (an organisation of that kind), or ""
    health_board: str  # its NHS board, or ""
    start: dt.date
    end: dt.date
    coverage: list[LevelCoverage]  # one per level anyone needs; empty: no workforce data
    # Coverage of those levels on the first day, at each month end within the period and on
    # the last day, by day then level: the trend.
    coverage_trend: list[CoverageOnDay]
    attendance: list[CourseAttendance]  # courses with sessions held in the period
    impact: list[ImpactRow]  # courses with feedback in the period
    # The training the impact chain counts: from the first day of the first financial-year
    # quarter the period touches to the last day of the last (anonymous answers are dated
    # only by their quarter, so the chain cannot be cut closer than that).
    impact_start: dt.date
    impact_end: dt.date
    plan: PlanProgress | None  # None: no plan
    funding: list[FundingYear]  # the financial years the period touches, with money
    engagement: list[Engagement]  # in the period, by date
    network: Network | None  # None: nobody in the network
    # The lived-experience route's counts by stage (suppressed), over the whole financial-year
    # quarters the period touches (its own start and end say so): two reports for periods
    # that overlap count the same quarters, so their suppressed counts cannot be subtracted
    # to reveal a small number.
    lived: StageCounts
    briefings: list[Briefing]  # for board and elected members, in the period
    # Those planned after the period, as known when the figures were taken, to the end of the
    # sixth month after it (the next report's period): recommendation 2.2 asks members to
    # note the next one.
    briefings_planned: list[Briefing]
    # Figures frozen before these were gathered read as none.
    completions: list[SourceCount] = field(default_factory=list)  # in the period, by source
    resources: list[Published] = field(default_factory=list)  # published in the period
    previous_report: PreviousReport | None = None


# Gathering -------------------------------------------------------------------------------------


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
    impact, impact_start, impact_end = _impact(partnership_id, start, end)
    coverage, coverage_trend = _coverage(partnership_id, start, end)
    return ReportFigures(
        partnership=partnership.name,
        council=council,
        health_board=health_board,
        start=start,
        end=end,
        coverage=coverage,
        coverage_trend=coverage_trend,
        attendance=_attendance(partnership_id, start, end),
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
        briefings=_briefings(partnership_id, start, end),
        briefings_planned=_briefings(
            partnership_id, end + dt.timedelta(days=1), month_end(months_after(end, 6))
        ),
        completions=_completions(partnership_id, start, end),
        resources=[
            Published(title=title, kind=ResourceRecord.Kind(kind).label, on=on)
            for title, kind, on in ResourceRecord.objects.filter(
                partnership_id=partnership_id, updated_on__range=(start, end)
            )
            .order_by("updated_on", "title", "id")
            .values_list("title", "kind", "updated_on")
        ],
        previous_report=_previous_report(partnership_id, start, end),
    )


# The order completions' sources are named in: sessions first, as the board reads them.
SOURCES = ("attendance", "import", "claim", "manual")


def _completions(partnership_id: int, start: dt.date, end: dt.date) -> list[SourceCount]:
    counts = dict(
        Completion.objects.filter(partnership_id=partnership_id, completed_on__range=(start, end))
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    return [SourceCount(source, counts[source]) for source in SOURCES if counts.get(source)]


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


def trend_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days the coverage trend is taken on: the first day, each month end after it and
    before the last day, and the last day."""
    days = [start]
    day = month_end(start)
    while day < end:
        if day > start:
            days.append(day)
        day = month_end(day + dt.timedelta(days=1))
    if end > start:
        days.append(end)
    return days


def _coverage(
    partnership_id: int, start: dt.date, end: dt.date
) -> tuple[list[LevelCoverage], list[CoverageOnDay]]:
    """Coverage by level at both ends of the period and on each day of its trend, computed
    from the completions and the workforce dates in one query (coverage_by_month: the
    people are worked out once, then each day is one scan of them), for periods up to
    eight years; the rule is coverage()'s (training/coverage.py), so the start and end
    equal the dashboard's figures for those days.

    Not from the trend's derived table (CoverageSnapshot): it holds month ends only, not a
    period's first and last days, and filling the months it lacks writes to the database
    from a read and costs a query per gap, so the report's cost would depend on what the
    dashboard happened to have cached."""
    days = trend_days(start, end)
    by_day = coverage_by_month(partnership_id=partnership_id, month_ends=days)
    at_start = {row.level: row for row in by_day[start]}
    at_end = {row.level: row for row in by_day[end]}
    levels = [level for level in LEVELS if at_start[level].needed or at_end[level].needed]
    return (
        [
            LevelCoverage(
                level=level.value,
                name=level.label,
                needed_at_start=at_start[level].needed,
                trained_at_start=at_start[level].met,
                needed_at_end=at_end[level].needed,
                trained_at_end=at_end[level].met,
            )
            for level in levels
        ],
        [
            CoverageOnDay(day=day, level=row.level.value, needed=row.needed, trained=row.met)
            for day in days
            for row in by_day[day]
            if row.level in levels
        ],
    )


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as times: from the start of `start` to the start of the day after `end`,
    in the UK (a session at 23:30 on the last day is in it)."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=LONDON),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON),
    )


def _has_guests() -> Exists:
    return Exists(Booking.objects.filter(session_id=OuterRef("pk"), guest__isnull=False))


def _attendance(partnership_id: int, start: dt.date, end: dt.date) -> list[CourseAttendance]:
    """Training sessions held in the period, by course. Briefings (sessions with guests
    invited) are reported on their own, so they are left out here. `attended` counts people:
    someone at two sessions of the same course counts once."""
    begins, ends = _day_bounds(start, end)
    sessions = (
        TrainingSession.objects.filter(
            partnership_id=partnership_id, starts_at__gte=begins, starts_at__lt=ends
        )
        .exclude(status=TrainingSession.Status.CANCELLED)
        .exclude(_has_guests())
    )
    rows = list(
        sessions.order_by("starts_at", "id").values_list(
            "course_id", "course__title", "course__level", "starts_at", "audience"
        )
    )
    if not rows:
        return []
    people = dict(
        Booking.objects.filter(
            session__in=sessions,
            staff__isnull=False,
            status=Booking.Status.BOOKED,
            attendance=Booking.Attendance.ATTENDED,
        )
        .order_by()
        .values("session__course_id")
        .annotate(people=Count("staff_id", distinct=True))
        .values_list("session__course_id", "people")
    )
    by_course: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_course[row[0]].append(row)
    found = []
    for course_id, course_rows in by_course.items():
        _id, title, level, _starts, _audience = course_rows[0]
        months = list(
            dict.fromkeys(f"{starts.astimezone(LONDON):%B %Y}" for *_, starts, _a in course_rows)
        )
        audiences = [audience.lower() for *_, audience in course_rows]
        found.append(
            CourseAttendance(
                course=title,
                level=level,
                sessions=len(course_rows),
                attended=people.get(course_id, 0),
                months=months,
                for_managers="manager" in title.lower()
                or all("manager" in audience for audience in audiences),
            )
        )
    # The order the sessions began in: the report tells the period's story in time.
    return found


def _impact(
    partnership_id: int, start: dt.date, end: dt.date
) -> tuple[list[ImpactRow], dt.date, dt.date]:
    """Each course's impact chain (attended, reacted, learned, changed) for the training in
    the financial-year quarters the period touches, suppressed as the impact page suppresses
    a course's chain (feedback/impact.py): the chain's steps and drop-offs add up, so they
    are suppressed together. Courses with no survey response then are left out."""
    at = suppression.threshold()
    first = impact_chain.Period.of(start)
    last = impact_chain.Period.of(end)
    window_start, window_end = first.starts_on, last.ends_before - dt.timedelta(days=1)

    def in_window(period: impact_chain.Period) -> bool:
        # A year's row (answers dated only by their financial year) counts when the whole
        # year lies within the window, which it can only do for a long period.
        return window_start <= period.starts_on and period.ends_before <= last.ends_before

    counts = impact_chain.chain_counts(
        partnership_id,
        at=at,
        years=(
            FinancialYear.containing(window_start).starts_on,
            FinancialYear.containing(window_end).ends_on,
        ),
    )
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for (course_id, period), people in counts.attended.items():
        if in_window(period):
            totals[(course_id, impact_chain.ATTENDED)] += people
    for (course_id, step, period), responses in counts.answered.items():
        if in_window(period):
            totals[(course_id, step)] += responses

    values: dict[Hashable, int] = {}
    sums: set[frozenset[Hashable]] = set()
    shown_courses = [
        course
        for course in counts.courses
        if any(totals.get((course[0], step), 0) for step in impact_chain.SURVEY_STEPS)
    ]
    for course_id, _code, _title, _level in shown_courses:
        steps = [
            impact_chain.ATTENDED,
            *[s for s in impact_chain.SURVEY_STEPS if s in counts.measured[course_id]],
        ]
        for step in steps:
            values[("course", course_id, step)] = totals.get((course_id, step), 0)
        for before, step in zip(steps, steps[1:], strict=False):
            reached, previous = (
                values[("course", course_id, step)],
                values[("course", course_id, before)],
            )
            if reached <= previous:
                values[("drop", course_id, step)] = previous - reached
                sums.add(
                    frozenset(
                        {
                            ("course", course_id, before),
                            ("course", course_id, step),
                            ("drop", course_id, step),
                        }
                    )
                )
    # Anonymous answers come from released cells (feedback/release.py): rounded counts.
    shown = suppression.linked(values, sums, at=at, rounded=counts.rounded_chain())

    rows = []
    for course in shown_courses:
        chain = impact_chain.course_chain(course, counts.measured[course[0]], shown, at)
        by_step = {s.step: s.people for s in chain.steps}
        attended = by_step[impact_chain.ATTENDED]
        assert attended is not None  # attending is always measured
        rows.append(
            ImpactRow(
                course=chain.title,
                level=chain.level.value,
                attended=attended,
                reacted=by_step[impact_chain.REACTED],
                learned=by_step[impact_chain.LEARNED],
                changed=by_step[impact_chain.CHANGED],
            )
        )
    return rows, window_start, window_end


def _plan(partnership_id: int, start: dt.date, end: dt.date) -> PlanProgress | None:
    """The plan as it stood at the end of the day `end` (rebuilt from its history, so later
    edits do not change a past period), and the actions completed during the period."""
    past = plan_as_it_stood(partnership_id, end)
    states = [action.state for _phase, actions in past.phases for action in actions]
    if not states and not past.priorities:
        return None
    begins, ends = _day_bounds(start, end)
    complete = "Complete"  # Action.Status.COMPLETE's label, as the history records it
    completed_in_period: dict[int, str] = {}
    for entity_id, title, changes in (
        PlanChange.objects.filter(
            partnership_id=partnership_id,
            entity=PlanChange.Entity.ACTION,
            at__gte=begins,
            at__lt=ends,
        )
        .order_by("at", "id")
        .values_list("entity_id", "title", "changes")
    ):
        if any(label == "Status" and after == complete for label, _before, after in changes):
            completed_in_period.setdefault(entity_id, title)
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


def _briefings(partnership_id: int, start: dt.date, end: dt.date) -> list[Briefing]:
    """Sessions starting in the period to which guests (board and elected members) were
    invited, with their invitations counted as the briefings list counts them
    (training.selectors.briefings_for): invited (live invitations), accepted (a place or the
    waiting list) and attended (in full), in one query."""
    begins, ends = _day_bounds(start, end)
    guest = Q(bookings__guest__isnull=False)
    found = (
        TrainingSession.objects.filter(
            _has_guests(), partnership_id=partnership_id, starts_at__gte=begins, starts_at__lt=ends
        )
        .exclude(status=TrainingSession.Status.CANCELLED)
        .order_by("starts_at", "id")
        .annotate(
            invited=Count("bookings", filter=guest & ~Q(bookings__status=Booking.Status.CANCELLED)),
            accepted=Count(
                "bookings",
                filter=guest
                & Q(bookings__status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED]),
            ),
            attended=Count(
                "bookings",
                filter=guest
                & Q(
                    bookings__status=Booking.Status.BOOKED,
                    bookings__attendance=Booking.Attendance.ATTENDED,
                ),
            ),
        )
        .values_list("starts_at", "course__title", "invited", "accepted", "attended")
    )
    return [
        Briefing(
            date=starts_at.astimezone(LONDON).date(),
            title=title,
            invited=invited,
            accepted=accepted,
            attended=attended,
        )
        for starts_at, title, invited, accepted, attended in found
    ]
