"""Measures computed from TIP Tracker's own records for the teams taking part in a project:
coverage at a framework level at each month end (training's coverage rule, in SQL, once for
every month), the people who attended training sessions in each month, the trauma
ambassadors in post at each month end, and the share of people answering the follow-up
survey who report a change to their practice, each quarter.

The values are kept as the measure's values (so that the chart, its table, its downloads and
its new centre lines work as for any measure) and worked out again when they are due: when
training's coverage changed (training.signals.coverage_changed marks the partnership's
computed measures due), on a new day (a new month or quarter end, a new ambassador, the
follow-up answers given since), and when the measure is created or edited. A date's rebase
and note survive a refresh, except a practice-change quarter that falls below the
small-number threshold: that value goes whatever marks it.
"""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tiptracker.feedback.selectors import practice_changes_by_quarter
from tiptracker.improvement.models import Measure, MeasureValue, Project
from tiptracker.lib.dates import month_end, months_after, today
from tiptracker.lib.suppression import rate, threshold
from tiptracker.network.models import NetworkMember
from tiptracker.training.coverage import coverage_by_month, percent
from tiptracker.training.models import Booking
from tiptracker.workforce.models import Team

# At most this many month ends: five years.
MONTHS_MAX = 60
# With no start date, this many months back; with one, the year before it as a baseline.
MONTHS_WITHOUT_START = 24
BASELINE_MONTHS = 12


def month_ends_of(project: Project, *, on: dt.date) -> list[dt.date]:
    """The month ends a computed measure has a value for: from a year before the project
    started (its baseline) to the last month end before `on`."""
    last = on.replace(day=1) - dt.timedelta(days=1)
    if project.starts_on:
        first = month_end(months_after(project.starts_on, -BASELINE_MONTHS))
    else:
        first = month_end(months_after(last, -(MONTHS_WITHOUT_START - 1)))
    ends: list[dt.date] = []
    cursor = last
    while cursor >= first and len(ends) < MONTHS_MAX:
        ends.append(cursor)
        cursor = cursor.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def quarter_ends_of(project: Project, *, on: dt.date) -> list[dt.date]:
    """The quarter ends (30 June, 30 September, 31 December, 31 March: the feedback app's
    financial-year quarters end on them too) among month_ends_of(project, on=on)."""
    return [day for day in month_ends_of(project, on=on) if day.month % 3 == 0]


def team_ids_of(project: Project) -> list[int] | None:
    """The project's teams; with none, every team of its organisations; with neither, the
    whole partnership (None)."""
    teams = list(project.teams.values_list("team_id", flat=True))
    if teams:
        return teams
    organisations = list(project.organisations.values_list("organisation_id", flat=True))
    if organisations:
        return list(
            Team.objects.filter(organisation_id__in=organisations).values_list("id", flat=True)
        )
    return None


def computed_values(measure: Measure, *, on: dt.date) -> dict[dt.date, float]:
    project = measure.project
    ends = month_ends_of(project, on=on)
    if not ends:
        return {}
    teams = team_ids_of(project)
    if measure.source == Measure.Source.COVERAGE:
        rows = coverage_by_month(
            partnership_id=measure.partnership_id, month_ends=ends, team_ids=teams
        )
        found = {}
        for day, figures in rows.items():
            row = next(r for r in figures if r.level == measure.level)
            share = percent(row.met, row.needed)
            if share is not None:
                found[day] = share
        return found
    if measure.source == Measure.Source.ATTENDED:
        bookings = Booking.objects.filter(
            session__partnership_id=measure.partnership_id,
            attendance=Booking.Attendance.ATTENDED,
            staff__isnull=False,
            session__starts_at__date__gt=ends[0].replace(day=1) - dt.timedelta(days=1),
            session__starts_at__date__lte=ends[-1],
        )
        if teams is not None:
            bookings = bookings.filter(staff__team_id__in=teams)
        counts: Counter = Counter()
        for start, staff_id in bookings.values_list("session__starts_at", "staff_id").distinct():
            local = timezone.localtime(start).date()
            counts[(month_end(local), staff_id)] = 1
        per_month = Counter(day for day, _ in counts)
        return {day: float(per_month.get(day, 0)) for day in ends}
    if measure.source == Measure.Source.AMBASSADORS:
        ambassadors = NetworkMember.objects.filter(
            partnership_id=measure.partnership_id,
            kind=NetworkMember.Kind.AMBASSADOR,
            from_date__lte=ends[-1],
        ).filter(Q(to_date__isnull=True) | Q(to_date__gte=ends[0]))
        if teams is not None:
            ambassadors = ambassadors.filter(team_id__in=teams)
        spans = list(ambassadors.values_list("from_date", "to_date"))
        return {
            day: float(
                sum(1 for start, end in spans if start <= day and (end is None or end >= day))
            )
            for day in ends
        }
    if measure.source == Measure.Source.PRACTICE:
        return _practice_change_rates(measure, teams, on=on)
    return {}


def _practice_change_rates(
    measure: Measure, teams: list[int] | None, *, on: dt.date
) -> dict[dt.date, float]:
    """Each quarter's share (%) of the people in `teams` answering the follow-up question
    about their practice who chose its change answer, for the quarters the small-numbers
    rule lets show (lib/suppression.rate: at least the threshold answered, and at least the
    threshold reported a change). Any other quarter has no value at all: a stored rate from
    a handful of people would be as telling as their answers."""
    quarters = quarter_ends_of(measure.project, on=on)
    if not quarters:
        return {}
    found = practice_changes_by_quarter(
        measure.partnership_id,
        team_ids=teams,
        since=months_after(quarters[0], -2).replace(day=1),
        until=quarters[-1],
    )
    at = threshold()
    shown: dict[dt.date, float] = {}
    for day in quarters:
        figures = found.get(day)
        if figures is None or rate(figures.changed, figures.answered, at=at).suppressed:
            continue
        share = percent(figures.changed, figures.answered)
        if share is not None:
            shown[day] = share
    return shown


def quarters_not_shown(measure: Measure, *, on: dt.date | None = None) -> list[dt.date]:
    """A practice-change measure's quarter ends that have no value: too few answered (none
    included, so that the list does not tell a quiet quarter from one with a few answers),
    or too few reported a change. What the measure's page lists under its chart."""
    if measure.source != Measure.Source.PRACTICE:
        return []
    held = set(measure.values.values_list("on", flat=True))
    return [day for day in quarter_ends_of(measure.project, on=on or today()) if day not in held]


@transaction.atomic
def measure_refresh(*, measure: Measure, on: dt.date | None = None) -> None:
    """Work the computed measure's values out again: new month ends added, changed values
    updated, each date's rebase and note kept. Plain rows, not the edit history: nobody
    edited them."""
    if not measure.computed:
        return
    # One refresh at a time per measure: two first page views of the month would both add it.
    Measure.objects.select_for_update().filter(pk=measure.pk).first()
    fresh = computed_values(measure, on=on or today())
    held = {v.on: v for v in MeasureValue.objects.select_for_update().filter(measure=measure)}
    changed = []
    for day, value in fresh.items():
        stored = held.get(day)
        if stored is not None and stored.value != value:
            stored.value = value
            changed.append(stored)
    MeasureValue.objects.bulk_update(changed, ["value", "updated_at"])
    MeasureValue.objects.bulk_create(
        (
            MeasureValue(
                partnership_id=measure.partnership_id, measure=measure, on=day, value=value
            )
            for day, value in fresh.items()
            if day not in held
        ),
        ignore_conflicts=True,
    )
    # A date no longer computed (nobody in the teams needed the level) goes, unless someone
    # marked it (a new centre line, a note). A practice-change quarter goes even then: it is
    # no longer computed because too few people are behind it now (someone moved team).
    marks_keep = measure.source != Measure.Source.PRACTICE
    gone = [
        v.pk
        for day, v in held.items()
        if day not in fresh and not (marks_keep and (v.rebase or v.note))
    ]
    MeasureValue.objects.filter(pk__in=gone).delete()
    Measure.objects.filter(pk=measure.pk).update(refreshed_at=timezone.now())
    measure.refreshed_at = timezone.now()


def due(measure: Measure) -> bool:
    """Marked due (its records changed), or last worked out on an earlier day: a new month or
    quarter end shows from the first page of its first day, not a day after the last
    refresh. Follow-up answers are given on the day they are recorded, so a quarter's figures
    are complete when it ends: a daily refresh misses none of them (feedback sends no signal)."""
    if not measure.computed:
        return False
    if measure.refreshed_at is None:
        return True
    return timezone.localtime(measure.refreshed_at).date() < today()


def refresh_due(measures: list[Measure]) -> None:
    """Refresh the computed measures among `measures` that are due (a page about to show
    them): none, usually."""
    for measure in measures:
        if due(measure):
            measure_refresh(measure=measure)


def computed_measures_mark_due(*, partnership_id: int) -> int:
    """Training's coverage changed: the partnership's computed measures are due."""
    return (
        Measure.objects.filter(partnership_id=partnership_id)
        .exclude(source=Measure.Source.ENTERED)
        .update(refreshed_at=None)
    )
