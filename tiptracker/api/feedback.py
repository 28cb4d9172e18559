"""Survey results through the API: the same figures as the results page, each count as
{value, suppressed, shown} so that a small number is never sent, only "fewer than 5"."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.views import SLUG, ScopedApi
from tiptracker.feedback.results import results_for
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access


class FigureOutput(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()
    shown = serializers.CharField(help_text='As the pages show it: a number, or "fewer than 5".')


class RateOutput(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()
    shown = serializers.CharField()


class AnswerCountOutput(serializers.Serializer):
    answer = serializers.CharField()
    people = FigureOutput()


class QuestionResultOutput(serializers.Serializer):
    question = serializers.CharField()
    kind = serializers.CharField()
    survey_version = serializers.IntegerField()
    answers = AnswerCountOutput(many=True)
    total = FigureOutput(help_text="All who answered (choices made, for any-number questions).")


class TimepointResultOutput(serializers.Serializer):
    course = serializers.CharField()
    timepoint = serializers.CharField()
    asked = FigureOutput()
    answered = FigureOutput()
    response_rate = RateOutput()
    questions = QuestionResultOutput(many=True)


class ResultsOutput(serializers.Serializer):
    threshold = serializers.IntegerField(
        help_text="Figures from fewer people than this are suppressed."
    )
    results = TimepointResultOutput(many=True)


def _rate(rate: Any) -> dict:
    return {"percent": rate.percent(1), "suppressed": rate.suppressed, "shown": str(rate)}


@extend_schema(
    tags=["Feedback"],
    summary="Survey results per course and timepoint, small numbers suppressed",
    parameters=[SLUG],
    responses={200: ResultsOutput},
)
class FeedbackResultsApi(ScopedApi):
    allowed_roles = access.FEEDBACK_RESULTS_ROLES

    def get(self, request: Request, slug: str) -> Response:
        at = threshold()
        found = results_for(self.membership.partnership_id, at=at)
        return Response(
            {
                "threshold": at,
                "results": [
                    {
                        "course": result.course,
                        "timepoint": result.timepoint,
                        "asked": result.invited.as_json(),
                        "answered": result.answered.as_json(),
                        "response_rate": _rate(result.response_rate),
                        "questions": [
                            {
                                "question": q.question.text,
                                "kind": q.question.kind,
                                "survey_version": q.question.version.number,
                                "answers": [
                                    {"answer": label, "people": figure.as_json()}
                                    for label, figure in q.pairs
                                ],
                                "total": q.counts.total.as_json(),
                            }
                            for q in result.questions
                        ],
                    }
                    for result in found
                ],
            }
        )
