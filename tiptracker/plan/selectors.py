"""Reads of the implementation plan: the plan now, the plan on a past date, its history."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from tiptracker.lib.dates import LONDON
from tiptracker.plan.models import Action, Phase, PlanChange, Priority, ProgressUpdate
from tiptracker.plan.services import is_due_soon, is_overdue
from tiptracker.plan.state import shown_state


def actions_for_plan(partnership_id: int, *, with_updates: bool = False) -> QuerySet[Action]:
    """Actions with everything the plan page, the API and the exports show, in a fixed
    number of queries whatever the number of actions (progress updates only for exports)."""
    actions = (
        Action.objects.filter(partnership_id=partnership_id)
        .select_related("phase", "priority", "owner__user", "lead_organisation")
        .prefetch_related("courses", Prefetch("sessions", queryset=_sessions()), "resources")
        .order_by("phase__number", "due_date", "id")
    )
    if with_updates:
        actions = actions.prefetch_related(
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-written_on", "-id"))
        )
    return actions


def _sessions() -> QuerySet:
    from tiptracker.training.models import TrainingSession

    return TrainingSession.objects.select_related("course")


@dataclass
class PlanFlags:
    overdue: int = 0
    due_soon: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass
class PhaseGroup:
    phase: Phase | None
    actions: list[Action]


@dataclass
class PlanView:
    phases: list[PhaseGroup]
    priorities: list[Priority]
    flags: PlanFlags
    years: list[str]


def plan_now(
    partnership_id: int,
    *,
    on: dt.date,
    status: str = "",
    year: str = "",
    with_updates: bool = False,
) -> PlanView:
    """The plan as it is: actions grouped by phase, each flagged overdue or due soon."""
    actions = actions_for_plan(partnership_id, with_updates=with_updates)
    priorities = list(Priority.objects.filter(partnership_id=partnership_id))
    years = sorted({p.financial_year for p in priorities}, reverse=True)
    flags = PlanFlags(by_status={s: 0 for s in Action.Status.values})
    groups: dict[int | None, list[Action]] = defaultdict(list)
    for action in actions:
        action.overdue = is_overdue(action, on)  # type: ignore[attr-defined]
        action.due_soon = is_due_soon(action, on)  # type: ignore[attr-defined]
        flags.overdue += action.overdue  # type: ignore[attr-defined]
        flags.due_soon += action.due_soon  # type: ignore[attr-defined]
        flags.by_status[action.status] += 1
        if status == "flagged" and not (action.overdue or action.due_soon):  # type: ignore[attr-defined]
            continue
        if status and status != "flagged" and action.status != status:
            continue
        if year and (action.priority is None or action.priority.financial_year != year):
            continue
        groups[action.phase_id].append(action)
    phases = [
        PhaseGroup(phase, groups.pop(phase.pk, []))
        for phase in Phase.objects.filter(partnership_id=partnership_id)
    ]
    if groups.get(None):
        phases.append(PhaseGroup(None, groups[None]))
    if year:
        priorities = [p for p in priorities if p.financial_year == year]
    return PlanView(phases=phases, priorities=priorities, flags=flags, years=years)


# The plan on a past date ---------------------------------------------------------------------


@dataclass
class PastThing:
    entity_id: int
    state: dict[str, Any]
    fields: list[tuple[str, str]]
    updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PastPlan:
    on: dt.date
    phases: list[tuple[PastThing | None, list[PastThing]]]
    priorities: list[PastThing]
    changes_after: int

    @property
    def day_after(self) -> dt.date:
        return self.on + dt.timedelta(days=1)


def plan_as_it_stood(partnership_id: int, on: dt.date) -> PastPlan:
    """Rebuild the plan at the end of `on` from the history: the latest state of each thing
    changed by then, leaving out those deleted by then."""
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    latest: dict[tuple[str, int], tuple[str, dict]] = {}
    rows = (
        PlanChange.objects.filter(partnership_id=partnership_id, at__lt=end)
        .order_by("at", "id")
        .values_list("entity", "entity_id", "verb", "state")
        .iterator(chunk_size=2000)
    )
    for entity, entity_id, verb, state in rows:
        latest[(entity, entity_id)] = (verb, state)
    alive = {key: state for key, (verb, state) in latest.items() if verb != PlanChange.Verb.DELETED}

    def things(entity: str) -> list[PastThing]:
        return [
            PastThing(entity_id, state, shown_state(entity, state))
            for (kind, entity_id), state in alive.items()
            if kind == entity
        ]

    actions = things("action")
    by_action = {a.entity_id: a for a in actions}
    for update in things("update"):
        owner = by_action.get(int(update.state.get("action_id") or 0))
        if owner is not None:
            written = dt.date.fromisoformat(update.state["written_on"])
            owner.updates.append({**update.state, "written_on_shown": f"{written:%-d %B %Y}"})
    for action in actions:
        action.updates.sort(key=lambda u: u["written_on"], reverse=True)
    actions.sort(key=lambda a: (a.state.get("due_date") or "9999", a.entity_id))
    phases = sorted(things("phase"), key=lambda p: (p.state["number"], p.entity_id))
    priorities = sorted(
        things("priority"), key=lambda p: (p.state["financial_year"], p.state["number"])
    )
    grouped: list[tuple[PastThing | None, list[PastThing]]] = [
        (phase, [a for a in actions if a.state.get("phase_id") == phase.entity_id])
        for phase in phases
    ]
    phase_ids = {p.entity_id for p in phases}
    loose = [a for a in actions if a.state.get("phase_id") not in phase_ids]
    if loose:
        grouped.append((None, loose))
    after = PlanChange.objects.filter(partnership_id=partnership_id, at__gte=end).count()
    return PastPlan(on=on, phases=grouped, priorities=priorities, changes_after=after)


def plan_changes(
    partnership_id: int,
    *,
    since: dt.datetime | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[PlanChange]:
    """Changes newest first; `start` and `end` are whole days in the UK, both included."""
    changes = PlanChange.objects.filter(partnership_id=partnership_id)
    if since is not None:
        changes = changes.filter(at__gte=since)
    if start is not None:
        changes = changes.filter(at__gte=dt.datetime.combine(start, dt.time(), tzinfo=LONDON))
    if end is not None:
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
        changes = changes.filter(at__lt=after)
    return changes.order_by("-at", "-id")


def action_changes(action: Action) -> QuerySet[PlanChange]:
    return PlanChange.objects.filter(
        partnership_id=action.partnership_id,
        entity=PlanChange.Entity.ACTION,
        entity_id=action.pk,
    ).order_by("-at", "-id")


def plan_summary(partnership_id: int, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Figures for the board report: actions completed in the period, and at risk, off track
    and overdue at its end."""
    start_at = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    complete = Action.Status.COMPLETE.label
    completed = {
        entity_id
        for entity_id, changes in PlanChange.objects.filter(
            partnership_id=partnership_id,
            entity=PlanChange.Entity.ACTION,
            at__gte=start_at,
            at__lt=end_at,
        ).values_list("entity_id", "changes")
        if any(label == "Status" and after == complete for label, _before, after in changes)
    }
    past = plan_as_it_stood(partnership_id, end)
    states = [a.state for _phase, actions in past.phases for a in actions]
    open_states = [s for s in states if s["status"] not in ("complete", "cancelled")]
    return {
        "actions": len(states),
        "completed_in_period": len(completed),
        "at_risk": sum(s["status"] == "at_risk" for s in states),
        "off_track": sum(s["status"] == "off_track" for s in states),
        "overdue": sum(
            bool(s["due_date"]) and s["due_date"] < end.isoformat() for s in open_states
        ),
    }
