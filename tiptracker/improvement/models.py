"""Organisational development in the Model for Improvement form (issue 17): improvement
projects (tests of change), their measures and each measure's values over time.

A measure's chart is computed, never stored: tiptracker.lib.spc from its values, each time
they are read (charts.py caches the drawing by its content).
"""

from django.db import models

from tiptracker.lib.history import PartnershipRecord, track
from tiptracker.lib.levels import Level
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

    @property
    def aim(self) -> str:
        """The aim as one sentence: what, how much, for whom, by when."""
        return (
            f"{self.aim_what}: {lower_first(self.aim_how_much)}, for "
            f"{lower_first(self.aim_for_whom)}, by {self.aim_by:%-d %B %Y}"
        )


def lower_first(words: str) -> str:
    """Words that start a sentence, inside one: 'From 55% to 75%' after a colon; an acronym
    first ('NHS staff') stays as it is. (charts.py words the chart with it too.)"""
    first = words.split(" ", 1)[0]
    return words if first.isupper() else words[:1].lower() + words[1:]


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

    class Source(models.TextChoices):
        # Typed in or imported from a file by the project's team.
        ENTERED = "entered", "Entered or imported by the project's team"
        # Worked out from TIP Tracker's own records, at each month end (computed.py).
        COVERAGE = "coverage", "Coverage at a framework level in the project's teams (%)"
        ATTENDED = "attended", "People in the project's teams who attended training in the month"
        AMBASSADORS = "ambassadors", "Trauma ambassadors in the project's teams at the month end"
        # At each quarter end; only named (not anonymous) follow-up answers belong to a team.
        PRACTICE = (
            "practice",
            "People in the project's teams who report a change to their practice at follow-up "
            "(%, each quarter; named answers only)",
        )

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
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENTERED)
    # The framework level (1 to 4) a coverage measure counts.
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    # When a computed measure's values were last worked out; none: due (its data changed).
    refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "id"]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return self.title

    @property
    def computed(self) -> bool:
        return self.source != self.Source.ENTERED


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


class Driver(PartnershipRecord, models.Model):
    """A primary driver (what must be in place to reach the aim) or a secondary driver (what
    must be in place for a primary one) of a project's driver diagram."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary driver"
        SECONDARY = "secondary", "Secondary driver"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="drivers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A secondary driver's primary driver; none for a primary one.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return self.title


class ChangeIdea(PartnershipRecord, models.Model):
    """A change that might help: it serves one or more secondary drivers and is tested in
    PDSA cycles."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_ideas")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return self.title


class ChangeIdeaDriver(models.Model):
    """A secondary driver a change idea serves."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="serves")
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="change_ideas")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change_idea", "driver"], name="one_link_per_idea_driver"
            )
        ]

    def __str__(self) -> str:
        return f"{self.change_idea_id} serves {self.driver_id}"


class PdsaCycle(PartnershipRecord, models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea; cycles of one idea form a ramp."""

    class Act(models.TextChoices):
        ADOPT = "adopt", "Adopt: make it the way we work"
        ADAPT = "adapt", "Adapt: change it and test again"
        ABANDON = "abandon", "Abandon: stop testing it"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cycles")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    # Its place in the idea's ramp: 1 for the first test.
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # Plan
    question = models.TextField()
    prediction = models.TextField()
    who_when_where = models.TextField(blank=True)
    data_to_collect = models.TextField(blank=True)
    # Do
    what_happened = models.TextField(blank=True)
    observations = models.TextField(blank=True)
    # Study
    results = models.TextField(blank=True)
    # Act (blank until the cycle is studied)
    act = models.CharField(max_length=10, choices=Act.choices, blank=True)
    act_notes = models.TextField(blank=True)
    # The cycle that follows from this one's act (adapt: the next test).
    next_cycle = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="previous_cycle"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["change_idea_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["change_idea", "number"], name="one_number_per_ramp")
        ]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return f"PDSA {self.number}: {self.title}"


class PdsaAttachment(models.Model):
    """A file kept with a cycle: a data collection sheet, a photo of a run chart on a wall."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(PdsaCycle, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Consultation(PartnershipRecord, models.Model):
    """An activity of a project's engagement: who was asked, how many took part, what was
    heard and what changed because of it (a review that engages the workforce, partners and
    young people)."""

    class Audience(models.TextChoices):
        WORKFORCE = "workforce", "The workforce"
        PARTNERS = "partners", "Partner organisations"
        YOUNG_PEOPLE = "young-people", "Young people"
        PEOPLE_USING_SERVICES = "people-using-services", "People using services"
        FAMILIES = "families", "Families and carers"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField()
    audience = models.CharField(max_length=30, choices=Audience.choices)
    # What was done: a focus group, a survey, workshops in three youth clubs.
    activity = models.CharField(max_length=200)
    took_part = models.PositiveIntegerField()
    heard = models.TextField()
    changed = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["partnership", "project"])]

    def __str__(self) -> str:
        return f"{self.activity}, {self.held_on:%-d %B %Y}"


track(Project)
track(Consultation)
track(Measure)
track(MeasureValue)
track(Driver)
track(ChangeIdea)
track(PdsaCycle)
