"""Reads for surveys: the list with each one's current version, and a course's timepoints."""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet, Subquery

from tiptracker.feedback.models import CourseSurvey, Response, Survey, SurveyVersion


def surveys_list_for(partnership_id: int) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(partnership_id=partnership_id)
        .annotate(latest=Max("versions__number"), responses=Count("versions__responses"))
        .order_by("name", "id")
    )


def survey_versions(survey: Survey) -> QuerySet[SurveyVersion]:
    return survey.versions.annotate(responses_count=Count("responses")).order_by("-number")


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
            has_responses=Exists(Response.objects.filter(version=OuterRef("pk")))
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
