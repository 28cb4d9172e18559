"""Reads for surveys: the list with each one's current version, and a course's timepoints."""

from django.db.models import Count, Max, QuerySet

from tiptracker.feedback.models import CourseSurvey, Survey, SurveyVersion


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
