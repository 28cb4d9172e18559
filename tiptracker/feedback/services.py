"""Writes for surveys: templates and their versions, closing and reopening them, the starter
set, and which surveys a course runs when. (Invitations, reminders and responses come next.)"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.feedback.models import (
    CourseSurvey,
    Invitation,
    Purpose,
    Question,
    Survey,
    SurveyVersion,
    Timepoint,
)
from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor

MAX_QUESTIONS = 40
MAX_CHOICES = 20
MAX_TEXT = 500  # a question and its hint (Question.text, Question.hint)
MAX_CHOICE = 200  # one choice (it may become Question.change_answer)
MAX_NAME = 200


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    hint: str = ""
    choices: tuple[str, ...] = field(default_factory=tuple)
    # For a one-choice question: the choice that means "I changed my practice" (blank: none).
    change_answer: str = ""


def _problem(number: int, message: str, part: str) -> ValidationError:
    """A question's problem. The message carries its number as a parameter and the code
    names the part of the question at fault (kind, text, hint, choices, change_answer), so
    that a page can show it against the right field of the right row."""
    return ValidationError(f"Question %(number)s: {message}", code=part, params={"number": number})


def _question_problem(number: int, question: QuestionSpec) -> ValidationError | None:
    choices = [c.strip() for c in question.choices]
    change = question.change_answer.strip()
    has_choices = question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
    if question.kind not in Question.Kind.values:
        return _problem(number, "choose what kind of answer it takes", "kind")
    if not question.text.strip():
        return _problem(number, "enter the question", "text")
    if len(question.text.strip()) > MAX_TEXT:
        return _problem(number, f"the question must be {MAX_TEXT} characters or fewer", "text")
    if len(question.hint.strip()) > MAX_TEXT:
        return _problem(number, f"the hint must be {MAX_TEXT} characters or fewer", "hint")
    if has_choices:
        if len([c for c in choices if c]) < 2:
            return _problem(number, "give at least two choices", "choices")
        if len(choices) > MAX_CHOICES:
            return _problem(number, f"give at most {MAX_CHOICES} choices", "choices")
        if any(not c for c in choices) or len({c.lower() for c in choices}) != len(choices):
            return _problem(number, "each choice must be filled in and different", "choices")
        if any(len(c) > MAX_CHOICE for c in choices):
            return _problem(
                number, f"each choice must be {MAX_CHOICE} characters or fewer", "choices"
            )
    elif choices:
        return _problem(number, "only one-choice and any-number questions have choices", "choices")
    if change and question.kind != Question.Kind.SINGLE:
        return _problem(
            number,
            "only a one-choice question has an answer that means a change in practice",
            "change_answer",
        )
    if change and change.lower() not in {c.lower() for c in choices}:
        return _problem(
            number,
            "the answer that means a change in practice must be one of its choices",
            "change_answer",
        )
    return None


def _check_questions(questions: list[QuestionSpec], *, anonymous: bool = False) -> None:
    """Every problem at once, each keyed by the question's number (question_1, ...).

    An anonymous survey asks no free-text question: written words can identify the person
    who wrote them, and anonymous answers are never shown one by one (docs/data-protection.md),
    so the words would be asked for and never read."""
    if not questions:
        raise ValidationError({"questions": "A survey needs at least one question"})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"A survey can have at most {MAX_QUESTIONS} questions"})
    errors: dict[str, ValidationError] = {}
    for number, question in enumerate(questions, start=1):
        problem = _question_problem(number, question)
        if problem is None and anonymous and question.kind == Question.Kind.TEXT:
            problem = _problem(
                number,
                "an anonymous survey cannot ask for free text, because written answers can "
                "identify the person who wrote them; make the survey attributable, or ask "
                "this as a choice",
                "kind",
            )
        if problem is not None:
            errors[f"question_{number}"] = problem
    if errors:
        raise ValidationError(errors)


def _change_answer(question: QuestionSpec) -> str:
    """The change answer as its choice is spelled ("yes" names the choice "Yes")."""
    change = question.change_answer.strip().lower()
    return next((c.strip() for c in question.choices if c.strip().lower() == change), "")


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
            change_answer=_change_answer(q),
        )
        for position, q in enumerate(questions, start=1)
    )
    return version


def _asks_the_same(
    version: SurveyVersion, introduction: str, anonymous: bool, questions: list[QuestionSpec]
) -> bool:
    """Whether saving these would change nothing about `version`."""

    def shape(kind: str, text: str, hint: str, choices: Any, change: str) -> tuple:
        return (kind, text.strip(), hint.strip(), [c.strip() for c in choices], change)

    saved = [
        shape(q.kind, q.text, q.hint, q.choices, q.change_answer) for q in version.questions.all()
    ]
    wanted = [shape(q.kind, q.text, q.hint, q.choices, _change_answer(q)) for q in questions]
    return (
        version.introduction == introduction.strip()
        and version.anonymous == anonymous
        and saved == wanted
    )


def _check_survey(name: str, purpose: str, introduction: str) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the survey's name"
    elif len(name.strip()) > MAX_NAME:
        errors["name"] = f"The survey's name must be {MAX_NAME} characters or fewer"
    if purpose not in Purpose.values:
        errors["purpose"] = "Choose what the survey measures"
    if not introduction.strip():
        errors["introduction"] = (
            "Enter the introduction respondents read first: what the survey is for and how "
            "their answers are used"
        )
    if errors:
        raise ValidationError(errors)


def survey_check(
    *,
    partnership_id: int,
    name: str,
    purpose: str,
    introduction: str,
    questions: list[QuestionSpec],
    survey: Survey | None = None,
    anonymous: bool = False,
) -> None:
    """Every problem survey_create (or, given `survey`, survey_edit) would refuse, at once,
    writing nothing: a page shows them all together."""
    errors: dict[str, list[ValidationError]] = {}
    for check in (
        lambda: _check_survey(name, purpose, introduction),
        lambda: _check_questions(questions, anonymous=anonymous),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.error_dict)
    if (
        survey is None
        and "name" not in errors
        and Survey.objects.filter(partnership_id=partnership_id, name__iexact=name.strip()).exists()
    ):
        errors["name"] = [ValidationError("There is already a survey with this name")]
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
    survey_check(
        partnership_id=partnership_id,
        name=name,
        purpose=purpose,
        introduction=introduction,
        questions=questions,
        anonymous=anonymous,
    )
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
    with responses never is (nor an anonymous one anybody has been asked since it was made:
    models.version_in_use): the change becomes the next version. If nothing would change,
    nothing is written and the current version comes back as it was (the same row)."""
    survey_check(
        partnership_id=survey.partnership_id,
        name=survey.name,
        purpose=survey.purpose,
        introduction=introduction,
        questions=questions,
        survey=survey,
        anonymous=anonymous,
    )
    # Lock the survey's row, so a response arriving meanwhile cannot slip in between the
    # check below and the change.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    latest = current_version(survey)
    if _asks_the_same(latest, introduction, anonymous, questions):
        return latest
    if latest.in_use():
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


def survey_edit_outcome(before: SurveyVersion, after: SurveyVersion) -> str:
    """What survey_edit did, from the current version before it and the one it returned,
    in a sentence (a page's message and the API's answer)."""
    if after.pk == before.pk:
        return "Nothing had changed, so nothing was saved."
    if after.number > before.number:
        return (
            f"Saved as version {after.number}. Version {before.number} "
            + ("has been sent to people" if before.anonymous else "has responses")
            + f", so it was kept as it was: any answers stay with version {before.number}."
        )
    if after.anonymous:
        return f"Saved. Nobody had been asked version {after.number}, so it was changed in place."
    return f"Saved. Nobody had answered version {after.number}, so it was changed in place."


@transaction.atomic
def survey_close(*, actor: Actor, survey: Survey) -> Survey:
    """Close an open survey: nothing more is sent, and the links of everyone who has not
    answered stop working (their invitations expire). Answers already given stay."""
    with acting(actor):
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.closed_at is not None:
            raise ValidationError("This survey is already closed")
        survey.closed_at = locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        Invitation.objects.filter(
            survey_id=survey.pk, status__in=[Invitation.Status.WAITING, Invitation.Status.SENT]
        ).update(status=Invitation.Status.EXPIRED)
        return survey


@transaction.atomic
def survey_reopen(*, actor: Actor, survey: Survey) -> Survey:
    """Reopen a closed survey. Invitations that expired when it closed stay expired: a link
    that was announced as closed does not come back to life."""
    with acting(actor):
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.closed_at is None:
            raise ValidationError("This survey is open already")
        survey.closed_at = locked.closed_at = None
        locked.save(update_fields=["closed_at"])
        return survey


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
    with acting(actor):
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
            defaults={
                "partnership_id": course.partnership_id,
                "survey": survey,
                "delay_days": delay,
            },
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
