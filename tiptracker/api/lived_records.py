"""One lived-experience record through the API: recording someone's interest, listing and
opening records, moving a record along the route, recording consent and involvement, and
exporting everything held about the person. Who may call, and how each read and write is
audited: lived.py."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.lived import (
    TAGS,
    Article6Field,
    Article9Field,
    CoordinatorApi,
    CoordinatorListApi,
    InvolvementKindField,
    PurposeField,
    RecordOutput,
    RecordSummaryOutput,
    TargetStageField,
    consent_texts,
)
from tiptracker.api.plan import DateInput
from tiptracker.api.serializers import StrictCharField
from tiptracker.api.views import SLUG, one_in_scope, valid_body
from tiptracker.lived.consent import lived_consent_record, lived_involvement_add
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.export import lived_export
from tiptracker.lived.models import Stage
from tiptracker.lived.reads import lived_record_open, lived_records_list
from tiptracker.lived.route import (
    lived_close,
    lived_decline,
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
    lived_pause,
    lived_resume,
)

# Shapes ------------------------------------------------------------------------------------


class InterestOutput(RecordOutput):
    merged = serializers.BooleanField(
        help_text="True when the contact details matched an open record and the interest was "
        "added to it (nothing recorded there is overwritten; what differs is added to its note)."
    )
    private_link = serializers.URLField(
        allow_null=True,
        help_text="A new record's private link (status and withdrawal), for the coordinator to "
        "send the person; given only here, once. Null when merged: the person's link from "
        "before still works.",
    )


class InterestInput(serializers.Serializer):
    preferred_name = StrictCharField(max_length=300, help_text="The name they would like.")
    email = serializers.EmailField(
        required=False, allow_blank=True, default="", max_length=300, help_text="Or a phone."
    )
    phone = StrictCharField(required=False, allow_blank=True, default="", max_length=60)
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Only what is needed to contact them: never details of trauma.",
    )


class TransitionInput(serializers.Serializer):
    to = TargetStageField()
    on = DateInput(required=False, allow_null=True, default=None)
    note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Not kept for a withdrawal, which erases every note.",
    )


class ConsentInput(serializers.Serializer):
    consent_text_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="A version from the consent texts list."
    )
    purposes = serializers.ListField(child=PurposeField(), min_length=1, max_length=10)
    article_6_basis = Article6Field()
    article_9_condition = Article9Field()
    given_on = DateInput()
    review_on = DateInput()
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)


class InvolvementInput(serializers.Serializer):
    kind = InvolvementKindField()
    start_on = DateInput()
    end_on = DateInput(required=False, allow_null=True, default=None)
    description = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    support_offered = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Support, debrief, payment or expenses offered.",
    )


# Records -----------------------------------------------------------------------------------


class RecordListCreateApi(CoordinatorListApi):
    # GET lists the records (names shown: audited); POST records someone's interest.

    @extend_schema(
        tags=TAGS,
        summary="The partnership's route records, oldest first (reading the list is audited)",
        parameters=[SLUG],
        responses={200: RecordSummaryOutput(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        page = lived_records_list(
            actor=self.membership,
            partnership_id=self.membership.partnership_id,
            paginate=lambda records: self.paginate_queryset(records) or [],
        )
        return self.get_paginated_response(RecordSummaryOutput(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Record someone's interest on their behalf; the same e-mail or phone as an open "
        "record merges into it",
        parameters=[SLUG],
        request=InterestInput,
        responses={
            201: OpenApiResponse(InterestOutput, description="A new record."),
            200: OpenApiResponse(InterestOutput, description="Merged into an open record."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        data = valid_body(InterestInput, request)
        interest = lived_interest_express(
            actor=self.membership, partnership_id=self.membership.partnership_id, **data
        )
        link = (
            request.build_absolute_uri(reverse("lived_status", args=[interest.token]))
            if interest.token
            else None
        )
        return Response(
            {**self.shown(interest.record), "merged": interest.merged, "private_link": link},
            status=status.HTTP_200_OK if interest.merged else status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=TAGS,
    summary="One record with its stages, consents and involvements (opening it is audited)",
    parameters=[SLUG],
    responses={200: RecordOutput},
)
class RecordDetailApi(CoordinatorApi):
    def get(self, request: Request, slug: str, pk: int) -> Response:
        record = lived_record_open(
            actor=self.membership, record_id=pk, partnership_id=self.membership.partnership_id
        )
        return Response(RecordOutput(record).data)


# `to` -> the named transition; `involved` from paused is lived_resume (see post).
MOVES = {
    Stage.INFORMATION_SENT: lived_information_send,
    Stage.DISCUSSION_ARRANGED: lived_discussion_arrange,
    Stage.DISCUSSION_HELD: lived_discussion_hold,
    Stage.DECLINED: lived_decline,
    Stage.INVOLVED: lived_involve,
    Stage.PAUSED: lived_pause,
    Stage.CLOSED: lived_close,
}


@extend_schema(
    tags=TAGS,
    summary="Move a record to its next stage (withdrawn erases the name, contact details and "
    "notes at once)",
    parameters=[SLUG],
    request=TransitionInput,
    responses={200: RecordOutput},
)
class RecordTransitionApi(CoordinatorApi):
    def post(self, request: Request, slug: str, pk: int) -> Response:
        record = self.record(pk)
        data = valid_body(TransitionInput, request)
        to = data["to"]
        if to == Stage.CONSENT_RECORDED:
            raise Refused(
                {
                    "to": [
                        "Consent is recorded with its text, purposes and bases: use the consents "
                        f"operation (POST {request.path.removesuffix('transitions/')}consents/)."
                    ]
                }
            )
        if to == Stage.WITHDRAWN:
            lived_withdraw(actor=self.membership, record=record, on=data["on"])
        else:
            move = MOVES[to]
            if to == Stage.INVOLVED and record.stage == Stage.PAUSED:
                move = lived_resume
            move(actor=self.membership, record=record, on=data["on"], note=data["note"])
        return Response(self.shown(record))


@extend_schema(
    tags=TAGS,
    summary="Record the consent given after the discussion (moves the record to consent recorded)",
    parameters=[SLUG],
    request=ConsentInput,
    responses={201: RecordOutput},
)
class RecordConsentApi(CoordinatorApi):
    def post(self, request: Request, slug: str, pk: int) -> Response:
        record = self.record(pk)
        data = valid_body(ConsentInput, request)
        version = data.pop("consent_text_version")
        consent_text = one_in_scope(
            consent_texts(self.membership.partnership_id), "consent_text_version", version=version
        )
        lived_consent_record(
            actor=self.membership, record=record, consent_text=consent_text, **data
        )
        return Response(self.shown(record), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="Add something an involved person contributed to, and the support offered",
    parameters=[SLUG],
    request=InvolvementInput,
    responses={201: RecordOutput},
)
class RecordInvolvementApi(CoordinatorApi):
    def post(self, request: Request, slug: str, pk: int) -> Response:
        record = self.record(pk)
        data = valid_body(InvolvementInput, request)
        lived_involvement_add(actor=self.membership, record=record, **data)
        return Response(self.shown(record), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS,
    summary="Everything held about the person, for a subject access request (audited as an export)",
    parameters=[SLUG],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="The record with labels a reader understands, sent as a JSON file.",
        )
    },
)
class RecordExportApi(CoordinatorApi):
    def get(self, request: Request, slug: str, pk: int) -> Response:
        export = lived_export(actor=self.membership, record=self.record(pk))
        filename = f"lived-experience-record-{pk}.json"
        return Response(
            export, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )
