"""Quality indicators through the API. So far: a partnership's administrators see their own
position on the funnel of an indicator among the partnerships that share theirs, the others
unnamed (issue 18). A partnership that does not share sees no other's figures."""

import datetime as dt

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.filters import Filter, IsoDateField
from tiptracker.api.serializers import EnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi
from tiptracker.indicators.computed import INDICATORS, as_seen_by, compare
from tiptracker.lib.dates import today
from tiptracker.lib.funnel import Position
from tiptracker.lib.suppression import threshold
from tiptracker.partnerships import access

TAGS = ["Indicators"]


class IndicatorCodeField(EnumField):
    enum_name = "IndicatorCode"
    enum_values = list(INDICATORS)
    enum_description = "; ".join(f"{i.code}: {i.definition}" for i in INDICATORS.values())


class PositionField(EnumField):
    enum_name = "FunnelPosition"
    enum_values = [str(p) for p in Position]
    enum_description = (
        "Against the limits at the partnership's size: beyond the 99.8% limits first "
        "(above_99.8, below_99.8), then the 95% ones (above_95, below_95), otherwise within."
    )
    nullable = True


class LimitsOutput(serializers.Serializer):
    lower_95 = serializers.FloatField()
    upper_95 = serializers.FloatField()
    lower_998 = serializers.FloatField()
    upper_998 = serializers.FloatField()


class FunnelPointOutput(serializers.Serializer):
    yours = serializers.BooleanField(help_text="Your partnership's point; the others are unnamed.")
    suppressed = serializers.BooleanField(
        help_text="Withheld: fewer people than the small-number threshold (the rest are null)."
    )
    n = serializers.IntegerField(allow_null=True, help_text="The people counted.")
    x = serializers.IntegerField(allow_null=True, help_text="Those of them meeting it.")
    percent = serializers.FloatField(allow_null=True)
    limits = LimitsOutput(allow_null=True, help_text="As proportions, at this size.")
    position = PositionField(allow_null=True)


class ComparisonOutput(serializers.Serializer):
    indicator = IndicatorCodeField()
    title = StrictCharField()
    as_of = serializers.DateField()
    threshold = serializers.IntegerField()
    pooled = serializers.FloatField(
        allow_null=True, help_text="sum x / sum n over the partnerships shown (a proportion)."
    )
    partnerships = FunnelPointOutput(
        many=True,
        help_text="Yours first, then the others by size, the withheld last; never named.",
    )


class ComparisonQuery(Filter):
    indicator = serializers.ChoiceField(choices=list(INDICATORS), help_text="The indicator's code.")
    as_of = IsoDateField(required=False, help_text="YYYY-MM-DD, not after today (default: today).")


@extend_schema(
    tags=TAGS,
    summary="Your partnership's position on an indicator's funnel among those that share "
    "their indicators (the others unnamed)",
    parameters=[SLUG, ComparisonQuery],
    responses={200: ComparisonOutput},
)
class IndicatorComparisonApi(ScopedApi):
    allowed_roles = access.WORKSPACE_EDIT_ROLES

    def get(self, request: Request, slug: str) -> Response:
        query = ComparisonQuery.read(request.query_params)
        on: dt.date = query.get("as_of") or today()
        if on > today():
            raise Refused({"as_of": ["The date must not be after today."]})
        partnership = self.membership.partnership
        if not partnership.shares_indicators:
            raise Refused(
                "Your partnership's indicators take part in no comparison: an administrator "
                "can turn that on (the steering group's page, 'Comparing our indicators with "
                "other partnerships'), and only then are the others' figures shown."
            )
        at = threshold()
        found = compare(query["indicator"], on=on, threshold=at)
        points = []
        for point in as_seen_by(found, partnership.slug):
            placed = point.placed
            limits = placed.limits
            points.append(
                {
                    "yours": point.yours,
                    "suppressed": placed.suppressed,
                    "n": placed.n,
                    "x": placed.x,
                    "percent": placed.percent,
                    "limits": None
                    if limits is None
                    else {
                        "lower_95": round(limits["95"][0], 6),
                        "upper_95": round(limits["95"][1], 6),
                        "lower_998": round(limits["99.8"][0], 6),
                        "upper_998": round(limits["99.8"][1], 6),
                    },
                    "position": None if placed.position is None else str(placed.position),
                }
            )
        body = {
            "indicator": query["indicator"],
            "title": INDICATORS[query["indicator"]].title,
            "as_of": on,
            "threshold": at,
            "pooled": None if found.pooled is None else round(found.pooled, 6),
            "partnerships": points,
        }
        return Response(ComparisonOutput(body).data)
