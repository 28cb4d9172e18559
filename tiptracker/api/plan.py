"""The implementation plan through the API: every member reads it; administrators write it,
and an action's owner updates their own action. Edits name the version they were made from:
a stale one gets 409 Conflict with the saved version, and nothing is written."""

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused, refused
from tiptracker.api.filters import Filter
from tiptracker.api.serializers import MAX_ID, CheckedEnumField, StrictCharField
from tiptracker.api.views import SLUG, ScopedDetailApi, ScopedListApi, one_in_scope, valid_body
from tiptracker.lib.dates import today, validate_entered_date
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.plan import services
from tiptracker.plan.access import (
    can_update_action,
    get_action_for_user,
    get_phase_for_user,
    get_priority_for_user,
)
from tiptracker.plan.models import Action, Phase, Priority
from tiptracker.plan.selectors import actions_for_plan, plan_changes
from tiptracker.plan.state import ActionFields
from tiptracker.training.access import courses_for, sessions_for

TAGS = ["Implementation plan"]
READ, EDIT = access.WORKSPACE_READ_ROLES, access.WORKSPACE_EDIT_ROLES


class DateInput(serializers.DateField):
    """A date as YYYY-MM-DD, or as people in the UK write it, DD/MM/YYYY."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "YYYY-MM-DD (or DD/MM/YYYY).")
        kwargs.setdefault("validators", [validate_entered_date])  # 1900 or later
        super().__init__(input_formats=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)


class IdField(serializers.IntegerField):
    """A database id: a number out of range is a bad value, not a server error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class ActionStatusField(CheckedEnumField):
    enum_name = "ActionStatus"
    enum_values = Action.Status.values
    enum_description = "not_started, on_track, at_risk, off_track, complete or cancelled."


# Shapes ------------------------------------------------------------------------------------------


class PhaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = StrictCharField()
    description = StrictCharField()
    version = serializers.IntegerField(help_text="Send it back when changing the phase.")


class PhaseInput(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=99)
    title = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")


class PhaseChangeInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a newer one is a 409.")
    number = serializers.IntegerField(min_value=1, max_value=99, required=False)
    title = StrictCharField(max_length=200, required=False)
    description = StrictCharField(required=False, allow_blank=True)


class PriorityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    financial_year = StrictCharField(help_text="For example 2022/23.")
    number = serializers.IntegerField()
    title = StrictCharField()
    description = StrictCharField()
    version = serializers.IntegerField()


class PriorityInput(serializers.Serializer):
    financial_year = StrictCharField(max_length=7, help_text="For example 2022/23.")
    number = serializers.IntegerField(min_value=1, max_value=99)
    title = StrictCharField(max_length=300)
    description = StrictCharField(required=False, allow_blank=True, default="")


class PriorityChangeInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read: a newer one is a 409.")
    financial_year = StrictCharField(max_length=7, required=False)
    number = serializers.IntegerField(min_value=1, max_value=99, required=False)
    title = StrictCharField(max_length=300, required=False)
    description = StrictCharField(required=False, allow_blank=True)


class UpdateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    written_on = serializers.DateField()
    text = StrictCharField()
    author = StrictCharField(source="author_name")


class UpdateInput(serializers.Serializer):
    written_on = DateInput()
    text = StrictCharField(max_length=5000)


class ActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    description = StrictCharField()
    phase = serializers.IntegerField(source="phase_id", allow_null=True)
    priority = serializers.IntegerField(source="priority_id", allow_null=True)
    owner = StrictCharField(source="owner_name", help_text="The member's name, or the group.")
    owner_email = serializers.SerializerMethodField()
    owner_group = StrictCharField()
    lead_organisation = serializers.IntegerField(source="lead_organisation_id", allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    status = ActionStatusField()
    overdue = serializers.SerializerMethodField()
    due_soon = serializers.SerializerMethodField()
    courses = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    resources = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send it back when changing the action.")
    updated_at = serializers.DateTimeField()

    def get_owner_email(self, action: Action) -> str | None:
        # Members' addresses are for administrators (who assign owners), not every reader.
        membership = getattr(self.context.get("view"), "membership", None)
        if not action.owner_id or membership is None or membership.role not in EDIT:
            return None
        return action.owner.user.email  # type: ignore[union-attr]

    def get_overdue(self, action: Action) -> bool:
        return services.is_overdue(action, today())

    def get_due_soon(self, action: Action) -> bool:
        return services.is_due_soon(action, today())

    def get_courses(self, action: Action) -> list[int]:
        return [c.pk for c in action.courses.all()]

    def get_sessions(self, action: Action) -> list[int]:
        return [s.pk for s in action.sessions.all()]

    def get_resources(self, action: Action) -> list[int]:
        return [r.pk for r in action.resources.all()]


class ActionInput(serializers.Serializer):
    title = StrictCharField(max_length=300)
    description = StrictCharField(required=False, allow_blank=True, default="")
    phase = IdField(required=False, allow_null=True, default=None)
    priority = IdField(required=False, allow_null=True, default=None)
    owner_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="A member of the partnership."
    )
    owner_group = StrictCharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Or a group."
    )
    lead_organisation = IdField(required=False, allow_null=True, default=None)
    start_date = DateInput(required=False, allow_null=True, default=None)
    due_date = DateInput(required=False, allow_null=True, default=None)
    status = ActionStatusField(required=False, default=Action.Status.NOT_STARTED)
    courses = serializers.ListField(child=IdField(), required=False, default=list, max_length=500)
    sessions = serializers.ListField(child=IdField(), required=False, default=list, max_length=500)
    resources = serializers.ListField(child=IdField(), required=False, default=list, max_length=500)


class ActionChangeInput(serializers.Serializer):
    # The fields of ActionInput, each optional (only those sent change), and the version.
    version = serializers.IntegerField(help_text="The version you read: a newer one is a 409.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = ActionInput().get_fields()
        for field in fields.values():
            field.required = False
            field.default = empty
        return {**fields, "version": super().get_fields()["version"]}


class ConflictOutput(serializers.Serializer):
    detail = StrictCharField()
    # Only for an edit from a stale version; a refusal by a rule has `errors` instead.
    saved = ActionOutput(required=False)
    saved_by = StrictCharField(allow_null=True, required=False)
    saved_at = serializers.DateTimeField(allow_null=True, required=False)


class ChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    by = StrictCharField(source="actor_name")
    entity = StrictCharField(help_text="phase, priority, action or update.")
    entity_id = serializers.IntegerField()
    verb = StrictCharField(help_text="created, changed or deleted.")
    title = StrictCharField()
    changes = serializers.ListField(
        child=serializers.ListField(child=StrictCharField()),
        help_text="[field, before, after] for each field changed.",
    )


class HistoryFilter(Filter):
    since = serializers.DateTimeField(
        required=False, help_text="Only changes at or after this time."
    )


# Reading the input ------------------------------------------------------------------------------


def _fields(membership: Membership, data: dict, base: ActionFields | None = None) -> ActionFields:
    """The action's fields from the input, over `base` (the action as saved, for a PATCH),
    each object found within the caller's partnership."""
    from tiptracker.resources.models import Resource

    partnership_id = membership.partnership_id
    values = dict(base.__dict__) if base else {}

    def one(queryset: Any, field: str) -> None:
        if field in data:
            values[field] = (
                None if data[field] is None else one_in_scope(queryset, field, pk=data[field])
            )

    def many(queryset: Any, field: str) -> None:
        if field in data:
            ids = set(data[field] or [])
            found = tuple(queryset.filter(pk__in=ids))
            if len(found) != len(ids):
                raise Refused({field: ["One or more of these does not exist here."]})
            values[field] = found

    for name in ("title", "description", "owner_group", "start_date", "due_date", "status"):
        if name in data:
            values[name] = data[name]
    one(Phase.objects.filter(partnership_id=partnership_id), "phase")
    one(Priority.objects.filter(partnership_id=partnership_id), "priority")
    one(access.organisations_for(membership), "lead_organisation")
    many(courses_for(membership), "courses")
    many(sessions_for(membership), "sessions")
    many(Resource.objects.filter(partnership_id=partnership_id), "resources")
    if "owner_email" in data:
        values["owner"] = None
        if data["owner_email"]:
            values["owner"] = (
                Membership.objects.filter(
                    partnership_id=partnership_id, user__email__iexact=data["owner_email"]
                )
                .select_related("user")
                .first()
            )
            if values["owner"] is None:
                raise Refused({"owner_email": ["The owner must be a member of this partnership."]})
    return ActionFields(**values)


def _named_for_the_api(error: ValidationError) -> Refused:
    """A service's refusal, with its fields named as the API names them."""
    return refused(error, {"owner": "owner_email"})


def _action(membership: Membership, pk: int) -> Action:
    return access.get_or_404_in(actions_for_plan(membership.partnership_id), pk)


# Operations -------------------------------------------------------------------------------------


class PhaseListCreateApi(ScopedListApi):
    allowed_roles = READ
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"POST": EDIT}
    serializer_class = PhaseOutput

    @extend_schema(tags=TAGS, summary="The plan's phases", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return Phase.objects.filter(partnership_id=self.membership.partnership_id).order_by(
            "number", "id"
        )

    @extend_schema(
        tags=TAGS,
        summary="Add a phase",
        parameters=[SLUG],
        request=PhaseInput,
        responses={201: PhaseOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(PhaseInput, request)
        phase = services.phase_create(
            actor=self.membership.user, partnership_id=self.membership.partnership_id, **data
        )
        return Response(PhaseOutput(phase).data, status=status.HTTP_201_CREATED)


class PriorityListCreateApi(ScopedListApi):
    allowed_roles = READ
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"POST": EDIT}
    serializer_class = PriorityOutput

    @extend_schema(tags=TAGS, summary="Priorities, by financial year", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return Priority.objects.filter(partnership_id=self.membership.partnership_id).order_by(
            "-financial_year", "number", "id"
        )

    @extend_schema(
        tags=TAGS,
        summary="Add a priority for a financial year",
        parameters=[SLUG],
        request=PriorityInput,
        responses={201: PriorityOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(PriorityInput, request)
        priority = services.priority_create(
            actor=self.membership.user, partnership_id=self.membership.partnership_id, **data
        )
        return Response(PriorityOutput(priority).data, status=status.HTTP_201_CREATED)


class _VersionedDetailApi(ScopedDetailApi, ABC):
    # GET one phase or priority; PATCH it from the version read (administrators).
    allowed_roles = READ
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"PATCH": EDIT}
    entity: ClassVar[str]
    input_class: ClassVar[type[serializers.Serializer]]
    output_class: ClassVar[type[serializers.Serializer]]

    @abstractmethod
    def change(self, thing: Any, version: int, values: dict) -> Any:
        """Save `values` over `thing` through its service, from `version`."""

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        thing = self.get_object()
        found = self.input_class(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        version = request.data.get("version") if hasattr(request.data, "get") else None
        if not isinstance(version, int) or isinstance(version, bool):
            raise serializers.ValidationError({"version": ["Send the version you read, a number."]})
        values = {**self.input_class(thing).data, **found.validated_data}
        try:
            thing = self.change(thing, version, values)
        except services.EditConflict as clash:
            return Response(
                {
                    "detail": f"Someone else saved this {self.entity} after the version you "
                    "read: nothing was written.",
                    "saved": self.output_class(clash.current).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.output_class(thing).data)


class PhaseDetailApi(_VersionedDetailApi):
    serializer_class = output_class = PhaseOutput
    input_class = PhaseInput
    entity = "phase"

    def get_object(self) -> Any:
        return get_phase_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One phase", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a phase from the version you read (only the fields sent change)",
        parameters=[SLUG],
        request=PhaseChangeInput,
        responses={
            200: PhaseOutput,
            409: OpenApiResponse(description="Saved by someone else since."),
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().patch(request, *args, **kwargs)

    def change(self, thing: Any, version: int, values: dict) -> Any:
        return services.phase_update(
            actor=self.membership.user, phase=thing, version=version, **values
        )


class PriorityDetailApi(_VersionedDetailApi):
    serializer_class = output_class = PriorityOutput
    input_class = PriorityInput
    entity = "priority"

    def get_object(self) -> Any:
        return get_priority_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One priority", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a priority from the version you read (only the fields sent change)",
        parameters=[SLUG],
        request=PriorityChangeInput,
        responses={
            200: PriorityOutput,
            409: OpenApiResponse(description="Saved by someone else since."),
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().patch(request, *args, **kwargs)

    def change(self, thing: Any, version: int, values: dict) -> Any:
        return services.priority_update(
            actor=self.membership.user, priority=thing, version=version, **values
        )


class ActionFilter(Filter):
    status = serializers.ChoiceField(
        required=False, choices=Action.Status.values, help_text="Only this status."
    )


class ActionListCreateApi(ScopedListApi):
    allowed_roles = READ
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"POST": EDIT}
    serializer_class = ActionOutput
    filter_class = ActionFilter

    @extend_schema(tags=TAGS, summary="The plan's actions", parameters=[SLUG, ActionFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        actions = actions_for_plan(self.membership.partnership_id)
        wanted = self.filters().get("status")
        if wanted:
            actions = actions.filter(status=wanted)
        return actions.order_by("due_date", "id")

    @extend_schema(
        tags=TAGS,
        summary="Add an action",
        parameters=[SLUG],
        request=ActionInput,
        responses={201: ActionOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(ActionInput, request)
        try:
            action = services.action_create(
                actor=self.membership.user,
                partnership_id=self.membership.partnership_id,
                fields=_fields(self.membership, data),
            )
        except ValidationError as error:
            raise _named_for_the_api(error) from None
        return Response(
            ActionOutput(_action(self.membership, action.pk), context={"view": self}).data,
            status=status.HTTP_201_CREATED,
        )


class ActionDetailApi(ScopedDetailApi):
    # Administrators and the action's owner may change it (checked per action in patch());
    # administrators delete it (the history keeps it).
    allowed_roles = READ
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {"DELETE": EDIT}
    serializer_class = ActionOutput

    @extend_schema(
        tags=TAGS,
        summary="Delete an action (administrators); the plan's history keeps it. To keep it in "
        "the plan as dropped, set its status to cancelled instead",
        parameters=[SLUG],
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.action_delete(actor=self.membership.user, action=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_object(self) -> Any:
        return _action(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One action", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change an action (administrators; its owner: status, description, dates, evidence), from the version you read; only the fields sent change",
        parameters=[SLUG],
        request=ActionChangeInput,
        responses={
            200: ActionOutput,
            409: OpenApiResponse(
                ConflictOutput,
                description="Saved by someone else since your version: nothing written.",
            ),
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        action = self.get_object()
        if not can_update_action(self.membership, action):
            raise PermissionDenied("Only the action's owner or an administrator can change it")
        data = valid_body(ActionChangeInput, request)
        try:
            services.action_update(
                actor=self.membership.user,
                action=action,
                version=data["version"],
                fields=_fields(self.membership, data, base=ActionFields.of(action)),
                as_owner=self.membership.role not in EDIT,
            )
        except ValidationError as error:
            raise _named_for_the_api(error) from None
        except services.EditConflict as clash:
            saved = _action(self.membership, action.pk)
            return Response(
                {
                    "detail": "Someone else saved this action after the version you read: nothing was written.",
                    "saved": ActionOutput(saved, context={"view": self}).data,
                    "saved_by": clash.change.actor_name if clash.change else None,
                    "saved_at": clash.change.at if clash.change else None,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            ActionOutput(_action(self.membership, action.pk), context={"view": self}).data
        )


class ProgressUpdateListCreateApi(ScopedListApi):
    # Anyone reads an action's updates; its owner and administrators add them.
    allowed_roles = READ
    serializer_class = UpdateOutput

    @extend_schema(
        tags=TAGS, summary="An action's progress updates, newest first", parameters=[SLUG]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        action = get_action_for_user(self.membership, self.kwargs["pk"])
        return action.updates.order_by("-written_on", "-id")

    @extend_schema(
        tags=TAGS,
        summary="Add a progress update (the action's owner, or an administrator)",
        parameters=[SLUG],
        request=UpdateInput,
        responses={201: UpdateOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        action = get_action_for_user(self.membership, self.kwargs["pk"])
        if not can_update_action(self.membership, action):
            raise PermissionDenied("Only the action's owner or an administrator can add updates")
        data = valid_body(UpdateInput, request)
        update = services.progress_update_add(actor=self.membership.user, action=action, **data)
        return Response(UpdateOutput(update).data, status=status.HTTP_201_CREATED)


class PlanHistoryApi(ScopedListApi):
    allowed_roles = READ
    serializer_class = ChangeOutput
    filter_class = HistoryFilter

    @extend_schema(
        tags=TAGS,
        summary="Every change to the plan, newest first",
        parameters=[SLUG, HistoryFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return plan_changes(self.membership.partnership_id, since=self.filters().get("since"))
