"""Briefings for board and elected members through the API: the guest list, and the
invitations of a session with their replies. Training admins only, like the pages: guests'
names and addresses are not for every member."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.serializers import (
    MAX_ID,
    AttendanceField,
    BookingStatusField,
    EnumField,
    GuestBriefOutput,
    StrictCharField,
)
from tiptracker.api.views import SLUG, ScopedApi, ScopedDetailApi, ScopedListApi, valid_body
from tiptracker.lib.fields import max_length_of
from tiptracker.partnerships import access
from tiptracker.training.access import (
    get_guest_for_user,
    get_invitation_for_user,
    get_session_for_user,
    guests_for,
)
from tiptracker.training.briefings import (
    Answer,
    briefing_invite,
    briefing_reply,
    guest_create,
    guest_update,
)
from tiptracker.training.models import Guest
from tiptracker.training.selectors import guests_list_for, invitations_of_session

# Serializers ---------------------------------------------------------------------------------


class GuestKindField(EnumField):
    enum_name = "GuestKind"
    enum_values = Guest.Kind.values
    enum_description = "Why the guest is invited: a board member, an elected member, or other."


class AnswerField(EnumField):
    enum_name = "ReplyAnswer"
    enum_values = Answer.values
    enum_description = "accept: will attend (a place, or the waiting list if full); decline."


class GuestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    email = StrictCharField()
    kind = GuestKindField()
    organisation = StrictCharField(help_text="Their organisation and role.")


class GuestInput(serializers.Serializer):
    name = StrictCharField(max_length=max_length_of(Guest, "name"))
    email = StrictCharField(
        max_length=max_length_of(Guest, "email"), help_text="Unique among the guests."
    )
    kind = GuestKindField()
    organisation = StrictCharField(
        max_length=max_length_of(Guest, "organisation"), required=False, allow_blank=True
    )


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    guest = GuestBriefOutput()
    status = BookingStatusField()
    attendance = AttendanceField()
    replied_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class InviteInput(serializers.Serializer):
    guests = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=1000,
        help_text="The ids of the guests to invite.",
    )


class RefusedGuestOutput(serializers.Serializer):
    guest = GuestBriefOutput()
    reason = StrictCharField()


class InviteOutput(serializers.Serializer):
    invited = InvitationOutput(many=True, help_text="Invitations sent now.")
    already_invited = GuestBriefOutput(
        many=True, help_text="Guests invited before: nothing was sent to them again."
    )
    refused = RefusedGuestOutput(
        many=True,
        help_text="Guests not invited, with the reason: the same person (by e-mail address) "
        "is booked on the session as a member of staff.",
    )


class ReplyInput(serializers.Serializer):
    answer = AnswerField()


# Views ---------------------------------------------------------------------------------------


class GuestListCreateApi(ScopedListApi):
    # GET lists the partnership's briefing guests; POST adds one.

    allowed_roles = access.TRAINING_ADMIN_ROLES
    serializer_class = GuestOutput

    @extend_schema(
        tags=["Briefings"], summary="Briefing guests (board and elected members)", parameters=[SLUG]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return guests_list_for(self.membership)

    @extend_schema(
        tags=["Briefings"],
        summary="Add a briefing guest",
        parameters=[SLUG],
        request=GuestInput,
        responses={201: GuestOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = valid_body(GuestInput, request)
        guest = guest_create(
            actor=self.membership.user, partnership_id=self.membership.partnership_id, **data
        )
        return Response(GuestOutput(guest).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Briefings"], summary="One briefing guest", parameters=[SLUG])
class GuestDetailApi(ScopedDetailApi):
    allowed_roles = access.TRAINING_ADMIN_ROLES
    serializer_class = GuestOutput

    def get_object(self) -> Any:
        return get_guest_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(
        tags=["Briefings"],
        summary="Change a briefing guest (only the fields sent)",
        parameters=[SLUG],
        request=GuestInput(partial=True),
        responses={200: GuestOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        guest = self.get_object()
        found = GuestInput(data=request.data, partial=True)
        found.is_valid(raise_exception=True)
        values = {
            "name": guest.name,
            "email": guest.email,
            "kind": guest.kind,
            "organisation": guest.organisation,
            **found.validated_data,
        }
        guest_update(actor=self.membership.user, guest=guest, **values)
        return Response(GuestOutput(guest).data)


class SessionInvitationListCreateApi(ScopedListApi):
    # GET lists a session's guest invitations and replies; POST invites guests.

    allowed_roles = access.TRAINING_ADMIN_ROLES
    serializer_class = InvitationOutput

    @extend_schema(
        tags=["Briefings"],
        summary="A session's guest invitations, with their replies and attendance",
        parameters=[SLUG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return invitations_of_session(self._session())

    def _session(self) -> Any:
        return get_session_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(
        tags=["Briefings"],
        summary="Invite guests to a session: each is e-mailed a personal reply link; guests invited already are left as they are",
        parameters=[SLUG],
        request=InviteInput,
        responses={201: InviteOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self._session()
        wanted = valid_body(InviteInput, request)["guests"]
        guests = list(guests_for(self.membership).filter(pk__in=wanted))
        missing = sorted(set(wanted) - {guest.pk for guest in guests})
        if missing:
            raise Refused(
                {"guests": [f"There is no guest {pk} that you can invite here." for pk in missing]}
            )
        invited = briefing_invite(
            actor=self.membership.user,
            session=session,
            guests=guests,
            site_url=request.build_absolute_uri("/"),
        )
        body = {
            "invited": invited.new,
            "already_invited": invited.already,
            "refused": [{"guest": guest, "reason": reason} for guest, reason in invited.refused],
        }
        return Response(InviteOutput(body).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["Briefings"],
    summary="Record a guest's reply to an invitation (accepting takes a place, or the waiting list if full)",
    parameters=[SLUG],
    request=ReplyInput,
    responses={200: InvitationOutput},
)
class InvitationReplyApi(ScopedApi):
    allowed_roles = access.TRAINING_ADMIN_ROLES

    def post(self, request: Request, slug: str, pk: int) -> Response:
        invitation = get_invitation_for_user(self.membership, pk)
        answer = valid_body(ReplyInput, request)["answer"]  # the service refuses anything else
        booking = briefing_reply(actor=self.membership.user, booking=invitation, answer=answer)
        return Response(InvitationOutput(booking).data)
