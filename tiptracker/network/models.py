"""Trauma champions and trauma ambassadors, and what they do (issue 3, point 7)."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.workforce.models import StaffMember, Team


class NetworkMember(PartnershipRecord, models.Model):
    class Kind(models.TextChoices):
        # A senior leader who represents the partnership in the national champions network.
        CHAMPION = "champion", "Trauma champion"
        # A member of the local network, usually representing one team.
        AMBASSADOR = "ambassador", "Trauma ambassador"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="network_members"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A champion may not be in the staff records; when they are, the name is taken from there.
    person = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_roles",
    )
    name = models.CharField(max_length=200)
    job_role = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="network_members"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="network_members"
    )
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["partnership", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=models.F("from_date")),
                name="network_member_to_not_before_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def is_current(self, on: datetime.date) -> bool:
        return self.from_date <= on and (self.to_date is None or self.to_date >= on)


class NetworkActivity(PartnershipRecord, models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        TRAINING = "training", "Training delivered"
        AWARENESS = "awareness", "Awareness session"
        NATIONAL_EVENT = "national-event", "National network event"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="network_activities"
    )
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["partnership", "date"])]
        verbose_name_plural = "network activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


track(NetworkMember)
track(NetworkActivity)


# Coaching, mentoring and peer networks (issue 17) ------------------------------------------
# Who met whom, when, and on which themes: never what was said. There is no field for the
# content of a conversation, and none should be added.


class CoachingGroup(models.Model):
    """A coaching pair, a mentoring pair or a peer network. Its organisations are those of
    its people (CoachingPerson), never stored on the group."""

    class Kind(models.TextChoices):
        # A coach and the person they coach: exactly two people.
        COACHING = "coaching", "Coaching pair"
        # A mentor and their mentee: exactly two people.
        MENTORING = "mentoring", "Mentoring pair"
        # Peers who meet to reflect together, perhaps with a facilitator: two or more people.
        PEER = "peer", "Peer network"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="coaching_groups"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    # None while the pair or group is still meeting.
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["partnership", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="coaching_group_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["coaching", "mentoring", "peer"]),
                name="coaching_group_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    # The history of a group lists its people and meetings too (see coaching_changes).
    def get_additional_data(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id, "coaching_group": self.pk}

    @property
    def is_pair(self) -> bool:
        return self.kind != self.Kind.PEER

    def is_current(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class CoachingPerson(models.Model):
    """One person of a pair or group: a member of staff of the partnership, with their role."""

    class Role(models.TextChoices):
        COACH = "coach", "Coach"
        COACHEE = "coachee", "Coachee"
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"
        # A peer network's members, and whoever facilitates its meetings.
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CoachingGroup, on_delete=models.CASCADE, related_name="people")
    # Erasing a staff record erases their places in coaching, as it does their completions.
    person = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="coaching")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["group", "id"]
        indexes = [models.Index(fields=["partnership", "person"])]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="coaching_person_once"),
            models.CheckConstraint(
                condition=Q(
                    role__in=["coach", "coachee", "mentor", "mentee", "member", "facilitator"]
                ),
                name="coaching_person_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display().lower()})"

    @property
    def name(self) -> str:
        """The person's name as every member may read it: never their staff ID (which
        StaffMember's own str falls back to), which only those who manage people see."""
        return self.person.full_name or "A staff member with no name recorded"

    def get_additional_data(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id, "coaching_group": self.group_id}


class Theme(models.TextChoices):
    """What a meeting was about: Scotland's five trauma-informed principles, then a few
    practical subjects. The words only: never what was said."""

    SAFETY = "safety", "Safety"
    TRUST = "trust", "Trust"
    CHOICE = "choice", "Choice"
    COLLABORATION = "collaboration", "Collaboration"
    EMPOWERMENT = "empowerment", "Empowerment"
    WELLBEING = "wellbeing", "Wellbeing of staff"
    REFLECTIVE_PRACTICE = "reflective-practice", "Reflective practice"
    LEADERSHIP = "leadership", "Leadership"
    LIVED_EXPERIENCE = "lived-experience", "Lived experience"
    OTHER = "other", "Other"


class ThemesField(models.JSONField):
    """A list of Theme codes. Like a PostgreSQL ArrayField it has a `base_field` with the
    choices: the history (django-auditlog) reads it to show each theme's label, not its code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_field: models.CharField = models.CharField(max_length=40, choices=Theme.choices)


class CoachingMeeting(models.Model):
    """A meeting of a pair or group: the date, who came and the themes. Never the content."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CoachingGroup, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    themes = ThemesField(default=list, blank=True)
    attendees: models.ManyToManyField = models.ManyToManyField(
        CoachingPerson, through="CoachingAttendance", related_name="meetings"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["partnership", "date"]),
            models.Index(fields=["group", "date"]),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.date:%-d %B %Y}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id, "coaching_group": self.group_id}

    def theme_labels(self) -> list[str]:
        labels = dict(Theme.choices)
        return [labels.get(code, code) for code in self.themes]


class CoachingAttendance(models.Model):
    """One of a group's people at one of its meetings."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        CoachingMeeting, on_delete=models.CASCADE, related_name="attendance"
    )
    # The service keeps a person who came to a meeting in the group (coaching_person_remove);
    # erasing their staff record erases this too.
    attendee = models.ForeignKey(CoachingPerson, on_delete=models.CASCADE, related_name="+")
    # Kept with the row, so that a history entry can name the group after the meeting is gone.
    group = models.ForeignKey(CoachingGroup, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "attendee"], name="coaching_attended_once")
        ]

    def __str__(self) -> str:
        return f"{self.attendee.name} at the meeting on {self.meeting.date:%-d %B %Y}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id, "coaching_group": self.group_id}


track(CoachingGroup)
# Each entry's name says whose place or meeting it is ("Ann Reid (coach)", "Ann Reid at the
# meeting on 1 February 2023"): the links themselves would cost a query each to show.
track(CoachingPerson, also_untracked=["group", "person"])
track(CoachingMeeting, also_untracked=["group", "recorded_by"])
track(CoachingAttendance, also_untracked=["group", "meeting", "attendee"])
