"""A project's measures through the API: the measures, their values over time and each
measure's chart, computed as formats.md says by tiptracker.lib.spc, the one computation the
pages, the documents and `tiptracker spc` use. Every member reads; the project's team and
those who run the programme add and change measures and values (never the values of a
measure worked out from TIP Tracker's records: those are computed, and refreshed before
they are read, as on the pages)."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import refused
from tiptracker.api.filters import DateRange
from tiptracker.api.plan import DateInput
from tiptracker.api.serializers import CheckedEnumField, OptionalLevelField, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedDetailApi, ScopedListApi
from tiptracker.improvement import services
from tiptracker.improvement.access import (
    READ_ROLES,
    get_measure_for_user,
    get_project_for_user,
    get_value_for_user,
    require_project_editor,
)
from tiptracker.improvement.computed import refresh_due
from tiptracker.improvement.models import Measure, MeasureValue
from tiptracker.improvement.selectors import chart_of
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.levels import level_from_slug
from tiptracker.lib.spc import Assurance, Signal, Variation

TAGS = ["Improvement"]


def _enum(name: str, values: list[str], description: str = "") -> type[CheckedEnumField]:
    return type(
        f"{name}Field",
        (CheckedEnumField,),
        {"enum_name": name, "enum_values": values, "enum_description": description},
    )


MeasureKindField = _enum(
    "MeasureKind",
    Measure.Kind.values,
    "outcome: the aim itself; process: whether the changes happen as planned; balancing: what "
    "the changes might make worse elsewhere.",
)
UnitField = _enum("MeasureUnit", Measure.Unit.values)
FrequencyField = _enum("MeasureFrequency", Measure.Frequency.values)
DirectionField = _enum(
    "ImprovementDirection",
    Measure.Direction.values,
    "Which way is better: up, down, or neutral (neither: watch for change).",
)
ChartKindField = _enum(
    "ChartKind", Measure.Chart.values, "xmr: an SPC chart with mean and limits; run: median."
)
RulesField = _enum(
    "RunChartRules",
    Measure.Rules.values,
    "ihi: a shift of 6 and a trend of 5; anhoej: longest run and number of crossings.",
)
SourceField = _enum(
    "MeasureSource",
    Measure.Source.values,
    "entered: typed in or imported by the team; coverage: coverage at `level` in the "
    "project's teams (%); attended: people in the project's teams who attended training in "
    "the month; ambassadors: trauma ambassadors in the project's teams at the month end; "
    "practice: the share of the project's teams' people answering a follow-up survey who "
    "report a change in their practice, each quarter (quarters with few answers are left "
    "out). All but entered are worked out from TIP Tracker's records.",
)


class MeasureLevelField(OptionalLevelField):
    """A coverage measure's framework level, as its slug both ways (null for other sources)."""

    def to_internal_value(self, data: Any) -> int | None:  # type: ignore[override]
        if data is None:
            return None
        if data not in self.enum_values:
            raise serializers.ValidationError(
                f"'{data}' is not one of: {', '.join(self.enum_values)}."
            )
        return int(level_from_slug(data))


# What a measure's PATCH keeps when not sent: every field of MeasureInput.
MEASURE_FIELDS = (
    "title",
    "kind",
    "definition",
    "unit",
    "frequency",
    "improvement",
    "target",
    "chart",
    "rules",
    "baseline_points",
    "source",
    "level",
)


class MeasureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    title = StrictCharField()
    kind = MeasureKindField()
    definition = StrictCharField(help_text="The operational definition.")
    unit = UnitField()
    frequency = FrequencyField()
    improvement = DirectionField()
    target = serializers.FloatField(allow_null=True)
    chart = ChartKindField()
    rules = RulesField(help_text="A run chart's rules (an XmR chart has Making Data Count's).")
    baseline_points = serializers.IntegerField(
        allow_null=True, help_text="Each segment's first N points set its centre (null: all)."
    )
    source = SourceField()  # type: ignore[assignment]  # DRF pops declared fields
    level = MeasureLevelField(allow_null=True)
    computed = serializers.BooleanField(
        help_text="Worked out from TIP Tracker's records: its values cannot be entered."
    )


class MeasureInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(Measure, "title"))
    kind = MeasureKindField()
    definition = StrictCharField(
        max_length=5000, help_text="Exactly what is counted, from where, and how."
    )
    unit = UnitField(
        required=False,
        help_text="Needed for an entered measure; a computed one's comes from its source.",
    )
    frequency = FrequencyField(required=False, default=Measure.Frequency.MONTHLY)
    improvement = DirectionField()
    target = serializers.FloatField(required=False, allow_null=True, default=None)
    chart = ChartKindField(required=False, default=Measure.Chart.RUN)
    rules = RulesField(required=False, default=Measure.Rules.IHI)
    baseline_points = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2, max_value=1000
    )
    source = SourceField(  # type: ignore[assignment]  # DRF pops declared fields
        required=False, default=Measure.Source.ENTERED
    )
    level = MeasureLevelField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The framework level a coverage measure counts.",
    )


class ValueOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(source="on", help_text="The end of the period it is for.")
    value = serializers.FloatField()
    rebase = serializers.BooleanField(
        help_text="The first point of a new segment: the centre (and limits) start again here."
    )
    note = StrictCharField()


class ValueInput(serializers.Serializer):
    date = DateInput(
        help_text="The end of the period: YYYY-MM-DD (or DD/MM/YYYY), not after today."
    )
    value = serializers.FloatField()
    rebase = serializers.BooleanField(required=False, default=False)
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length_of(MeasureValue, "note"),
    )


class ValueFilter(DateRange):
    from_help = "Values on or after this day"
    to_help = "Values on or before this day"


# The chart: formats.md's JSON, each key always there (null where it does not apply).

SignalField = _enum("ChartSignal", [str(s) for s in Signal])
VariationField = _enum(
    "ChartVariation",
    [str(v) for v in Variation],
    "common_cause: no signal; improvement or concern: special cause, better or worse; "
    "neutral: special cause on a measure with no better direction.",
)
AssuranceField = _enum(
    "ChartAssurance",
    [str(a) for a in Assurance],
    "Where the target lies against the latest trusted limits: consistent_pass (every point "
    "will meet it), consistent_fail (none will), inconsistent (the limits straddle it).",
)
AssuranceField.nullable = True


class SegmentOutput(serializers.Serializer):
    first = serializers.DateField()
    centre = serializers.FloatField()
    upper = serializers.FloatField(allow_null=True, help_text="XmR charts only.")
    lower = serializers.FloatField(allow_null=True, help_text="XmR charts only.")
    baseline_points = serializers.IntegerField()
    useful_observations = serializers.IntegerField()
    crossings = serializers.IntegerField(allow_null=True, help_text="Anhøj's rules only.")
    crossings_lower_limit = serializers.IntegerField(allow_null=True)
    longest_run_limit = serializers.IntegerField(allow_null=True)
    few_crossings = serializers.BooleanField(allow_null=True)
    warnings = serializers.ListField(
        child=StrictCharField(),
        help_text="Why its limits or a rule cannot be trusted yet (too few points).",
    )


class PointOutput(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()
    segment = serializers.IntegerField(help_text="From 1.")
    centre = serializers.FloatField()
    upper = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True)
    signals = serializers.ListField(child=SignalField(), help_text="Sorted by name.")
    variation = VariationField()
    note = StrictCharField()


class ChartOutput(serializers.Serializer):
    measure = serializers.IntegerField()
    chart = ChartKindField()
    rules = RulesField(allow_null=True, help_text="Run charts only.")
    improvement = DirectionField()
    target = serializers.FloatField(allow_null=True)
    assurance = AssuranceField(
        allow_null=True, help_text="Null without a target or trusted limits."
    )
    segments = SegmentOutput(many=True)
    points = PointOutput(many=True)


SEGMENT_KEYS = dict.fromkeys(SegmentOutput().fields) | {"warnings": []}
POINT_KEYS = dict.fromkeys(PointOutput().fields) | {"note": ""}


def chart_body(measure: Measure) -> dict:
    """The measure's chart as formats.md's JSON (Chart.as_json), every key present."""
    chart = chart_of(measure)
    found = chart.as_json()
    assurance = chart.assurance(measure.target)
    return {
        "measure": measure.pk,
        "chart": found["chart"],
        "rules": found.get("rules"),
        "improvement": found["improvement"],
        "target": measure.target,
        "assurance": str(assurance) if assurance else None,
        "segments": [SEGMENT_KEYS | row for row in found["segments"]],
        "points": [POINT_KEYS | row for row in found["points"]],
    }


# Operations ----------------------------------------------------------------------------------


def _measure_values(data: dict, measure: Measure | None = None) -> dict:
    """The service's arguments: what was sent over the measure as it is (for a PATCH)."""
    if measure is not None:
        return {name: getattr(measure, name) for name in MEASURE_FIELDS} | dict(data)
    values = dict(data)
    if "unit" not in values:
        # A computed measure's unit comes from its source; an entered one needs it sent.
        values["unit"] = "" if values["source"] == Measure.Source.ENTERED else Measure.Unit.COUNT
    return values


class MeasureListCreateApi(ScopedListApi):
    # GET lists a project's measures; POST adds one (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = MeasureOutput

    @extend_schema(tags=TAGS, summary="A project's measures", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        project = get_project_for_user(self.membership, self.kwargs["pk"])
        return Measure.objects.filter(project=project).order_by("id")

    @extend_schema(
        tags=TAGS,
        summary="Add a measure (the project's first becomes its headline measure)",
        parameters=[SLUG],
        request=MeasureInput,
        responses={201: MeasureOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = get_project_for_user(self.membership, self.kwargs["pk"])
        require_project_editor(self.membership, project)
        found = MeasureInput(data=request.data)
        found.is_valid(raise_exception=True)
        measure = services.measure_create(
            actor=self.membership.user, project=project, **_measure_values(found.validated_data)
        )
        return Response(MeasureOutput(measure).data, status=status.HTTP_201_CREATED)


class MeasureDetailApi(ScopedDetailApi):
    # GET one measure; PATCH the fields sent (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = MeasureOutput

    def get_object(self) -> Any:
        return get_measure_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One measure", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a measure (only the fields sent)",
        parameters=[SLUG],
        request=MeasureInput(partial=True),
        responses={200: MeasureOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        measure = self.get_object()
        require_project_editor(self.membership, measure.project)
        found = MeasureInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        services.measure_update(
            actor=self.membership.user,
            measure=measure,
            **_measure_values(found.validated_data, measure),
        )
        return Response(MeasureOutput(measure).data)


class ValueListRecordApi(ScopedListApi):
    # GET lists a measure's values by date; POST records one (a date's second value
    # corrects the first).

    allowed_roles = READ_ROLES
    serializer_class = ValueOutput
    filter_class = ValueFilter

    @extend_schema(
        tags=TAGS, summary="A measure's values, oldest first", parameters=[SLUG, ValueFilter]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        measure = get_measure_for_user(self.membership, self.kwargs["pk"])
        refresh_due([measure])
        values = MeasureValue.objects.filter(measure=measure)
        if found.get("from"):
            values = values.filter(on__gte=found["from"])
        if found.get("to"):
            values = values.filter(on__lte=found["to"])
        return values.order_by("on")

    @extend_schema(
        tags=TAGS,
        summary="Record a value (201), or correct the value already held for its date (200)",
        parameters=[SLUG],
        request=ValueInput,
        responses={200: ValueOutput, 201: ValueOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        measure = get_measure_for_user(self.membership, self.kwargs["pk"])
        require_project_editor(self.membership, measure.project)
        found = ValueInput(data=request.data)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        held = measure.values.filter(on=data["date"]).exists()
        try:
            value = services.measure_value_record(
                actor=self.membership.user,
                measure=measure,
                on=data["date"],
                value=data["value"],
                rebase=data["rebase"],
                note=data["note"],
            )
        except ValidationError as error:
            raise refused(error, {"on": "date"}) from None
        return Response(
            ValueOutput(value).data, status=status.HTTP_200_OK if held else status.HTTP_201_CREATED
        )


class ValueDetailApi(ScopedDetailApi):
    # GET one value; DELETE it (the project's team; never a computed measure's).

    allowed_roles = READ_ROLES
    serializer_class = ValueOutput

    def get_object(self) -> Any:
        return get_value_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One value of a measure", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Remove a value (409 for a measure worked out from TIP Tracker's records)",
        parameters=[SLUG],
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        value = self.get_object()
        require_project_editor(self.membership, value.measure.project)
        services.measure_value_delete(actor=self.membership.user, value=value)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=TAGS,
    summary="A measure's chart: centre, limits and each point's signals, as formats.md says",
    parameters=[SLUG],
    responses={200: ChartOutput},
)
class MeasureChartApi(ScopedApi):
    allowed_roles = READ_ROLES

    def get(self, request: Request, slug: str, pk: int) -> Response:
        measure = get_measure_for_user(self.membership, pk)
        refresh_due([measure])
        return Response(chart_body(measure))
