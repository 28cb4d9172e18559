"""Writes for surveys: templates and their versions, the starter set, and which surveys a
course runs when. (Invitations, reminders and responses come next.)"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.feedback.models import (
    CourseSurvey,
    Purpose,
    Question,
    Survey,
    SurveyVersion,
    Timepoint,
)

Actor = Any
MAX_QUESTIONS = 40
MAX_CHOICES = 20


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    hint: str = ""
    choices: tuple[str, ...] = field(default_factory=tuple)


def _check_questions(questions: list[QuestionSpec]) -> None:
    """Every problem at once, each keyed by the question's number (question_1, ...)."""
    if not questions:
        raise ValidationError({"questions": "A survey needs at least one question"})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"A survey can have at most {MAX_QUESTIONS} questions"})
    errors: dict[str, str] = {}
    for number, question in enumerate(questions, start=1):
        key = f"question_{number}"
        choices = [c.strip() for c in question.choices]
        if question.kind not in Question.Kind.values:
            errors[key] = f"Question {number}: choose what kind of answer it takes"
        elif not question.text.strip():
            errors[key] = f"Question {number}: enter the question"
        elif len(question.text.strip()) > 500:
            errors[key] = f"Question {number}: the question must be 500 characters or fewer"
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if len([c for c in choices if c]) < 2:
                errors[key] = f"Question {number}: give at least two choices"
            elif len(choices) > MAX_CHOICES:
                errors[key] = f"Question {number}: give at most {MAX_CHOICES} choices"
            elif any(not c for c in choices) or len({c.lower() for c in choices}) != len(choices):
                errors[key] = f"Question {number}: each choice must be filled in and different"
        elif choices:
            errors[key] = (
                f"Question {number}: only one-choice and any-number questions have choices"
            )
    if errors:
        raise ValidationError(errors)


def _write_version(
    *,
    actor: Actor,
    survey: Survey,
    number: int,
    introduction: str,
    anonymous: bool,
    questions: list[QuestionSpec],
) -> SurveyVersion:
    version = SurveyVersion.objects.create(
        survey=survey,
        number=number,
        introduction=introduction.strip(),
        anonymous=anonymous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Question.objects.bulk_create(
        Question(
            version=version,
            position=position,
            kind=q.kind,
            text=q.text.strip(),
            hint=q.hint.strip(),
            choices=[c.strip() for c in q.choices],
        )
        for position, q in enumerate(questions, start=1)
    )
    return version


def _check_survey(name: str, purpose: str, introduction: str) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the survey's name"
    if purpose not in Purpose.values:
        errors["purpose"] = "Choose what the survey measures"
    if not introduction.strip():
        errors["introduction"] = (
            "Enter the introduction respondents read first: what the survey is for and how "
            "their answers are used"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def survey_create(
    *,
    actor: Actor,
    partnership_id: int,
    name: str,
    purpose: str,
    introduction: str,
    anonymous: bool,
    questions: list[QuestionSpec],
) -> Survey:
    _check_survey(name, purpose, introduction)
    _check_questions(questions)
    if Survey.objects.filter(partnership_id=partnership_id, name__iexact=name.strip()).exists():
        raise ValidationError({"name": "There is already a survey with this name"})
    survey = Survey.objects.create(
        partnership_id=partnership_id, name=name.strip(), purpose=purpose
    )
    _write_version(
        actor=actor,
        survey=survey,
        number=1,
        introduction=introduction,
        anonymous=anonymous,
        questions=questions,
    )
    return survey


def current_version(survey: Survey) -> SurveyVersion:
    return survey.versions.order_by("-number").first()  # type: ignore[return-value]


@transaction.atomic
def survey_edit(
    *,
    actor: Actor,
    survey: Survey,
    introduction: str,
    anonymous: bool,
    questions: list[QuestionSpec],
) -> SurveyVersion:
    """Change what the survey asks. A version nobody has answered is changed in place; one
    with responses never is: the change becomes the next version."""
    _check_survey(survey.name, survey.purpose, introduction)
    _check_questions(questions)
    # Lock the survey's row, so a response arriving meanwhile cannot slip in between the
    # check below and the change.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    latest = current_version(survey)
    if latest.responses.exists():
        return _write_version(
            actor=actor,
            survey=survey,
            number=latest.number + 1,
            introduction=introduction,
            anonymous=anonymous,
            questions=questions,
        )
    latest.questions.all().delete()
    latest.delete()
    return _write_version(
        actor=actor,
        survey=survey,
        number=latest.number,
        introduction=introduction,
        anonymous=anonymous,
        questions=questions,
    )


@transaction.atomic
def course_survey_set(
    *,
    actor: Actor,
    course: Any,
    timepoint: str,
    survey: Survey | None,
    delay_days: int | None = None,
) -> CourseSurvey | None:
    """Run `survey` for `course` at `timepoint` (None: no survey then). A follow-up runs
    after `delay_days` (default twelve weeks); the others run at once."""
    if timepoint not in Timepoint.values:
        raise ValidationError({"timepoint": "Choose when the survey runs"})
    if survey is None:
        CourseSurvey.objects.filter(course=course, timepoint=timepoint).delete()
        return None
    if survey.partnership_id != course.partnership_id:
        raise ValidationError({"survey": "That survey belongs to another partnership"})
    if timepoint == Timepoint.FOLLOW_UP:
        delay = CourseSurvey.DEFAULT_FOLLOW_UP_DAYS if delay_days is None else delay_days
        if not 7 <= delay <= 730:
            raise ValidationError(
                {"delay_days": "A follow-up runs between 7 days and 2 years after the course"}
            )
    elif delay_days:
        raise ValidationError({"delay_days": "Only a follow-up runs after a delay"})
    else:
        delay = 0
    found, _created = CourseSurvey.objects.update_or_create(
        course=course,
        timepoint=timepoint,
        defaults={"partnership_id": course.partnership_id, "survey": survey, "delay_days": delay},
    )
    return found


@transaction.atomic
def course_surveys_set(
    *, actor: Actor, course: Any, surveys: dict[str, Survey | None], follow_up_days: int
) -> None:
    """Set every timepoint of a course at once (a page's form); all or nothing."""
    for timepoint, survey in surveys.items():
        course_survey_set(
            actor=actor,
            course=course,
            timepoint=timepoint,
            survey=survey,
            delay_days=follow_up_days if timepoint == Timepoint.FOLLOW_UP else None,
        )
