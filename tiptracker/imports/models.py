"""The log of every import, and the uploaded file while it waits to be committed."""

from django.conf import settings
from django.db import models

from tiptracker.partnerships.models import Partnership


class ImportKind(models.TextChoices):
    STAFF = "staff", "Staff"
    NEEDS = "needs", "Training needs"
    COURSES = "courses", "Courses"
    COMPLETIONS = "completions", "Completions"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"  # large upload: the worker will check it
        CHECKING = "checking", "Checking"
        PREVIEW = "preview", "Checked: waiting for confirmation"
        INVALID = "invalid", "Has errors: nothing imported"
        CONFIRMED = "confirmed", "Confirmed: waiting to be imported"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"
        DISCARDED = "discarded", "Discarded"
        CHECKED = "checked", "Checked only (dry run)"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    source = models.CharField(max_length=10, default="web")  # "web" or "cli"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    skip_invalid = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # The first problems found ({row, column, message}) and any warnings, for the preview.
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    preview_rows = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # The process working on the run (background/processes.py), since when, and how many
    # times it has been taken up: a run whose process died is recovered (imports_recover).
    holder = models.CharField(max_length=64, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # The uploaded file, kept in the database (the web tier keeps no state) until the
    # import is committed or discarded, then cleared.
    data = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.filename} ({self.get_status_display()})"
