"""Quality indicators (issue 18): so far, whether a partnership shares its indicators for
comparison between partnerships, and the record of each change of that choice.

The choice itself is a field of the partnership (Partnership.shares_indicators, off for a
new partnership); this app keeps who changed it, when and how, for the partnership's
administrators to see.
"""

from django.conf import settings
from django.db import models

from tiptracker.partnerships.models import Partnership


class SharingChange(models.Model):
    """The partnership's indicators began (`shared`) or stopped taking part in comparisons."""

    class Via(models.TextChoices):
        COMMAND = "command", "The command line"
        SETTINGS = "settings", "The partnership's settings page"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sharing_changes"
    )
    shared = models.BooleanField()
    via = models.CharField(max_length=20, choices=Via.choices)
    # None: the command line (an installation administrator at the server).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["partnership", "changed_at"])]

    def __str__(self) -> str:
        return f"{'Shared' if self.shared else 'Stopped sharing'} ({self.get_via_display()})"
