"""Writes for training: completions, bookings and the waiting list, attendance, and the
coverage trend's derived table."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.dates import month_ends_before, today
from tiptracker.training.coverage import coverage_by_month
from tiptracker.training.models import AttendanceMark, Booking, Completion, Course, CoverageSnapshot, TrainingSession
from tiptracker.workforce.models import StaffMember

log = logging.getLogger(__name__)

TREND_MONTHS = 24


# The trend's derived table ---------------------------------------------------------------


def coverage_snapshots_rebuild(*, partnership_id: int, as_of: dt.date | None = None) -> None:
    """Recompute partnership coverage at the last TREND_MONTHS month ends (one query)."""
    month_ends = month_ends_before(as_of or today(), TREND_MONTHS)
    figures = coverage_by_month(partnership_id=partnership_id, month_ends=month_ends)
    with transaction.atomic():
        CoverageSnapshot.objects.filter(partnership_id=partnership_id).delete()
        CoverageSnapshot.objects.bulk_create(
            CoverageSnapshot(partnership_id=partnership_id, month_end=day, level=row.level, needed=row.needed, met=row.met)
            for day, rows in figures.items()
            for row in rows
        )


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
        CoverageSnapshot.objects.filter(partnership_id=partnership_id, month_end__in=month_ends).values_list(
            "month_end", flat=True
        )
    )
    missing = [day for day in month_ends if day not in held]
    if not missing:
        return
    figures = coverage_by_month(partnership_id=partnership_id, month_ends=missing)
    CoverageSnapshot.objects.bulk_create(
        [
            CoverageSnapshot(partnership_id=partnership_id, month_end=day, level=row.level, needed=row.needed, met=row.met)
            for day, rows in figures.items()
            for row in rows
        ],
        ignore_conflicts=True,
    )


# Completions -----------------------------------------------------------------------------


def completion_record(
    *, staff: StaffMember, course: Course, on: dt.date, source: str = Completion.Source.MANUAL,
    booking: Booking | None = None,
) -> Completion:
    if on > today():
        raise ValidationError({"completed_on": "A completion cannot be in the future."})
    if staff.partnership_id != course.partnership_id:
        raise ValidationError("The course belongs to another partnership.")
    with transaction.atomic():
        completion, _created = Completion.objects.get_or_create(
            partnership_id=staff.partnership_id, staff=staff, course=course, completed_on=on,
            defaults={"source": source, "booking": booking},
        )
        if _created:
            coverage_snapshots_invalidate(partnership_id=staff.partnership_id, since=on)
    return completion


# Sessions and bookings ---------------------------------------------------------------------


def session_places_taken(session: TrainingSession) -> int:
    return session.bookings.filter(status=Booking.Status.BOOKED).count()


def booking_create(*, actor, session: TrainingSession, staff: StaffMember) -> Booking:
    """Book `staff` onto `session`: a place if one is free, otherwise the waiting list."""
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError("This session has been cancelled, so it cannot be booked.")
    if session.starts_at <= timezone.now():
        raise ValidationError("This session has already started, so it cannot be booked.")
    with transaction.atomic():
        # Lock the session row so two people cannot both take the last place.
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if Booking.objects.filter(session=session, staff=staff).exclude(status=Booking.Status.CANCELLED).exists():
            raise ValidationError(f"{staff} is already booked on this session (or on its waiting list).")
        full = session_places_taken(session) >= session.capacity
        return Booking.objects.create(
            partnership_id=session.partnership_id, session=session, staff=staff, booked_by=actor,
            status=Booking.Status.WAITLISTED if full else Booking.Status.BOOKED,
        )


def booking_cancel(*, actor, booking: Booking) -> Booking | None:
    """Cancel a booking; if it held a place, the longest-waiting person is promoted and told.

    Returns the promoted booking, if any.
    """
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError("This booking is already cancelled.")
    if booking.attendance:
        raise ValidationError("Attendance has been marked for this booking, so it cannot be cancelled.")
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=booking.session_id)
        held_place = booking.status == Booking.Status.BOOKED
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        if held_place and session.starts_at > timezone.now():
            return _promote_from_waiting_list(session)
    return None


def _promote_from_waiting_list(session: TrainingSession) -> Booking | None:
    if session_places_taken(session) >= session.capacity:
        return None
    waiting = (
        Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
        .select_related("staff", "session__course")
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = Booking.Status.BOOKED
    waiting.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: _tell_promoted(waiting))
    return waiting


def _tell_promoted(booking: Booking) -> None:
    if not booking.staff.email:
        return
    session = booking.session
    local_start = timezone.localtime(session.starts_at)
    send_mail(
        subject=f"A place is yours: {session.course.title}",
        message=(
            f"Hello {booking.staff.first_name or booking.staff},\n\n"
            f"A place has come free on {session.course.title} on {local_start:%A %d %B %Y at %H:%M}, "
            "and it is now booked for you. You were next on the waiting list.\n\n"
            "If you can no longer go, please cancel the booking so the place can go to someone else.\n"
        ),
        from_email=None,
        recipient_list=[booking.staff.email],
    )


def session_cancel(*, actor, session: TrainingSession) -> None:
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError("This session is already cancelled.")
    session.status = TrainingSession.Status.CANCELLED
    session.save(update_fields=["status"])


def session_set_capacity(*, actor, session: TrainingSession, capacity: int) -> list[Booking]:
    """Change capacity; extra places go to the waiting list, oldest first."""
    promoted = []
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        session.capacity = capacity
        session.save(update_fields=["capacity"])
        while (booking := _promote_from_waiting_list(session)) is not None:
            promoted.append(booking)
    return promoted


def attendance_mark(*, actor, booking: Booking, attendance: str) -> Booking:
    """Mark attendance; history is kept. Attending records a completion of the course;
    correcting it away from attended removes the completion this booking recorded."""
    if attendance not in Booking.Attendance.values:
        raise ValidationError(f"'{attendance}' is not an attendance mark.")
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(f"{booking.staff} is not booked on this session, so attendance cannot be marked.")
    session = booking.session
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be marked once the session has started.")
    with transaction.atomic():
        AttendanceMark.objects.create(partnership_id=booking.partnership_id, booking=booking, attendance=attendance, marked_by=actor)
        booking.attendance = attendance
        booking.save(update_fields=["attendance", "updated_at"])
        on = timezone.localtime(session.ends_at).date()
        if attendance == Booking.Attendance.ATTENDED:
            completion_record(staff=booking.staff, course=session.course, on=min(on, today()),
                              source=Completion.Source.ATTENDANCE, booking=booking)
        else:
            removed, _ = Completion.objects.filter(booking=booking, source=Completion.Source.ATTENDANCE).delete()
            if removed:
                coverage_snapshots_invalidate(partnership_id=booking.partnership_id, since=on)
    return booking
