"""What the booking tests (test_booking_places, test_booking_cancelling_and_calendar)
share: the booking pages' addresses, and a way to fill a session's places."""

from tiptracker.training.tests.factories import BookingFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory


def detail(session):
    return f"/p/{session.partnership.slug}/sessions/{session.pk}/"


def bookings_page(partnership):
    return f"/p/{partnership.slug}/bookings/"


def cancel_url(booking):
    return f"/p/{booking.partnership.slug}/bookings/{booking.pk}/cancel/"


def ics_url(booking):
    return f"/p/{booking.partnership.slug}/bookings/{booking.pk}/calendar.ics"


def fill(session, team, count):
    return [
        BookingFactory(session=session, staff=StaffMemberFactory(team=team)) for _ in range(count)
    ]
