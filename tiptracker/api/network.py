"""The champions and ambassadors network through the API: every member reads the roster,
the activity log and the summary; administrators write, through the same services as the
pages. Like the pages, it shows no staff fields beyond name, role, organisation and team."""

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.filters import DateRange, Filter, id_filter
from tiptracker.api.serializers import MAX_ID, CheckedEnumField, PlaceOutput, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedDetailApi, ScopedListApi, one_in_scope
from tiptracker.lib.dates import today, validate_entered_date
from tiptracker.lib.fields import max_length_of
from tiptracker.network.access import (
    get_network_activity_for_user,
    get_network_member_for_user,
    network_activities_for,
    network_members_for,
)
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import CURRENT, PAST, network_summary, roster_for
from tiptracker.network.services import (
    network_activity_record,
    network_member_create,
    network_member_update,
)
from tiptracker.partnerships import access
from tiptracker.workforce.access import staff_for, teams_for
from tiptracker.workforce.models import StaffMember

TAGS = ["Network"]


class NetworkKindField(CheckedEnumField):
    enum_name = "NetworkRole"
    enum_values = NetworkMember.Kind.values
    enum_description = "champion: a senior leader in the national trauma champions network; ambassador: a member of the local network, usually for one team."


class ActivityKindField(CheckedEnumField):
    enum_name = "NetworkActivityKind"
    enum_values = NetworkActivity.Kind.values


# Shapes ------------------------------------------------------------------------------------


class NetworkMemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = NetworkKindField()
    name = StrictCharField()
    job_role = StrictCharField()
    organisation = PlaceOutput()
    team = PlaceOutput(allow_null=True, help_text="The team an ambassador represents, if any.")
    from_date = serializers.DateField()
    to_date = serializers.DateField(allow_null=True, help_text="Null while still in the role.")
    linked_to_staff = serializers.SerializerMethodField(
        help_text="Whether the person is linked to a staff record."
    )

    def get_linked_to_staff(self, member: NetworkMember) -> bool:
        return member.person_id is not None


class NetworkMemberBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    kind = NetworkKindField()


class NetworkActivityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    member = NetworkMemberBriefOutput()
    date = serializers.DateField()
    kind = ActivityKindField()
    summary = StrictCharField()


class NetworkMemberInput(serializers.Serializer):
    kind = NetworkKindField()
    staff_id = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=max_length_of(StaffMember, "staff_id"),
        help_text="The employer's identifier, if the person is in the staff records: name, job role, organisation and (for an ambassador) team default from there.",
    )
    name = StrictCharField(
        required=False, allow_blank=True, max_length=max_length_of(NetworkMember, "name")
    )
    job_role = StrictCharField(
        required=False, allow_blank=True, max_length=max_length_of(NetworkMember, "job_role")
    )
    organisation = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="Its id."
    )
    team = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="Its id."
    )
    from_date = serializers.DateField(
        input_formats=["%Y-%m-%d"], validators=[validate_entered_date], help_text="YYYY-MM-DD."
    )
    to_date = serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=["%Y-%m-%d"],
        validators=[validate_entered_date],
        help_text="YYYY-MM-DD, not before from_date; null while still in the role.",
    )


class NetworkActivityInput(serializers.Serializer):
    member = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The champion's or ambassador's id."
    )
    date = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        validators=[validate_entered_date],
        help_text="YYYY-MM-DD, not in the future.",
    )
    kind = ActivityKindField()
    summary = StrictCharField(max_length=5000)


class NetworkSummaryOutput(serializers.Serializer):
    on = serializers.DateField()
    since = serializers.DateField(help_text="The first day of the period the activities count.")
    champions = serializers.IntegerField(help_text="Current trauma champions.")
    ambassadors = serializers.IntegerField(help_text="Current trauma ambassadors.")
    organisations = serializers.IntegerField()
    organisations_covered = serializers.IntegerField(
        help_text="Organisations with at least one current ambassador."
    )
    teams = serializers.IntegerField()
    teams_covered = serializers.IntegerField(help_text="Teams a current ambassador represents.")
    activities = serializers.IntegerField(help_text="Activities logged from `since` to `on`.")


class NetworkMemberFilter(Filter):
    when = serializers.ChoiceField(
        required=False,
        choices=[CURRENT, PAST],
        help_text="current (the default): not ended today, those yet to start included; past: ended before today.",
    )
    kind = serializers.ChoiceField(
        required=False,
        choices=NetworkMember.Kind.values,
        help_text="Only champions or ambassadors.",
    )
    organisation = id_filter("Only members of this organisation (its id).")


class NetworkActivityFilter(DateRange):
    from_help = "Activities on or after this day"
    to_help = "Activities on or before this day"
    member = id_filter("Only this champion's or ambassador's activities (their id).")


class NetworkSummaryQuery(DateRange):
    from_help = "The start of the period the activities count (default: six months before `to`)"
    to_help = "The day the figures are for (default: today)"


# Operations --------------------------------------------------------------------------------


class NetworkMemberListCreateApi(ScopedListApi):
    # GET lists the roster; POST adds a champion or ambassador (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = NetworkMemberOutput
    filter_class = NetworkMemberFilter

    @extend_schema(
        tags=TAGS,
        summary="Trauma champions and ambassadors (current by default)",
        parameters=[SLUG, NetworkMemberFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        return roster_for(
            self.membership,
            on=today(),
            when=found.get("when", CURRENT),
            kind=found.get("kind", ""),
            organisation_id=found.get("organisation"),
        )

    @extend_schema(
        tags=TAGS,
        summary="Add a trauma champion or ambassador",
        parameters=[SLUG],
        request=NetworkMemberInput,
        responses={201: NetworkMemberOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = NetworkMemberInput(data=request.data)
        found.is_valid(raise_exception=True)
        member = network_member_create(
            actor=self.membership.user,
            partnership_id=self.membership.partnership_id,
            **_member_values(self.membership, found.validated_data),
        )
        return Response(NetworkMemberOutput(member).data, status=status.HTTP_201_CREATED)


def _member_values(membership: Any, data: dict, member: NetworkMember | None = None) -> dict:
    """The service's arguments from the input, what was not sent kept from `member`."""

    def chosen(key: str, queryset: Any, current: Any) -> Any:
        if key not in data:
            return current
        if data[key] is None:
            return None
        return one_in_scope(queryset, key, pk=data[key])

    person = member.person if member else None
    if data.get("staff_id"):
        person = one_in_scope(staff_for(membership), "staff_id", staff_id=data["staff_id"])
    elif "staff_id" in data:
        person = None
    return {
        "kind": data.get("kind", member.kind if member else ""),
        "person": person,
        "name": data.get("name", member.name if member else ""),
        "job_role": data.get("job_role", member.job_role if member else ""),
        "organisation": chosen(
            "organisation",
            access.organisations_for(membership),
            member.organisation if member else None,
        ),
        "team": chosen("team", teams_for(membership), member.team if member else None),
        "from_date": data.get("from_date", member.from_date if member else None),
        "to_date": data.get("to_date", member.to_date if member else None),
    }


class NetworkMemberDetailApi(ScopedDetailApi):
    # GET one champion or ambassador; PATCH changes the fields sent (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = NetworkMemberOutput

    def get_object(self) -> Any:
        return get_network_member_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One trauma champion or ambassador", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a champion or ambassador (only the fields sent; to_date ends the role)",
        parameters=[SLUG],
        request=NetworkMemberInput(partial=True),
        responses={200: NetworkMemberOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        found = NetworkMemberInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        network_member_update(
            actor=self.membership.user,
            member=member,
            **_member_values(self.membership, found.validated_data, member),
        )
        return Response(NetworkMemberOutput(member).data)


class NetworkActivityListRecordApi(ScopedListApi):
    # GET lists the activity log; POST records an activity (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = NetworkActivityOutput
    filter_class = NetworkActivityFilter

    @extend_schema(
        tags=TAGS,
        summary="The network's activity log, latest first",
        parameters=[SLUG, NetworkActivityFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        activities = network_activities_for(self.membership).select_related("member")
        if found.get("member"):
            activities = activities.filter(member_id=found["member"])
        if found.get("from"):
            activities = activities.filter(date__gte=found["from"])
        if found.get("to"):
            activities = activities.filter(date__lte=found["to"])
        return activities.order_by("-date", "-id")

    @extend_schema(
        tags=TAGS,
        summary="Record an activity of a champion or ambassador",
        parameters=[SLUG],
        request=NetworkActivityInput,
        responses={201: NetworkActivityOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        found = NetworkActivityInput(data=request.data)
        found.is_valid(raise_exception=True)
        data = found.validated_data
        member = one_in_scope(network_members_for(self.membership), "member", pk=data["member"])
        activity = network_activity_record(
            actor=self.membership.user,
            member=member,
            on=data["date"],
            kind=data["kind"],
            summary=data["summary"],
        )
        return Response(NetworkActivityOutput(activity).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="One activity", parameters=[SLUG])
class NetworkActivityDetailApi(ScopedDetailApi):
    allowed_roles = access.WORKSPACE_READ_ROLES
    serializer_class = NetworkActivityOutput

    def get_object(self) -> Any:
        return get_network_activity_for_user(self.membership, self.kwargs["pk"])


@extend_schema(
    tags=TAGS,
    summary="The network's figures on a date, for the board report",
    parameters=[SLUG, NetworkSummaryQuery],
    responses={200: NetworkSummaryOutput},
)
class NetworkSummaryApi(ScopedApi):
    allowed_roles = access.WORKSPACE_READ_ROLES

    def get(self, request: Request, slug: str) -> Response:
        query = NetworkSummaryQuery.read(request.query_params)
        summary = network_summary(
            self.membership.partnership_id, on=query.get("to") or today(), since=query.get("from")
        )
        return Response(NetworkSummaryOutput(summary).data)
