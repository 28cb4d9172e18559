"""The demo's briefing for board and elected members, by the end of the summer of 2022
(a load of its own, like test_demo.py's)."""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import override_settings

from tiptracker.demo import data
from tiptracker.demo.briefings import COURSE_CODE
from tiptracker.demo.loader import demo_load
from tiptracker.partnerships.models import Partnership
from tiptracker.training.models import Booking, Completion, Guest, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        out = io.StringIO()
        demo_load(out=out)
        yield Partnership.objects.get(slug="dundee"), out.getvalue()
        transaction.set_rollback(True)


def test_the_briefing_for_board_and_elected_members_was_held_by_the_end_of_summer_2022(demo):
    partnership, output = demo
    briefing = TrainingSession.objects.get(partnership=partnership, course__code=COURSE_CODE)
    assert dt.date(2022, 8, 1) <= briefing.starts_at.date() <= dt.date(2022, 8, 31)
    assert briefing.course.code != data.BRIEFING  # not one of the manager briefings
    invitations = Booking.objects.filter(session=briefing)
    assert invitations.count() == 18 and not invitations.filter(staff__isnull=False).exists()
    assert invitations.filter(status=Booking.Status.BOOKED).count() == 14
    assert invitations.filter(status=Booking.Status.DECLINED).count() == 3
    assert invitations.filter(status=Booking.Status.INVITED).count() == 1
    assert invitations.filter(attendance=Booking.Attendance.ATTENDED).count() == 12
    assert not invitations.filter(marks__isnull=True).exclude(attendance="").exists()
    # Guests are not the workforce: their attendance records no completion.
    assert not Completion.objects.filter(booking__in=invitations).exists()
    assert "18 guests invited, 14 accepted, 3 declined, 12 attended" in output


def test_the_guests_are_fictional_board_and_elected_members_at_example_org(demo):
    partnership, _output = demo
    guests = Guest.objects.filter(partnership=partnership)
    assert set(guests.values_list("kind", flat=True)) == {"board_member", "elected_member"}
    assert all(email.endswith("@example.org") for email in guests.values_list("email", flat=True))


def test_the_manager_briefings_keep_their_141_managers(demo):
    partnership, _output = demo
    attended = Booking.objects.filter(
        partnership=partnership,
        session__course__code=data.BRIEFING,
        attendance=Booking.Attendance.ATTENDED,
        session__starts_at__date__lte=dt.date(2022, 5, 31),
    )
    assert attended.values("staff").distinct().count() == 141
    assert not attended.filter(guest__isnull=False).exists()
