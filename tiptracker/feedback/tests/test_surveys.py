"""Survey templates: every question skippable by design, a version with responses never
changed in place, the starter set, and which surveys a course runs when."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tiptracker.feedback.models import CourseSurvey, Question, Response, Survey, Timepoint
from tiptracker.feedback.services import (
    QuestionSpec,
    course_survey_set,
    current_version,
    survey_create,
    survey_edit,
)
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.training.tests.factories import CourseFactory

K = Question.Kind


def _survey(admin, **overrides):
    values = {
        "name": "After the session",
        "purpose": "reaction",
        "introduction": "Help us improve. You can leave any question blank.",
        "anonymous": True,
        "questions": [QuestionSpec(K.AGREEMENT, "It was relevant to my work.")],
        **overrides,
    }
    return survey_create(actor=admin.user, partnership_id=admin.partnership_id, **values)


def _respond(version, course):
    return Response.objects.create(
        partnership_id=version.survey.partnership_id,
        version=version,
        course=course,
        timepoint=Timepoint.REACTION,
        given_on=dt.date(2022, 5, 1),
        trained_in=dt.date(2022, 5, 1),
    )


def test_editing_a_survey_nobody_has_answered_changes_it_in_place(admin):
    survey = _survey(admin)
    version = survey_edit(
        actor=admin.user,
        survey=survey,
        introduction="New words",
        anonymous=True,
        questions=[QuestionSpec(K.RATING, "How was it?")],
    )
    assert version.number == 1 and survey.versions.count() == 1
    assert [q.text for q in version.questions.all()] == ["How was it?"]


def test_a_survey_with_responses_is_never_changed_in_place(admin):
    survey = _survey(admin)
    first = current_version(survey)
    _respond(first, CourseFactory(partnership=admin.partnership))
    second = survey_edit(
        actor=admin.user,
        survey=survey,
        introduction="Second wording",
        anonymous=False,
        questions=[QuestionSpec(K.RATING, "How was it?")],
    )
    assert (second.number, second.anonymous) == (2, False)
    first.refresh_from_db()
    assert first.anonymous and [q.text for q in first.questions.all()] == [
        "It was relevant to my work."
    ]
    assert current_version(survey) == second


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (QuestionSpec(K.SINGLE, "Pick one", choices=("Only",)), "at least two choices"),
        (QuestionSpec(K.MULTIPLE, "Pick", choices=("A", "a")), "filled in and different"),
        (QuestionSpec(K.RATING, "Rate", choices=("A", "B")), "only one-choice"),
        (QuestionSpec(K.TEXT, "   "), "enter the question"),
        (QuestionSpec("stars", "Rate"), "what kind of answer"),
    ],
)
def test_a_bad_question_is_refused_with_its_number_and_nothing_is_written(admin, question, message):
    good = QuestionSpec(K.AGREEMENT, "Fine")
    with pytest.raises(ValidationError) as raised:
        _survey(admin, questions=[good, question])
    assert message in str(raised.value.error_dict["question_2"])
    assert not Survey.objects.exists()


def test_an_anonymous_survey_asks_no_free_text_because_words_identify_people(admin):
    asks = [QuestionSpec(K.AGREEMENT, "Fine"), QuestionSpec(K.TEXT, "Anything else?")]
    with pytest.raises(ValidationError) as raised:
        _survey(admin, questions=asks)
    assert "Question 2: an anonymous survey cannot ask for free text" in str(
        raised.value.error_dict["question_2"]
    )
    assert not Survey.objects.exists()
    survey = _survey(admin, questions=asks, anonymous=False)
    with pytest.raises(ValidationError):
        survey_edit(
            actor=admin.user,
            survey=survey,
            introduction="Now anonymous",
            anonymous=True,
            questions=asks,
        )
    assert not current_version(survey).anonymous


def test_a_survey_needs_an_introduction_and_a_unique_name(admin):
    with pytest.raises(ValidationError) as raised:
        _survey(admin, introduction=" ")
    assert "introduction" in raised.value.error_dict
    _survey(admin)
    with pytest.raises(ValidationError) as raised:
        _survey(admin, name="AFTER THE SESSION")
    assert "name" in raised.value.error_dict


def test_the_starter_set_covers_reaction_confidence_and_practice_change_and_says_so_first(admin):
    added = surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    assert [s.name for s in added] == [REACTION, CONFIDENCE, PRACTICE]
    assert [s.purpose for s in added] == ["reaction", "learning", "behaviour"]
    for survey in added:
        version = current_version(survey)
        # The respondent is told, before anything, whether it is anonymous and that every
        # question may be skipped.
        assert "leave any question blank" in version.introduction
        assert ("anonymous" in version.introduction) == version.anonymous
    assert surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id) == []


def test_a_course_runs_a_survey_at_each_timepoint_and_follow_up_defaults_to_twelve_weeks(admin):
    course = CourseFactory(partnership=admin.partnership)
    survey = _survey(admin)
    follow_up = course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.FOLLOW_UP, survey=survey
    )
    assert follow_up.delay_days == 84
    course_survey_set(actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=survey)
    assert CourseSurvey.objects.filter(course=course).count() == 2
    course_survey_set(actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=None)
    assert list(CourseSurvey.objects.values_list("timepoint", flat=True)) == ["follow_up"]


@pytest.mark.parametrize(
    ("timepoint", "delay", "field"),
    [
        (Timepoint.FOLLOW_UP, 3, "delay_days"),
        (Timepoint.POST, 10, "delay_days"),
        ("later", None, "timepoint"),
    ],
)
def test_a_course_survey_with_a_bad_delay_or_timepoint_is_refused(admin, timepoint, delay, field):
    course = CourseFactory(partnership=admin.partnership)
    with pytest.raises(ValidationError) as raised:
        course_survey_set(
            actor=admin.user,
            course=course,
            timepoint=timepoint,
            survey=_survey(admin),
            delay_days=delay,
        )
    assert field in raised.value.error_dict
    assert not CourseSurvey.objects.exists()


def test_a_course_cannot_run_another_partnerships_survey(admin, outsider):
    theirs = _survey(outsider)
    course = CourseFactory(partnership=admin.partnership)
    with pytest.raises(ValidationError):
        course_survey_set(
            actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=theirs
        )


def test_responses_have_ids_that_say_nothing_of_their_order(admin):
    version = current_version(_survey(admin))
    course = CourseFactory(partnership=admin.partnership)
    first, second = _respond(version, course), _respond(version, course)
    assert len(str(first.pk)) == 36 and first.pk != second.pk  # random, not a counter
