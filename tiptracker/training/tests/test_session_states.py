"""When a session is open for booking (TrainingSession.is_bookable), and when its attendance
can be marked (attendance_open): the two conditions the pages and the services share.
Plain model properties, so unsaved sessions and a fixed clock are enough."""

import datetime as dt
from unittest import mock

import pytest

from tiptracker.training.models import TrainingSession

NOW = dt.datetime(2022, 9, 6, 10, 0, tzinfo=dt.UTC)
SCHEDULED, CANCELLED = TrainingSession.Status.SCHEDULED, TrainingSession.Status.CANCELLED


def session_at(starts_at: dt.datetime, status: str = SCHEDULED) -> TrainingSession:
    return TrainingSession(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), status=status
    )


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.mark.parametrize(
    ("starts_in", "status", "bookable", "attendance_open"),
    [
        (dt.timedelta(days=1), SCHEDULED, True, False),  # to come: booked, not yet attended
        (dt.timedelta(minutes=1), SCHEDULED, True, False),
        (dt.timedelta(0), SCHEDULED, False, True),  # the moment it starts, booking closes
        (-dt.timedelta(days=1), SCHEDULED, False, True),  # started or over
        (dt.timedelta(days=1), CANCELLED, False, False),  # cancelled: neither, ever
        (-dt.timedelta(days=1), CANCELLED, False, False),
    ],
)
def test_a_session_is_bookable_until_it_starts_and_takes_attendance_from_then_unless_cancelled(
    starts_in, status, bookable, attendance_open
):
    session = session_at(NOW + starts_in, status)
    assert session.is_bookable is bookable
    assert session.attendance_open is attendance_open
