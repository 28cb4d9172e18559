"""What training tells people by e-mail: places, the waiting list, changes, cancellations,
guests' invitations and reminders before a session. The words are templates under
templates/emails/; this module chooses whom to tell and with what (tiptracker.notifications
sends them after the change has committed)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tiptracker import notifications
from tiptracker.lib.dates import today
from tiptracker.training.ics import booking_calendar
from tiptracker.training.models import Booking, Guest, TrainingSession
from tiptracker.training.tokens import reply_token

# Days before a session that the people booked on it are reminded.
REMINDER_DAYS_BEFORE = 2


def _holds(booking: Booking) -> str:
    if booking.status == Booking.Status.INVITED:
        return "invitation"
    return "place" if booking.status == Booking.Status.BOOKED else "place on the waiting list"


def _name(booking: Booking) -> str:
    person = booking.person
    return person.name if isinstance(person, Guest) else (person.first_name or str(person))


def reply_path(booking: Booking) -> str:
    """A guest's personal reply page (no account needed): their way back to the briefing."""
    return reverse("briefing_reply", kwargs={"reply_token": reply_token(booking.pk)})


def _session_page(booking: Booking, slug: str) -> str:
    """The page an e-mail about this booking leads back to: the session for staff (they sign
    in), the personal reply page for a guest (who has no account)."""
    if booking.is_guest:
        return reply_path(booking)
    return reverse("session_detail", args=[slug, booking.session_id])


def _sessions_list(booking: Booking, slug: str) -> str:
    """Where staff book another date; a guest is invited again by the clerk."""
    return "" if booking.is_guest else reverse("sessions", args=[slug])


def _context(booking: Booking, session: TrainingSession) -> dict[str, Any]:
    return {
        "name": _name(booking),
        "course": session.course.title,
        "starts": session.starts_at,
        "ends": session.ends_at,
        "where": session.venue or session.online_url or "to be confirmed",
        "holds": _holds(booking),
        "is_guest": booking.is_guest,
        "waiting": booking.status == Booking.Status.WAITLISTED,
    }


def _calendar(booking: Booking) -> notifications.Attachment:
    return notifications.Attachment(
        "invitation.ics" if booking.status == Booking.Status.INVITED else "session.ics",
        booking_calendar(booking, now=timezone.now()),
        "text/calendar; method=PUBLISH",
    )


def _tell(
    name: str,
    session: TrainingSession,
    bookings: list[Booking],
    *,
    calendar: bool,
    link: Callable[[Booking, str], str] = _session_page,
) -> None:
    slug = session.partnership.slug
    emails = []
    for booking in bookings:
        if not booking.person.email:
            continue
        booking.session = session
        emails.append(
            notifications.render(
                name,
                to=booking.person.email,
                context=_context(booking, session),
                link=link(booking, slug),
                attachments=[_calendar(booking)] if calendar else [],
            )
        )
    notifications.send_all(emails)


def tell_booked(booking: Booking) -> None:
    """A place, or a place on the waiting list, confirmed to the person, with the calendar
    file (marked as waiting-list so a calendar does not claim they have a seat)."""
    session = booking.session
    _tell("booking_confirmed", session, [booking], calendar=True)


def tell_promoted(booking: Booking) -> None:
    """A place came free and is now theirs: the calendar file now says so."""
    _tell("place_promoted", booking.session, [booking], calendar=True)


def tell_changed(session: TrainingSession, bookings: list[Booking]) -> None:
    """The time or place of a session changed: the new details, with an updated calendar file
    (the same UID, so the calendar moves the event rather than adding a second)."""
    _tell("session_changed", session, bookings, calendar=True)


def tell_cancelled(session: TrainingSession, bookings: list[Booking]) -> None:
    """The session is cancelled; the calendar file cancels the event."""
    _tell("session_cancelled", session, bookings, calendar=True, link=_sessions_list)


def tell_guests_invited(bookings: list[Booking], *, site_url: str) -> None:
    """Guests' invitations to a briefing, each with their personal reply link, starting with
    `site_url` (the address the clerk who invited them used)."""
    if bookings:
        _tell(
            "briefing_invitation",
            bookings[0].session,
            bookings,
            calendar=True,
            link=lambda booking, _slug: site_url.rstrip("/") + reply_path(booking),
        )


def reminders_due(*, on: dt.date | None = None) -> QuerySet[Booking]:
    """Places on sessions that start REMINDER_DAYS_BEFORE days from `on` (or sooner, for a
    place booked after the reminders went) and have not been reminded yet."""
    on = on or today()
    horizon = timezone.make_aware(
        dt.datetime.combine(on + dt.timedelta(days=REMINDER_DAYS_BEFORE + 1), dt.time.min)
    )
    return Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminded_at__isnull=True,
        session__status=TrainingSession.Status.SCHEDULED,
        session__starts_at__gt=timezone.now(),
        session__starts_at__lt=horizon,
    )


def reminders_send_due(*, on: dt.date | None = None, batch: int = 500) -> int:
    """Remind each person with a place on a session starting in the next two days, once.
    Each booking is claimed by a conditional update first, so two workers never both send;
    returns how many were reminded."""
    sent = 0
    due = (
        reminders_due(on=on)
        .select_related("staff", "guest", "session__course", "session__partnership")
        .order_by("session__starts_at", "id")[:batch]
    )
    now = timezone.now()
    for booking in due:
        claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed and booking.person.email:
            sent += notifications.send_now(
                "session_reminder",
                to=booking.person.email,
                context=_context(booking, booking.session),
                link=_session_page(booking, booking.session.partnership.slug),
            )
    return sent
