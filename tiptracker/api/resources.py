"""The resource library through the API: every member reads it; administrators add, change
and remove resources, through the same services as the pages."""

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import Filter
from tiptracker.api.serializers import (
    LEVEL_SLUGS,
    CheckedEnumField,
    LevelSlugField,
    OptionalLevelField,
    StrictCharField,
)
from tiptracker.api.views import SLUG, ScopedDetailApi, ScopedListApi
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.levels import level_from_slug
from tiptracker.partnerships import access
from tiptracker.resources.access import resources_for
from tiptracker.resources.models import Resource
from tiptracker.resources.selectors import NO_LEVEL, resources_list_for, with_file_details
from tiptracker.resources.services import resource_create, resource_delete, resource_update


class ResourceKindField(CheckedEnumField):
    enum_name = "ResourceKind"
    enum_values = Resource.Kind.values
    enum_description = "manager-toolkit, guidance, communications (materials for the workforce), webinar (a recording), national (a national resource) or other."


class ResourceAudienceField(CheckedEnumField):
    enum_name = "ResourceAudience"
    enum_values = Resource.Audience.values
    enum_description = "Whom the resource is for."


class LevelSlugInput(CheckedEnumField):
    enum_name = LevelSlugField.enum_name
    enum_values = LEVEL_SLUGS
    enum_description = LevelSlugField.enum_description
    nullable = True


# Shapes ------------------------------------------------------------------------------------


class ResourceFileOutput(serializers.Serializer):
    name = StrictCharField(help_text="The file's name, as it downloads.")
    size = serializers.IntegerField(help_text="In bytes.")
    content_type = StrictCharField(help_text="The type it is served as.")
    url = StrictCharField(help_text="Where to download it (as a signed-in member).")


class ResourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    kind = ResourceKindField()
    audience = ResourceAudienceField()
    level = OptionalLevelField(help_text="The level it supports (null: not tied to a level).")
    url = StrictCharField(help_text="A link to the recording or resource; may be blank.")
    file = serializers.SerializerMethodField(
        help_text="The resource's file (null: none). Files are uploaded from the resource's "
        "page, not through the API."
    )
    description = StrictCharField()
    updated_on = serializers.DateField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(ResourceFileOutput(allow_null=True))
    def get_file(self, resource: Resource) -> dict | None:
        stored = resource.attached_file()
        if stored is None:
            return None
        view = self.context.get("view")
        # The partnership's slug from the URL called, so a list makes no query per resource.
        slug = view.kwargs["slug"] if view else resource.partnership.slug
        path = reverse("resource_file", args=[slug, resource.pk])
        request = self.context.get("request")
        return {
            "name": stored.name,
            "size": stored.size,
            "content_type": stored.content_type,
            "url": request.build_absolute_uri(path) if request else path,
        }


class ResourceInput(serializers.Serializer):
    title = StrictCharField(max_length=max_length_of(Resource, "title"))
    kind = ResourceKindField()
    audience = ResourceAudienceField()
    level = LevelSlugInput(
        required=False, allow_null=True, help_text="A level's slug, or null for none."
    )
    url = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=max_length_of(Resource, "url"),
        help_text="http:// or https:// only.",
    )
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)

    def validate_level(self, value: str | None) -> int | None:
        return None if value is None else int(level_from_slug(value))


class ResourceFilter(Filter):
    kind = serializers.ChoiceField(
        required=False, choices=Resource.Kind.values, help_text="Only resources of this kind."
    )
    audience = serializers.ChoiceField(
        required=False, choices=Resource.Audience.values, help_text="Only those for this audience."
    )
    level = serializers.ChoiceField(
        required=False,
        choices=[*LEVEL_SLUGS, NO_LEVEL],
        help_text="Only those for this level (`none`: not tied to a level).",
    )


# Operations --------------------------------------------------------------------------------

TAGS = ["Resources"]


class ResourceListCreateApi(ScopedListApi):
    # GET lists the library; POST adds a resource (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = ResourceOutput
    filter_class = ResourceFilter

    @extend_schema(
        tags=TAGS,
        summary="Resources and toolkits",
        parameters=[SLUG, ResourceFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        level = found.get("level", "")
        return resources_list_for(
            self.membership,
            kind=found.get("kind", ""),
            audience=found.get("audience", ""),
            level=level if level in ("", NO_LEVEL) else int(level_from_slug(level)),
        )

    @extend_schema(
        tags=TAGS,
        summary="Add a resource",
        parameters=[SLUG],
        request=ResourceInput,
        responses={201: ResourceOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = ResourceInput(data=request.data)
        found.is_valid(raise_exception=True)
        resource = resource_create(
            actor=self.membership.user,
            partnership_id=self.membership.partnership_id,
            **found.validated_data,
        )
        return Response(
            ResourceOutput(resource, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ResourceDetailApi(ScopedDetailApi):
    # GET one resource; PATCH changes the fields sent; DELETE removes it (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.WORKSPACE_EDIT_ROLES,
        "DELETE": access.WORKSPACE_EDIT_ROLES,
    }
    serializer_class = ResourceOutput

    def get_object(self) -> Any:
        # With its file's name and size, never its bytes; another partnership's is a 404.
        return get_object_or_404(
            with_file_details(resources_for(self.membership)), pk=self.kwargs["pk"]
        )

    @extend_schema(tags=TAGS, summary="One resource", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a resource (only the fields sent)",
        parameters=[SLUG],
        request=ResourceInput(partial=True),
        responses={200: ResourceOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resource = self.get_object()
        found = ResourceInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        values = {
            "title": resource.title,
            "kind": resource.kind,
            "audience": resource.audience,
            "level": resource.level,
            "url": resource.url,
            "description": resource.description,
            **found.validated_data,
        }
        resource_update(actor=self.membership.user, resource=resource, **values)
        return Response(ResourceOutput(resource, context=self.get_serializer_context()).data)

    @extend_schema(tags=TAGS, summary="Remove a resource", parameters=[SLUG], responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resource_delete(actor=self.membership.user, resource=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
