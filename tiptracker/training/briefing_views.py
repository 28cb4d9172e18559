"""Briefings for board and elected members: the guest list, inviting guests to a session,
recording their replies, and the public reply page a guest reaches by their personal link
(no login: the token is the key, see tokens.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training import briefings
from tiptracker.training.access import (
    get_guest_for_user,
    get_invitation_for_user,
    get_session_for_user,
)
from tiptracker.training.booking_views import calendar_file
from tiptracker.training.forms import (
    BookSelfForm,
    GuestForm,
    InviteForm,
    RecordReplyForm,
    ReplyForm,
)
from tiptracker.training.models import Booking, Guest, TrainingSession
from tiptracker.training.selectors import (
    briefings_for,
    guests_list_for,
    guests_to_invite,
    invitation_for_token,
    invitations_of_session,
    session_counts,
)

PAGE_SIZE = 50

# The invitation page lists at most this many guests to choose from (a filter by kind narrows it).
INVITE_CHOICES = 300


# The briefings and guests page shows this many of the latest briefings; the rest are on
# the briefings page.
BRIEFINGS_SHOWN = 10


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def guests(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Briefings and guests: the latest briefings with their replies and attendance, how to
    set one up, and the guest list."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Guest.Kind.values else ""
    page = Paginator(guests_list_for(membership, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    latest = list(briefings_for(membership)[: BRIEFINGS_SHOWN + 1])
    return render(
        request,
        "training/guests.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Guest.Kind.choices,
            "query": f"kind={kind}&" if kind else "",
            "briefings": latest[:BRIEFINGS_SHOWN],
            "more_briefings": len(latest) > BRIEFINGS_SHOWN,
            "now": timezone.now(),
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def briefings_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every briefing (a session with guests invited), to come or past, with its counts."""
    show_past = request.GET.get("when") == "past"
    page = Paginator(briefings_for(membership, past=show_past), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/briefings.html",
        {
            "page": page,
            "show_past": show_past,
            "query": "when=past&" if show_past else "",
            "now": timezone.now(),
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def guest_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = GuestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            guest = briefings.guest_create(
                actor=membership.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added {guest.name} to the guest list.")
            return redirect("guests", membership.partnership.slug)
    return render(request, "training/guest_form.html", {"form": form, "guest": None})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def guest_edit(request: HttpRequest, membership: Membership, guest_pk: int) -> HttpResponse:
    guest = get_guest_for_user(membership, guest_pk)
    form = GuestForm(posted(request), initial=GuestForm.initial_for(guest))
    if request.method == "POST" and form.is_valid():
        try:
            briefings.guest_update(actor=membership.user, guest=guest, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved {guest.name}.")
            return redirect("guests", membership.partnership.slug)
    return render(request, "training/guest_form.html", {"form": form, "guest": guest})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def guest_remove(request: HttpRequest, membership: Membership, guest_pk: int) -> HttpResponse:
    """GET asks to confirm; POST removes the guest, unless they were invited to a briefing
    that has taken place (that record is kept: the page says so)."""
    guest = get_guest_for_user(membership, guest_pk)
    form = BookSelfForm(posted(request))  # no fields: it carries the service's refusal
    if request.method == "POST":
        name = guest.name
        try:
            withdrawn = briefings.guest_remove(actor=membership.user, guest=guest)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            text = f"Removed {name} from the guest list."
            if withdrawn:
                text += f" {withdrawn} {'invitation' if withdrawn == 1 else 'invitations'} to briefings still to come {'was' if withdrawn == 1 else 'were'} withdrawn."
            messages.success(request, text)
            return redirect("guests", membership.partnership.slug)
    history = list(briefings.guest_history(guest)[:5])
    return render(
        request,
        "training/guest_remove.html",
        {
            "guest": guest,
            "form": form,
            "history": history,
            "upcoming": list(briefings.guest_upcoming_invitations(guest)[:20]),
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_invitations(
    request: HttpRequest, membership: Membership, session_pk: int
) -> HttpResponse:
    """Invite guests to a session (a briefing), and see and record their replies."""
    session = get_session_for_user(membership, session_pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Guest.Kind.values else ""
    # Any guest may be posted (one invited already is skipped by the service, with a word);
    # the page offers those not invited yet.
    form = InviteForm(posted(request), guests=guests_list_for(membership))
    if request.method == "POST" and form.is_valid():
        try:
            invited = briefings.briefing_invite(
                actor=membership.user,
                session=session,
                guests=list(form.cleaned_data["guests"]),
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _say_invited(request, invited)
            return redirect("session_invitations", membership.partnership.slug, session.pk)
    choices = list(
        guests_to_invite(guests_list_for(membership, kind=kind), session)[: INVITE_CHOICES + 1]
    )
    page = Paginator(invitations_of_session(session), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session_invitations.html",
        {
            "session": session,
            "counts": session_counts(session),
            "form": form,
            "choices": choices[:INVITE_CHOICES],
            "more": len(choices) > INVITE_CHOICES,
            "chosen": {str(pk) for pk in (form["guests"].value() or [])},
            "kind": kind,
            "kinds": Guest.Kind.choices,
            "page": page,
            "open": session.is_bookable,
            "query": f"kind={kind}&" if kind else "",
        },
    )


def _say_invited(request: HttpRequest, invited: briefings.Invited) -> None:
    sent, already = len(invited.new), len(invited.already)
    if sent:
        messages.success(
            request,
            f"Invited {sent:,} {'guest' if sent == 1 else 'guests'}: each has been sent an e-mail with their personal reply link.",
        )
    if already:
        names = ", ".join(guest.name for guest in invited.already[:5])
        more = f" and {already - 5} more" if already > 5 else ""
        messages.success(
            request,
            f"{names}{more} {'was' if already == 1 else 'were'} invited already, so nothing was sent again.",
        )
    for _guest, reason in invited.refused:
        messages.warning(request, f"Not invited: {reason}")


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["POST"])
def invitation_reply_record(
    request: HttpRequest, membership: Membership, invitation_pk: int
) -> HttpResponse:
    """Record a guest's reply for them (they answered the clerk by e-mail or telephone)."""
    invitation = get_invitation_for_user(membership, invitation_pk)
    session = invitation.session
    form = RecordReplyForm(request.POST)
    if not form.is_valid():
        messages.warning(request, "Choose whether the guest will attend: nothing was recorded.")
    else:
        try:
            booking = briefings.briefing_reply(
                actor=membership.user, booking=invitation, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, f"{invitation.guest}: {_reply_words(booking)}.")
    return redirect("session_invitations", membership.partnership.slug, session.pk)


def _reply_words(booking: Booking) -> str:
    return {
        Booking.Status.BOOKED: "accepted, with a place",
        Booking.Status.WAITLISTED: "accepted; the session is full, so on the waiting list",
        Booking.Status.DECLINED: "declined",
    }.get(Booking.Status(booking.status), booking.get_status_display().lower())


# The reply page: public, found by the personal link's token alone ------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def briefing_reply(request: HttpRequest, reply_token: str) -> HttpResponse:
    """A guest's answer to an invitation, without an account: the token is the key."""
    invitation = invitation_for_token(reply_token)
    if invitation is None:
        return render(request, "training/reply_invalid.html", status=404)
    session = invitation.session
    form = ReplyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            booking = briefings.briefing_reply(
                actor=None, booking=invitation, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                "Thank you: "
                + {
                    Booking.Status.BOOKED: "you have a place. We look forward to seeing you.",
                    Booking.Status.WAITLISTED: "the briefing is full, so you are on the waiting list. If a place comes free, it is yours and we will e-mail you.",
                    Booking.Status.DECLINED: "we have noted that you cannot attend.",
                }[Booking.Status(booking.status)],
            )
            return redirect("briefing_reply", reply_token)
    now = timezone.now()
    return render(
        request,
        "training/briefing_reply.html",
        {
            "invitation": invitation,
            "session": session,
            "form": form,
            "withdrawn": invitation.status == Booking.Status.CANCELLED,
            "cancelled": session.status == TrainingSession.Status.CANCELLED,
            "started": session.starts_at <= now,
            "reply_token": reply_token,
        },
    )


@never_cache
@require_http_methods(["GET"])
def briefing_reply_ics(request: HttpRequest, reply_token: str) -> HttpResponse:
    invitation = invitation_for_token(reply_token)
    # A withdrawn or declined invitation no longer gives the time and place (or the link).
    if invitation is None or invitation.status in (
        Booking.Status.CANCELLED,
        Booking.Status.DECLINED,
    ):
        return render(request, "training/reply_invalid.html", status=404)
    return calendar_file(invitation)
