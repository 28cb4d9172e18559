"""The follow-up practice-change rate as a computed measure: each quarter, the share of the
people in the project's teams who answered the follow-up question about their practice and
chose its change answer ("Yes"); named answers only; a quarter with too few people behind it
has no value at all. The figures below are worked out by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.feedback.models import Timepoint
from tiptracker.feedback.services import survey_create
from tiptracker.feedback.starter import PRACTICE, STARTER
from tiptracker.feedback.tests.factories import answered
from tiptracker.improvement.computed import quarter_ends_of, refresh_due
from tiptracker.improvement.models import Measure, ProjectMember
from tiptracker.improvement.services import measure_create
from tiptracker.improvement.tests.factories import ProjectFactory
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
SPEC = next(spec for spec in STARTER if spec[0] == PRACTICE)


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


def practice_survey(partnership, *, anonymous: bool, name: str):
    """The starter follow-up survey (its first question: "have you changed anything about
    how you work?", change answer "Yes"), named or anonymous."""
    _, purpose, _, introduction, questions = SPEC
    return survey_create(
        actor=None,
        partnership_id=partnership.pk,
        name=name,
        purpose=purpose,
        introduction=introduction,
        anonymous=anonymous,
        questions=questions,
    )


@pytest.fixture
def world(partnership, member):
    team = TeamFactory(partnership=partnership, name="Duty and Assessment")
    outside = TeamFactory(partnership=partnership, name="Outside")
    starts = (TODAY.replace(day=1) - dt.timedelta(days=300)).replace(day=1)
    project = ProjectFactory(partnership=partnership, starts_on=starts)
    project.teams.create(partnership=partnership, team=team)
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    named = practice_survey(partnership, anonymous=False, name="Practice (named)")
    anonymous = practice_survey(partnership, anonymous=True, name="Practice (anonymous)")
    courses = CourseFactory.create_batch(2, partnership=partnership)
    return {
        "project": project,
        "team": team,
        "outside": outside,
        "named": named,
        "anonymous": anonymous,
        "courses": courses,
        "quarters": quarter_ends_of(project, on=TODAY),
    }


def answer(world, person, on, change, *, course=0, survey="named", uses=None):
    """`person` answers the follow-up survey about course `course` on `on`: `change` for the
    practice question (None: left blank), and the agreement question if `uses`."""
    answers = {} if change is None else {1: change}
    if uses:
        answers[3] = uses
    return answered(
        staff=person,
        course=world["courses"][course],
        timepoint=Timepoint.FOLLOW_UP,
        survey=world[survey],
        answers=answers,
        completed_on=on - dt.timedelta(days=84),
        on=on,
    )


def practice_measure(project, **changes):
    data = {
        "title": "Practice changed (%)",
        "kind": "outcome",
        "definition": "Follow-up answers",
        "unit": "count",
        "frequency": "monthly",
        "improvement": "down",
        "target": None,
        "chart": "run",
        "rules": "ihi",
        "baseline_points": None,
        "source": "practice",
    }
    return measure_create(actor=None, project=project, **(data | changes))


def test_a_quarter_s_rate_counts_people_in_the_project_s_teams_once(world):
    quarter = world["quarters"][-1]
    day = quarter - dt.timedelta(days=20)
    people = StaffMemberFactory.create_batch(9, team=world["team"])
    for person in people[:4]:
        answer(world, person, day, "Yes")
    # Two courses' follow-ups in the quarter: one person, changed (either answer says so).
    answer(world, people[4], day, "Not yet", course=0)
    answer(world, people[4], day + dt.timedelta(days=1), "Yes", course=1)
    answer(world, people[5], day, "Not yet")
    answer(world, people[6], day, "Not yet")
    answer(world, people[7], day, "I am not sure")
    # Left the practice question blank: not among those who answered it.
    answer(world, people[8], day, None, uses=4)
    # Anonymous answers from the team name nobody: no team, not counted.
    for person in StaffMemberFactory.create_batch(5, team=world["team"]):
        answer(world, person, day, "Not yet", survey="anonymous")
    # Another team's people are not the project's.
    for person in StaffMemberFactory.create_batch(5, team=world["outside"]):
        answer(world, person, day, "Not yet")
    measure = practice_measure(world["project"])
    assert (measure.unit, measure.frequency, measure.improvement) == (
        "percentage",
        "quarterly",
        "up",
    )
    # 8 people answered the question; 5 of them (4, and the one with two answers) said Yes.
    assert dict(measure.values.values_list("on", "value")) == {quarter: 62.5}


def test_a_quarter_with_too_few_people_has_no_value_and_the_page_says_so(
    login, member, partnership, world
):
    last, before, earlier = world["quarters"][-1], world["quarters"][-2], world["quarters"][-3]
    team = world["team"]
    for person in StaffMemberFactory.create_batch(6, team=team):
        answer(world, person, last - dt.timedelta(days=5), "Yes")
    # Four answered: fewer than 5.
    for person in StaffMemberFactory.create_batch(4, team=team):
        answer(world, person, before - dt.timedelta(days=5), "Yes")
    # Six answered, but four said Yes: 4 of 6 says as much about the four as a count would.
    group = StaffMemberFactory.create_batch(6, team=team)
    for index, person in enumerate(group):
        answer(world, person, earlier - dt.timedelta(days=5), "Yes" if index < 4 else "Not yet")
    measure = practice_measure(world["project"])
    assert dict(measure.values.values_list("on", "value")) == {last: 100.0}

    page = login(member).get(url(partnership, f"measures/{measure.pk}/")).content.decode()
    assert "Only named answers count" in page
    assert "Quarters with fewer than 5 people answering, or fewer than 5 reporting a change" in (
        page
    )
    for quarter in world["quarters"][:-1]:
        assert f"the quarter to {quarter:%-d %B %Y}" in page, quarter
    assert f"the quarter to {last:%-d %B %Y}" not in page


def test_a_marked_quarter_goes_when_too_few_are_behind_it_now(world):
    last = world["quarters"][-1]
    people = StaffMemberFactory.create_batch(5, team=world["team"])
    for person in people:
        answer(world, person, last - dt.timedelta(days=5), "Yes")
    measure = practice_measure(world["project"])
    measure.values.filter(on=last).update(note="Huddles began", rebase=True)
    # Someone moves to another team: four are behind the quarter now.
    people[0].team = world["outside"]
    people[0].save()
    measure.refreshed_at = None
    refresh_due([measure])
    assert not measure.values.exists()


def test_other_teams_answers_make_no_value(world):
    last = world["quarters"][-1]
    for person in StaffMemberFactory.create_batch(6, team=world["outside"]):
        answer(world, person, last - dt.timedelta(days=5), "Yes")
    measure = practice_measure(world["project"])
    assert not measure.values.exists()


def test_answers_given_since_show_on_the_first_page_of_a_new_day(login, member, partnership, world):
    last = world["quarters"][-1]
    measure = practice_measure(world["project"])
    assert not measure.values.exists()
    group = StaffMemberFactory.create_batch(6, team=world["team"])
    for index, person in enumerate(group):
        answer(world, person, last - dt.timedelta(days=5), "Yes" if index < 5 else "Not yet")
    client = login(member)
    client.get(url(partnership, f"measures/{measure.pk}/"))
    assert not measure.values.exists()  # worked out today already: not due until tomorrow
    # Last worked out a minute before midnight: less than a day ago, but on another day.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Measure.objects.filter(pk=measure.pk).update(refreshed_at=midnight - dt.timedelta(minutes=1))
    page = client.get(url(partnership, f"measures/{measure.pk}/")).content.decode()
    # 5 of 6, to one decimal place.
    assert dict(measure.values.values_list("on", "value")) == {last: 83.3}
    assert f"the quarter to {last:%-d %B %Y}" not in page
