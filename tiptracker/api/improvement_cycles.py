"""PDSA cycles through the API: a change idea's ramp of Plan-Do-Study-Act tests. Every member
reads; the project's team and those who run the programme add and change cycles, through
improvement.cycles as the pages do (numbered in the ramp; a cycle after one that ended in
'adapt' is linked to it as its next test; acting needs the study's results). Files are
added on the cycle's page."""

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.plan import DateInput
from tiptracker.api.serializers import CheckedEnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedDetailApi, ScopedListApi
from tiptracker.improvement import cycles
from tiptracker.improvement.access import (
    READ_ROLES,
    get_cycle_for_user,
    get_idea_for_user,
    require_project_editor,
)
from tiptracker.improvement.models import PdsaAttachment, PdsaCycle
from tiptracker.lib.fields import max_length_of

TAGS = ["Improvement"]
TEXT_MAX = 5000


class ActField(CheckedEnumField):
    enum_name = "PdsaAct"
    enum_values = ["", *PdsaCycle.Act.values]
    enum_description = (
        "The decision after studying the results: adopt (make it the way we work), adapt "
        "(change it and test again), abandon (stop testing it); blank until then."
    )


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    content_type = StrictCharField()
    size = serializers.IntegerField(help_text="In bytes.")


class CycleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    change_idea = serializers.IntegerField(source="change_idea_id")
    number = serializers.IntegerField(help_text="Its place in the idea's ramp, from 1.")
    title = StrictCharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    question = StrictCharField(help_text="Plan: the question the test answers.")
    prediction = StrictCharField(help_text="Plan: what the team predicts will happen.")
    who_when_where = StrictCharField(help_text="Plan: who, when and where.")
    data_to_collect = StrictCharField(help_text="Plan: the data to collect.")
    what_happened = StrictCharField(help_text="Do.")
    observations = StrictCharField(help_text="Do.")
    results = StrictCharField(help_text="Study: the results against the prediction.")
    act = ActField()
    act_notes = StrictCharField()
    next_cycle = serializers.IntegerField(
        source="next_cycle_id",
        allow_null=True,
        help_text="The cycle that followed from this one's act (adapt: the next test).",
    )
    attachments = AttachmentOutput(many=True)


def _text(help_text: str = "", *, required: bool = False) -> StrictCharField:
    if required:
        return StrictCharField(max_length=TEXT_MAX, help_text=help_text)
    return StrictCharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX, help_text=help_text
    )


# What a cycle's PATCH keeps when not sent: every field of CycleInput.
CYCLE_FIELDS = (*cycles.TEXTS, "starts_on", "ends_on", "act")


class CycleInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(PdsaCycle, "title"))
    starts_on = DateInput()
    ends_on = DateInput(required=False, allow_null=True, default=None)
    question = _text(required=True)
    prediction = _text(required=True)
    who_when_where = _text()
    data_to_collect = _text()
    what_happened = _text()
    observations = _text()
    results = _text("Needed before the cycle acts.")
    act = ActField(required=False, default="")
    act_notes = _text()


class CycleListCreateApi(ScopedListApi):
    # GET lists a change idea's ramp of cycles; POST adds the next (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = CycleOutput

    @extend_schema(
        tags=TAGS, summary="A change idea's PDSA cycles, in the ramp's order", parameters=[SLUG]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        idea = get_idea_for_user(self.membership, self.kwargs["pk"])
        return _with_files(PdsaCycle.objects.filter(change_idea=idea).order_by("number"))

    @extend_schema(
        tags=TAGS,
        summary="Add the idea's next PDSA cycle",
        parameters=[SLUG],
        request=CycleInput,
        responses={201: CycleOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        idea = get_idea_for_user(self.membership, self.kwargs["pk"])
        require_project_editor(self.membership, idea.project)
        found = CycleInput(data=request.data)
        found.is_valid(raise_exception=True)
        cycle = cycles.cycle_create(actor=self.membership.user, idea=idea, **found.validated_data)
        return Response(CycleOutput(cycle).data, status=status.HTTP_201_CREATED)


class CycleDetailApi(ScopedDetailApi):
    # GET one cycle; PATCH the fields sent (the project's team).

    allowed_roles = READ_ROLES
    serializer_class = CycleOutput

    def get_object(self) -> Any:
        cycle = get_cycle_for_user(self.membership, self.kwargs["pk"])
        return _with_files(PdsaCycle.objects.select_related("project")).get(pk=cycle.pk)

    @extend_schema(tags=TAGS, summary="One PDSA cycle", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a PDSA cycle (only the fields sent)",
        parameters=[SLUG],
        request=CycleInput(partial=True),
        responses={200: CycleOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cycle = self.get_object()
        require_project_editor(self.membership, cycle.project)
        found = CycleInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        values = {name: getattr(cycle, name) for name in CYCLE_FIELDS}
        cycles.cycle_update(
            actor=self.membership.user, cycle=cycle, **(values | found.validated_data)
        )
        return Response(CycleOutput(self.get_object()).data)


def _with_files(queryset: Any) -> Any:
    """Cycles with their files' names and sizes (never the files themselves), in one more
    query for any number of cycles."""
    files = PdsaAttachment.objects.defer("data").order_by("id")
    return queryset.prefetch_related(Prefetch("attachments", queryset=files))
