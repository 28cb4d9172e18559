"""Fixtures shared by the feedback tests: the partnership's starter surveys, and a course
running them at every timepoint."""

import pytest

from tiptracker.feedback.models import Timepoint
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.training.tests.factories import CourseFactory


@pytest.fixture
def surveys(admin):
    found = surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    return {s.name: s for s in found}


@pytest.fixture
def course(admin, surveys):
    course = CourseFactory(partnership=admin.partnership, title="Opening Doors", level=1)
    for timepoint, name in [
        (Timepoint.REACTION, REACTION),
        (Timepoint.PRE, CONFIDENCE),
        (Timepoint.POST, CONFIDENCE),
        (Timepoint.FOLLOW_UP, PRACTICE),
    ]:
        course_survey_set(
            actor=admin.user, course=course, timepoint=timepoint, survey=surveys[name]
        )
    return course
