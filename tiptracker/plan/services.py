"""Writes to the implementation plan. Each one records a PlanChange in its own transaction.

Editing is protected against lost updates: every save names the version it was made from;
the save first moves the row from that version to the next with one conditional UPDATE, so
if someone else saved in between (the row has moved on), nothing is written and
EditConflict says who saved what, for the page to show both versions side by side.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tiptracker import notifications
from tiptracker.lib.dates import today as today_in_london
from tiptracker.lib.money import FinancialYear
from tiptracker.lib.users import user_name
from tiptracker.partnerships.actors import Actor
from tiptracker.partnerships.models import Membership
from tiptracker.plan.models import (
    Action,
    DigestSent,
    Phase,
    PlanChange,
    Priority,
    ProgressUpdate,
)
from tiptracker.plan.state import (
    ADMIN_ONLY,
    ActionFields,
    action_state,
    phase_state,
    priority_state,
    state_changes,
)

DUE_SOON_DAYS = 14


class EditConflict(Exception):
    """A save made from an old version: someone else saved since. Carries the current row and
    the change that made it, so both versions can be shown."""

    def __init__(self, current: Any, change: PlanChange | None) -> None:
        super().__init__("Someone else saved this while you were editing it")
        self.current = current
        self.change = change


def actor_name(actor: Actor) -> str:
    if actor is None:
        return "TIP Tracker"
    return user_name(actor)


def _record(
    *,
    actor: Actor,
    partnership_id: int,
    entity: str,
    entity_id: int,
    verb: str,
    title: str,
    before: dict | None,
    after: dict,
) -> PlanChange | None:
    changes = state_changes(entity, before, after)
    if verb == PlanChange.Verb.CHANGED and not changes:
        return None  # saved as it was: nothing to tell
    return PlanChange.objects.create(
        partnership_id=partnership_id,
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name(actor),
        entity=entity,
        entity_id=entity_id,
        verb=verb,
        title=title[:300],
        changes=changes,
        state=after,
    )


def last_change(entity: str, entity_id: int) -> PlanChange | None:
    return (
        PlanChange.objects.filter(entity=entity, entity_id=entity_id).order_by("-at", "-id").first()
    )


def _claim_version(model: type[models.Model], pk: int, version: int, entity: str) -> None:
    """Move the row from `version` to the next, or raise EditConflict if it has moved on."""
    moved = model._default_manager.filter(pk=pk, version=version).update(version=F("version") + 1)
    if not moved:
        current = model._default_manager.get(pk=pk)
        raise EditConflict(current, last_change(entity, pk))


# Checks ---------------------------------------------------------------------------------------


def check_financial_year(value: str) -> str:
    """'2022/23' with consecutive years; anything else is refused saying what form it takes."""
    try:
        return str(FinancialYear.parse(value))
    except ValueError as problem:
        raise ValidationError({"financial_year": str(problem)}) from None


# Phases and priorities --------------------------------------------------------------------------


@transaction.atomic
def phase_create(
    *, actor: Actor, partnership_id: int, number: int, title: str, description: str = ""
) -> Phase:
    if Phase.objects.filter(partnership_id=partnership_id, number=number).exists():
        raise ValidationError({"number": f"There is already a phase {number}"})
    phase = Phase.objects.create(
        partnership_id=partnership_id, number=number, title=title, description=description
    )
    _record(
        actor=actor,
        partnership_id=partnership_id,
        entity=PlanChange.Entity.PHASE,
        entity_id=phase.pk,
        verb=PlanChange.Verb.CREATED,
        title=str(phase),
        before=None,
        after=phase_state(phase),
    )
    return phase


@transaction.atomic
def phase_update(
    *, actor: Actor, phase: Phase, version: int, number: int, title: str, description: str = ""
) -> Phase:
    if (
        Phase.objects.filter(partnership_id=phase.partnership_id, number=number)
        .exclude(pk=phase.pk)
        .exists()
    ):
        raise ValidationError({"number": f"There is already a phase {number}"})
    before = phase_state(Phase.objects.get(pk=phase.pk))
    _claim_version(Phase, phase.pk, version, PlanChange.Entity.PHASE)
    phase.refresh_from_db()
    phase.number, phase.title, phase.description = number, title, description
    phase.save()
    _record(
        actor=actor,
        partnership_id=phase.partnership_id,
        entity=PlanChange.Entity.PHASE,
        entity_id=phase.pk,
        verb=PlanChange.Verb.CHANGED,
        title=str(phase),
        before=before,
        after=phase_state(phase),
    )
    return phase


@transaction.atomic
def priority_create(
    *,
    actor: Actor,
    partnership_id: int,
    financial_year: str,
    number: int,
    title: str,
    description: str = "",
) -> Priority:
    financial_year = check_financial_year(financial_year)
    if Priority.objects.filter(
        partnership_id=partnership_id, financial_year=financial_year, number=number
    ).exists():
        raise ValidationError(
            {"number": f"There is already a priority {number} for {financial_year}"}
        )
    priority = Priority.objects.create(
        partnership_id=partnership_id,
        financial_year=financial_year,
        number=number,
        title=title,
        description=description,
    )
    _record(
        actor=actor,
        partnership_id=partnership_id,
        entity=PlanChange.Entity.PRIORITY,
        entity_id=priority.pk,
        verb=PlanChange.Verb.CREATED,
        title=str(priority),
        before=None,
        after=priority_state(priority),
    )
    return priority


@transaction.atomic
def priority_update(
    *,
    actor: Actor,
    priority: Priority,
    version: int,
    financial_year: str,
    number: int,
    title: str,
    description: str = "",
) -> Priority:
    financial_year = check_financial_year(financial_year)
    if (
        Priority.objects.filter(
            partnership_id=priority.partnership_id, financial_year=financial_year, number=number
        )
        .exclude(pk=priority.pk)
        .exists()
    ):
        raise ValidationError(
            {"number": f"There is already a priority {number} for {financial_year}"}
        )
    before = priority_state(Priority.objects.get(pk=priority.pk))
    _claim_version(Priority, priority.pk, version, PlanChange.Entity.PRIORITY)
    priority.refresh_from_db()
    priority.financial_year, priority.number = financial_year, number
    priority.title, priority.description = title, description
    priority.save()
    _record(
        actor=actor,
        partnership_id=priority.partnership_id,
        entity=PlanChange.Entity.PRIORITY,
        entity_id=priority.pk,
        verb=PlanChange.Verb.CHANGED,
        title=str(priority),
        before=before,
        after=priority_state(priority),
    )
    return priority


# Actions ----------------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, actor: Actor, partnership_id: int, fields: ActionFields) -> Action:
    fields.check(partnership_id)
    action = Action(partnership_id=partnership_id)
    fields.apply(action)
    action.save()
    fields.apply_links(action)
    _record(
        actor=actor,
        partnership_id=partnership_id,
        entity=PlanChange.Entity.ACTION,
        entity_id=action.pk,
        verb=PlanChange.Verb.CREATED,
        title=action.title,
        before=None,
        after=action_state(action),
    )
    return action


@transaction.atomic
def action_update(
    *, actor: Actor, action: Action, version: int, fields: ActionFields, as_owner: bool = False
) -> Action:
    """Save `fields` over the action, as edited from `version`. Raises EditConflict if the
    action has been saved since, and writes nothing. `as_owner`: the caller is the action's
    owner, not an administrator, and may not change what shapes the plan (ADMIN_ONLY)."""
    fields.check(action.partnership_id)
    saved = ActionFields.of(Action.objects.get(pk=action.pk))
    if as_owner:
        theirs = [name for name in fields.changed(saved) if name in ADMIN_ONLY]
        if theirs:
            raise ValidationError(
                {
                    name: "Only an administrator can change this: as the action's owner you "
                    "can change its status, description, dates and evidence"
                    for name in theirs
                }
            )
    before = saved.state()
    _claim_version(Action, action.pk, version, PlanChange.Entity.ACTION)
    action.refresh_from_db()
    fields.apply(action)
    action.save()
    fields.apply_links(action)
    after = action_state(action)
    _record(
        actor=actor,
        partnership_id=action.partnership_id,
        entity=PlanChange.Entity.ACTION,
        entity_id=action.pk,
        verb=PlanChange.Verb.CHANGED,
        title=action.title,
        before=before,
        after=after,
    )
    return action


@transaction.atomic
def actions_unlink_resource(*, actor: Actor, resource: Any) -> None:
    """A resource is going: the actions it evidenced lose it, each change recorded. Their
    version moves on, so anyone editing one of them is shown the change before saving."""
    for action in Action.objects.filter(resources=resource):
        before = action_state(action)
        action.resources.remove(resource)
        Action.objects.filter(pk=action.pk).update(version=F("version") + 1)
        _record(
            actor=actor,
            partnership_id=action.partnership_id,
            entity=PlanChange.Entity.ACTION,
            entity_id=action.pk,
            verb=PlanChange.Verb.CHANGED,
            title=action.title,
            before=before,
            after=action_state(action),
        )


@transaction.atomic
def action_delete(*, actor: Actor, action: Action) -> None:
    state = action_state(action)
    _record(
        actor=actor,
        partnership_id=action.partnership_id,
        entity=PlanChange.Entity.ACTION,
        entity_id=action.pk,
        verb=PlanChange.Verb.DELETED,
        title=action.title,
        before=None,
        after=state,
    )
    action.delete()


@transaction.atomic
def progress_update_add(
    *, actor: Actor, action: Action, written_on: dt.date, text: str
) -> ProgressUpdate:
    if not text.strip():
        raise ValidationError({"text": "Enter what has happened"})
    if written_on > today_in_london():
        raise ValidationError({"written_on": "The date of an update cannot be in the future"})
    update = ProgressUpdate.objects.create(
        partnership_id=action.partnership_id,
        action=action,
        written_on=written_on,
        text=text.strip(),
        author=actor,
        author_name=actor_name(actor),
    )
    _record(
        actor=actor,
        partnership_id=action.partnership_id,
        entity=PlanChange.Entity.UPDATE,
        entity_id=update.pk,
        verb=PlanChange.Verb.CREATED,
        title=action.title,
        before=None,
        after={
            "action_id": action.pk,
            "written_on": written_on.isoformat(),
            "text": update.text,
            "author": update.author_name,
        },
    )
    return update


# Flags and the weekly digest ------------------------------------------------------------------


def is_overdue(action: Action, on: dt.date) -> bool:
    return action.is_open and action.due_date is not None and action.due_date < on


def is_due_soon(action: Action, on: dt.date) -> bool:
    return (
        action.is_open
        and action.due_date is not None
        and on <= action.due_date <= on + dt.timedelta(days=DUE_SOON_DAYS)
    )


def plan_digests_send(*, on: dt.date | None = None) -> int:
    """Send each owner with overdue or due-soon actions one digest a week; returns how many
    went. The DigestSent row for the week is inserted before sending: a second worker's
    insert fails on the unique constraint, so nobody gets two."""
    on = on or today_in_london()
    week_starting = on - dt.timedelta(days=on.weekday())
    horizon = on + dt.timedelta(days=DUE_SOON_DAYS)
    due = (
        Action.objects.filter(owner__isnull=False, due_date__lte=horizon)
        .exclude(status__in=[Action.Status.COMPLETE, Action.Status.CANCELLED])
        # Owners already sent this week's digest cost nothing more (send-due --loop polls).
        .exclude(
            owner_id__in=DigestSent.objects.filter(week_starting=week_starting).values(
                "membership_id"
            )
        )
        .select_related("owner__user", "owner__partnership")
        .order_by("owner_id", "due_date", "id")
    )
    by_owner: dict[int, list[Action]] = {}
    for action in due:
        by_owner.setdefault(action.owner_id, []).append(action)  # type: ignore[arg-type]
    sent = 0
    for actions in by_owner.values():
        owner = actions[0].owner
        assert owner is not None
        if not owner.user.email:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    partnership_id=owner.partnership_id,
                    membership=owner,
                    week_starting=week_starting,
                )
        except IntegrityError:
            continue  # already sent this week
        _send_digest(owner, actions, on)
        sent += 1
    return sent


def _send_digest(owner: Membership, actions: Iterable[Action], on: dt.date) -> None:
    partnership = owner.partnership
    notifications.send_now(
        "plan_digest",
        to=owner.user.email,
        context={
            "name": owner.user.first_name or owner.user.get_username(),
            "partnership": partnership.name,
            "days": DUE_SOON_DAYS,
            "actions": [
                {
                    "title": action.title,
                    # The status's words, as the plan page shows them.
                    "status": action.get_status_display(),
                    "overdue": is_overdue(action, on),
                    "due_date": action.due_date,
                }
                for action in actions
            ],
        },
        link=f"{reverse('plan', args=[partnership.slug])}?status=flagged",
    )
