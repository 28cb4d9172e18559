"""A staff member books a session that is full and lands on the waiting list; when a
place frees, they are moved into it and told by e-mail."""

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.training.models import Booking
from tiptracker.training.services import booking_cancel
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_booking_a_full_session_puts_me_on_the_waiting_list(page, member, partnership, team):
    course = CourseFactory(partnership=partnership, title="Safety and Stabilisation")
    session = TrainingSessionFactory(course=course, capacity=1)
    first = BookingFactory(session=session, staff=StaffMemberFactory(team=team))

    sign_in(page, member)
    visit(page, f"/p/{partnership.slug}/sessions/")
    page.get_by_role("link", name="Safety and Stabilisation").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "The session is full" in page.content()

    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "on the waiting list: position 1" in page.content()
    mine = Booking.objects.get(session=session, staff=member.staff)
    assert mine.status == Booking.Status.WAITLISTED

    # The person with the place cancels: I am promoted and told.
    booking_cancel(actor=None, booking=first)
    mine.refresh_from_db()
    assert mine.status == Booking.Status.BOOKED
    # Told twice: the waiting list confirmed, then the place.
    assert [message.to for message in mail.outbox] == [[member.staff.email]] * 2
    assert mail.outbox[-1].subject == "A place is yours: Safety and Stabilisation"
    visit(page, f"/p/{partnership.slug}/bookings/")
    assert "Safety and Stabilisation" in page.content()
