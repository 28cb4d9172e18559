"""The session pages: the list of sessions, adding, editing and cancelling one, its page
(where people book themselves, or search for others and book them), the results of
booking several people, and the attendance sheet."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.lib.numbers import thousands
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership, Role
from tiptracker.training import bookings, completions, schedule
from tiptracker.training.access import bookings_for, courses_for, get_session_for_user, sessions_for
from tiptracker.training.forms import (
    AttendanceForm,
    BookPeopleForm,
    BookSelfForm,
    PeopleSearchForm,
    SessionForm,
)
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.selectors import (
    attendance_sheet,
    bookings_with_position,
    own_booking,
    people_to_book,
    session_bookings,
    session_counts,
    sessions_with_places,
    waiting_position,
)
from tiptracker.workforce.access import bookable_staff_for, staff_for

PAGE_SIZE = 50


@access.partnership_view(access.ALL_ROLES)
def sessions(request: HttpRequest, membership: Membership) -> HttpResponse:
    show_past = request.GET.get("when") == "past"
    now = timezone.now()
    found = sessions_for(membership)
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
        courses=courses_for(membership),
        initial={"course": request.GET.get("course")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = schedule.session_create(actor=membership.user, **form.session_values())
        except ValidationError as error:
            add_service_error(form, error, fields=SessionForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"Added the session: {session.course.title}.")
            return redirect("session_detail", membership.partnership.slug, session.pk)
    return render(request, "training/session_form.html", {"form": form, "session": None})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, membership: Membership, session_pk: int) -> HttpResponse:
    session = get_session_for_user(membership, session_pk)
    form = SessionForm(
        posted(request),
        courses=courses_for(membership),
        initial=SessionForm.initial_for(session),
    )
    if request.method == "POST" and form.is_valid():
        try:
            promoted = schedule.session_update(
                actor=membership.user, session=session, **form.session_values()
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
    session = get_session_for_user(membership, session_pk)
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
                booking = bookings.booking_create(
                    actor=membership.user, session=session, staff=membership.staff
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
            "bookable": session.is_bookable,
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
        elif absent := bookings.not_employed_on(person, day):
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
    found = {person.pk: person for person in bookable_staff_for(membership).filter(pk__in=ids)}
    outcomes = bookings.bookings_create(
        actor=membership.user,
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
            "outcome": bookings.Outcome.REFUSED.value,
            "label": bookings.Outcome.REFUSED.label,
            "reason": "There is no such person whom you can book: search again.",
        }
        for pk in ids
        if pk not in found
    ]
    return rows


def _outcome_words(outcome: bookings.BookingOutcome) -> str:
    """What happened to someone booked now, as the results page says it."""
    person = outcome.staff
    told = (
        "They have been sent an e-mail."
        if person is not None and person.email
        else "They have no e-mail address on record, so tell them yourself."
    )
    if outcome.booking is not None and outcome.outcome == bookings.Outcome.WAITLISTED:
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
    session = get_session_for_user(membership, session_pk)
    results = request.session.get(_RESULTS_KEY)
    if not results or results.get("session") != session.pk:
        return redirect("session_detail", membership.partnership.slug, session.pk)
    del request.session[_RESULTS_KEY]
    rows = results["outcomes"]
    tally = {
        value: sum(1 for row in rows if row["outcome"] == value)
        for value in bookings.Outcome.values
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
            bookings_for(membership)
            .filter(session_id=session.pk, staff__in=staff_for(membership))
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
    session = get_session_for_user(membership, session_pk)
    form = BookSelfForm(posted(request))  # no fields: it carries the service's error
    if request.method == "POST":
        try:
            told = schedule.session_cancel(actor=membership.user, session=session)
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
            "can_cancel": session.is_bookable,
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def session_attendance(
    request: HttpRequest, membership: Membership, session_pk: int
) -> HttpResponse:
    session = get_session_for_user(membership, session_pk)
    sheet = attendance_sheet(session)
    form = AttendanceForm(posted(request), bookings=[row.booking for row in sheet])
    if request.method == "POST" and form.is_valid():
        try:
            changed = completions.attendance_record(
                actor=membership.user, session=session, marks=form.marks()
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
            "open": session.attendance_open,
            "cancelled": session.status == TrainingSession.Status.CANCELLED,
        },
    )
