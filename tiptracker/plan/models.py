"""The living implementation plan: phases, priorities for a financial year, actions and their
progress updates, and the history of every change to any of them.

Phases, priorities and actions carry a `version` that each save raises by one: a save made
from an older version is refused (see services.EditConflict), so two people editing the
same thing never silently overwrite each other.
"""

from django.conf import settings
from django.db import models

from tiptracker.partnerships.models import Membership, Organisation, Partnership


class Phase(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(help_text="Phases are shown in this order")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="phase_number_once")
        ]

    def __str__(self) -> str:
        return f"Phase {self.number}: {self.title}"


class Priority(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    financial_year = models.CharField(max_length=7, help_text="For example 2022/23")
    number = models.PositiveSmallIntegerField(help_text="Priorities are shown in this order")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-financial_year", "number", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "financial_year", "number"], name="priority_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.financial_year} priority {self.number}: {self.title}"


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"  # planned; work has not begun
        ON_TRACK = "on_track", "On track"  # under way and expected by its due date
        AT_RISK = "at_risk", "At risk"  # under way; the due date may be missed
        OFF_TRACK = "off_track", "Off track"  # will miss its due date without a change
        COMPLETE = "complete", "Complete"  # done: no longer flagged as due
        CANCELLED = "cancelled", "Cancelled"  # dropped: kept for the record, never flagged

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # The owner is a person (a member of the partnership: they may update the action and
    # get the weekly digest) or a group named in words, such as "Trauma Steering Group".
    owner = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner_group = models.CharField(max_length=200, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # What evidences the action.
    courses = models.ManyToManyField("training.Course", blank=True, related_name="+")
    sessions = models.ManyToManyField("training.TrainingSession", blank=True, related_name="+")
    resources = models.ManyToManyField("resources.Resource", blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["partnership", "status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="action_due_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_id:
            user = self.owner.user  # type: ignore[union-attr]
            return user.get_full_name() or user.email or user.username
        return self.owner_group

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETE, self.Status.CANCELLED)


class ProgressUpdate(models.Model):
    """A dated note of progress on an action, by its author. Kept as written: never edited."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.action} ({self.written_on:%d/%m/%Y})"


class PlanChange(models.Model):
    """One change to the plan: who, when, what changed field by field, and the whole of the
    thing as it stood afterwards, so that the plan on any past date can be rebuilt.

    Written by the service that makes the change, in its transaction; never edited.
    """

    class Entity(models.TextChoices):
        PHASE = "phase", "Phase"
        PRIORITY = "priority", "Priority"
        ACTION = "action", "Action"
        UPDATE = "update", "Progress update"

    class Verb(models.TextChoices):
        CREATED = "created", "Added"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    entity = models.CharField(max_length=20, choices=Entity.choices)
    entity_id = models.PositiveIntegerField()
    verb = models.CharField(max_length=20, choices=Verb.choices)
    title = models.CharField(max_length=300)  # the thing's title when changed
    # [[field label, before, after], ...] as shown to people.
    changes = models.JSONField(default=list)
    # The whole thing after the change (before it, for a deletion).
    state = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "at"]),
            models.Index(fields=["partnership", "entity", "entity_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} {self.entity} {self.title}"


class DigestSent(models.Model):
    """That an owner's weekly digest went out for a week: one row per owner per week, so two
    workers never both send it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "week_starting"], name="digest_weekly")
        ]

    def __str__(self) -> str:
        return f"Digest to {self.membership} for the week of {self.week_starting}"
