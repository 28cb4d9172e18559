"""Answering from the personal link while the survey closes: answers from a page opened
before the close are kept, a page opened after it records nothing and says so plainly, and a
tampered "started" value counts as not started. Every bad link gets a kind page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tiptracker.feedback.invitations import invitations_send_due
from tiptracker.feedback.models import Invitation, Response, Timepoint
from tiptracker.feedback.services import course_survey_set, current_version, survey_close
from tiptracker.feedback.starter import CONFIDENCE, REACTION, surveys_starter_set
from tiptracker.feedback.tokens import invitation_token, started_stamp
from tiptracker.lib.dates import LONDON, today
from tiptracker.training.bookings import booking_create
from tiptracker.training.completions import completion_record
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory


class Clock:
    """The time the services see, moved by hand (an edge: mocked, as the house style says)."""

    def __init__(self, monkeypatch) -> None:
        self.moment = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def move_to(self, text: str) -> None:
        self.moment = dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)  # Monday 2 March 2026, 10:00


@pytest.fixture
def surveys(admin):
    found = surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    return {s.name: s for s in found}


@pytest.fixture
def course(admin, surveys):
    course = CourseFactory(partnership=admin.partnership, title="Opening Doors")
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
    )
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.PRE, survey=surveys[CONFIDENCE]
    )
    return course


@pytest.fixture
def link(team, course, clock):
    """The reaction survey's link, e-mailed to someone who attended today."""
    person = StaffMemberFactory(team=team, email="pat@example.org")
    completion_record(staff=person, course=course, on=today())
    invitations_send_due()
    return re.search(r"/survey/(\S+)/", mail.outbox[-1].body)[1]


def _invitation():
    return Invitation.objects.select_related("survey").get(
        timepoint=Timepoint.REACTION, staff__email="pat@example.org"
    )


def _open(token):
    """The page as first shown, and the signed time it carries."""
    page = Client().get(f"/survey/{token}/").content.decode()
    return page, re.search(r'name="started" value="([^"]+)"', page)[1]


def _answers(started=None, **extra):
    version = current_version(_invitation().survey)
    data = {"version": version.pk, "q1": "4", **extra}
    if started is not None:
        data["started"] = started
    return data


def test_answers_from_a_page_opened_before_the_close_are_kept(link, clock):
    _page, started = _open(link)
    clock.move_to("2026-03-02 10:05")
    survey_close(actor=None, survey=_invitation().survey)
    clock.move_to("2026-03-02 10:20")  # twenty minutes of thought, then "Send my answers"
    sent = Client().post(f"/survey/{link}/", _answers(started))
    assert "Your answers have been sent" in sent.content.decode()
    assert Response.objects.count() == 1
    assert _invitation().status == Invitation.Status.ANSWERED
    again = Client().post(f"/survey/{link}/", _answers(started))  # a second press
    assert "We already have your answers" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_page_opened_after_the_close_records_nothing_and_says_so(link, clock):
    clock.move_to("2026-03-02 10:05")
    survey_close(actor=None, survey=_invitation().survey)
    clock.move_to("2026-03-02 10:10")
    page = Client().get(f"/survey/{link}/").content.decode()
    assert "This survey has closed" in page and "closed on 2 March 2026" in page
    assert "Send my answers" not in page  # nothing to fill in
    later = started_stamp(_invitation().pk, timezone.now())
    for sent in (
        Client().post(f"/survey/{link}/", _answers(later)),
        Client().post(f"/survey/{link}/", _answers()),  # no sign of when it was opened
    ):
        page = sent.content.decode()
        assert sent.status_code == 200
        assert "closed on 2 March 2026, before you started answering it" in page
        assert "your answers have not been recorded" in page
    assert not Response.objects.exists()
    assert _invitation().status == Invitation.Status.EXPIRED


def test_a_tampered_or_borrowed_started_value_counts_as_not_started(link, team, course, clock):
    _page, started = _open(link)
    someone_else = StaffMemberFactory(team=team)
    completion_record(staff=someone_else, course=course, on=today())
    theirs = Invitation.objects.get(staff=someone_else, timepoint=Timepoint.REACTION)
    early = timezone.now() - dt.timedelta(hours=1)
    forged = [
        started[:-2] + ("AA" if not started.endswith("AA") else "BB"),  # signature altered
        "not-a-stamp",
        started_stamp(theirs.pk, early),  # another person's page
        "x" * 5000,
    ]
    clock.move_to("2026-03-02 10:05")
    survey_close(actor=None, survey=_invitation().survey)
    for value in forged:
        sent = Client().post(f"/survey/{link}/", _answers(value))
        assert "your answers have not been recorded" in sent.content.decode()
    assert not Response.objects.exists()


def test_while_open_a_bad_started_value_does_not_stop_the_answers(link):
    sent = Client().post(f"/survey/{link}/", _answers("not-a-stamp"))
    assert "Your answers have been sent" in sent.content.decode()
    assert Response.objects.count() == 1


def test_a_page_shown_again_with_errors_keeps_when_it_was_first_opened(link, clock):
    _page, started = _open(link)
    clock.move_to("2026-03-02 10:15")
    wrong = Client().post(f"/survey/{link}/", _answers(started, q1="9"))
    page = wrong.content.decode()
    assert "Choose one of the five answers" in page
    assert f'name="started" value="{started}"' in page
    survey_close(actor=None, survey=_invitation().survey)
    clock.move_to("2026-03-02 10:20")
    fixed = Client().post(f"/survey/{link}/", _answers(started, q1="5"))
    assert "Your answers have been sent" in fixed.content.decode()
    assert Response.objects.get().answers.get().number == 5


def test_an_answer_begun_on_the_links_last_day_is_kept_after_midnight(link, clock):
    # Decision: a link that expires at the end of its last day is treated like a closed
    # survey: answers begun before midnight count, a page opened after it is closed.
    Invitation.objects.filter(timepoint=Timepoint.REACTION).update(expires_on=today())
    clock.move_to("2026-03-02 23:50")
    _page, started = _open(link)
    clock.move_to("2026-03-03 00:10")
    invitations_send_due()  # the worker expires it meanwhile
    assert _invitation().status == Invitation.Status.EXPIRED
    closed = Client().get(f"/survey/{link}/").content.decode()
    assert "This survey has closed" in closed and "closed on 2 March 2026" in closed
    sent = Client().post(f"/survey/{link}/", _answers(started))
    assert "Your answers have been sent" in sent.content.decode()
    assert Response.objects.count() == 1


def test_a_survey_before_the_course_takes_answers_begun_before_it_started(
    admin, team, course, clock
):
    session = TrainingSessionFactory(
        course=course, starts_at=dt.datetime(2026, 3, 9, 9, 30, tzinfo=LONDON)
    )
    for name in ("Pat", "Sam"):
        person = StaffMemberFactory(team=team, first_name=name, email=f"{name}@example.org")
        booking_create(actor=admin.user, session=session, staff=person)
    invitations_send_due()
    pat, sam = (re.search(r"/survey/(\S+)/", m.body)[1] for m in mail.outbox)
    clock.move_to("2026-03-09 09:20")
    _page, started = _open(pat)
    clock.move_to("2026-03-09 09:40")  # the course has begun
    assert "This survey has closed" in Client().get(f"/survey/{sam}/").content.decode()
    version = current_version(Invitation.objects.filter(timepoint=Timepoint.PRE)[0].survey)
    sent = Client().post(f"/survey/{pat}/", {"version": version.pk, "q1": "3", "started": started})
    assert "Your answers have been sent" in sent.content.decode()
    assert Response.objects.get().timepoint == Timepoint.PRE


def test_used_forged_and_expired_links_get_kind_pages_and_record_nothing(link, clock):
    invitation = _invitation()
    forged = invitation_token(invitation.pk, "guessed-nonce")
    for response in (Client().get(f"/survey/{forged}/"), Client().post(f"/survey/{forged}/")):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert Client().get("/survey/not-a-token/").status_code == 404
    Invitation.objects.filter(pk=invitation.pk).update(expires_on=today() - dt.timedelta(days=1))
    for response in (
        Client().get(f"/survey/{link}/"),
        Client().post(f"/survey/{link}/", _answers(started_stamp(invitation.pk, timezone.now()))),
    ):
        assert "This survey has closed" in response.content.decode()
    assert not Response.objects.exists()
    Invitation.objects.filter(pk=invitation.pk).update(expires_on=today())
    Client().post(f"/survey/{link}/", _answers())
    for response in (Client().get(f"/survey/{link}/"), Client().post(f"/survey/{link}/", {})):
        assert "We already have your answers" in response.content.decode()
    assert Response.objects.count() == 1
