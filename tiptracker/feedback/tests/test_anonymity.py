"""Trying to link an anonymous response to the person who gave it, through the database and
through every output: the results page (narrowed every way), its exports, the attributable
answers export and API, and the results API. Each attempt must fail."""

import csv
import io
import json

import pytest
from django.test import Client

from tiptracker.feedback.models import Answer, Invitation, Response, Timepoint
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import answer, invited
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

# The one person from a small organisation; their answer is the one to hide.
LONE_ANSWER = 1  # "Strongly disagree", given by nobody else


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
        )
        for _ in range(6)
    ]
    alone = invited(
        staff=lone, course=course, timepoint="reaction", survey=surveys[REACTION], session=session
    )
    for invitation in crowd:
        answer(invitation, {1: 5, 4: 9})
    answer(alone, {1: LONE_ANSWER, 4: 0})
    return {"course": course, "session": session, "small": small, "lone": lone}


def test_the_database_keeps_nothing_that_links_the_two(setting):
    # No response names anyone, and no invitation points at a response or the reverse.
    assert not Response.objects.filter(staff__isnull=False).exists()
    assert not [f for f in Invitation._meta.get_fields() if f.related_model in (Response, Answer)]
    assert not [f for f in Response._meta.get_fields() if f.related_model is Invitation]
    # The lone person's organisation is not kept: only the session, which seven share.
    lone = Answer.objects.get(number=LONE_ANSWER).response
    assert lone.organisation_id is None and lone.session_id == setting["session"].pk
    # Every anonymous response's stored details match at least five people who answered.
    for response in Response.objects.all():
        matching = Invitation.objects.filter(
            course_id=response.course_id,
            timepoint=response.timepoint,
            status=Invitation.Status.ANSWERED,
            session_id=response.session_id,
        )
        if response.organisation_id is not None:
            matching = matching.filter(staff__organisation_id=response.organisation_id)
        assert matching.count() >= 5


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


def test_no_output_names_the_person_or_shows_their_answer_alone(login, admin, setting):
    client = login(admin)
    partnership = admin.partnership
    everything = _outputs(
        client,
        partnership.slug,
        setting["small"].pk,
        setting["session"].pk,
        setting["course"].pk,
    )
    assert "Lonely" not in everything and "LONE1" not in everything
    # Narrowed to the small organisation, nothing of theirs is counted at all.
    narrowed = client.get(
        f"/p/{partnership.slug}/feedback/results/?organisation={setting['small'].pk}"
    ).content.decode()
    assert "Strongly disagree" not in narrowed or "fewer than 5" in narrowed
    # The lone answer is one of its kind: it shows only as "fewer than 5", never as 1.
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/p/{partnership.slug}/feedback/results/results.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    lone = [r for r in rows if r[4] == "Strongly disagree"]
    assert lone and all(r[5] == "fewer than 5" for r in lone)
    api = client.get(f"/api/partnerships/{partnership.slug}/feedback/results/").json()
    counts = api["results"][0]["questions"][0]["answers"]
    assert counts[0] == {
        "answer": "Strongly disagree",
        "people": {"value": None, "suppressed": True, "shown": "fewer than 5"},
    }
    # Nobody's anonymous answers are listed one by one.
    listed = client.get(f"/api/partnerships/{partnership.slug}/feedback/answers/").json()
    assert listed["count"] == 0
