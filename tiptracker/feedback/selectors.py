"""Reads for surveys: the list with each one's current version, and a course's timepoints."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone

from tiptracker.feedback.models import (
    Answer,
    CourseSurvey,
    Invitation,
    Question,
    Survey,
    SurveyVersion,
    Timepoint,
    version_in_use,
)
from tiptracker.feedback.periods import Period


def surveys_list_for(partnership_id: int) -> QuerySet[Survey]:
    """Surveys with their latest version number and how many responses they have: only
    for surveys never anonymous. An anonymous survey's count, read as it grows, would tell
    when each answer came (its figures are published in released quarters: release.py)."""
    return (
        Survey.objects.filter(partnership_id=partnership_id)
        .annotate(
            latest=Max("versions__number"),
            responses=Count("versions__responses"),
            anonymous=Exists(SurveyVersion.objects.filter(survey=OuterRef("pk"), anonymous=True)),
        )
        .order_by("name", "id")
    )


def survey_versions(survey: Survey) -> QuerySet[SurveyVersion]:
    """The versions, newest first, each with its count of responses (to be shown for an
    attributable version only) and whether it is in use (models.version_in_use)."""
    return survey.versions.annotate(
        responses_count=Count("responses"),
        used=ExpressionWrapper(version_in_use(), output_field=BooleanField()),
    ).order_by("-number")


def course_surveys(course_id: int) -> dict[str, CourseSurvey]:
    return {
        found.timepoint: found
        for found in CourseSurvey.objects.filter(course_id=course_id).select_related("survey")
    }


def surveys_with_versions(partnership_id: int, *, current_only: bool = False) -> QuerySet[Survey]:
    """Surveys with their versions in `all_versions` (newest first; only the current one if
    `current_only`), each with its questions and `has_responses`: three queries for any
    number of surveys."""
    versions = (
        SurveyVersion.objects.annotate(
            has_responses=ExpressionWrapper(version_in_use(), output_field=BooleanField())
        )
        .prefetch_related("questions")
        .order_by("-number")
    )
    if current_only:
        latest = SurveyVersion.objects.filter(survey=OuterRef("survey")).order_by("-number")
        versions = versions.filter(number=Subquery(latest.values("number")[:1]))
    return (
        Survey.objects.filter(partnership_id=partnership_id)
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="all_versions"))
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class SurveyWaiting:
    """A survey a member of staff can still answer, with their personal link."""

    course: str
    timepoint: str  # its label: "Before the course (learning)"
    closes_at: dt.datetime
    path: str  # the answer page's address on this site

    @property
    def until(self) -> str:
        """When it closes, as people say it: "the end of 4 January 2027" for a link that
        closes at midnight, otherwise the day and time (a survey before a course closes as
        the course starts)."""
        local = timezone.localtime(self.closes_at)
        if local.time() == dt.time():
            return f"the end of {local.date() - dt.timedelta(days=1):%-d %B %Y}"
        return f"{local:%-d %B %Y, %H:%M}"


def surveys_waiting_for(staff_id: int) -> list[SurveyWaiting]:
    """The surveys sent to this person and not answered, whose links still take answers
    (soonest to close first): what My training lists. One query."""
    from tiptracker.feedback.invitations import invitation_closes_at
    from tiptracker.feedback.tokens import invitation_token
    from tiptracker.lib.dates import today

    now = timezone.now()
    found = []
    for invitation in (
        Invitation.objects.filter(
            staff_id=staff_id,
            status=Invitation.Status.SENT,
            survey__closed_at__isnull=True,
            expires_on__gte=today(),
        )
        .select_related("course", "survey", "session")
        .order_by("expires_on", "id")
    ):
        closes_at = invitation_closes_at(invitation)
        if closes_at <= now:
            continue  # a survey before a course that has started
        found.append(
            SurveyWaiting(
                course=invitation.course.title,
                timepoint=invitation.get_timepoint_display(),
                closes_at=closes_at,
                path=reverse(
                    "survey_answer", args=[invitation_token(invitation.pk, invitation.nonce)]
                ),
            )
        )
    return sorted(found, key=lambda waiting: waiting.closes_at)


@dataclass(frozen=True)
class PracticeChanges:
    """People who answered the follow-up question about a change to their practice in one
    quarter, and those of them who chose its change answer (the starter survey's "Yes")."""

    answered: int
    changed: int


def practice_changes_by_quarter(
    partnership_id: int, *, team_ids: list[int] | None, since: dt.date, until: dt.date
) -> dict[dt.date, PracticeChanges]:
    """By the last day of the financial-year quarter the answer was given in (from `since`
    to `until`, both included): the people of `team_ids` (None: anyone in the partnership)
    who answered a follow-up survey's change question, and those who chose its change
    answer. People, not responses: someone who answered about two courses in a quarter
    counts once, as changed if either answer says so. The team is the staff record's team
    now.

    Only attributable responses count: an anonymous one names nobody (so belongs to no
    team), and anonymous answers are published only through released cells (release.py),
    never counted live. One query for the questions, one for the answers."""
    change_number = {
        question_id: choices.index(change_answer)
        for question_id, choices, change_answer in Question.objects.filter(
            version__survey__partnership_id=partnership_id, kind=Question.Kind.SINGLE
        )
        .exclude(change_answer="")
        .values_list("id", "choices", "change_answer")
        if change_answer in choices
    }
    if not change_number:
        return {}
    answers = Answer.objects.filter(
        partnership_id=partnership_id,
        timepoint=Timepoint.FOLLOW_UP,
        question_id__in=list(change_number),
        response__anonymous=False,
        response__staff__isnull=False,
        response__given_on__gte=since,
        response__given_on__lte=until,
    )
    if team_ids is not None:
        answers = answers.filter(response__staff__team_id__in=team_ids)
    answered: dict[dt.date, set[object]] = {}
    changed: dict[dt.date, set[object]] = {}
    for staff_id, given_on, question_id, number in answers.values_list(
        "response__staff_id", "response__given_on", "question_id", "number"
    ):
        quarter_end = Period.of(given_on).ends_before - dt.timedelta(days=1)
        answered.setdefault(quarter_end, set()).add(staff_id)
        if number == change_number[question_id]:
            changed.setdefault(quarter_end, set()).add(staff_id)
    return {
        day: PracticeChanges(answered=len(people), changed=len(changed.get(day, ())))
        for day, people in sorted(answered.items())
    }
