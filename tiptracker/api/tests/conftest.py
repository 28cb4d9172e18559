"""API fixtures: a token-authenticated client for any persona, and a small partnership
with something of every kind, beside another partnership with the same."""

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from tiptracker.accounts.services import api_token_create
from tiptracker.lib.levels import Level
from tiptracker.training.tests.factories import (
    BookingFactory,
    CompletionFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


@pytest.fixture
def api():
    """api(membership): a client sending that member's new API token; api() is anonymous."""

    def client_for(membership=None) -> APIClient:
        client = APIClient()
        if membership is not None:
            _token, key = api_token_create(user=membership.user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return client_for


def _estate(partnership, team=None):
    team = team or TeamFactory(partnership=partnership)
    other_team = TeamFactory(partnership=partnership, name="Justice Social Work")
    person = StaffMemberFactory(team=team, staff_id=f"{partnership.slug}-1")
    other_person = StaffMemberFactory(team=other_team, staff_id=f"{partnership.slug}-2")
    course = CourseFactory(partnership=partnership, code="TI-1", level=Level.INFORMED)
    session = TrainingSessionFactory(course=course, capacity=1)
    booking = BookingFactory(session=session, staff=other_person)
    completion = CompletionFactory(staff=person, course=course, completed_on=dt.date(2022, 3, 1))
    return SimpleNamespace(
        partnership=partnership,
        team=team,
        other_team=other_team,
        organisation=team.organisation,
        person=person,
        other_person=other_person,
        course=course,
        session=session,
        booking=booking,
        completion=completion,
    )


@pytest.fixture
def ours(partnership, team):
    """The caller's partnership: two teams, a person in each, a course, a full session with
    the second person booked, and a completion for the first."""
    return _estate(partnership, team)


@pytest.fixture
def theirs(other_partnership):
    """The same in another partnership, for the 'nothing leaks' tests."""
    return _estate(other_partnership)
