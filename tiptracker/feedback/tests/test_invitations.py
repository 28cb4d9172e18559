"""Invitations made from completions, sent and reminded by send-due, answered through a
personal link: once, before it expires, and anonymously when the survey says so."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from tiptracker.feedback.invitations import invitations_create, invitations_send_due
from tiptracker.feedback.models import Answer, Invitation, Response, Timepoint
from tiptracker.feedback.services import course_survey_set, current_version
from tiptracker.feedback.starter import PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tokens import invitation_token
from tiptracker.lib.dates import today
from tiptracker.training.models import Booking
from tiptracker.training.services import attendance_mark, completion_record
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory


@pytest.fixture
def course(admin):
    course = CourseFactory(partnership=admin.partnership, title="Opening Doors")
    surveys = {
        s.name: s
        for s in surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    }
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
    )
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.FOLLOW_UP, survey=surveys[PRACTICE]
    )
    return course


def _link(message) -> str:
    return re.search(r"https?://\S+/survey/(\S+)/", message.body)[1]


def test_marking_attendance_invites_to_reaction_now_and_follow_up_in_twelve_weeks(
    admin, team, course
):
    from django.utils import timezone

    session = TrainingSessionFactory(
        course=course, starts_at=timezone.now() - dt.timedelta(hours=3)
    )
    booking = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    attendance_mark(actor=admin.user, booking=booking, attendance=Booking.Attendance.ATTENDED)
    found = {i.timepoint: i for i in Invitation.objects.all()}
    assert set(found) == {"reaction", "follow_up"}
    assert found["follow_up"].opens_on - found["reaction"].opens_on == dt.timedelta(days=84)


def test_an_import_of_past_years_invites_nobody(admin, team, course):
    person = StaffMemberFactory(team=team)
    completion_record(staff=person, course=course, on=dt.date(2021, 3, 1))
    invitations_create(partnership_id=admin.partnership_id)
    assert not Invitation.objects.exists()


def test_send_due_sends_once_then_reminds_then_expires(admin, team, course):
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    on = today()
    assert invitations_send_due(on=on) == 1  # the reaction survey; the follow-up waits
    assert invitations_send_due(on=on) == 0
    [first] = mail.outbox
    assert first.to == ["pat@example.org"] and "anonymous" in first.body
    assert invitations_send_due(on=on + dt.timedelta(days=7)) == 1  # first reminder
    assert invitations_send_due(on=on + dt.timedelta(days=14)) == 1  # second reminder
    assert invitations_send_due(on=on + dt.timedelta(days=21)) == 0  # no third
    assert mail.outbox[1].subject.startswith("Reminder: ")
    invitations_send_due(on=on + dt.timedelta(days=40))
    assert Invitation.objects.get(timepoint="reaction").status == Invitation.Status.EXPIRED


def test_an_anonymous_answer_names_nobody_and_stops_the_reminders(admin, team, course):
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    token = _link(mail.outbox[0])
    page = Client().get(f"/survey/{token}/").content.decode()
    assert "This survey is anonymous." in page
    version = current_version(Invitation.objects.get(timepoint="reaction").survey)
    relevant = version.questions.get(position=1)
    response = Client().post(f"/survey/{token}/", {"version": version.pk, "q1": "4"})
    assert "Your answers have been sent" in response.content.decode()
    answer = Response.objects.get()
    assert answer.staff is None and answer.given_on == today()
    assert Answer.objects.get(response=answer, question=relevant).number == 4
    invitation = Invitation.objects.get(timepoint="reaction")
    assert invitation.status == Invitation.Status.ANSWERED
    # Nothing on the invitation points at the response, nor the response at it.
    assert {f.name for f in Response._meta.get_fields()}.isdisjoint({"invitation", "invitations"})
    assert invitations_send_due(on=today() + dt.timedelta(days=7)) == 0  # no reminder


def test_a_second_submission_records_nothing_more(admin, team, course):
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    token = _link(mail.outbox[0])
    version = current_version(Invitation.objects.get(timepoint="reaction").survey)
    Client().post(f"/survey/{token}/", {"version": version.pk, "q1": "4"})
    again = Client().post(f"/survey/{token}/", {"version": version.pk, "q1": "2"})
    assert "We already have your answers" in again.content.decode()
    assert Response.objects.count() == 1


def test_an_answer_outside_the_scale_is_refused_and_the_rest_kept(admin, team, course):
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    token = _link(mail.outbox[0])
    version = current_version(Invitation.objects.get(timepoint="reaction").survey)
    response = Client().post(
        f"/survey/{token}/", {"version": version.pk, "q1": "9", "q5": "Loved the examples"}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Choose one of the five answers" in page
    assert "Loved the examples" in page  # nothing typed is lost
    assert not Response.objects.exists()


def test_a_forged_or_expired_link_gets_a_kind_page_and_records_nothing(admin, team, course):
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    invitation = Invitation.objects.get(timepoint="reaction")
    forged = invitation_token(invitation.pk, "guessed-nonce")
    response = Client().post(f"/survey/{forged}/", {"q1": "4"})
    assert response.status_code == 404 and "This link is not valid" in response.content.decode()
    Invitation.objects.filter(pk=invitation.pk).update(expires_on=today() - dt.timedelta(days=1))
    real = invitation_token(invitation.pk, invitation.nonce)
    closed = Client().post(f"/survey/{real}/", {"q1": "4"}).content.decode()
    assert "This survey has closed" in closed
    assert not Response.objects.exists()


def test_results_count_the_answers_and_hide_small_numbers(login, admin, persona, team, course):
    from tiptracker.partnerships.models import Role

    people = [StaffMemberFactory(team=team, email=f"p{n}@example.org") for n in range(8)]
    for person in people:
        completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    version = current_version(Invitation.objects.filter(timepoint="reaction").first().survey)
    # Six answer: five "Agree" (4) and one "Strongly disagree" (1).
    for message, value in zip(mail.outbox[:6], ["4", "4", "4", "4", "4", "1"], strict=True):
        Client().post(f"/survey/{_link(message)}/", {"version": version.pk, "q1": value})
    page = (
        login(persona(Role.BOARD))
        .get(f"/p/{admin.partnership.slug}/feedback/results/")
        .content.decode()
    )
    assert "Response rate" in page and "75%" in page  # 6 of 8
    # The one "Strongly disagree" is hidden, and so is a second count in its row, so that
    # it cannot be worked out from the total of 6.
    assert page.count("fewer than 5") >= 2
    assert ">6<" in page.replace(" ", "")
    assert (
        login(persona(Role.STAFF)).get(f"/p/{admin.partnership.slug}/feedback/results/").status_code
        == 403
    )


def test_the_api_gives_the_same_results_and_never_a_small_number(
    login, admin, persona, team, course
):
    from tiptracker.partnerships.models import Role

    people = [StaffMemberFactory(team=team, email=f"q{n}@example.org") for n in range(6)]
    for person in people:
        completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    version = current_version(Invitation.objects.filter(timepoint="reaction").first().survey)
    for message, value in zip(mail.outbox[:6], ["4", "4", "4", "4", "4", "1"], strict=True):
        Client().post(f"/survey/{_link(message)}/", {"version": version.pk, "q1": value})
    url = f"/api/partnerships/{admin.partnership.slug}/feedback/results/"
    body = login(persona(Role.BOARD)).get(url).json()
    [result] = body["results"]
    assert result["answered"]["value"] == 6 and result["response_rate"]["shown"] == "100%"
    agreement = result["questions"][0]["answers"]
    shown = {a["answer"]: a["people"] for a in agreement}
    assert shown["Strongly disagree"] == {
        "value": None,
        "suppressed": True,
        "shown": "fewer than 5",
    }
    assert all(a["people"]["value"] is None or a["people"]["value"] >= 5 for a in agreement)
    assert login(persona(Role.STAFF)).get(url).status_code == 403
