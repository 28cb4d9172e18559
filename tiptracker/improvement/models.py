"""Organisational development in the Model for Improvement form (issue 17): improvement
projects (tests of change), their measures and each measure's values over time.

A measure's chart is computed, never stored: tiptracker.lib.spc from its values, each time
they are read (charts.py caches the drawing by its content).
"""

from django.db import models

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.lib.spc import ChartKind, Improvement, RuleSet
from tiptracker.partnerships.models import Membership, Organisation, Partnership
from tiptracker.workforce.models import Team


class Project(PartnershipRecord, models.Model):
    """A test of change: an aim, the people and services taking part, and its measures."""

    class Status(models.TextChoices):
        # Agreeing the aim, the measures and the first change ideas.
        PLANNING = "planning", "Planning"
        # Testing change ideas in PDSA cycles, on a small scale.
        TESTING = "testing", "Testing"
        # Making a change that worked the usual way of working where it was tested.
        IMPLEMENTING = "implementing", "Implementing"
        # Taking it to other teams, services or organisations.
        SPREADING = "spreading", "Spreading"
        # Holding the gain: measured, no longer tested.
        SUSTAINING = "sustaining", "Sustaining"
        # Ended (its record kept).
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="improvement_projects"
    )
    title = models.CharField(max_length=200)
    # The aim, in the Model for Improvement's terms: what, for whom, how much, by when.
    aim_what = models.TextField()
    aim_for_whom = models.CharField(max_length=300)
    aim_how_much = models.CharField(max_length=300)
    aim_by = models.DateField()
    service_area = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # Often a senior leader who is not a member of TIP Tracker: a name and role, as written.
    sponsor = models.CharField(max_length=200, blank=True)
    lead = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The measure whose chart stands for the project on the programme page and in reports.
    headline_measure = models.ForeignKey(
        "Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    """A member of the project's team: they may edit the project and its measures."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="improvement_projects"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "membership"], name="one_place_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} in {self.project_id}"


class ProjectOrganisation(models.Model):
    """An organisation taking part (a project is often multi-agency)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="organisations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="one_row_per_project_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.project_id}"


class ProjectTeam(models.Model):
    """A team or service taking part: the computed measures count its people."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="teams")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "team"], name="one_row_per_project_team")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} in {self.project_id}"


class Measure(PartnershipRecord, models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome"  # the aim itself: what people experience
        PROCESS = "process", "Process"  # whether the changes are happening as planned
        BALANCING = "balancing", "Balancing"  # what the changes might make worse elsewhere

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage"
        RATE = "rate", "Rate"
        DAYS = "days", "Days"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Chart(models.TextChoices):
        XMR = ChartKind.XMR.value, "SPC chart (XmR): mean and process limits"
        RUN = ChartKind.RUN.value, "Run chart: median"

    class Rules(models.TextChoices):
        IHI = RuleSet.IHI.value, "IHI: a shift of 6 and a trend of 5"
        ANHOEJ = RuleSet.ANHOEJ.value, "Anhøj: longest run and number of crossings"

    class Direction(models.TextChoices):
        UP = Improvement.UP.value, "Higher is better"
        DOWN = Improvement.DOWN.value, "Lower is better"
        NEUTRAL = Improvement.NEUTRAL.value, "Neither: watch for change"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="improvement_measures"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The operational definition: exactly what is counted, from where, how.
    definition = models.TextField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="monthly")
    improvement = models.CharField(max_length=10, choices=Direction.choices)
    target = models.FloatField(null=True, blank=True)
    chart = models.CharField(max_length=10, choices=Chart.choices, default=Chart.RUN)
    rules = models.CharField(max_length=10, choices=Rules.choices, default=Rules.IHI)
    # Each segment's first N points set its centre and limits; blank: all of them.
    baseline_points = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "id"]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return self.title


class MeasureValue(PartnershipRecord, models.Model):
    """One point of a measure: its value for the period ending on `on`."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    on = models.DateField()
    value = models.FloatField()
    # The first point of a new segment of the chart (a change was adopted): the centre and
    # limits are worked out again from here.
    rebase = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure_id", "on"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "on"], name="one_value_per_measure_date")
        ]

    def __str__(self) -> str:
        return f"{self.on:%-d %B %Y}: {self.value:g}"


track(Project)
track(Measure)
track(MeasureValue)
