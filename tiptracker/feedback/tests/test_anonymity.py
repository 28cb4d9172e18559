"""Trying to link an anonymous response to the person who gave it, through the database and
through every output: the results page (narrowed every way), its exports, the attributable
answers export and API, and the results API, before and after the answers are released.
Each attempt must fail."""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client

from tiptracker.feedback.models import Answer, Invitation, Response, Timepoint
from tiptracker.feedback.release import release_due
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import answer, due_on, invited
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

# The one person from a small organisation; their answer is the one to hide.
LONE_ANSWER = 1  # "Strongly disagree", given by nobody else


# The training in the first quarter of 2026/27, answered within days: its cell is due on
# 5 August 2026 (the end of June, the link's 28 days and a week's grace).
TRAINED = dt.date(2026, 5, 12)
ANSWERED = dt.date(2026, 5, 14)
RELEASED = due_on(TRAINED) + dt.timedelta(days=1)
QUARTER = dt.date(2026, 4, 1)


@pytest.fixture
def setting(admin, partnership, team):
    surveys = {
        s.name: s
        for s in surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    }
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
    )
    session = TrainingSessionFactory(course=course)
    small = OrganisationFactory(partnership=partnership, name="Tiny Trust")
    lone = StaffMemberFactory(
        team=TeamFactory(partnership=partnership, organisation=small),
        first_name="Isla",
        last_name="Lonely",
        staff_id="LONE1",
    )
    # Attendance is marked for the whole session before anyone answers.
    crowd = [
        invited(
            staff=StaffMemberFactory(team=team),
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            session=session,
            completed_on=TRAINED,
        )
        for _ in range(6)
    ]
    alone = invited(
        staff=lone,
        course=course,
        timepoint="reaction",
        survey=surveys[REACTION],
        session=session,
        completed_on=TRAINED,
    )
    given = [answer(invitation, {1: 5, 4: 9}, on=ANSWERED) for invitation in crowd]
    theirs = answer(alone, {1: LONE_ANSWER, 4: 0}, on=ANSWERED)
    return {
        "course": course,
        "session": session,
        "small": small,
        "lone": lone,
        "ids": {response.pk for response in given} | {theirs.pk},
        "theirs": theirs.pk,
    }


def test_the_database_keeps_nothing_that_links_the_two(setting, partnership):
    # No response names anyone, and no invitation points at a response or the reverse.
    assert not Response.objects.filter(staff__isnull=False).exists()
    assert not [f for f in Invitation._meta.get_fields() if f.related_model in (Response, Answer)]
    assert not [f for f in Response._meta.get_fields() if f.related_model is Invitation]
    # The lone person's session, organisation and the days are not kept: only the quarter of
    # the training and the quarter of answering, which all seven share.
    lone = Answer.objects.get(number=LONE_ANSWER).response
    assert lone.anonymous and lone.organisation_id is None and lone.session_id is None
    assert lone.trained_in == QUARTER and lone.given_on == QUARTER
    assert not Answer.objects.exclude(session_id=None).exists()
    assert not Answer.objects.exclude(organisation_id=None).exists()
    assert set(Answer.objects.values_list("trained_in", flat=True)) == {QUARTER}
    # Every response's stored details (its answers aside) are the same as the others'...
    kept = {
        (
            r.course_id,
            r.timepoint,
            r.version_id,
            r.trained_in,
            r.given_on,
            r.session_id,
            r.organisation_id,
            r.staff_id,
        )
        for r in Response.objects.all()
    }
    assert len(kept) == 1 and Response.objects.count() == 7
    # ... and match at least five people who answered.
    for response in Response.objects.all():
        matching = Invitation.objects.filter(
            course_id=response.course_id,
            timepoint=response.timepoint,
            status=Invitation.Status.ANSWERED,
            completed_on__gte=response.trained_in,
            completed_on__lt=dt.date(2026, 7, 1),
        )
        assert matching.count() >= 5
    # Once written back among the others (daily, and at release), no response keeps the id
    # it had when it was given, which the moment of answering might tie to the person.
    release_due(on=RELEASED, partnership_id=partnership.pk)
    now = set(Response.objects.values_list("pk", flat=True))
    assert len(now) == 7 and now.isdisjoint(setting["ids"])
    assert not Response.objects.filter(settled=False).exists()
    assert Answer.objects.get(number=LONE_ANSWER).response.trained_in == QUARTER


def _outputs(client: Client, slug: str, small_pk: int, session_pk: int, course_pk: int) -> str:
    """Everything an administrator can read about the survey, narrowed every way."""
    found = []
    for query in [
        "",
        f"?organisation={small_pk}",
        f"?course={course_pk}&session={session_pk}",
        f"?course={course_pk}&session={session_pk}&organisation={small_pk}",
    ]:
        found.append(client.get(f"/p/{slug}/feedback/results/{query}").content.decode())
        for kind in ("csv", "xlsx"):
            found.append(
                repr(client.get(f"/p/{slug}/feedback/results/results.{kind}{query}").content)
            )
            found.append(
                repr(client.get(f"/p/{slug}/feedback/results/answers.{kind}{query}").content)
            )
        api = query.replace("?", "")
        found.append(
            json.dumps(client.get(f"/api/partnerships/{slug}/feedback/results/?{api}").json())
        )
        found.append(
            json.dumps(client.get(f"/api/partnerships/{slug}/feedback/answers/?{api}").json())
        )
    return "\n".join(found)


def _csv(client: Client, slug: str, query: str = "") -> list[list[str]]:
    content = client.get(f"/p/{slug}/feedback/results/results.csv{query}").content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_no_output_names_the_person_or_shows_their_answer_alone(login, admin, setting):
    client = login(admin)
    partnership = admin.partnership
    slug = partnership.slug
    small, session, course = setting["small"].pk, setting["session"].pk, setting["course"].pk
    results = f"/api/partnerships/{slug}/feedback/results/"
    # Before the quarter is released nothing of the survey is published anywhere.
    before = _outputs(client, slug, small, session, course)
    assert "Lonely" not in before and "LONE1" not in before
    assert "Strongly disagree" not in before
    assert client.get(results).json()["results"] == []
    release_due(on=RELEASED, partnership_id=partnership.pk)
    everything = _outputs(client, slug, small, session, course)
    assert "Lonely" not in everything and "LONE1" not in everything
    # Narrowed to the small organisation or the session, the survey is left out altogether.
    for query in [{"organisation": small}, {"course": course, "session": session}]:
        narrowed = client.get(results, query).json()
        assert narrowed["results"] == [] and narrowed["anonymous_left_out"] is True
        page = client.get(f"/p/{slug}/feedback/results/", query).content.decode()
        assert "Strongly disagree" not in page
        assert "Surveys with anonymous answers are not shown" in page
        assert not [
            r
            for r in _csv(client, slug, "?" + "&".join(f"{k}={v}" for k, v in query.items()))
            if r[4] == "Strongly disagree"
        ]
    # The lone answer is one of its kind: published rounded, as 0 (0 to 2), never as 1.
    rows = _csv(client, slug)
    lone = [r for r in rows if r[4] == "Strongly disagree"]
    assert lone and all(r[5] == "0" for r in lone)
    api = client.get(results).json()
    [result] = api["results"]
    assert result["released"] is True and result["answered"]["value"] == 5
    counts = result["questions"][0]["answers"]
    assert counts[0] == {
        "answer": "Strongly disagree",
        "people": {"value": 0, "suppressed": False, "rounded": True, "shown": "0"},
    }
    rating = next(q for q in result["questions"] if q["kind"] == "rating")
    assert {a["answer"]: a["people"]["value"] for a in rating["answers"]}["0"] == 0
    # Nobody's anonymous answers are listed one by one.
    listed = client.get(f"/api/partnerships/{slug}/feedback/answers/").json()
    assert listed["count"] == 0
