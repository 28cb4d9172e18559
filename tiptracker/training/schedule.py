"""Writes for the training on offer: courses, and the sessions scheduled for them.

A course's code is unique in its partnership whatever its case, and a change of its level
moves every completion of it to another level, so the coverage trend is forgotten. The
people booked on a session are told when it changes (when or where) or is cancelled; the
places a larger session adds go to its waiting list (bookings.py)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor
from tiptracker.training import messages, signals
from tiptracker.training.bookings import promote_from_waiting_list, session_places_taken
from tiptracker.training.models import Booking, Course, TrainingSession
from tiptracker.training.snapshots import coverage_snapshots_invalidate

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
    with acting(actor):
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
    with acting(actor):
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

# Those a change to a session no longer concerns: they gave up their place, or declined.
_NOT_EXPECTED = [Booking.Status.CANCELLED, Booking.Status.DECLINED]


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
    with acting(actor):
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
    with acting(actor):
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
                signals.session_moved.send(sender=TrainingSession, session=locked)
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
    with acting(actor):
        with transaction.atomic():
            locked = (
                TrainingSession.objects.select_for_update()
                .select_related("course")
                .get(pk=session.pk)
            )
            if locked.status == TrainingSession.Status.CANCELLED:
                raise ValidationError("This session is already cancelled.")
            if locked.starts_at <= timezone.now():
                raise ValidationError(
                    "This session has already started, so it cannot be cancelled."
                )
            locked.status = TrainingSession.Status.CANCELLED
            locked.save(update_fields=["status"])
            signals.places_withdrawn.send(
                sender=TrainingSession, session_id=locked.pk, staff_id=None
            )
            affected = list(
                Booking.objects.filter(session=locked)
                .exclude(status__in=_NOT_EXPECTED)
                .select_related("staff", "guest")
                .order_by("created_at", "id")
            )
            messages.tell_cancelled(locked, affected)
        session.status = locked.status
        return sum(1 for booking in affected if booking.person.email)
