"""What people are told by e-mail about their places: a confirmation with the calendar file
and a link to the session, the waiting list, promotion from it, and a reminder two days
before. E-mails are read back from Django's outbox and their links followed."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from tiptracker.training.bookings import booking_cancel, booking_create
from tiptracker.training.messages import reminders_send_due
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory


@pytest.fixture
def session(partnership):
    return TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Opening Doors"),
        capacity=1,
        venue="Caird Hall",
    )


def link_in(body: str) -> str:
    return re.search(r"http://\S+(/p/\S+/)", body)[1]


def test_a_place_is_confirmed_with_the_calendar_file_and_a_link_to_the_session(
    member, login, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(actor=member.user, session=session, staff=member.staff)
    (message,) = mail.outbox
    assert message.to == [member.staff.email]
    assert message.subject.startswith("Booked: Opening Doors")
    assert "You have a place on Opening Doors" in message.body and "Caird Hall" in message.body
    (name, content, kind) = message.attachments[0]
    assert name == "session.ics" and kind.startswith("text/calendar")
    assert "STATUS:CONFIRMED" in content
    assert "Opening Doors" in message.alternatives[0][0]  # the HTML version
    page = login(member).get(link_in(message.body))
    assert page.status_code == 200 and "Opening Doors" in page.content.decode()


def test_the_waiting_list_is_confirmed_as_the_waiting_list(
    member, session, team, django_capture_on_commit_callbacks
):
    BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(actor=None, session=session, staff=member.staff)
    assert booking.status == Booking.Status.WAITLISTED
    (message,) = mail.outbox
    assert message.subject.startswith("On the waiting list: Opening Doors")
    assert "you are on its waiting list" in message.body
    assert "(waiting list)" in message.attachments[0][1]


def test_promotion_from_the_waiting_list_sends_the_calendar_file_of_the_place(
    member, session, team, django_capture_on_commit_callbacks
):
    held = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    waiting = BookingFactory(session=session, staff=member.staff, status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=None, booking=held)
    (message,) = mail.outbox
    assert message.to == [member.staff.email]
    assert message.subject == "A place is yours: Opening Doors"
    assert "(waiting list)" not in message.attachments[0][1]
    assert f"/sessions/{waiting.session_id}/" in message.body


def test_a_reminder_goes_two_days_before_once_and_only_to_those_with_a_place(
    member, partnership, team
):
    soon = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Sowing Seeds"),
        starts_at=timezone.now() + dt.timedelta(days=1, hours=3),
    )
    later = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        starts_at=timezone.now() + dt.timedelta(days=6),
    )
    place = BookingFactory(session=soon, staff=member.staff)
    BookingFactory(session=soon, staff=StaffMemberFactory(team=team), status="waitlisted")
    BookingFactory(session=soon, staff=StaffMemberFactory(team=team), status="cancelled")
    BookingFactory(session=later, staff=StaffMemberFactory(team=team))
    assert reminders_send_due() == 1
    (message,) = mail.outbox
    assert message.to == [place.staff.email]
    assert message.subject.startswith("Reminder: Sowing Seeds")
    assert f"/sessions/{soon.pk}/" in message.body
    assert reminders_send_due() == 0  # never twice
    assert len(mail.outbox) == 1


def test_the_worker_sends_the_reminders(member, partnership):
    from tiptracker.worker import run_due

    soon = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        starts_at=timezone.now() + dt.timedelta(hours=30),
    )
    BookingFactory(session=soon, staff=member.staff)
    run_due()
    assert [m.to for m in mail.outbox] == [[member.staff.email]]
