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
    CourseSurvey,
    Invitation,
    Survey,
    SurveyVersion,
    version_in_use,
)


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
