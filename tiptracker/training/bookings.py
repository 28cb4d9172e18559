"""Writes for bookings: booking people onto a session (a place, or the waiting list when
it is full), cancelling, and promoting from the waiting list, oldest first, when a place
frees. Guests' invitations (briefings.py) use the same places and waiting list."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format

from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor
from tiptracker.training import messages, signals
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.workforce.models import StaffMember


def session_places_taken(session: TrainingSession) -> int:
    return session.bookings.filter(status=Booking.Status.BOOKED).count()


class Outcome(TextChoices):
    """What booking one person came to, when several are booked at once."""

    BOOKED = "booked", "Booked"  # has a place
    WAITLISTED = "waitlisted", "On the waiting list"  # the session was full
    ALREADY_BOOKED = "already_booked", "Already booked"  # had a place or a waiting-list spot
    REFUSED = "refused", "Not booked"  # the reason says why


@dataclass(frozen=True)
class BookingOutcome:
    """One person's result: `staff` is None for a staff ID that names no one the caller may book."""

    staff_id: str
    outcome: Outcome
    reason: str = ""
    staff: StaffMember | None = None
    booking: Booking | None = None


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def not_employed_on(staff: StaffMember, day: dt.date) -> tuple[str, dt.date] | None:
    """("left", leaving date) or ("not_started", start date) for someone not in the
    workforce on `day`; None for someone who is."""
    if staff.leaving_date is not None and staff.leaving_date < day:
        return "left", staff.leaving_date
    if staff.start_date is not None and staff.start_date > day:
        return "not_started", staff.start_date
    return None


def _staff_refusal(staff: StaffMember, session: TrainingSession) -> ValidationError | None:
    """Why this person cannot be booked on this session, if they cannot: they have left
    before it, they start after it, or they are invited to it as a guest already."""
    absent = not_employed_on(staff, timezone.localtime(session.starts_at).date())
    if absent is not None:
        code, day = absent
        said = "left on {}, before" if code == "left" else "starts on {}, after"
        return ValidationError(f"{staff} {said.format(_day(day))} this session.", code=code)
    if (
        staff.email.strip()
        and Booking.objects.filter(session=session, guest__email__iexact=staff.email.strip())
        .exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.DECLINED])
        .exists()
    ):
        # The same person (by e-mail address) must not hold two places.
        return ValidationError(
            f"{staff} is invited to this session as a guest (with the same e-mail address), "
            "so they cannot also be booked as staff.",
            code="guest_invited",
        )
    return None


def booking_create(*, actor: Actor, session: TrainingSession, staff: StaffMember) -> Booking:
    """Book `staff` onto `session`: a place if one is free, otherwise the waiting list.

    Refused (a ValidationError whose code says why) for someone who has left before the
    session or starts after it, who is booked already (`already_booked`), or who is invited
    to it as a guest under the same e-mail address (unless they declined: a guest accepting
    later is refused instead, in briefings.briefing_reply).
    """
    if staff.partnership_id != session.partnership_id:
        raise ValidationError(
            "That person belongs to another partnership, so they cannot be booked on this session.",
            code="other_partnership",
        )
    with transaction.atomic():
        # Lock the session row so two people cannot both take the last place, and so the
        # checks below see the session as it is now.
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status == TrainingSession.Status.CANCELLED:
            raise ValidationError(
                "This session has been cancelled, so it cannot be booked.", code="cancelled"
            )
        if session.starts_at <= timezone.now():
            raise ValidationError(
                "This session has already started, so it cannot be booked.", code="started"
            )
        existing = (
            Booking.objects.filter(session=session, staff=staff)
            .exclude(status=Booking.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                f"{staff} already has a place on this session."
                if existing.status == Booking.Status.BOOKED
                else f"{staff} is already on the waiting list for this session.",
                code="already_booked",
            )
        refusal = _staff_refusal(staff, session)
        if refusal is not None:
            raise refusal
        full = session_places_taken(session) >= session.capacity
        booking = Booking.objects.create(
            partnership_id=session.partnership_id,
            session=session,
            staff=staff,
            booked_by=actor,
            status=Booking.Status.WAITLISTED if full else Booking.Status.BOOKED,
        )
        signals.place_given.send(sender=Booking, booking=booking)
        booking.session = session
        messages.tell_booked(booking)
    return booking


# Said instead of "invited as a guest" to those who may not see the guest list (managers).
GUEST_HIDDEN = "{person} cannot be booked on this session: ask your learning and development team."


def bookings_create(
    *,
    actor: Actor,
    session: TrainingSession,
    staff: Sequence[StaffMember],
    sees_guests: bool = True,
) -> list[BookingOutcome]:
    """Book several people onto a session, one at a time: each person's booking is its own
    transaction, so one person's refusal (or a failure part-way) leaves the others' places
    as they are. Returns each person's outcome, in the order given (each person once).

    Without `sees_guests` (a manager: guest lists are for those who run training), a person
    refused because they are invited as a guest is refused without saying so."""
    outcomes = []
    for person in dict.fromkeys(staff):
        try:
            booking = booking_create(actor=actor, session=session, staff=person)
        except ValidationError as error:
            outcome = (
                Outcome.ALREADY_BOOKED
                if getattr(error, "code", None) == "already_booked"
                else Outcome.REFUSED
            )
            reason = " ".join(error.messages)
            if getattr(error, "code", None) == "guest_invited" and not sees_guests:
                reason = GUEST_HIDDEN.format(person=person)
            outcomes.append(
                BookingOutcome(
                    staff_id=person.staff_id, staff=person, outcome=outcome, reason=reason
                )
            )
            continue
        outcomes.append(
            BookingOutcome(
                staff_id=person.staff_id,
                staff=person,
                booking=booking,
                outcome=Outcome.WAITLISTED
                if booking.status == Booking.Status.WAITLISTED
                else Outcome.BOOKED,
            )
        )
    return outcomes


def booking_cancel(*, actor: Actor, booking: Booking) -> Booking | None:
    """Cancel a booking; if it held a place, the longest-waiting person is promoted and told.

    Returns the promoted booking, if any.
    """
    with acting(actor):
        with transaction.atomic():
            session = TrainingSession.objects.select_for_update().get(pk=booking.session_id)
            # Read the booking again under the lock: a second click must not cancel twice.
            current = Booking.objects.get(pk=booking.pk)
            if current.status == Booking.Status.CANCELLED:
                raise ValidationError("This booking is already cancelled.")
            if current.attendance:
                raise ValidationError(
                    "Attendance has been marked for this booking, so it cannot be cancelled."
                )
            held_place = current.status == Booking.Status.BOOKED
            current.status = Booking.Status.CANCELLED
            current.save(update_fields=["status", "updated_at"])
            booking.status = current.status
            if current.staff_id is not None:
                signals.places_withdrawn.send(
                    sender=Booking, session_id=session.pk, staff_id=current.staff_id
                )
            if held_place and session.is_bookable:
                return promote_from_waiting_list(session)
        return None


def promote_from_waiting_list(session: TrainingSession) -> Booking | None:
    if session_places_taken(session) >= session.capacity:
        return None
    waiting = (
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
        .select_related("staff", "guest", "session__course")
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = Booking.Status.BOOKED
    waiting.save(update_fields=["status", "updated_at"])
    signals.place_given.send(sender=Booking, booking=waiting)
    messages.tell_promoted(waiting)
    return waiting
