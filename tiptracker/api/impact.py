"""The impact of training through the API: the same figures as the impact page, each count
as {value, suppressed, shown}, so that a small number is never sent, only "fewer than 5"."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.feedback import FigureOutput, RateOutput
from tiptracker.api.serializers import StrictCharField
from tiptracker.api.views import SLUG, ScopedApi
from tiptracker.feedback.impact import (
    DEFINITIONS,
    STEPS,
    CourseChain,
    LevelImpact,
    PeriodRow,
    impact_for,
)
from tiptracker.lib.suppression import Figure, Rate, threshold
from tiptracker.partnerships import access


class ImpactStepOutput(serializers.Serializer):
    step = StrictCharField(help_text="One of: " + ", ".join(STEPS) + ".")
    measured = serializers.BooleanField(
        help_text="False where the course runs no survey for this step (the figures are null)."
    )
    people = FigureOutput(allow_null=True)
    share_of_attended = RateOutput(
        allow_null=True, help_text="Null for attending itself and for a step not measured."
    )
    drop_off = FigureOutput(
        allow_null=True,
        help_text="How many fewer than the last measured step; null for attending, for a step "
        "not measured, and where more reached this step than the one before.",
    )
    drop_off_rate = RateOutput(
        allow_null=True, help_text="The drop-off as a share of the last measured step."
    )


class ImpactCourseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = StrictCharField()
    title = StrictCharField()
    steps = ImpactStepOutput(many=True)


class ImpactPeriodStepOutput(serializers.Serializer):
    step = StrictCharField(help_text="One of: " + ", ".join(STEPS[1:]) + ".")
    people = FigureOutput(allow_null=True, help_text="Null where nobody trained then.")
    attended = FigureOutput(
        allow_null=True,
        help_text="Those who attended the level's courses that measure this step; null for a "
        "whole financial year.",
    )
    share_of_attended = RateOutput(allow_null=True)


class ImpactPeriodOutput(serializers.Serializer):
    period = StrictCharField(
        help_text="A quarter of the training as 2022-23-q1 (April to June), or a financial "
        "year as 2022-23 for answers from a small group, dated only by their year."
    )
    label = StrictCharField()  # type: ignore[assignment]
    starts_on = serializers.DateField()
    steps = ImpactPeriodStepOutput(
        many=True, help_text="The steps some course at the level measures."
    )


class ImpactLevelOutput(serializers.Serializer):
    level = serializers.IntegerField(help_text="1 to 4.")
    label = StrictCharField()  # type: ignore[assignment]
    courses = ImpactCourseOutput(many=True)
    periods = ImpactPeriodOutput(many=True)


class ImpactDefinitionOutput(serializers.Serializer):
    term = StrictCharField()
    meaning = StrictCharField()


class ImpactOutput(serializers.Serializer):
    threshold = serializers.IntegerField(
        help_text="Figures from fewer people than this are suppressed."
    )
    definitions = ImpactDefinitionOutput(many=True)
    levels = ImpactLevelOutput(many=True)


def _figure(figure: Figure | None) -> dict | None:
    return None if figure is None else figure.as_json()


def _rate(share: Rate | None) -> dict | None:
    return None if share is None else share.as_json()


def _course(chain: CourseChain) -> dict:
    return {
        "id": chain.course_id,
        "code": chain.code,
        "title": chain.title,
        "steps": [
            {
                "step": step.step,
                "measured": step.measured,
                "people": _figure(step.people),
                "share_of_attended": _rate(step.share),
                "drop_off": _figure(step.drop_off),
                "drop_off_rate": _rate(step.drop_off_rate),
            }
            for step in chain.steps
        ],
    }


def _period(row: PeriodRow) -> dict:
    return {
        "period": row.period.key,
        "label": row.period.label,
        "starts_on": row.period.starts_on,
        "steps": [
            {
                "step": cell.step,
                "people": _figure(cell.people),
                "attended": _figure(cell.attended),
                "share_of_attended": _rate(cell.share),
            }
            for cell in row.cells
            if cell.measured
        ],
    }


def _level(level: LevelImpact) -> dict:
    return {
        "level": int(level.level),
        "label": level.level.label,
        "courses": [_course(chain) for chain in level.courses],
        "periods": [_period(row) for row in level.periods],
    }


@extend_schema(
    tags=["Feedback"],
    summary="Impact of training: from attending to changing practice, by level, course and quarter",
    description="For each level and course: attended, reacted, learned and changed practice, "
    "with the drop-off at each step; for each level, the same by quarter of the training. "
    "Figures from fewer people than the threshold are suppressed, and enough others with "
    "them that none can be worked out by subtraction.",
    parameters=[SLUG],
    responses={200: ImpactOutput},
)
class FeedbackImpactApi(ScopedApi):
    allowed_roles = access.FEEDBACK_RESULTS_ROLES

    def get(self, request: Request, slug: str) -> Response:
        at = threshold()
        found = impact_for(self.membership.partnership_id, at=at)
        body = {
            "threshold": at,
            "definitions": [{"term": term, "meaning": meaning} for term, meaning in DEFINITIONS],
            "levels": [_level(level) for level in found.levels],
        }
        return Response(ImpactOutput(body).data)
