from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
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
    BookPeopleForm,
    BookSelfForm,
    CourseForm,
    GuestForm,
    InviteForm,
    PeopleSearchForm,
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
    next_on_waiting_list,
    own_booking,
    people_to_book,
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


# The search on the session page lists at most this many people; it says when more match.
SEARCH_SHOWN = 50


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    """The session, booking oneself, and for roles that may book others a search for
    people (by name or staff ID, as `?q=`) to tick and book; for training admins the
    bookings and the waiting list, for managers their teams' bookings."""
    session = access.get_session_for_user(membership, session_pk)
    self_form = BookSelfForm(posted(request))
    book_form = BookPeopleForm(
        posted(request) if request.POST.get("action") == "book_people" else None
    )
    search = PeopleSearchForm(
        request.GET if request.method == "GET" else {"q": request.POST.get("q", "")}
    )
    if request.method == "POST":
        if request.POST.get("action") == "book_people":
            access.require_role(membership, access.BOOK_OTHERS_ROLES)
            if book_form.is_valid():
                outcomes = _book_people(
                    request, membership, session, book_form.cleaned_data["people"]
                )
                request.session[_RESULTS_KEY] = {"session": session.pk, "outcomes": outcomes}
                return redirect("session_booked", membership.partnership.slug, session.pk)
        elif request.POST.get("action", "book_self") != "book_self":
            # A page from before booking by name (it sent a staff ID): book no one.
            messages.warning(
                request,
                "Nothing was booked: the page has changed. Search for the people to book below.",
            )
            return redirect("session_detail", membership.partnership.slug, session.pk)
        elif membership.staff is None:
            self_form.add_error(
                None,
                "Your account is not linked to a staff record, so you cannot book yourself. Ask your partnership's administrator to link it.",
            )
        else:
            try:
                booking = services.booking_create(
                    actor=request.user, session=session, staff=membership.staff
                )
            except ValidationError as error:
                add_service_error(self_form, error)
            else:
                _say_booked(request, booking)
                return redirect("session_detail", membership.partnership.slug, session.pk)

    now = timezone.now()
    mine = own_booking(session, membership.staff_id)
    can_manage = membership.role in access.TRAINING_ADMIN_ROLES
    can_book_others = membership.role in access.BOOK_OTHERS_ROLES
    booked, waiting = session_bookings(session) if can_manage else ([], [])
    query = search.query() if can_book_others else ""
    found = list(people_to_book(membership, session, query=query)[: SEARCH_SHOWN + 1])
    rows = _search_rows(found[:SEARCH_SHOWN], session)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "session_day": timezone.localtime(session.starts_at).date(),
            "counts": session_counts(session),
            "mine": mine,
            "my_position": waiting_position(mine) if mine else None,
            "bookable": session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > now,
            "started": session.starts_at <= now,
            "has_staff": membership.staff_id is not None,
            "can_book_others": can_book_others,
            "can_manage": can_manage,
            "self_form": self_form,
            "book_form": book_form,
            "search": search,
            "query": query,
            "people": rows,
            "choosable": [person for person, why in rows if not why],
            "unbookable": [(person, why) for person, why in rows if why],
            "more_people": len(found) > SEARCH_SHOWN,
            "search_shown": SEARCH_SHOWN,
            "manages_teams": membership.role == Role.MANAGER,
            "booked": booked,
            "waiting": waiting,
            "team_bookings": _team_bookings(membership, session),
        },
    )


def _search_rows(people: list, session: TrainingSession) -> list[tuple[object, str]]:
    """Each person found, with why they cannot be chosen ("" if they can): booked already,
    left before the session, or starting after it (the service refuses those too)."""
    day = timezone.localtime(session.starts_at).date()
    rows = []
    for person in people:
        if person.live_status == Booking.Status.BOOKED:
            why = "Already has a place on this session"
        elif person.live_status == Booking.Status.WAITLISTED:
            why = "Already on the waiting list for this session"
        elif absent := services.not_employed_on(person, day):
            said = "Left on {}, before" if absent[0] == "left" else "Starts on {}, after"
            why = f"{said.format(date_format(absent[1], 'j F Y'))} this session"
        else:
            why = ""
        rows.append((person, why))
    return rows


# Where the outcomes of booking several people wait for the results page (one request).
_RESULTS_KEY = "training-booking-outcomes"


def _book_people(
    request: HttpRequest, membership: Membership, session: TrainingSession, ids: list[int]
) -> list[dict[str, str]]:
    """Book the people ticked, each in their own transaction; a ticked id that is not
    someone this member may book is refused per person, naming no one. Returns what the
    results page shows, one row per person."""
    found = {
        person.pk: person for person in access.bookable_staff_for(membership).filter(pk__in=ids)
    }
    outcomes = services.bookings_create(
        actor=request.user,
        session=session,
        staff=[found[pk] for pk in ids if pk in found],
        sees_guests=membership.role in access.TRAINING_ADMIN_ROLES,
    )
    rows = [
        {
            "name": str(o.staff),
            "staff_id": o.staff_id,
            "outcome": o.outcome.value,
            "label": o.outcome.label,
            "reason": o.reason or _outcome_words(o),
        }
        for o in outcomes
    ]
    rows += [
        {
            "name": "Someone chosen",
            "staff_id": "",
            "outcome": services.Outcome.REFUSED.value,
            "label": services.Outcome.REFUSED.label,
            "reason": "There is no such person whom you can book: search again.",
        }
        for pk in ids
        if pk not in found
    ]
    return rows


def _outcome_words(outcome: services.BookingOutcome) -> str:
    """What happened to someone booked now, as the results page says it."""
    person = outcome.staff
    told = (
        "They have been sent an e-mail."
        if person is not None and person.email
        else "They have no e-mail address on record, so tell them yourself."
    )
    if outcome.booking is not None and outcome.outcome == services.Outcome.WAITLISTED:
        position = waiting_position(outcome.booking)
        return (
            f"The session is full, so {person} is on the waiting list: position "
            f"{thousands(position)}. If a place comes free, it is booked automatically. {told}"
        )
    return f"{person} has a place on this session. {told}"


@access.partnership_view(access.BOOK_OTHERS_ROLES)
@require_http_methods(["GET"])
def session_booked(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    """What booking several people came to, person by person, shown once after booking
    them (a reload, or a visit with nothing to show, goes back to the session)."""
    session = access.get_session_for_user(membership, session_pk)
    results = request.session.get(_RESULTS_KEY)
    if not results or results.get("session") != session.pk:
        return redirect("session_detail", membership.partnership.slug, session.pk)
    del request.session[_RESULTS_KEY]
    rows = results["outcomes"]
    tally = {
        value: sum(1 for row in rows if row["outcome"] == value)
        for value in services.Outcome.values
    }
    return render(
        request,
        "training/session_booked.html",
        {"session": session, "rows": rows, "tally": tally, "counts": session_counts(session)},
    )


def _team_bookings(membership: Membership, session: TrainingSession) -> list[Booking]:
    """A manager's view of the session: the live bookings of the people in their teams."""
    if membership.role != Role.MANAGER:
        return []
    return list(
        bookings_with_position(
            access.bookings_for(membership)
            .filter(session_id=session.pk, staff__in=access.staff_for(membership))
            .exclude(status=Booking.Status.CANCELLED)
        )
        .select_related("staff__team")
        .order_by("staff__last_name", "staff__first_name", "staff__staff_id", "id")
    )


def _say_booked(request: HttpRequest, booking: Booking) -> None:
    if booking.status == Booking.Status.WAITLISTED:
        messages.warning(
            request,
            f"The session is full, so you are on the waiting list: position {thousands(waiting_position(booking))}. "
            "If a place comes free, it is booked automatically and an e-mail is sent.",
        )
    else:
        messages.success(request, "You have a place on this session.")


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
    """GET asks to confirm, saying who the place will go to; POST cancels, and the place
    goes to the longest-waiting person. Their name is shown only to someone who may see
    their booking (a member of staff cancelling their own place is not told who is next)."""
    booking = access.get_booking_for_user(membership, booking_pk)
    back = "session" if request.GET.get("next", request.POST.get("next")) == "session" else ""
    form = BookSelfForm(posted(request))
    if request.method == "POST":
        try:
            promoted = services.booking_cancel(actor=request.user, booking=booking)
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
    frees_place = (
        booking.status == Booking.Status.BOOKED
        and session.status == TrainingSession.Status.SCHEDULED
        and session.starts_at > timezone.now()
    )
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
    if not access.bookings_for(membership).filter(pk=booking.pk).exists():
        return ""
    return str(booking.person)


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
    for _guest, reason in invited.refused:
        messages.warning(request, f"Not invited: {reason}")


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
