from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.lib.numbers import thousands
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training import briefings, services
from tiptracker.training.forms import (
    AttendanceForm,
    BookOtherForm,
    BookSelfForm,
    CourseForm,
    GuestForm,
    InviteForm,
    RecordReplyForm,
    ReplyForm,
    SessionForm,
)
from tiptracker.training.ics import booking_calendar
from tiptracker.training.models import Booking, Guest, TrainingSession
from tiptracker.training.selectors import (
    attendance_sheet,
    bookings_with_position,
    briefings_for,
    guests_list_for,
    guests_to_invite,
    invitation_for_token,
    invitations_of_session,
    own_booking,
    session_bookings,
    session_counts,
    sessions_with_places,
    waiting_position,
)

PAGE_SIZE = 50


# Courses -----------------------------------------------------------------------------------


@access.partnership_view(access.ALL_ROLES)
def courses(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(access.courses_for(membership).order_by("level", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/courses.html",
        {"page": page, "can_edit": membership.role in access.TRAINING_ADMIN_ROLES},
    )


@access.partnership_view(access.ALL_ROLES)
def course_detail(request: HttpRequest, membership: Membership, course_pk: int) -> HttpResponse:
    """What a course is about, what people learn and how long it takes, with its sessions to
    come: for everyone who sees the sessions."""
    course = access.get_course_for_user(membership, course_pk)
    upcoming = sessions_with_places(
        access.sessions_for(membership)
        .filter(course=course, starts_at__gte=timezone.now())
        .order_by("starts_at")
    )[:COURSE_SESSIONS_SHOWN]
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "upcoming": upcoming,
            "can_edit": membership.role in access.TRAINING_ADMIN_ROLES,
            "sessions_shown": COURSE_SESSIONS_SHOWN,
        },
    )


# A course's page lists this many of its sessions to come; the sessions page has them all.
COURSE_SESSIONS_SHOWN = 10


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CourseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the course {course.title} ({course.code}).")
            return redirect("courses", membership.partnership.slug)
    return render(request, "training/course_form.html", {"form": form, "course": None})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, membership: Membership, course_pk: int) -> HttpResponse:
    course = access.get_course_for_user(membership, course_pk)
    form = CourseForm(posted(request), initial=CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the course {course.title} ({course.code}).")
            return redirect("courses", membership.partnership.slug)
    return render(request, "training/course_form.html", {"form": form, "course": course})


# Sessions ----------------------------------------------------------------------------------


@access.partnership_view(access.ALL_ROLES)
def sessions(request: HttpRequest, membership: Membership) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    now = timezone.now()
    found = access.sessions_for(membership)
    found = (
        found.filter(starts_at__lt=now).order_by("-starts_at")
        if show_past
        else found.filter(starts_at__gte=now).order_by("starts_at")
    )
    page = Paginator(sessions_with_places(found), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/sessions.html",
        {
            "page": page,
            "show_past": show_past,
            "can_edit": membership.role in access.TRAINING_ADMIN_ROLES,
            "query": "when=past&" if show_past else "",
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SessionForm(
        posted(request),
        courses=access.courses_for(membership),
        initial={"course": request.GET.get("course")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.session_values())
        except ValidationError as error:
            add_service_error(form, error, fields=SessionForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"Added the session: {session.course.title}.")
            return redirect("session_detail", membership.partnership.slug, session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": None})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    session = access.get_session_for_user(membership, session_pk)
    form = SessionForm(
        posted(request),
        courses=access.courses_for(membership),
        initial=SessionForm.initial_for(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            promoted = services.session_update(
                actor=request.user, session=session, **form.session_values()
            )
        except ValidationError as error:
            add_service_error(form, error, fields=SessionForm.SERVICE_FIELDS)
        else:
            text = "Saved the session."
            if promoted:
                text += f" {len(promoted):,} {'person' if len(promoted) == 1 else 'people'} moved from the waiting list to a place, and were told by e-mail."
            messages.success(request, text)
            return redirect("session_detail", membership.partnership.slug, session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    """The session, booking oneself, booking others (for roles that may), and for training
    admins the bookings and the waiting list."""
    session = access.get_session_for_user(membership, session_pk)
    scope = (
        "you can book only people in the teams you manage."
        if membership.role == Role.MANAGER
        else "check the ID against the staff list."
    )
    self_form = BookSelfForm(posted(request))
    other_form = BookOtherForm(bookable=access.bookable_staff_for(membership), scope=scope)
    if request.method == "POST":
        if request.POST.get("action") == "book_other":
            access.require_role(membership, access.BOOK_OTHERS_ROLES)
            other_form = BookOtherForm(
                request.POST, bookable=access.bookable_staff_for(membership), scope=scope
            )
            form: BookSelfForm | BookOtherForm = other_form
            person = other_form.person if other_form.is_valid() else None
        else:
            form, person = self_form, membership.staff
            if person is None:
                self_form.add_error(
                    None,
                    "Your account is not linked to a staff record, so you cannot book yourself. Ask your partnership's administrator to link it.",
                )
        if person is not None:
            try:
                booking = services.booking_create(actor=request.user, session=session, staff=person)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                _say_booked(request, booking, own=person.pk == membership.staff_id)
                return redirect("session_detail", membership.partnership.slug, session.pk)

    now = timezone.now()
    mine = own_booking(session, membership.staff_id)
    can_manage = membership.role in access.TRAINING_ADMIN_ROLES
    booked, waiting = session_bookings(session) if can_manage else ([], [])
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "counts": session_counts(session),
            "mine": mine,
            "my_position": waiting_position(mine) if mine else None,
            "bookable": session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > now,
            "started": session.starts_at <= now,
            "has_staff": membership.staff_id is not None,
            "can_book_others": membership.role in access.BOOK_OTHERS_ROLES,
            "can_manage": can_manage,
            "self_form": self_form,
            "other_form": other_form,
            "booked": booked,
            "waiting": waiting,
        },
    )


def _say_booked(request: HttpRequest, booking: Booking, *, own: bool) -> None:
    who = "you" if own else str(booking.staff)
    if booking.status == Booking.Status.WAITLISTED:
        messages.warning(
            request,
            f"The session is full, so {who} {'are' if own else 'is'} on the waiting list: position {thousands(waiting_position(booking))}. "
            "If a place comes free, it is booked automatically and an e-mail is sent.",
        )
    else:
        messages.success(request, f"{'You have' if own else f'{who} has'} a place on this session.")


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    session = access.get_session_for_user(membership, session_pk)
    form = BookSelfForm(posted(request))  # no fields: it carries the service's error
    if request.method == "POST":
        try:
            told = services.session_cancel(actor=request.user, session=session)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"The session is cancelled. {told:,} {'person was' if told == 1 else 'people were'} told by e-mail.",
            )
            return redirect("session_detail", membership.partnership.slug, session.pk)
    return render(
        request,
        "training/session_cancel.html",
        {
            "session": session,
            "counts": session_counts(session),
            "form": form,
            "can_cancel": session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > timezone.now(),
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_attendance(
    request: HttpRequest, membership: Membership, session_pk: int
) -> HttpResponse:
    session = access.get_session_for_user(membership, session_pk)
    sheet = attendance_sheet(session)
    form = AttendanceForm(posted(request), bookings=[row.booking for row in sheet])
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(
                actor=request.user, session=session, marks=form.marks()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"Attendance saved: {changed:,} {'change' if changed == 1 else 'changes'}."
            )
            return redirect("session_attendance", membership.partnership.slug, session.pk)
    return render(
        request,
        "training/session_attendance.html",
        {
            "session": session,
            "rows": form.rows(sheet),
            "form": form,
            "open": session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at <= timezone.now(),
            "cancelled": session.status == TrainingSession.Status.CANCELLED,
        },
    )


# Bookings ----------------------------------------------------------------------------------


@access.partnership_view(access.ALL_ROLES)
def my_bookings(request: HttpRequest, membership: Membership) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    now = timezone.now()
    bookings = access.bookings_for(membership)
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
    """GET asks to confirm; POST cancels, and the place goes to the next person waiting."""
    booking = access.get_booking_for_user(membership, booking_pk)
    form = BookSelfForm(posted(request))
    if request.method == "POST":
        try:
            promoted = services.booking_cancel(actor=request.user, booking=booking)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            own = _own(booking, membership)
            text = f"{'Your' if own else f'{booking.person}’s'} booking on {booking.session.course.title} is cancelled."
            if promoted:
                text += " The place has gone to the next person on the waiting list, who has been told by e-mail."
            messages.success(request, text)
            if request.POST.get("next") == "session":
                return redirect("session_detail", membership.partnership.slug, booking.session_id)
            return redirect("my_bookings", membership.partnership.slug)
    return render(
        request,
        "training/booking_cancel.html",
        {"booking": booking, "form": form, "own": _own(booking, membership)},
    )


def _own(booking: Booking, membership: Membership) -> bool:
    return booking.staff_id is not None and booking.staff_id == membership.staff_id


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET"])
def booking_ics(request: HttpRequest, membership: Membership, booking_pk: int) -> HttpResponse:
    return _calendar_file(access.get_booking_for_user(membership, booking_pk))


def _calendar_file(booking: Booking) -> HttpResponse:
    response = HttpResponse(
        booking_calendar(booking, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    day = timezone.localtime(booking.session.starts_at).date()
    name = slugify(booking.session.course.title)[:60] or "session"
    response["Content-Disposition"] = f'attachment; filename="{name}-{day:%Y-%m-%d}.ics"'
    return response


# Guests and briefing invitations -------------------------------------------------------------

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
                actor=request.user, partnership_id=membership.partnership_id, **form.cleaned_data
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
    guest = access.get_guest_for_user(membership, guest_pk)
    form = GuestForm(posted(request), initial=GuestForm.initial_for(guest))
    if request.method == "POST" and form.is_valid():
        try:
            briefings.guest_update(actor=request.user, guest=guest, **form.cleaned_data)
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
    guest = access.get_guest_for_user(membership, guest_pk)
    form = BookSelfForm(posted(request))  # no fields: it carries the service's refusal
    if request.method == "POST":
        name = guest.name
        try:
            withdrawn = briefings.guest_remove(actor=request.user, guest=guest)
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
    session = access.get_session_for_user(membership, session_pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Guest.Kind.values else ""
    # Any guest may be posted (one invited already is skipped by the service, with a word);
    # the page offers those not invited yet.
    form = InviteForm(posted(request), guests=guests_list_for(membership))
    if request.method == "POST" and form.is_valid():
        try:
            invited = briefings.briefing_invite(
                actor=request.user,
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
            "open": session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > timezone.now(),
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


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["POST"])
def invitation_reply_record(
    request: HttpRequest, membership: Membership, invitation_pk: int
) -> HttpResponse:
    """Record a guest's reply for them (they answered the clerk by e-mail or telephone)."""
    invitation = access.get_invitation_for_user(membership, invitation_pk)
    session = invitation.session
    form = RecordReplyForm(request.POST)
    if not form.is_valid():
        messages.warning(request, "Choose whether the guest will attend: nothing was recorded.")
    else:
        try:
            booking = briefings.briefing_reply(
                actor=request.user, booking=invitation, answer=form.cleaned_data["answer"]
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
    return _calendar_file(invitation)
