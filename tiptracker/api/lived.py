"""The lived-experience route through the API (issue 5): for the partnership's
lived-experience coordinators only, in a browser session whose workspace they have opened
with their password and a code from their authenticator app.

Everyone else, administrators included, gets a 404 on every path here, as on the route's
pages (lived/access.py). A coordinator calling with an API token, or from a session that has
not confirmed both factors recently, gets a 403: a token is one factor and the route asks
for two. Every answer is sent with `Cache-Control: no-store`.

Writes go through the route's services (lived/route.py and the modules beside it), and so
do the reads that show a person's details (listing, opening and exporting records, reading
the audit trail: lived/reads.py, lived/export.py): each writes its audit event there. After
a write the answer is read through the selector, so one action is one audit event.

Here: the base every path shares, the record's shape, and the paths about the whole
partnership (consent texts, the audit trail, the counts); the paths under lived/records/
are in lived_records.py.
"""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tiptracker.api.feedback import FigureOutput
from tiptracker.api.filters import DateRange, Filter, id_filter
from tiptracker.api.schema import ApiSchema
from tiptracker.api.serializers import CheckedEnumField, EnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, valid_body
from tiptracker.lib.suppression import Figure, threshold
from tiptracker.lived import access as lived_access
from tiptracker.lived import selectors
from tiptracker.lived.consent import lived_consent_text_publish
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    AuditEvent,
    ConsentText,
    Involvement,
    Purpose,
    RouteRecord,
    Stage,
    StageChange,
)
from tiptracker.lived.reads import lived_audit_trail
from tiptracker.lived.route import TRANSITIONS
from tiptracker.partnerships import access

TAGS = ["Lived experience"]
LOCKED = (
    "The lived-experience route opens only in a browser session in which you have confirmed "
    "your password and the code from your authenticator app."
)
PERSON_NAME = "the person"
SYSTEM_NAME = "TIP Tracker"


class LivedSchema(ApiSchema):
    """The route's 403 is about the session, not the caller's role."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):  # type: ignore[no-untyped-def]
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None and "403" in operation["responses"]:
            operation["responses"]["403"]["description"] = (
                "Called with an API token, or from a session that has not opened the workspace "
                "with a password and an authenticator code in the last few minutes."
            )
        return operation


class CoordinatorApi(ScopedApi):
    # The base for every path under /api/partnerships/<slug>/lived/ (no docstring: the
    # schema would show it as every operation's description).

    allowed_roles = access.LIVED_ROLES
    schema = LivedSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        APIView.initial(self, request, *args, **kwargs)  # authentication first: anonymous is 401
        # Every other role, and every other partnership's coordinator: 404, as on the pages.
        self.membership = lived_access.coordinator_membership(request.user, kwargs["slug"])
        if request.auth is not None or not lived_access.is_unlocked(request, self.membership):
            raise exceptions.PermissionDenied(LOCKED)
        lived_access.keep_unlocked(request, self.membership)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        lived_access.no_store(response)
        return response

    def record(self, pk: int) -> RouteRecord:
        """The partnership's record `pk` (another partnership's id is a 404), unaudited: for
        the writes and the export, whose services audit them."""
        records = selectors.records_for_partnership(self.membership.partnership_id)
        record = records.filter(pk=pk).first()
        if record is None:
            raise Http404("No such record")
        return record

    def shown(self, record: RouteRecord) -> dict:
        """The record as its GET shows it, read again after a write (not audited twice)."""
        fresh = selectors.record_with_history(
            partnership_id=self.membership.partnership_id, record_id=record.pk
        )
        return RecordOutput(fresh).data


class CoordinatorListApi(CoordinatorApi, generics.GenericAPIView):
    # Paginated like the other lists. The rows come from an audited service called in the
    # handler, never from get_queryset (which the schema generator calls).
    pass


# Fields ------------------------------------------------------------------------------------


class StageField(EnumField):
    enum_name = "LivedStage"
    enum_values = Stage.values
    enum_description = (
        "Where a person is on the route: interest_received, information_sent, "
        "discussion_arranged, discussion_held, consent_recorded, declined, involved, paused, "
        "withdrawn or closed."
    )


class FromStageField(EnumField):
    enum_name = "LivedFromStage"
    enum_values = ["", *Stage.values]
    enum_description = "The stage moved from; blank for the first (interest received)."


class TargetStageField(CheckedEnumField):
    enum_name = "LivedTargetStage"
    enum_values = [s for s in Stage.values if s != Stage.INTEREST_RECEIVED]
    enum_description = (
        "The stage to move to. consent_recorded is not a move of its own: record the "
        "consent (the consents operation), which moves the record."
    )


class PurposeField(CheckedEnumField):
    enum_name = "LivedPurpose"
    enum_values = Purpose.values
    enum_description = "What the person agreed to take part in."


class Article6Field(CheckedEnumField):
    enum_name = "LivedArticle6Basis"
    enum_values = Article6Basis.values
    enum_description = "UK GDPR Art 6(1): the lawful basis the partnership relies on."


class Article9Field(CheckedEnumField):
    enum_name = "LivedArticle9Condition"
    enum_values = Article9Condition.values
    enum_description = "UK GDPR Art 9(2): the condition for special category data relied on."


class InvolvementKindField(CheckedEnumField):
    enum_name = "LivedInvolvementKind"
    enum_values = Involvement.Kind.values
    enum_description = "What the person contributed to."


class AuditActionField(EnumField):
    enum_name = "LivedAuditAction"
    enum_values = AuditEvent.Action.values
    enum_description = "What was done (never the values of any field)."


def _stage_label(value: str) -> str:
    return str(Stage(value).label) if value else ""


def _by_name(change: StageChange) -> str:
    if change.by_person:
        return PERSON_NAME
    return change.by_name or SYSTEM_NAME


# Shapes ------------------------------------------------------------------------------------


class NextStepOutput(serializers.Serializer):
    stage = StageField()
    label = StrictCharField()  # type: ignore[assignment]


class StageChangeOutput(serializers.Serializer):
    # `from` is a Python keyword, so the stage fields are added in get_fields.
    on = serializers.DateField(help_text="The day it happened.")
    at = serializers.DateTimeField(help_text="When it was recorded.")
    by_name = serializers.SerializerMethodField(
        help_text='The coordinator, "the person" (through their private link) or "TIP Tracker".'
    )
    note = StrictCharField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {
            "from": FromStageField(source="from_stage"),
            "from_label": serializers.SerializerMethodField(),
            "to": StageField(source="to_stage"),
            "to_label": serializers.SerializerMethodField(),
            **fields,
        }

    def get_from_label(self, change: StageChange) -> str:
        return _stage_label(change.from_stage)

    def get_to_label(self, change: StageChange) -> str:
        return _stage_label(change.to_stage)

    def get_by_name(self, change: StageChange) -> str:
        return _by_name(change)


class ConsentOutput(serializers.Serializer):
    consent_text_version = serializers.IntegerField(source="consent_text.version")
    purposes = serializers.ListField(child=PurposeField())
    article_6_basis = Article6Field()
    article_9_condition = Article9Field()
    given_on = serializers.DateField()
    review_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()


class InvolvementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = InvolvementKindField()
    description = StrictCharField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)
    support_offered = StrictCharField()


class RecordSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    stage = StageField()
    stage_label = StrictCharField(source="get_stage_display")
    preferred_name = StrictCharField(help_text="Blank once erased.")
    created_at = serializers.DateTimeField(help_text="When interest was first expressed.")
    last_interest_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    erased_at = serializers.DateTimeField(
        allow_null=True, help_text="When the identifying data was erased (withdrawal or purge)."
    )


class RecordOutput(RecordSummaryOutput):
    email = StrictCharField()
    phone = StrictCharField()
    note = StrictCharField()
    allowed_next = serializers.SerializerMethodField()
    stages = StageChangeOutput(source="changes", many=True)
    consents = ConsentOutput(many=True)
    involvements = InvolvementOutput(many=True)

    @extend_schema_field(NextStepOutput(many=True))
    def get_allowed_next(self, record: RouteRecord) -> list[dict]:
        return [
            {"stage": stage, "label": str(Stage(stage).label)}
            for stage in TRANSITIONS[record.stage]
        ]


class ConsentTextOutput(serializers.Serializer):
    version = serializers.IntegerField()
    text = StrictCharField()
    published_at = serializers.DateTimeField()


class ConsentTextInput(serializers.Serializer):
    text = StrictCharField(max_length=20000, help_text="The wording people agree to.")


class AuditEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    actor_name = serializers.SerializerMethodField(
        help_text='The coordinator, "the person" (through their private link) or "TIP Tracker".'
    )
    record_id = serializers.IntegerField(allow_null=True)
    action = AuditActionField()
    action_label = StrictCharField(source="get_action_display")

    def get_actor_name(self, event: AuditEvent) -> str:
        if event.by_person:
            return PERSON_NAME
        return event.actor_name or SYSTEM_NAME


class AuditFilter(Filter):
    record = id_filter("Only the events about this record (its id).")


class StageFigureOutput(serializers.Serializer):
    stage = StageField()
    label = StrictCharField()  # type: ignore[assignment]
    people = FigureOutput()


class CountsOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    threshold = serializers.IntegerField(
        help_text="Figures from fewer people than this are suppressed."
    )
    entered = StageFigureOutput(
        many=True, help_text="How many people reached each stage during the period."
    )
    at_end = StageFigureOutput(many=True, help_text="Where people stood at the end of it.")
    at_end_total = FigureOutput()


class CountsQuery(DateRange):
    from_help = "The first day of the period"
    to_help = "The last day of the period"

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"].required = True
        fields["to"].required = True
        return fields


# Consent texts, the audit trail and the counts -----------------------------------------------


def consent_texts(partnership_id: int) -> Any:
    return ConsentText.objects.filter(partnership_id=partnership_id).order_by("-version")


class ConsentTextListPublishApi(CoordinatorApi):
    # GET lists the versions, newest first; POST publishes a new one.

    @extend_schema(
        tags=TAGS,
        summary="The consent texts, newest version first",
        parameters=[SLUG],
        responses={200: ConsentTextOutput(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        texts = consent_texts(self.membership.partnership_id)
        return Response(ConsentTextOutput(texts, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Publish a new version of the consent text (earlier versions stay, unchanged)",
        parameters=[SLUG],
        request=ConsentTextInput,
        responses={201: ConsentTextOutput},
    )
    def post(self, request: Request, slug: str) -> Response:
        data = valid_body(ConsentTextInput, request)
        text = lived_consent_text_publish(
            actor=self.membership, partnership_id=self.membership.partnership_id, **data
        )
        return Response(ConsentTextOutput(text).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="The audit trail, newest first: who did what to which record, never the values "
    "(reading it is audited too)",
    parameters=[SLUG, AuditFilter],
    responses={200: AuditEventOutput(many=True)},
)
class AuditTrailApi(CoordinatorListApi):
    def get(self, request: Request, slug: str) -> Response:
        query = AuditFilter.read(request.query_params)
        events = lived_audit_trail(
            actor=self.membership,
            partnership_id=self.membership.partnership_id,
            record_id=query.get("record"),
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(AuditEventOutput(page, many=True).data)


@extend_schema(
    tags=TAGS,
    summary="How many people reached each stage in a period and where they stood at its end "
    "(small numbers suppressed)",
    parameters=[SLUG, CountsQuery],
    responses={200: CountsOutput},
)
class StageCountsApi(CoordinatorApi):
    def get(self, request: Request, slug: str) -> Response:
        query = CountsQuery.read(request.query_params)
        counts = selectors.stage_counts(
            partnership_id=self.membership.partnership_id, start=query["from"], end=query["to"]
        )

        def by_stage(figures: list[tuple[str, Figure]]) -> list[dict]:
            # The selector lists every stage in the order of Stage; its labels come with it.
            return [
                {"stage": stage.value, "label": label, "people": figure.as_json()}
                for stage, (label, figure) in zip(Stage, figures, strict=True)
            ]

        return Response(
            {
                "start": counts.start,
                "end": counts.end,
                "threshold": threshold(),
                "entered": by_stage(counts.entered),
                "at_end": by_stage(counts.at_end),
                "at_end_total": counts.at_end_total.as_json(),
            }
        )
