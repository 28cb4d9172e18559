"""Gathering the board report's training figures: sessions held and who attended them,
completions by source, coverage by level (at both ends and as a trend), the impact chain of
the training's feedback, and briefings for board and elected members. Each is one or a few
aggregates, never a query per person; report_figures (gather.py) puts them together.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable

from django.db.models import Count, Exists, OuterRef, Q

from tiptracker.feedback import impact as impact_chain
from tiptracker.lib import suppression
from tiptracker.lib.dates import LONDON, month_end
from tiptracker.lib.levels import LEVELS
from tiptracker.lib.money import FinancialYear
from tiptracker.reporting.figures import (
    Briefing,
    CourseAttendance,
    CoverageOnDay,
    ImpactRow,
    LevelCoverage,
    SourceCount,
)
from tiptracker.training.coverage import coverage_by_month
from tiptracker.training.models import Booking, Completion, TrainingSession

# The order completions' sources are named in: sessions first, as the board reads them.
SOURCES = ("attendance", "import", "claim", "manual")


def completions(partnership_id: int, start: dt.date, end: dt.date) -> list[SourceCount]:
    counts = dict(
        Completion.objects.filter(partnership_id=partnership_id, completed_on__range=(start, end))
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    return [SourceCount(source, counts[source]) for source in SOURCES if counts.get(source)]


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


def coverage(
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


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as times: from the start of `start` to the start of the day after `end`,
    in the UK (a session at 23:30 on the last day is in it)."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=LONDON),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON),
    )


def _has_guests() -> Exists:
    return Exists(Booking.objects.filter(session_id=OuterRef("pk"), guest__isnull=False))


def attendance(partnership_id: int, start: dt.date, end: dt.date) -> list[CourseAttendance]:
    """Training sessions held in the period, by course. Briefings (sessions with guests
    invited) are reported on their own, so they are left out here. `attended` counts people:
    someone at two sessions of the same course counts once."""
    begins, ends = day_bounds(start, end)
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


def impact(
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


def briefings(partnership_id: int, start: dt.date, end: dt.date) -> list[Briefing]:
    """Sessions starting in the period to which guests (board and elected members) were
    invited, with their invitations counted as the briefings list counts them
    (training.selectors.briefings_for): invited (live invitations), accepted (a place or the
    waiting list) and attended (in full), in one query."""
    begins, ends = day_bounds(start, end)
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
