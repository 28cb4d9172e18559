"""Teams and the people in them, with the training needs analysis."""

from django.db import models

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Organisation, Partnership


class Team(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="teams")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    # The training needs analysis: the level everyone in this team needs. Blank means the
    # baseline (Trauma Informed) that the whole workforce needs.
    required_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "name"],
                name="team_name_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="staff")
    staff_id = models.CharField(max_length=64, help_text="The employer's identifier")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="staff")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    is_manager = models.BooleanField(default=False)
    # Overrides the team's need for this one person.
    required_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "staff_id"], name="staff_id_unique_in_partnership"
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "team"]),
            models.Index(fields=["partnership", "organisation"]),
        ]

    def __str__(self) -> str:
        return self.full_name or self.staff_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
