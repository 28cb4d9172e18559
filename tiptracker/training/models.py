"""Courses, sessions, bookings, attendance and completions."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership
from tiptracker.training.names import name_sort_key
from tiptracker.workforce.models import StaffMember


class Course(PartnershipRecord, models.Model):
    class Delivery(models.TextChoices):
        E_LEARNING = "e-learning", "E-learning"
        WEBINAR = "webinar", "Webinar"
        FACE_TO_FACE = "face-to-face", "Face to face"
        BLENDED = "blended", "Blended"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    # Completing the course achieves this level (and, the framework being cumulative, those below).
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    # What the course is about, for the course's page and (shortened) the sessions list.
    description = models.TextField(blank=True)
    # One outcome a line, shown as a bulleted list (blank lines are ignored).
    learning_outcomes = models.TextField(blank=True)
    # How long it takes, in whole minutes; shown in words ("3 hours 30 minutes").
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["level", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], name="course_code_unique_in_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    @property
    def duration_words(self) -> str:
        return duration_words(self.duration_minutes)


def duration_words(minutes: int | None) -> str:
    """90 -> "1 hour 30 minutes"; "" when not recorded."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours:,} hour{'' if hours == 1 else 's'}")
    if rest:
        parts.append(f"{rest} minute{'' if rest == 1 else 's'}")
    return " ".join(parts)


class TrainingSession(PartnershipRecord, models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"  # open for booking until it starts
        CANCELLED = "cancelled", "Cancelled"  # no new bookings; existing ones are told

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sessions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    facilitator = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=200, blank=True, help_text="Who the session is for")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["partnership", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.starts_at:%-d %B %Y}"

    @property
    def is_bookable(self) -> bool:
        """Open for booking (and for giving up a place): scheduled, and not started yet."""
        return self.status == self.Status.SCHEDULED and self.starts_at > timezone.now()

    @property
    def attendance_open(self) -> bool:
        """Attendance can be marked: scheduled, and started (a cancelled session had none)."""
        return self.status == self.Status.SCHEDULED and self.starts_at <= timezone.now()


class Guest(models.Model):
    """Someone invited to briefings who is not in the workforce: a member of the Integration
    Joint Board, an elected member (councillor), a partner. Guests are never staff: they
    have no team and no training need, and attending records no completion."""

    class Kind(models.TextChoices):
        BOARD_MEMBER = "board_member", "Board member"
        ELECTED_MEMBER = "elected_member", "Elected member"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Their organisation and role in it, for example "Dundee City Council, councillor".
    organisation = models.CharField(max_length=200, blank=True)
    # What the guest list sorts by: the surname, then the given names, without titles
    # (names.name_sort_key). Kept in step with `name` on every save.
    sort_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_name", "name", "id"]
        indexes = [models.Index(fields=["partnership", "sort_name"])]
        constraints = [
            # Addresses differing only in case reach the same person.
            models.UniqueConstraint(
                "partnership", Lower("email"), name="guest_email_unique_in_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class Booking(models.Model):
    """A place on a session (or the waiting list) for a member of staff, or an invitation
    to a briefing for a guest: exactly one of `staff` and `guest` is set."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"  # holds one of the session's places
        WAITLISTED = (
            "waitlisted",
            "On the waiting list",
        )  # promoted, oldest first, when a place frees
        CANCELLED = "cancelled", "Cancelled"  # gave up the place or the waiting-list spot
        # Guests only: invited, no reply yet; accepting books a place (or the waiting list).
        INVITED = "invited", "Invited, no reply yet"
        DECLINED = "declined", "Declined the invitation"  # guests only; they may still accept

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"  # records a completion of the course
        PARTLY = "partly", "Partly attended"  # no completion: the course was not finished
        NO_SHOW = "no_show", "Did not attend"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="bookings")
    staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    guest = models.ForeignKey(
        Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A guest's latest reply: when, and who recorded it (None: the guest, through their link).
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the reminder two days before the session went (training/messages.py), so that
    # nobody is reminded twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["partnership", "session", "status"])]
        constraints = [
            # One live booking per person per session; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["session", "staff"],
                condition=~models.Q(status="cancelled"),
                name="one_live_booking_per_person",
            ),
            # One invitation per guest per session (a declined one included: it can still be
            # accepted); a withdrawn (cancelled) one stays as history.
            models.UniqueConstraint(
                fields=["session", "guest"],
                condition=~models.Q(status="cancelled"),
                name="one_live_invitation_per_guest",
            ),
            models.CheckConstraint(
                condition=models.Q(staff__isnull=False, guest__isnull=True)
                | models.Q(staff__isnull=True, guest__isnull=False),
                name="booking_for_staff_or_guest",
            ),
            # Invitations and their refusal are for guests; staff book themselves.
            models.CheckConstraint(
                condition=models.Q(guest__isnull=False)
                | ~models.Q(status__in=["invited", "declined"]),
                name="only_guests_are_invited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.session} ({self.get_status_display()})"

    @property
    def person(self) -> "StaffMember | Guest":
        """Whoever the booking is for, staff or guest (select_related both in lists)."""
        return self.staff if self.staff_id is not None else self.guest  # type: ignore[return-value]

    @property
    def is_guest(self) -> bool:
        return self.guest_id is not None


class AttendanceMark(models.Model):
    """Every attendance marking, kept: a correction adds a row, it never overwrites."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="marks")
    attendance = models.CharField(max_length=20, choices=Booking.Attendance.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["marked_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_attendance_display()} at {self.marked_at:%Y-%m-%d %H:%M}"


class Completion(models.Model):
    class Source(models.TextChoices):
        IMPORT = "import", "Imported"
        ATTENDANCE = "attendance", "Attended a session"
        MANUAL = "manual", "Recorded by hand"
        CLAIM = "claim", "Learning done elsewhere (approved claim)"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.IMPORT)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "staff", "course", "completed_on"],
                name="completion_once_per_day",
            )
        ]
        indexes = [models.Index(fields=["partnership", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.staff} completed {self.course} on {self.completed_on:%d/%m/%Y}"


class CoverageSnapshot(models.Model):
    """Coverage for the whole partnership at a past month end: the trend's derived table.

    Rebuilt by whatever changes coverage's inputs (imports, needs, attendance); a test
    proves it equals the direct computation.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    month_end = models.DateField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    needed = models.PositiveIntegerField()
    met = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "month_end", "level"], name="snapshot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month_end}: level {self.level} {self.met}/{self.needed}"


class LearningClaim(models.Model):
    """A member of staff's claim to have completed a course elsewhere (another employer, a
    national programme). It counts for nothing until an L&D officer or administrator
    approves it, which records a completion from the claimed date (training/claims.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"  # counts for nothing yet
        APPROVED = "approved", "Approved"  # recorded a completion (source: claim)
        REJECTED = "rejected", "Not approved"  # with the reason the claimant is told

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="learning_claims")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    evidence_note = models.TextField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why it was not approved
    completion = models.ForeignKey(
        Completion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["partnership", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.staff}: {self.course} on {self.completed_on:%d/%m/%Y}"

    def attached_evidence(self) -> "ClaimEvidence | None":
        """The file, or None (lists fetch it with select_related and without its bytes)."""
        try:
            return self.evidence
        except ClaimEvidence.DoesNotExist:
            return None


class ClaimEvidence(models.Model):
    """A claim's evidence file, kept in the database (never under the static or public
    media files), in a table of its own so that lists never load the bytes. Served only
    through the claim_evidence view, to the claimant and those who decide claims."""

    claim = models.OneToOneField(
        LearningClaim, on_delete=models.CASCADE, primary_key=True, related_name="evidence"
    )
    # A safe name and the type from the allow-list (training/evidence.py), never the browser's.
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


track(Course)
track(TrainingSession)
