"""Fixtures shared by the training tests: a session of Opening Doors with two places (the
booking tests), and a briefing for board and elected members with a guest to invite (the
briefing tests)."""

import pytest

from tiptracker.training.tests.factories import (
    CourseFactory,
    GuestFactory,
    TrainingSessionFactory,
)


@pytest.fixture
def session(partnership):
    return TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Opening Doors"), capacity=2
    )


@pytest.fixture
def briefing(partnership):
    course = CourseFactory(
        partnership=partnership, title="Trauma-informed briefing for board and elected members"
    )
    return TrainingSessionFactory(course=course, capacity=3, venue="City Chambers, Dundee")


@pytest.fixture
def guest(partnership):
    return GuestFactory(partnership=partnership, name="Councillor Morag Lindsay")
