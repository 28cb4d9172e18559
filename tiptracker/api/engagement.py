"""The engagement log through the API: every member reads it; administrators add, change
and remove records, through the same services as the pages."""

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import DateRange
from tiptracker.api.serializers import CheckedEnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedDetailApi, ScopedListApi
from tiptracker.engagement.access import engagements_for, get_engagement_for_user
from tiptracker.engagement.models import Engagement
from tiptracker.engagement.selectors import engagements_between
from tiptracker.engagement.services import (
    engagement_create,
    engagement_delete,
    engagement_update,
)
from tiptracker.lib.dates import validate_entered_date
from tiptracker.lib.fields import max_length_of
from tiptracker.partnerships import access

TAGS = ["Engagement"]


class EngagementKindField(CheckedEnumField):
    enum_name = "EngagementKind"
    enum_values = Engagement.Kind.values
    enum_description = "What kind of engagement it was."


class EngagementBodyKindField(CheckedEnumField):
    enum_name = "EngagementBodyKind"
    enum_values = Engagement.BodyKind.values
    enum_description = (
        "What kind of body the partnership engaged with (local-authority: another local authority)."
    )


class EngagementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    body = StrictCharField()
    body_kind = EngagementBodyKindField()
    kind = EngagementKindField()
    represented_by = StrictCharField(help_text="Who represented the partnership.")
    summary = StrictCharField()


class EngagementInput(serializers.Serializer):
    date = serializers.DateField(
        input_formats=["%Y-%m-%d"], validators=[validate_entered_date], help_text="YYYY-MM-DD."
    )
    body = StrictCharField(max_length=max_length_of(Engagement, "body"))
    body_kind = EngagementBodyKindField()
    kind = EngagementKindField()
    represented_by = StrictCharField(max_length=max_length_of(Engagement, "represented_by"))
    summary = StrictCharField(max_length=5000)


class EngagementFilter(DateRange):
    from_help = "On or after this day"
    to_help = "On or before this day"
    kind = EngagementKindField(required=False, help_text="Only engagement of this kind.")
    body_kind = EngagementBodyKindField(
        required=False, help_text="Only engagement with this kind of body."
    )


class EngagementListCreateApi(ScopedListApi):
    # GET lists the log, newest first; POST adds a record (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = EngagementOutput
    filter_class = EngagementFilter

    @extend_schema(
        tags=TAGS,
        summary="The engagement log, newest first",
        parameters=[SLUG, EngagementFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        engagements = engagements_between(
            engagements_for(self.membership), start=found.get("from"), end=found.get("to")
        )
        if found.get("kind"):
            engagements = engagements.filter(kind=found["kind"])
        if found.get("body_kind"):
            engagements = engagements.filter(body_kind=found["body_kind"])
        return engagements.order_by("-date", "-id")

    @extend_schema(
        tags=TAGS,
        summary="Add an engagement",
        parameters=[SLUG],
        request=EngagementInput,
        responses={201: EngagementOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = EngagementInput(data=request.data)
        found.is_valid(raise_exception=True)
        engagement = engagement_create(
            actor=self.membership.user,
            partnership_id=self.membership.partnership_id,
            **found.validated_data,
        )
        return Response(EngagementOutput(engagement).data, status=status.HTTP_201_CREATED)


class EngagementDetailApi(ScopedDetailApi):
    # GET one record; PATCH changes the fields sent; DELETE removes it (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.WORKSPACE_EDIT_ROLES,
        "DELETE": access.WORKSPACE_EDIT_ROLES,
    }
    serializer_class = EngagementOutput

    def get_object(self) -> Any:
        return get_engagement_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One engagement", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change an engagement (only the fields sent)",
        parameters=[SLUG],
        request=EngagementInput(partial=True),
        responses={200: EngagementOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        engagement = self.get_object()
        found = EngagementInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        values = {
            "date": engagement.date,
            "body": engagement.body,
            "body_kind": engagement.body_kind,
            "kind": engagement.kind,
            "represented_by": engagement.represented_by,
            "summary": engagement.summary,
            **found.validated_data,
        }
        engagement_update(actor=self.membership.user, engagement=engagement, **values)
        return Response(EngagementOutput(engagement).data)

    @extend_schema(
        tags=TAGS, summary="Remove an engagement", parameters=[SLUG], responses={204: None}
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        engagement_delete(actor=self.membership.user, engagement=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
