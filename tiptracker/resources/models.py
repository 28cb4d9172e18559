"""The partnership's library of resources and toolkits (issue 3, point 6)."""

from django.db import models

from tiptracker.lib.dates import today
from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership


class Resource(PartnershipRecord, models.Model):
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
    # A link to the recording or the national resource (a file is kept in ResourceFile).
    url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the services (today, unless told otherwise: the demo gives the real dates).
    updated_on = models.DateField(default=today)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["partnership", "kind"])]

    def __str__(self) -> str:
        return self.title

    def attached_file(self) -> "ResourceFile | None":
        """The file, or None (lists fetch it with select_related and without its bytes)."""
        try:
            return self.file
        except ResourceFile.DoesNotExist:
            return None


class ResourceFile(models.Model):
    """A resource's file, kept in the database (the web tier keeps nothing on disk), in a
    table of its own so that lists of resources never load the bytes."""

    resource = models.OneToOneField(
        Resource, on_delete=models.CASCADE, primary_key=True, related_name="file"
    )
    # A safe name (see files.safe_name) and the type from the allow-list, never the browser's.
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @property
    def summary(self) -> str:
        """What the pages say next to the link: 'Word document, 24 KB'."""
        from tiptracker.resources.files import file_type, human_size

        kind = file_type(self.name)
        return f"{kind.label if kind else 'File'}, {human_size(self.size)}"


track(Resource)
