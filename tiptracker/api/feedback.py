"""Survey results through the API: the same figures as the results page, narrowed the same
way, each count as {value, suppressed, rounded, shown}: a small count of an attributable
survey is never sent, only "fewer than 5"; a survey with anonymous answers is sent only as
its released cells add up (feedback/release.py), counts rounded to the nearest 5. Answers to attributable surveys one by one for administrators and learning
and development officers; answers to anonymous surveys are never sent one by one."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.filters import Filter, id_filter
from tiptracker.api.serializers import StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedListApi
from tiptracker.feedback.exports import answer_text
from tiptracker.feedback.filters import periods
from tiptracker.feedback.models import Answer
from tiptracker.feedback.results import Filters, results_for
from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.lib.suppression import Rate, threshold
from tiptracker.partnerships import access
from tiptracker.training.access import courses_for

PERIOD = r"^[0-9]{4}-[0-9]{2}(-q[1-4])?$"
PERIOD_HELP = "Give a financial year as 2024-25 or a quarter as 2024-25-q1, from 2018-19 on."


class FeedbackFilter(Filter):
    level = serializers.ChoiceField(
        required=False, choices=Level.choices, help_text="Only courses at this level (1 to 4)."
    )
    course = id_filter("Only this course (its id).")
    session = id_filter(
        "Only this session (its id). Surveys with anonymous answers are then left out."
    )
    organisation = id_filter(
        "Only people of this organisation (its id). Surveys with anonymous answers are then "
        "left out."
    )
    period = serializers.RegexField(
        PERIOD,
        required=False,
        max_length=20,
        error_messages={"invalid": PERIOD_HELP},
        help_text="When the training took place: a financial year as 2024-25, or one of its "
        "quarters as 2024-25-q1 (April to June) to 2024-25-q4 (January to March).",
    )

    def validate_period(self, value: str) -> tuple:
        found = {key: (start, end) for key, _label, start, end in periods(today())}
        if value not in found:  # the right shape, but no such year or not yet
            raise Refused({"period": [PERIOD_HELP]})
        return found[value]

    def filters(self, membership: Any) -> Filters:
        data = self.validated_data
        course_ids: tuple[int, ...] | None = None
        if "course" in data:
            course_ids = (data["course"],)
            if (
                "level" in data
                and not courses_for(membership)
                .filter(pk=data["course"], level=data["level"])
                .exists()
            ):
                course_ids = ()
        elif "level" in data:
            course_ids = tuple(
                courses_for(membership).filter(level=data["level"]).values_list("pk", flat=True)
            )
        start, end = data.get("period", (None, None))
        return Filters(
            course_ids=course_ids,
            session_id=data.get("session"),
            organisation_id=data.get("organisation"),
            start=start,
            end=end,
        )

    @classmethod
    def for_request(cls, request: Request, membership: Any) -> Filters:
        found = cls(data=request.query_params)
        found.is_valid(raise_exception=True)
        return found.filters(membership)


class FigureOutput(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()
    rounded = serializers.BooleanField(
        help_text="Published rounded to the nearest 5 (anonymous answers): 0 means 0 to 2."
    )
    shown = StrictCharField(help_text='As the pages show it: a number, or "fewer than 5".')


class RateOutput(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()
    shown = StrictCharField()


class AverageOutput(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()
    shown = StrictCharField()


class AnswerCountOutput(serializers.Serializer):
    answer = StrictCharField()
    people = FigureOutput()


class QuestionResultOutput(serializers.Serializer):
    question = StrictCharField()
    kind = StrictCharField()
    survey_version = serializers.IntegerField(help_text="The latest version asking it.")
    survey_versions = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Every version asking the question with these words and answers (merged).",
    )
    answers = AnswerCountOutput(many=True)
    total = FigureOutput(help_text="All who answered (choices made, for any-number questions).")
    average = AverageOutput(allow_null=True, help_text="Scales only; null for other kinds.")
    change_answer = StrictCharField(
        allow_blank=True, help_text="The answer that means a change in practice, if any."
    )
    share_changed = RateOutput(
        allow_null=True, help_text="The share giving the change answer; null without one."
    )


class TimepointResultOutput(serializers.Serializer):
    course = StrictCharField()
    timepoint = StrictCharField()
    released = serializers.BooleanField(
        help_text="True for a survey with anonymous answers: its figures are the sum of the "
        "quarters (and rests of years) published so far, counts rounded to the nearest 5, "
        "and the rest computed from them."
    )
    periods = serializers.ListField(
        child=StrictCharField(),
        help_text="For released figures: the periods they add up, as 2022-23-q1 for a quarter "
        "of the training or 2022-23 for the rest of that year (its quarters too small to "
        "publish alone). Empty for attributable surveys.",
    )
    asked = FigureOutput()
    answered = FigureOutput()
    response_rate = RateOutput()
    questions = QuestionResultOutput(many=True)


class PrePostChangeOutput(serializers.Serializer):
    course = StrictCharField()
    question = StrictCharField()
    before = AverageOutput()
    after = AverageOutput()
    difference = serializers.FloatField(allow_null=True, help_text="After minus before.")
    interval_low = serializers.FloatField(allow_null=True, help_text="95% confidence interval.")
    interval_high = serializers.FloatField(allow_null=True)
    shown = StrictCharField()


class ResultsOutput(serializers.Serializer):
    threshold = serializers.IntegerField(
        help_text="Figures from fewer people than this are suppressed."
    )
    results = TimepointResultOutput(many=True)
    changes = PrePostChangeOutput(many=True)
    anonymous_left_out = serializers.BooleanField(
        help_text="True when a session or organisation was given: surveys with anonymous "
        "answers are not published by either, so they are left out."
    )


def _rate(rate: Rate | None) -> dict | None:
    return None if rate is None else rate.as_json()


def _average(mean: Any) -> dict | None:
    if mean is None:
        return None
    value = None if mean.value is None else round(mean.value, 2)
    return {"value": value, "suppressed": mean.suppressed, "shown": str(mean)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@extend_schema(
    tags=["Feedback"],
    summary="Survey results per course and timepoint, small numbers suppressed",
    parameters=[SLUG, FeedbackFilter],
    responses={200: ResultsOutput},
)
class FeedbackResultsApi(ScopedApi):
    allowed_roles = access.FEEDBACK_RESULTS_ROLES

    def get(self, request: Request, slug: str) -> Response:
        at = threshold()
        filters = FeedbackFilter.for_request(request, self.membership)
        found = results_for(self.membership.partnership_id, at=at, filters=filters)
        changes = []
        for course, lines in found.changes.items():
            for change in lines:
                interval = change.interval
                changes.append(
                    {
                        "course": course,
                        "question": change.question,
                        "before": _average(change.before),
                        "after": _average(change.after),
                        "difference": _round(change.difference),
                        "interval_low": _round(interval[0] if interval else None),
                        "interval_high": _round(interval[1] if interval else None),
                        "shown": str(change),
                    }
                )
        return Response(
            {
                "threshold": at,
                "results": [
                    {
                        "course": result.course,
                        "timepoint": result.timepoint,
                        "released": result.released,
                        "periods": [period.key for period in result.periods],
                        "asked": result.invited.as_json(),
                        "answered": result.answered.as_json(),
                        "response_rate": _rate(result.response_rate),
                        "questions": [
                            {
                                "question": q.question.text,
                                "kind": q.question.kind,
                                "survey_version": max(q.question.versions),
                                "survey_versions": list(q.question.versions),
                                "answers": [
                                    {"answer": label, "people": figure.as_json()}
                                    for label, figure in q.pairs
                                ],
                                "total": q.counts.total.as_json(),
                                "average": _average(q.mean),
                                "change_answer": q.question.change_answer,
                                "share_changed": _rate(q.changed),
                            }
                            for q in result.questions
                        ],
                    }
                    for result in found.timepoints
                ],
                "changes": changes,
                "anonymous_left_out": found.anonymous_left_out,
            }
        )


class AttributableAnswerOutput(serializers.Serializer):
    response = serializers.UUIDField(
        source="response_id", help_text="Answers to one survey share it."
    )
    staff_id = StrictCharField(
        allow_null=True, help_text="The employer's identifier; null if they have since left."
    )
    person = StrictCharField()
    course = StrictCharField(source="course.title")
    timepoint = StrictCharField()
    given_on = serializers.DateField(source="response.given_on")
    survey = StrictCharField(source="response.version.survey.name")
    survey_version = serializers.IntegerField(source="response.version.number")
    question = StrictCharField(source="question.text")
    answer = StrictCharField()

    def to_representation(self, instance: Answer) -> dict:
        staff = instance.response.staff
        instance.staff_id = staff.staff_id if staff else None  # type: ignore[attr-defined]
        instance.person = (  # type: ignore[attr-defined]
            f"{staff.first_name} {staff.last_name}".strip()
            if staff
            else "Someone who has since left"
        )
        instance.answer = answer_text(instance.question, instance.number, instance.text)  # type: ignore[attr-defined]
        return super().to_representation(instance)


@extend_schema(
    tags=["Feedback"],
    summary="Answers to attributable surveys one by one, for administrators and learning and development officers",
    description="Answers to anonymous surveys are never listed one by one.",
    parameters=[SLUG, FeedbackFilter],
)
class AttributableAnswersApi(ScopedListApi):
    allowed_roles = access.FEEDBACK_ANSWERS_ROLES
    serializer_class = AttributableAnswerOutput
    filter_class = FeedbackFilter

    def get_queryset(self) -> Any:
        filters = FeedbackFilter.for_request(self.request, self.membership)
        return (
            filters.answers(self.membership.partnership_id)
            .filter(response__version__anonymous=False)
            .select_related("question", "course", "response__staff", "response__version__survey")
            .order_by("response__given_on", "response_id", "question__position", "number")
        )
