"""The engagement log (issue 3, point 4): the partnership's contributions to national and
regional work, e.g. a seat on a national advisory group or a visit to another council."""

from django.db import models

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.partnerships.models import Partnership


class Engagement(PartnershipRecord, models.Model):
    class BodyKind(models.TextChoices):
        NATIONAL_ADVISORY_GROUP = "national-advisory-group", "National advisory group"
        MINISTER = "minister", "Minister"
        NATIONAL_PROGRAMME = "national-programme", "National programme"
        LOCAL_AUTHORITY = "local-authority", "Another local authority"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PRESENTATION = "presentation", "Presentation"
        WORKSHOP = "workshop", "Workshop"
        ADVISORY_GROUP = "advisory-group", "Advisory group"
        VISIT = "visit", "Visit"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="engagements"
    )
    # The day it happened (or will: an invitation accepted is logged ahead).
    date = models.DateField()
    body = models.CharField(max_length=300)
    body_kind = models.CharField(max_length=30, choices=BodyKind.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    represented_by = models.CharField(max_length=300)
    summary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["partnership", "date"])]

    def __str__(self) -> str:
        return f"{self.body}, {self.date:%-d %B %Y}"


track(Engagement)
