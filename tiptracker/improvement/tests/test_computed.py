"""Measures worked out from TIP Tracker's own records for a project's teams: coverage at a
level at each month end (equal to the coverage rule asked directly), people who attended
training in each month, trauma ambassadors in post; worked out again when the records change."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.improvement.computed import month_ends_of, refresh_due
from tiptracker.improvement.models import MeasureValue, ProjectMember
from tiptracker.improvement.selectors import chart_of
from tiptracker.improvement.services import measure_create
from tiptracker.improvement.tests.factories import ProjectFactory
from tiptracker.lib.levels import Level
from tiptracker.network.models import NetworkMember
from tiptracker.training.completions import completion_record
from tiptracker.training.coverage import coverage, percent
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    BookingFactory,
    CompletionFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


@pytest.fixture
def setting(partnership, member):
    """A project of one team (12 people) started six months ago; another team outside it."""
    team = TeamFactory(
        partnership=partnership, name="Duty and Assessment", required_level=Level.SKILLED
    )
    outside = TeamFactory(partnership=partnership, name="Outside")
    starts = (TODAY.replace(day=1) - dt.timedelta(days=170)).replace(day=1)
    project = ProjectFactory(partnership=partnership, starts_on=starts)
    project.teams.create(partnership=partnership, team=team)
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    people = StaffMemberFactory.create_batch(12, team=team)
    StaffMemberFactory.create_batch(5, team=outside)
    return project, team, outside, people


def computed(project, source, **extra):
    return measure_create(
        actor=None,
        project=project,
        title=f"Computed {source}",
        kind="process",
        definition="Worked out by TIP Tracker",
        unit="count",
        frequency="monthly",
        improvement="up",
        target=None,
        chart="run",
        rules="ihi",
        baseline_points=None,
        source=source,
        **extra,
    )


def test_coverage_at_each_month_end_equals_the_rule_asked_directly(partnership, setting):
    project, team, outside, people = setting
    skilled = CourseFactory(partnership=partnership, level=Level.SKILLED)
    ends = month_ends_of(project, on=TODAY)
    # One more person trained each month, from the baseline's start; the other team too.
    for i, person in enumerate(people):
        CompletionFactory(
            staff=person,
            course=skilled,
            completed_on=ends[min(i, len(ends) - 1)] - dt.timedelta(days=3),
        )
    CompletionFactory(staff=StaffMemberFactory(team=outside), course=skilled, completed_on=ends[0])
    measure = computed(project, "coverage", level=Level.SKILLED)
    assert measure.unit == "percentage" and measure.frequency == "monthly"
    assert len(ends) == 18  # the year before the start, and the six months since
    stored = dict(measure.values.values_list("on", "value"))
    assert list(stored) == ends
    for day in ends:
        direct = coverage(
            partnership_id=partnership.pk,
            partnership_slug=partnership.slug,
            as_of=day,
            team_ids=[team.pk],
        )
        row = next(r for r in direct.totals if r.level == Level.SKILLED)
        assert stored[day] == percent(row.met, row.needed), day


def test_a_new_completion_makes_the_measure_due_and_the_page_shows_it(
    login, member, partnership, setting
):
    project, team, outside, people = setting
    skilled = CourseFactory(partnership=partnership, level=Level.SKILLED)
    measure = computed(project, "coverage", level=Level.SKILLED)
    last = month_ends_of(project, on=TODAY)[-1]
    assert measure.values.get(on=last).value == 0
    completion_record(staff=people[0], course=skilled, on=last - dt.timedelta(days=1))
    measure.refresh_from_db()
    assert measure.refreshed_at is None  # training said coverage changed
    page = login(member).get(url(partnership, f"measures/{measure.pk}/")).content.decode()
    assert measure.values.get(on=last).value == percent(1, 12)
    assert "worked out again when the records change" in page
    assert "Add or correct a value" not in page and "Import values" not in page


def test_people_who_attended_in_each_month_from_the_project_s_teams(partnership, setting):
    project, team, outside, people = setting
    ends = month_ends_of(project, on=TODAY)
    day = ends[-2]
    session = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        starts_at=timezone.make_aware(dt.datetime(day.year, day.month, 10, 10)),
    )
    for person in people[:3]:
        BookingFactory(session=session, staff=person, attendance=Booking.Attendance.ATTENDED)
    BookingFactory(session=session, staff=people[3], attendance=Booking.Attendance.NO_SHOW)
    BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=outside),
        attendance=Booking.Attendance.ATTENDED,
    )
    measure = computed(project, "attended")
    stored = dict(measure.values.values_list("on", "value"))
    assert stored[day] == 3 and stored[ends[-1]] == 0 and measure.unit == "count"


def test_ambassadors_in_post_at_each_month_end(partnership, setting):
    project, team, outside, people = setting
    ends = month_ends_of(project, on=TODAY)
    NetworkMember.objects.create(
        partnership=partnership,
        kind="ambassador",
        name="A",
        organisation=team.organisation,
        team=team,
        from_date=ends[2],
    )
    NetworkMember.objects.create(
        partnership=partnership,
        kind="ambassador",
        name="B",
        organisation=team.organisation,
        team=team,
        from_date=ends[0],
        to_date=ends[5] - dt.timedelta(days=1),
    )
    NetworkMember.objects.create(
        partnership=partnership,
        kind="ambassador",
        name="C",
        organisation=outside.organisation,
        team=outside,
        from_date=ends[0],
    )
    measure = computed(project, "ambassadors")
    stored = dict(measure.values.values_list("on", "value"))
    assert [stored[d] for d in ends[:7]] == [1, 1, 2, 2, 2, 1, 1]


def test_a_new_centre_line_survives_the_values_being_worked_out_again(partnership, setting):
    project, team, outside, people = setting
    measure = computed(project, "coverage", level=Level.SKILLED)
    ends = month_ends_of(project, on=TODAY)
    MeasureValue.objects.filter(measure=measure, on=ends[12]).update(rebase=True, note="Adopted")
    measure.refreshed_at = None
    refresh_due([measure])
    kept = measure.values.get(on=ends[12])
    assert kept.rebase and kept.note == "Adopted"
    assert len(chart_of(measure).segments) == 2


def test_values_of_a_computed_measure_cannot_be_entered(login, member, partnership, setting):
    project = setting[0]
    measure = computed(project, "coverage", level=Level.SKILLED)
    response = login(member).post(
        url(partnership, f"measures/{measure.pk}/"),
        {"on_0": "1", "on_1": "1", "on_2": "2022", "value": "50"},
    )
    assert "worked out from TIP Tracker" in response.content.decode()
    assert not measure.values.filter(on=dt.date(2022, 1, 1)).exists()


def test_a_coverage_measure_needs_its_level(login, member, partnership, setting):
    project = setting[0]
    response = login(member).post(
        url(partnership, f"{project.pk}/measures/new/"),
        {
            "source": "coverage",
            "title": "Skilled (%)",
            "kind": "process",
            "definition": "d",
            "unit": "count",
            "frequency": "monthly",
            "improvement": "up",
            "chart": "run",
            "rules": "ihi",
        },
    )
    assert "Choose the framework level the coverage is of" in response.content.decode()
