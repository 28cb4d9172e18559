"""Survey templates through the API: listed, created, changed (a new version once answered),
closed and reopened by those who run training; another partnership's are not there."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.feedback.models import Invitation, Response, Survey, Timepoint
from tiptracker.feedback.services import current_version
from tiptracker.feedback.starter import PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import SurveyFactory
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

BASE = "/api/partnerships/dundee-test/feedback/surveys/"

NEW = {
    "name": "After the webinar",
    "purpose": "reaction",
    "introduction": "Help us improve. You can leave any question blank.",
    "anonymous": True,
    "questions": [
        {"kind": "agreement", "text": "It was relevant to my work."},
        {
            "kind": "single",
            "text": "Will you change anything?",
            "choices": ["Yes", "Not yet"],
            "change_answer": "Yes",
        },
    ],
}


def _starter(admin):
    return {
        s.name: s
        for s in surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    }


def _respond(survey):
    version = current_version(survey)
    return Response.objects.create(
        partnership_id=survey.partnership_id,
        version=version,
        course=CourseFactory(partnership=survey.partnership),
        timepoint=Timepoint.FOLLOW_UP,
        given_on=dt.date(2022, 5, 1),
        trained_in=dt.date(2022, 5, 1),
    )


def test_the_list_gives_each_survey_with_the_version_people_answer_now(api, admin):
    surveys = _starter(admin)
    _respond(surveys[PRACTICE])
    found = api(admin).get(BASE).json()
    assert found["count"] == 3
    practice = next(s for s in found["results"] if s["name"] == PRACTICE)
    assert practice["purpose"] == "behaviour" and practice["closed"] is False
    current = practice["current_version"]
    assert current["number"] == 1 and current["anonymous"] is True and current["answered"] is True
    assert current["questions"][0] == {
        "position": 1,
        "kind": "single",
        "text": "Since the training, have you changed anything about how you work?",
        "hint": "",
        "choices": ["Yes", "Not yet", "I am not sure"],
        "change_answer": "Yes",
    }
    reaction = next(s for s in found["results"] if s["name"] == REACTION)
    assert reaction["current_version"]["answered"] is False


def test_the_list_costs_the_same_queries_for_two_surveys_and_for_twelve(api, admin, partnership):
    client = api(admin)

    def queries() -> int:
        client.get(BASE)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE).status_code == 200
        return len(captured)

    for _ in range(2):
        SurveyFactory(partnership=partnership)
    few = queries()
    for _ in range(10):
        _respond(SurveyFactory(partnership=partnership))
    assert queries() == few


def test_an_administrator_creates_a_survey(api, admin):
    response = api(admin).post(BASE, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "After the webinar" and body["current_version"]["number"] == 1
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["current_version"]["questions"][1]["change_answer"] == "Yes"
    assert Survey.objects.get().name == "After the webinar"


def test_a_bad_survey_is_400_with_every_problem_keyed_by_field_or_question(api, admin):
    bad = {
        **NEW,
        "introduction": " ",
        "questions": [
            {"kind": "agreement", "text": "Fine"},
            {"kind": "single", "text": "Pick", "choices": ["Only"]},
            {"kind": "multiple", "text": "Which?", "choices": ["A", "B"], "change_answer": "A"},
        ],
    }
    response = api(admin).post(BASE, bad, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "introduction": [
            "Enter the introduction respondents read first: what the survey is for and how "
            "their answers are used"
        ],
        "question_2": ["Question 2: give at least two choices"],
        "question_3": [
            "Question 3: only a one-choice question has an answer that means a change in practice"
        ],
    }
    assert not Survey.objects.exists()


def test_a_badly_shaped_question_is_400_keyed_by_its_number(api, admin):
    bad = {**NEW, "questions": [{"kind": "agreement", "text": "Fine"}, {"kind": "stars"}]}
    response = api(admin).post(BASE, bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"question_2"}
    assert errors["question_2"][0].startswith("Question 2: kind: 'stars' is not one of")
    not_a_list = api(admin).post(BASE, {**NEW, "questions": "Why?"}, format="json").json()
    assert not_a_list["errors"] == {"questions": ['Expected a list of items but got type "str".']}
    not_an_object = api(admin).post(BASE, {**NEW, "questions": [5]}, format="json").json()
    assert list(not_an_object["errors"]) == ["question_1"]
    missing = api(admin).post(BASE, {"name": "X"}, format="json").json()
    assert {"purpose", "introduction", "anonymous", "questions"} <= set(missing["errors"])


def test_one_survey_comes_with_every_version(api, admin):
    practice = _starter(admin)[PRACTICE]
    _respond(practice)
    api(admin).patch(f"{BASE}{practice.pk}/", {"anonymous": False}, format="json")
    body = api(admin).get(f"{BASE}{practice.pk}/").json()
    assert [(v["number"], v["anonymous"], v["answered"]) for v in body["versions"]] == [
        (2, False, False),
        (1, True, True),
    ]
    assert body["current_version"]["number"] == 2
    assert len(body["versions"][1]["questions"]) == 5


def test_changing_an_unanswered_survey_changes_it_in_place(api, admin):
    practice = _starter(admin)[PRACTICE]
    response = api(admin).put(
        f"{BASE}{practice.pk}/",
        {
            "introduction": "New words.",
            "anonymous": True,
            "questions": [{"kind": "rating", "text": "How much has changed?"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["new_version"], body["changed"]) == (1, False, True)
    assert "changed in place" in body["detail"]
    assert [q["text"] for q in body["survey"]["current_version"]["questions"]] == [
        "How much has changed?"
    ]
    assert practice.versions.count() == 1


def test_changing_an_answered_survey_makes_the_next_version_and_its_answers_keep_theirs(api, admin):
    practice = _starter(admin)[PRACTICE]
    answer = _respond(practice)
    response = api(admin).patch(
        f"{BASE}{practice.pk}/", {"introduction": "Second wording."}, format="json"
    )
    body = response.json()
    assert (body["version"], body["new_version"], body["changed"]) == (2, True, True)
    assert body["detail"].startswith("Saved as version 2. Version 1 has been sent to people")
    # Only the introduction was sent: the questions carried over unchanged.
    second = body["survey"]["current_version"]
    assert second["introduction"] == "Second wording." and len(second["questions"]) == 5
    assert second["questions"][0]["change_answer"] == "Yes"
    answer.refresh_from_db()
    assert answer.version.number == 1


def test_a_change_that_changes_nothing_writes_nothing(api, admin):
    practice = _starter(admin)[PRACTICE]
    _respond(practice)
    body = api(admin).patch(f"{BASE}{practice.pk}/", {}, format="json").json()
    assert (body["version"], body["new_version"], body["changed"]) == (1, False, False)
    assert practice.versions.count() == 1


def test_a_patch_whose_questions_leave_out_their_optional_fields_saves_them(api, admin):
    # Found by schemathesis: a PATCH checked partially let questions through without `hint`,
    # and building them was a server error.
    practice = _starter(admin)[PRACTICE]
    questions = [{"kind": "agreement", "text": "I will do something differently."}]
    response = api(admin).patch(f"{BASE}{practice.pk}/", {"questions": questions}, format="json")
    assert response.status_code == 200, response.json()
    shown = api(admin).get(f"{BASE}{practice.pk}/").json()
    [question] = shown["versions"][0]["questions"]
    assert question["text"] == "I will do something differently." and question["hint"] == ""


def test_a_patch_with_a_question_missing_its_kind_is_400_naming_it(api, admin):
    practice = _starter(admin)[PRACTICE]
    response = api(admin).patch(
        f"{BASE}{practice.pk}/", {"questions": [{"text": "Why?"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "question_1": ["Question 1: kind: This field is required."]
    }


def test_a_bad_change_is_400_and_changes_nothing(api, admin):
    practice = _starter(admin)[PRACTICE]
    response = api(admin).patch(f"{BASE}{practice.pk}/", {"questions": []}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {"questions": ["A survey needs at least one question"]}
    incomplete = api(admin).put(f"{BASE}{practice.pk}/", {"anonymous": True}, format="json")
    assert incomplete.status_code == 400 and "questions" in incomplete.json()["errors"]
    assert current_version(practice).questions.count() == 5


def test_closing_expires_open_invitations_and_reopening_leaves_them_expired(api, admin):
    survey = SurveyFactory(partnership=admin.partnership)
    staff = StaffMemberFactory(partnership=admin.partnership)
    invitation = Invitation.objects.create(
        partnership=admin.partnership,
        staff=staff,
        course=CourseFactory(partnership=admin.partnership),
        timepoint=Timepoint.REACTION,
        survey=survey,
        completed_on=dt.date.today(),
        opens_on=dt.date.today(),
        expires_on=dt.date.today() + dt.timedelta(days=28),
        nonce="n",
        status=Invitation.Status.SENT,
    )
    client = api(admin)
    closed = client.post(f"{BASE}{survey.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["closed"] is True and closed.json()["closed_at"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    again = client.post(f"{BASE}{survey.pk}/close/")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "This survey is already closed",
        "errors": {"detail": ["This survey is already closed"]},
    }
    reopened = client.post(f"{BASE}{survey.pk}/reopen/").json()
    assert reopened["closed"] is False and reopened["closed_at"] is None
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED


def test_another_partnerships_survey_is_not_there(api, admin, outsider):
    theirs = SurveyFactory(partnership=outsider.partnership, name="Theirs")
    client = api(admin)
    assert client.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert client.patch(f"{BASE}{theirs.pk}/", {}, format="json").status_code == 404
    assert client.post(f"{BASE}{theirs.pk}/close/").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.closed_at is None
    # Nor can its own administrator reach ours through their partnership's address.
    ours = SurveyFactory(partnership=admin.partnership)
    other = f"/api/partnerships/{outsider.partnership.slug}/feedback/surveys/{ours.pk}/"
    assert api(outsider).get(other).status_code == 404


def test_only_those_who_run_training_may_use_survey_templates(api, persona, member):
    survey = SurveyFactory(partnership=member.partnership)
    officer = api(persona(Role.LD_OFFICER))
    assert officer.get(BASE).status_code == 200
    for role in (Role.MANAGER, Role.BOARD):
        assert api(persona(role)).get(BASE).status_code == 403
    client = api(member)
    assert client.post(BASE, NEW, format="json").status_code == 403
    assert client.put(f"{BASE}{survey.pk}/", {}, format="json").status_code == 403
    assert client.post(f"{BASE}{survey.pk}/close/").status_code == 403
    assert Survey.objects.get().closed_at is None and not Survey.objects.filter(
        name="After the webinar"
    )
