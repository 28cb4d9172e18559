"""Invitations made from completions, sent and reminded by send-due, answered through a
personal link: once, before it expires, and anonymously when the survey says so."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tiptracker.feedback.invitations import (
    invitations_create,
    invitations_send_due,
    pre_invitation_for_booking,
)
from tiptracker.feedback.models import (
    Answer,
    CourseSurvey,
    Invitation,
    Response,
    Timepoint,
)
from tiptracker.feedback.release import release_due
from tiptracker.feedback.services import course_survey_set, current_version, survey_close
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import due_on, quarter_of
from tiptracker.feedback.tokens import invitation_token
from tiptracker.lib.dates import LONDON, today
from tiptracker.training.bookings import booking_cancel, booking_create
from tiptracker.training.completions import attendance_mark, completion_record
from tiptracker.training.models import Booking
from tiptracker.training.schedule import session_cancel, session_update
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    InvitationFactory,
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
    assert answer.staff is None and answer.anonymous
    # Only the quarter it was given in and the quarter of the training: no day, no session,
    # no organisation.
    assert answer.given_on == quarter_of(today()) and answer.trained_in == quarter_of(today())
    assert answer.session_id is None and answer.organisation_id is None
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
        f"/survey/{token}/", {"version": version.pk, "q1": "9", "q5": ["A smaller group"]}
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Choose one of the five answers" in page
    assert re.search(r'value="A smaller group"[^>]*checked', page)  # nothing chosen is lost
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


def test_results_count_the_answers_once_released_and_rounded(login, admin, persona, team, course):
    from tiptracker.partnerships.models import Role

    people = [StaffMemberFactory(team=team, email=f"p{n}@example.org") for n in range(8)]
    for person in people:
        completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    version = current_version(Invitation.objects.filter(timepoint="reaction").first().survey)
    # Six answer: five "Agree" (4) and one "Strongly disagree" (1).
    for message, value in zip(mail.outbox[:6], ["4", "4", "4", "4", "4", "1"], strict=True):
        Client().post(f"/survey/{_link(message)}/", {"version": version.pk, "q1": value})
    board = login(persona(Role.BOARD))
    url = f"/p/{admin.partnership.slug}/feedback/results/"
    # Nothing is published until the quarter's surveys have all closed.
    released = {"partnership_id": admin.partnership_id}
    assert release_due(on=due_on(today()) - dt.timedelta(days=1), **released) == 0
    assert "Response rate" not in board.get(url).content.decode()
    assert release_due(on=due_on(today()) + dt.timedelta(days=1), **released) == 1
    page = board.get(url).content.decode().replace(" ", "")
    # 6 answered, published as 5, of 8 asked: the rate from the published count.
    assert 'data-label="Asked">8<' in page and 'data-label="Answered">5<' in page
    assert 'data-label="Responserate">62%<' in page and "75%" not in page
    detail = board.get(url, {"course": course.pk}).content.decode()
    # The one "Strongly disagree" is published as 0 (0 to 2), never 1, and nothing is hidden.
    assert (
        'Strongly disagree</th><td class="govuk-table__cell govuk-table__cell--numeric">0<'
        in detail
    )
    assert 'Agree</th><td class="govuk-table__cell govuk-table__cell--numeric">5<' in detail
    assert 'numeric">1<' not in detail and 'numeric">fewer than 5<' not in detail
    assert login(persona(Role.STAFF)).get(url).status_code == 403


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
    board = login(persona(Role.BOARD))
    assert board.get(url).json()["results"] == []  # not yet released
    release_due(on=due_on(today()) + dt.timedelta(days=1), partnership_id=admin.partnership_id)
    body = board.get(url).json()
    [result] = body["results"]
    assert result["released"] is True
    # 6 of 6 answered, published as 5: the rate leaves open that someone did not answer.
    assert result["answered"] == {"value": 5, "suppressed": False, "rounded": True, "shown": "5"}
    assert result["asked"]["value"] == 6 and result["response_rate"]["shown"] == "83%"
    agreement = result["questions"][0]["answers"]
    shown = {a["answer"]: a["people"] for a in agreement}
    assert shown["Strongly disagree"] == {
        "value": 0,
        "suppressed": False,
        "rounded": True,
        "shown": "0",
    }
    assert shown["Agree"]["value"] == 5
    assert all(a["people"]["rounded"] and a["people"]["value"] % 5 == 0 for a in agreement)
    assert login(persona(Role.STAFF)).get(url).status_code == 403


# Before the course, and closed surveys -------------------------------------------------------


class Clock:
    """The time the services see, moved by hand (an edge: mocked, as the house style says)."""

    def __init__(self, monkeypatch) -> None:
        self.moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def move_to(self, text: str) -> None:
        self.moment = dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)  # Monday 2 March 2026, 09:00


@pytest.fixture
def pre_course(admin):
    """A course asking about confidence before it, and for a reaction after."""
    course = CourseFactory(partnership=admin.partnership, title="Opening Doors")
    surveys = {
        s.name: s
        for s in surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    }
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.PRE, survey=surveys[CONFIDENCE]
    )
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
    )
    return course


def _monday_week(course, **kwargs):
    return TrainingSessionFactory(
        course=course, starts_at=dt.datetime(2026, 3, 9, 9, 30, tzinfo=LONDON), **kwargs
    )


def test_a_place_on_a_session_invites_to_the_survey_before_it_until_it_starts(
    admin, team, pre_course, clock
):
    session = _monday_week(pre_course)
    person = StaffMemberFactory(team=team, email="pat@example.org", first_name="Pat")
    booking_create(actor=admin.user, session=session, staff=person)
    invitation = Invitation.objects.get()
    assert invitation.timepoint == Timepoint.PRE and invitation.session == session
    assert invitation.completed_on == dt.date(2026, 3, 9)  # the training it asks about
    assert invitation.opens_on == dt.date(2026, 3, 2)
    assert invitation.expires_on == dt.date(2026, 3, 9)
    assert invitations_send_due() == 1
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    assert "before you come to Opening Doors on 9 March" in message.body
    assert "works until the course starts, at 09:30 on 9 March 2026" in message.body
    page = Client().get(f"/survey/{_link(message)}/").content.decode()
    assert "Your confidence in trauma-informed practice" in page
    assert "works until the course starts, at 09:30 on 9 March 2026" in page


def test_the_waiting_list_gets_no_survey_until_a_place_comes_free(admin, team, pre_course, clock):
    session = _monday_week(pre_course, capacity=1)
    first, second = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    place = booking_create(actor=admin.user, session=session, staff=first)
    waiting = booking_create(actor=admin.user, session=session, staff=second)
    assert waiting.status == Booking.Status.WAITLISTED
    assert list(Invitation.objects.values_list("staff_id", flat=True)) == [first.pk]
    booking_cancel(actor=admin.user, booking=place)  # the place goes to the second person
    status = dict(Invitation.objects.values_list("staff_id", "status"))
    assert status == {first.pk: Invitation.Status.EXPIRED, second.pk: Invitation.Status.WAITING}


def test_giving_up_the_place_closes_the_link_and_booking_again_opens_it(
    admin, team, pre_course, clock
):
    session = _monday_week(pre_course)
    person = StaffMemberFactory(team=team, email="pat@example.org")
    booking = booking_create(actor=admin.user, session=session, staff=person)
    invitations_send_due()
    old_link = _link(mail.outbox[0])
    page = Client().get(f"/survey/{old_link}/").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page)[1]
    booking_cancel(actor=admin.user, booking=booking)
    assert Invitation.objects.get().status == Invitation.Status.EXPIRED
    assert "This survey has closed" in Client().get(f"/survey/{old_link}/").content.decode()
    # Answers from the page opened before do not count: the place was given up.
    sent = Client().post(f"/survey/{old_link}/", {"q1": "3", "started": started})
    assert "your answers have not been recorded" in sent.content.decode()
    assert not Response.objects.exists()
    assert invitations_send_due(on=dt.date(2026, 3, 3)) == 0  # nothing more about it

    booking_create(actor=admin.user, session=session, staff=person)
    assert invitations_send_due(on=dt.date(2026, 3, 3)) == 1  # sent afresh
    assert _link(mail.outbox[-1]) == old_link
    assert "Send my answers" in Client().get(f"/survey/{old_link}/").content.decode()
    assert Invitation.objects.count() == 1


def test_no_survey_before_a_course_that_runs_none_nor_for_a_guest(admin, team, pre_course, clock):
    person = StaffMemberFactory(team=team)
    other = CourseFactory(partnership=admin.partnership)  # runs no survey before it
    booking_create(actor=admin.user, session=_monday_week(other), staff=person)
    assert not Invitation.objects.exists()
    guest = InvitationFactory(session=_monday_week(pre_course), status=Booking.Status.BOOKED)
    pre_invitation_for_booking(guest)
    assert not Invitation.objects.exists()


def test_a_session_today_is_too_late_to_ask_before_it(admin, team, pre_course, clock):
    this_afternoon = TrainingSessionFactory(
        course=pre_course, starts_at=dt.datetime(2026, 3, 2, 14, 0, tzinfo=LONDON)
    )
    booking_create(actor=admin.user, session=this_afternoon, staff=StaffMemberFactory(team=team))
    assert not Invitation.objects.exists()


def test_nothing_is_sent_or_reminded_once_the_course_has_started(
    admin, team, pre_course, clock, settings
):
    settings.SURVEY_REMINDER_DAYS = "7"  # due on the morning of the course itself
    session = _monday_week(pre_course)
    early, late = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    booking_create(actor=admin.user, session=session, staff=early)
    assert invitations_send_due() == 1
    clock.move_to("2026-03-06 12:00")
    booking_create(actor=admin.user, session=session, staff=late)  # not yet sent
    clock.move_to("2026-03-09 10:00")  # half an hour into the course
    assert invitations_send_due() == 0
    assert len(mail.outbox) == 1
    assert set(Invitation.objects.values_list("status", flat=True)) == {"expired"}


def test_no_reminder_goes_after_the_link_has_expired(admin, team, course, settings):
    settings.SURVEY_REMINDER_DAYS = "7,60"  # the second would come after the 28 days
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    assert invitations_send_due() == 1
    assert invitations_send_due(on=today() + dt.timedelta(days=7)) == 1
    assert invitations_send_due(on=today() + dt.timedelta(days=60)) == 0
    assert Invitation.objects.get(timepoint="reaction").status == Invitation.Status.EXPIRED


def test_cancelling_the_session_closes_its_surveys_and_moving_it_sends_new_ones(
    admin, team, pre_course, clock
):
    session = _monday_week(pre_course)
    person = StaffMemberFactory(team=team, email="pat@example.org")
    booking_create(actor=admin.user, session=session, staff=person)
    invitations_send_due()
    session_update(
        actor=admin.user,
        session=session,
        course=pre_course,
        starts_at=dt.datetime(2026, 3, 16, 9, 30, tzinfo=LONDON),
        ends_at=dt.datetime(2026, 3, 16, 12, 0, tzinfo=LONDON),
        capacity=10,
        venue="Dundee House",
    )
    status = dict(Invitation.objects.values_list("completed_on", "status"))
    assert status == {
        dt.date(2026, 3, 9): Invitation.Status.EXPIRED,
        dt.date(2026, 3, 16): Invitation.Status.WAITING,
    }
    session_cancel(actor=admin.user, session=session)
    assert set(Invitation.objects.values_list("status", flat=True)) == {"expired"}
    assert invitations_send_due() == 0


def test_a_closed_survey_invites_nobody_and_sends_nothing(admin, team, pre_course, clock):
    people = [StaffMemberFactory(team=team, email=f"p{n}@example.org") for n in range(2)]
    completion_record(staff=people[0], course=pre_course, on=today())
    reaction = Invitation.objects.get(staff=people[0]).survey
    survey_close(actor=None, survey=reaction)
    completion_record(staff=people[1], course=pre_course, on=today())
    assert not Invitation.objects.filter(staff=people[1]).exists()
    # An invitation that slipped in around the close is expired, not sent.
    Invitation.objects.filter(staff=people[0]).update(status=Invitation.Status.WAITING)
    assert invitations_send_due() == 0
    assert Invitation.objects.get(staff=people[0]).status == Invitation.Status.EXPIRED
    before = CourseSurvey.objects.get(course=pre_course, timepoint=Timepoint.PRE).survey
    survey_close(actor=None, survey=before)
    booking_create(actor=admin.user, session=_monday_week(pre_course), staff=people[1])
    assert not Invitation.objects.filter(timepoint=Timepoint.PRE).exists()
    assert not mail.outbox
