"""Writes for completions: recorded by hand, or by marking a member of staff as having
attended a session (claims.py records those of approved claims). A completion moves
coverage from its date on, so each one forgets the trend's month ends it could change."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.partnerships.actors import Actor
from tiptracker.training import signals
from tiptracker.training.models import AttendanceMark, Booking, Completion, Course, TrainingSession
from tiptracker.training.snapshots import coverage_snapshots_invalidate
from tiptracker.workforce.models import StaffMember


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
            coverage_snapshots_invalidate(partnership_id=staff.partnership_id, since=on)
            signals.completion_recorded.send(
                sender=Completion,
                partnership_id=staff.partnership_id,
                course_id=course.pk,
                staff_id=staff.pk,
            )
    return completion


# Attendance -----------------------------------------------------------------------------


def _attendance_open_check(session: TrainingSession) -> None:
    """Refuse, saying why, unless attendance can be marked on `session` now."""
    if session.attendance_open:
        return
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError("This session was cancelled, so attendance cannot be marked.")
    raise ValidationError("Attendance can be marked once the session has started.")


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
    _attendance_open_check(session)
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
    _attendance_open_check(session)
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
