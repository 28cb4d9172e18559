"""The partnership's library of resources and toolkits (issue 3, point 6)."""

from django.db import models

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership


class Resource(models.Model):
    class Kind(models.TextChoices):
        MANAGER_TOOLKIT = "manager-toolkit", "Manager toolkit"
        GUIDANCE = "guidance", "Guidance"
        COMMUNICATIONS = "communications", "Communications materials"
        WEBINAR = "webinar", "Recorded webinar"
        NATIONAL = "national", "National resource"
        OTHER = "other", "Other"

    class Audience(models.TextChoices):
        ALL_STAFF = "all-staff", "All staff"
        MANAGERS = "managers", "Managers"
        LEADERS = "leaders", "Leaders"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    # Blank when the resource is not tied to one framework level.
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    # A link to the file, the recording or the national resource.
    url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["partnership", "kind"])]

    def __str__(self) -> str:
        return self.title
