"""Writes for training: courses, sessions, bookings and the waiting list, attendance,
completions, and the coverage trend's derived table. Guests and their invitations to
briefings are in briefings.py, on the same booking machinery."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format

from tiptracker.feedback.invitations import (
    pre_invitation_for_booking,
    pre_invitations_for_session,
    pre_invitations_withdraw,
)
from tiptracker.lib.dates import month_ends_before, today
from tiptracker.training import messages
from tiptracker.training.coverage import coverage_by_month
from tiptracker.training.models import (
    AttendanceMark,
    Booking,
    Completion,
    Course,
    CoverageSnapshot,
    TrainingSession,
)
from tiptracker.workforce.models import StaffMember

TREND_MONTHS = 24

# Who did it: the signed-in user, or None for the system (an import, the demo loader).
Actor = Any


# The trend's derived table ---------------------------------------------------------------


def coverage_snapshots_rebuild(*, partnership_id: int, as_of: dt.date | None = None) -> None:
    """Recompute partnership coverage at the last TREND_MONTHS month ends (one query)."""
    month_ends = month_ends_before(as_of or today(), TREND_MONTHS)
    figures = coverage_by_month(partnership_id=partnership_id, month_ends=month_ends)
    with transaction.atomic():
        CoverageSnapshot.objects.filter(partnership_id=partnership_id).delete()
        _snapshots_store(partnership_id, figures)


def coverage_snapshots_invalidate(*, partnership_id: int, since: dt.date | None = None) -> None:
    """Forget the month ends a change could have moved (all of them, without `since`); the
    dashboard computes them again when next asked. Cheaper than a rebuild for one change."""
    snapshots = CoverageSnapshot.objects.filter(partnership_id=partnership_id)
    if since is not None:
        snapshots = snapshots.filter(month_end__gte=since)
    snapshots.delete()


def coverage_snapshots_fill(*, partnership_id: int, month_ends: list[dt.date]) -> None:
    """Compute and keep the month ends the table does not hold yet (a dashboard looking
    further back than the last rebuild)."""
    held = set(
        CoverageSnapshot.objects.filter(
            partnership_id=partnership_id, month_end__in=month_ends
        ).values_list("month_end", flat=True)
    )
    missing = [day for day in month_ends if day not in held]
    if not missing:
        return
    # Two dashboards may fill the same month at once: the second one's rows are skipped.
    _snapshots_store(
        partnership_id, coverage_by_month(partnership_id=partnership_id, month_ends=missing)
    )


def _snapshots_store(partnership_id: int, figures: dict[dt.date, list]) -> None:
    CoverageSnapshot.objects.bulk_create(
        [
            CoverageSnapshot(
                partnership_id=partnership_id,
                month_end=day,
                level=row.level,
                needed=row.needed,
                met=row.met,
            )
            for day, rows in figures.items()
            for row in rows
        ],
        ignore_conflicts=True,
    )


# Completions -----------------------------------------------------------------------------


def completion_record(
    *,
    staff: StaffMember,
    course: Course,
    on: dt.date,
    source: str = Completion.Source.MANUAL,
    booking: Booking | None = None,
) -> Completion:
    if on > today():
        raise ValidationError({"completed_on": "A completion cannot be in the future."})
    if staff.partnership_id != course.partnership_id:
        raise ValidationError("The course belongs to another partnership.")
    with transaction.atomic():
        completion, _created = Completion.objects.get_or_create(
            partnership_id=staff.partnership_id,
            staff=staff,
            course=course,
            completed_on=on,
            defaults={"source": source, "booking": booking},
        )
        if _created:
            from tiptracker.feedback.invitations import invitations_create

            coverage_snapshots_invalidate(partnership_id=staff.partnership_id, since=on)
            invitations_create(
                partnership_id=staff.partnership_id, course_id=course.pk, staff_id=staff.pk
            )
    return completion


# Courses -----------------------------------------------------------------------------------


def _code_taken(code: str) -> ValidationError:
    return ValidationError(
        {
            "code": f"A course with the code '{code}' already exists in this partnership: choose another code."
        }
    )


def _course_code_free(*, partnership_id: int, code: str, course_id: int | None = None) -> None:
    # Codes differing only in case would be told apart by imports but not by people.
    taken = Course.objects.filter(partnership_id=partnership_id, code__iexact=code)
    if course_id is not None:
        taken = taken.exclude(pk=course_id)
    if taken.exists():
        raise _code_taken(code)


# A course longer than a week is a programme: its parts are courses of their own.
MAX_DURATION_MINUTES = 10080


def _course_duration_check(minutes: int | None) -> None:
    if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": f"The duration must be between 1 and {MAX_DURATION_MINUTES:,} minutes (a week)"
            }
        )


def _outcomes_text(text: str) -> str:
    """One outcome a line, without the blank lines and stray spaces a paste brings."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def course_create(
    *,
    actor: Actor,
    partnership_id: int,
    code: str,
    title: str,
    level: int,
    delivery: str = "",
    provider: str = "",
    description: str = "",
    learning_outcomes: str = "",
    duration_minutes: int | None = None,
) -> Course:
    code = code.strip()
    _course_duration_check(duration_minutes)
    _course_code_free(partnership_id=partnership_id, code=code)
    try:
        with transaction.atomic():
            return Course.objects.create(
                partnership_id=partnership_id,
                code=code,
                title=title.strip(),
                level=level,
                delivery=delivery,
                provider=provider.strip(),
                description=description.strip(),
                learning_outcomes=_outcomes_text(learning_outcomes),
                duration_minutes=duration_minutes,
            )
    except IntegrityError:
        # Someone else took the code between the check and the insert.
        raise _code_taken(code) from None


def course_update(
    *,
    actor: Actor,
    course: Course,
    code: str,
    title: str,
    level: int,
    delivery: str = "",
    provider: str = "",
    description: str = "",
    learning_outcomes: str = "",
    duration_minutes: int | None = None,
) -> Course:
    code = code.strip()
    _course_duration_check(duration_minutes)
    _course_code_free(partnership_id=course.partnership_id, code=code, course_id=course.pk)
    level_changed = course.level != level
    course.code, course.title, course.level = code, title.strip(), level
    course.delivery, course.provider = delivery, provider.strip()
    course.description = description.strip()
    course.learning_outcomes = _outcomes_text(learning_outcomes)
    course.duration_minutes = duration_minutes
    try:
        with transaction.atomic():
            course.save()
            if level_changed:
                # Every completion of this course now counts at another level, at every date.
                coverage_snapshots_invalidate(partnership_id=course.partnership_id)
    except IntegrityError:
        raise _code_taken(code) from None
    return course


# Sessions ----------------------------------------------------------------------------------


def _session_check(
    *,
    course: Course,
    partnership_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: str,
    online_url: str,
    capacity: int,
) -> None:
    errors: dict[str, str] = {}
    if course.partnership_id != partnership_id:
        errors["course"] = "Choose one of this partnership's courses."
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    if not venue.strip() and not online_url.strip():
        errors["venue"] = "Enter a venue or an online link (or both), so people know where to go."
    if capacity < 1:
        errors["capacity"] = "The session must have at least 1 place."
    if errors:
        raise ValidationError(errors)


def session_create(
    *,
    actor: Actor,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str = "",
    online_url: str = "",
    facilitator: str = "",
    audience: str = "",
) -> TrainingSession:
    _session_check(
        course=course,
        partnership_id=course.partnership_id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        capacity=capacity,
    )
    return TrainingSession.objects.create(
        partnership_id=course.partnership_id,
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        online_url=online_url.strip(),
        capacity=capacity,
        facilitator=facilitator.strip(),
        audience=audience.strip(),
    )


def session_update(
    *,
    actor: Actor,
    session: TrainingSession,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    venue: str = "",
    online_url: str = "",
    facilitator: str = "",
    audience: str = "",
) -> list[Booking]:
    """Change a session. Places added by a larger capacity go to the waiting list, oldest
    first, and those promoted are told; returns them."""
    _session_check(
        course=course,
        partnership_id=session.partnership_id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        online_url=online_url,
        capacity=capacity,
    )
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == TrainingSession.Status.CANCELLED:
            raise ValidationError("This session has been cancelled, so it cannot be changed.")
        taken = session_places_taken(locked)
        if capacity < taken:
            raise ValidationError(
                {
                    "capacity": f"{taken} people have places, so there must be at least {taken} places. "
                    "Cancel bookings first to make the session smaller."
                }
            )
        if course.pk != locked.course_id and locked.bookings.exclude(attendance="").exists():
            # The completions already recorded are for the old course.
            raise ValidationError(
                {
                    "course": "Attendance has been marked for this session, so its course cannot change."
                }
            )
        # What a booked person plans their day around: they are told when it changes.
        before = (locked.starts_at, locked.ends_at, locked.venue, locked.online_url)
        # What a survey before the course asks about: the course, on that day.
        surveyed = (locked.course_id, timezone.localtime(locked.starts_at).date())
        locked.course = course
        locked.starts_at, locked.ends_at, locked.capacity = starts_at, ends_at, capacity
        locked.venue, locked.online_url = venue.strip(), online_url.strip()
        locked.facilitator, locked.audience = facilitator.strip(), audience.strip()
        locked.save()
        if surveyed != (locked.course_id, timezone.localtime(locked.starts_at).date()):
            pre_invitations_for_session(locked)
        promoted = []
        if locked.starts_at > timezone.now():
            while (booking := promote_from_waiting_list(locked)) is not None:
                promoted.append(booking)
        if before != (locked.starts_at, locked.ends_at, locked.venue, locked.online_url):
            affected = list(
                locked.bookings.exclude(status__in=_NOT_EXPECTED)
                .exclude(
                    pk__in=[b.pk for b in promoted]
                )  # their e-mail already has the new details
                .select_related("staff", "guest")
            )
            messages.tell_changed(locked, affected)
    return promoted


def session_cancel(*, actor: Actor, session: TrainingSession) -> int:
    """Cancel a session that has not started and tell everyone booked or waiting, by e-mail.

    The bookings are left as they were, as a record of who was affected. Returns how many
    people were told.
    """
    with transaction.atomic():
        locked = (
            TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
        )
        if locked.status == TrainingSession.Status.CANCELLED:
            raise ValidationError("This session is already cancelled.")
        if locked.starts_at <= timezone.now():
            raise ValidationError("This session has already started, so it cannot be cancelled.")
        locked.status = TrainingSession.Status.CANCELLED
        locked.save(update_fields=["status"])
        pre_invitations_withdraw(session_id=locked.pk)
        affected = list(
            Booking.objects.filter(session=locked)
            .exclude(status__in=_NOT_EXPECTED)
            .select_related("staff", "guest")
            .order_by("created_at", "id")
        )
        messages.tell_cancelled(locked, affected)
    session.status = locked.status
    return sum(1 for booking in affected if booking.person.email)


# Those a change to a session no longer concerns: they gave up their place, or declined.
_NOT_EXPECTED = [Booking.Status.CANCELLED, Booking.Status.DECLINED]


# Bookings and the waiting list ---------------------------------------------------------------


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
        pre_invitation_for_booking(booking)
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
            pre_invitations_withdraw(session_id=session.pk, staff_id=current.staff_id)
        if (
            held_place
            and session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > timezone.now()
        ):
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
    pre_invitation_for_booking(waiting)
    messages.tell_promoted(waiting)
    return waiting


# Attendance --------------------------------------------------------------------------------


def attendance_mark(*, actor: Actor, booking: Booking, attendance: str) -> Booking:
    """Mark attendance; history is kept. A member of staff attending records a completion
    of the course; correcting it away from attended removes the completion this booking
    recorded. A guest's attendance is kept but records no completion: guests are not the
    workforce, so coverage never counts them."""
    if attendance not in Booking.Attendance.values:
        raise ValidationError(f"'{attendance}' is not an attendance mark.")
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(
            f"{booking.person} is not booked on this session, so attendance cannot be marked."
        )
    session = booking.session
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError("This session was cancelled, so attendance cannot be marked.")
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be marked once the session has started.")
    with transaction.atomic():
        AttendanceMark.objects.create(
            partnership_id=booking.partnership_id,
            booking=booking,
            attendance=attendance,
            marked_by=actor,
        )
        booking.attendance = attendance
        booking.save(update_fields=["attendance", "updated_at"])
        if booking.staff is None:
            return booking  # a guest: no completion, so coverage is untouched
        on = timezone.localtime(session.ends_at).date()
        if attendance == Booking.Attendance.ATTENDED:
            completion_record(
                staff=booking.staff,
                course=session.course,
                on=min(on, today()),
                source=Completion.Source.ATTENDANCE,
                booking=booking,
            )
        else:
            removed, _ = Completion.objects.filter(
                booking=booking, source=Completion.Source.ATTENDANCE
            ).delete()
            if removed:
                coverage_snapshots_invalidate(
                    partnership_id=booking.partnership_id, since=min(on, today())
                )
    return booking


def attendance_record(*, actor: Actor, session: TrainingSession, marks: dict[int, str]) -> int:
    """Mark attendance for several bookings of one session at once: all of them or none.

    `marks` maps booking ids to marks; a mark that is already the booking's is skipped, so
    the history holds only changes. Returns how many changed.
    """
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError("This session was cancelled, so attendance cannot be marked.")
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be marked once the session has started.")
    changed = 0
    with transaction.atomic():
        bookings = {
            b.pk: b
            for b in Booking.objects.filter(session_id=session.pk, pk__in=list(marks))
            .select_related("staff", "guest", "session__course")
            .select_for_update(of=("self",))
        }
        for pk, attendance in marks.items():
            booking = bookings.get(pk)
            if booking is None:
                raise ValidationError(
                    "One of the people marked is not booked on this session, so nothing was saved."
                )
            if booking.status != Booking.Status.BOOKED:
                raise ValidationError(
                    f"{booking.person} is {booking.get_status_display().lower()}, not booked on this session, "
                    "so attendance cannot be marked for them. Nothing was saved."
                )
            if booking.attendance == attendance:
                continue
            attendance_mark(actor=actor, booking=booking, attendance=attendance)
            changed += 1
    return changed
