"""What the history keeps of each thing in the plan: its state as plain, displayable values.

A change records the state after it; the difference between two states, field by field,
is what the timeline shows. States keep names as they were at the time (an organisation
renamed later still shows its old name in the plan as it stood then).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.plan.models import Action, Phase, Priority

# entity -> [(key in the state, label shown)]: the fields a timeline compares.
LABELS: dict[str, list[tuple[str, str]]] = {
    "phase": [("number", "Number"), ("title", "Title"), ("description", "Description")],
    "priority": [
        ("financial_year", "Financial year"),
        ("number", "Number"),
        ("title", "Title"),
        ("description", "Description"),
    ],
    "action": [
        ("title", "Title"),
        ("description", "Description"),
        ("phase", "Phase"),
        ("priority", "Priority"),
        ("owner", "Owner"),
        ("lead_organisation", "Lead organisation"),
        ("start_date", "Start date"),
        ("due_date", "Due date"),
        ("status", "Status"),
        ("evidence", "Evidence"),
    ],
    "update": [("written_on", "Date"), ("text", "Update")],
}


def phase_state(phase: Phase) -> dict[str, Any]:
    return {"number": phase.number, "title": phase.title, "description": phase.description}


def priority_state(priority: Priority) -> dict[str, Any]:
    return {
        "financial_year": priority.financial_year,
        "number": priority.number,
        "title": priority.title,
        "description": priority.description,
    }


# What shapes the plan is the administrators' to change; an action's owner updates the rest
# (status, description, dates and evidence).
ADMIN_ONLY = ("title", "phase", "priority", "owner", "owner_group", "lead_organisation")


@dataclass(frozen=True)
class ActionFields:
    """What a person sets on an action: the same for adding and for editing."""

    title: str
    description: str = ""
    phase: Phase | None = None
    priority: Priority | None = None
    owner: Membership | None = None
    owner_group: str = ""
    lead_organisation: Organisation | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    status: str = Action.Status.NOT_STARTED
    courses: tuple = ()
    sessions: tuple = ()
    resources: tuple = ()

    @classmethod
    def of(cls, action: Action) -> "ActionFields":
        return cls(
            title=action.title,
            description=action.description,
            phase=action.phase,
            priority=action.priority,
            owner=action.owner,
            owner_group=action.owner_group,
            lead_organisation=action.lead_organisation,
            start_date=action.start_date,
            due_date=action.due_date,
            status=action.status,
            courses=tuple(action.courses.all()),
            sessions=tuple(action.sessions.select_related("course").all()),
            resources=tuple(action.resources.all()),
        )

    def check(self, partnership_id: int) -> None:
        if not self.title.strip():
            raise ValidationError({"title": "Enter the action"})
        if self.status not in Action.Status.values:
            raise ValidationError({"status": "Choose one of the statuses"})
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": "The due date must be the same as or after the start date"}
            )
        if self.owner is not None and self.owner.partnership_id != partnership_id:
            raise ValidationError({"owner": "The owner must be a member of this partnership"})
        if self.owner is None and not self.owner_group.strip():
            raise ValidationError(
                {"owner": "Choose the member who owns the action, or name the group that owns it"}
            )
        if self.owner is not None and self.owner_group.strip():
            raise ValidationError(
                {"owner_group": "Give either a member or a group as the owner, not both"}
            )
        for name in ("phase", "priority", "lead_organisation", "courses", "sessions", "resources"):
            value = getattr(self, name)
            for item in value if isinstance(value, tuple) else [value]:
                if item is not None and item.partnership_id != partnership_id:
                    raise ValidationError({name: "That belongs to another partnership"})

    def changed(self, other: "ActionFields") -> list[str]:
        """The names of the fields that differ from `other`."""
        return [
            name
            for name in self.__dataclass_fields__
            if getattr(self, name) != getattr(other, name)
        ]

    def apply(self, action: Action) -> None:
        for name in ("description", "phase", "priority", "owner", "lead_organisation"):
            setattr(action, name, getattr(self, name))
        action.start_date, action.due_date, action.status = (
            self.start_date,
            self.due_date,
            self.status,
        )
        action.title = self.title.strip()
        action.owner_group = self.owner_group.strip()

    def apply_links(self, action: Action) -> None:
        action.courses.set(self.courses)
        action.sessions.set(self.sessions)
        action.resources.set(self.resources)

    def state(self) -> dict[str, Any]:
        owner = ""
        if self.owner is not None:
            user = self.owner.user
            owner = user.get_full_name() or user.email or user.username
        return {
            "title": self.title.strip(),
            "description": self.description,
            "phase_id": self.phase.pk if self.phase else None,
            "phase": str(self.phase) if self.phase else "",
            "priority_id": self.priority.pk if self.priority else None,
            "priority": str(self.priority) if self.priority else "",
            "owner": owner or self.owner_group.strip(),
            "lead_organisation": self.lead_organisation.name if self.lead_organisation else "",
            "start_date": self.start_date.isoformat() if self.start_date else "",
            "due_date": self.due_date.isoformat() if self.due_date else "",
            "status": self.status,
            "evidence": sorted(f"Course: {c.title}" for c in self.courses)
            + [
                f"Session: {s}"
                for s in sorted(self.sessions, key=lambda session: session.starts_at)
            ]
            + sorted(f"Resource: {r.title}" for r in self.resources),
        }


def action_state(action: Action) -> dict[str, Any]:
    return ActionFields.of(action).state()


def _shown(key: str, value: Any) -> str:
    if key == "status":
        return Action.Status(value).label if value in Action.Status.values else str(value)
    if key in ("start_date", "due_date", "written_on") and value:
        return f"{dt.date.fromisoformat(value):%-d %B %Y}"
    if isinstance(value, list):
        return "; ".join(value)
    return "" if value is None else str(value)


def state_changes(entity: str, before: dict | None, after: dict) -> list[list[str]]:
    """[[label, before, after], ...] for each field that differs (all set fields when added)."""
    found = []
    for key, label in LABELS[entity]:
        old = _shown(key, before.get(key)) if before else ""
        new = _shown(key, after.get(key))
        if old != new:
            found.append([label, old, new])
    return found


def shown_state(entity: str, state: dict) -> list[tuple[str, str]]:
    """(label, value) for every field of a state, for a page showing it whole."""
    return [(label, _shown(key, state.get(key))) for key, label in LABELS[entity]]


def side_by_side(entity: str, mine: dict, saved: dict) -> list[tuple[str, str, str, bool]]:
    """(label, my value, the saved value, whether they differ) for an edit conflict."""
    rows = []
    for key, label in LABELS[entity]:
        a, b = _shown(key, mine.get(key)), _shown(key, saved.get(key))
        rows.append((label, a, b, a != b))
    return rows
