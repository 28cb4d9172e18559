"""Two people book the last place on a session at the same moment, each through their own
connection (two requests on two web workers): one gets the place, the other the waiting list.
booking_create locks the session's row; without that lock both would read one place free and
both be booked."""

import pytest
from django.core import mail
from django.db import connection

from tiptracker.tests.race import Race
from tiptracker.training import bookings
from tiptracker.training.bookings import booking_create
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite lets one connection write at a time, so nothing races; CI runs this on "
        "PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_people_booking_the_last_place_at_once_get_one_place_and_one_wait(
    admin, partnership, team, monkeypatch
):
    session = TrainingSessionFactory(course=CourseFactory(partnership=partnership), capacity=2)
    BookingFactory(session=session, staff=StaffMemberFactory(team=team))  # one place left
    first, second = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    race = Race()
    # Each waits, where the service counts the places taken, until the other is there too or
    # is held by the first one's lock on the session.
    counted = bookings.session_places_taken
    monkeypatch.setattr(bookings, "session_places_taken", lambda s: (race.meet(), counted(s))[1])

    results = race.run(
        lambda: booking_create(actor=admin.user, session=session, staff=first),
        lambda: booking_create(actor=admin.user, session=session, staff=second),
    )

    assert all(isinstance(result, Booking) for result in results), results
    statuses = dict(
        Booking.objects.filter(staff__in=[first, second]).values_list("staff_id", "status")
    )
    assert sorted(statuses.values()) == [Booking.Status.BOOKED, Booking.Status.WAITLISTED]
    assert Booking.objects.filter(session=session, status=Booking.Status.BOOKED).count() == 2
    # Each was told what they got.
    told = {message.to[0]: message.subject for message in mail.outbox}
    assert set(told) == {first.email, second.email}, told
