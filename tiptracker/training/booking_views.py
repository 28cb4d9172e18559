"""The bookings pages: a member's bookings (and those they may see), cancelling one, and a
booking as a calendar file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training import bookings
from tiptracker.training.access import bookings_for, get_booking_for_user
from tiptracker.training.forms import BookSelfForm
from tiptracker.training.ics import booking_calendar
from tiptracker.training.models import Booking
from tiptracker.training.selectors import bookings_with_position, next_on_waiting_list

PAGE_SIZE = 50


@access.partnership_view(access.ALL_ROLES)
def my_bookings(request: HttpRequest, membership: Membership) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    now = timezone.now()
    bookings = bookings_for(membership)
    if show_past:
        bookings = bookings.filter(session__starts_at__lt=now).order_by(
            "-session__starts_at", "created_at", "id"
        )
    else:
        bookings = bookings.filter(session__starts_at__gte=now).order_by(
            "session__starts_at", "created_at", "id"
        )
    page = Paginator(bookings_with_position(bookings), PAGE_SIZE).get_page(request.GET.get("page"))
    if membership.role in access.TRAINING_ADMIN_ROLES:
        heading = "All bookings"
    elif membership.role == Role.MANAGER:
        heading = "Bookings for you and your teams"
    else:
        heading = "Your bookings"
    return render(
        request,
        "training/my_bookings.html",
        {
            "page": page,
            "show_past": show_past,
            "now": now,
            "heading": heading,
            "query": "when=past&" if show_past else "",
            "has_staff": membership.staff_id is not None,
        },
    )


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, membership: Membership, booking_pk: int) -> HttpResponse:
    """GET asks to confirm, saying who the place will go to; POST cancels, and the place
    goes to the longest-waiting person. Their name is shown only to someone who may see
    their booking (a member of staff cancelling their own place is not told who is next)."""
    booking = get_booking_for_user(membership, booking_pk)
    back = "session" if request.GET.get("next", request.POST.get("next")) == "session" else ""
    form = BookSelfForm(posted(request))
    if request.method == "POST":
        try:
            promoted = bookings.booking_cancel(actor=membership.user, booking=booking)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            own = _own(booking, membership)
            text = f"{'Your' if own else f'{booking.person}’s'} booking on {booking.session.course.title} is cancelled."
            if promoted is not None:
                who = _visible_name(membership, promoted) or "the next person on the waiting list"
                text += f" The place has gone to {who}, who has been told by e-mail."
            messages.success(request, text)
            if back:
                return redirect("session_detail", membership.partnership.slug, booking.session_id)
            return redirect("my_bookings", membership.partnership.slug)
    session = booking.session
    frees_place = booking.status == Booking.Status.BOOKED and session.is_bookable
    following = next_on_waiting_list(session) if frees_place else None
    return render(
        request,
        "training/booking_cancel.html",
        {
            "booking": booking,
            "form": form,
            "own": _own(booking, membership),
            "following": following,
            "following_name": _visible_name(membership, following) if following else "",
            "back": back,
        },
    )


def _visible_name(membership: Membership, booking: Booking) -> str:
    """The person's name if this member may see their booking, otherwise ""."""
    if not bookings_for(membership).filter(pk=booking.pk).exists():
        return ""
    return str(booking.person)


def _own(booking: Booking, membership: Membership) -> bool:
    return booking.staff_id is not None and booking.staff_id == membership.staff_id


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET"])
def booking_ics(request: HttpRequest, membership: Membership, booking_pk: int) -> HttpResponse:
    return calendar_file(get_booking_for_user(membership, booking_pk))


def calendar_file(booking: Booking) -> HttpResponse:
    """The booking as an .ics attachment; a guest's invitation is a booking too, so the
    public reply page (briefing_views.py) sends its file through here."""
    response = HttpResponse(
        booking_calendar(booking, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    day = timezone.localtime(booking.session.starts_at).date()
    name = slugify(booking.session.course.title)[:60] or "session"
    response["Content-Disposition"] = f'attachment; filename="{name}-{day:%Y-%m-%d}.ics"'
    return response
