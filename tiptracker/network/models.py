"""Trauma champions and trauma ambassadors, and what they do (issue 3, point 7)."""

import datetime

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
