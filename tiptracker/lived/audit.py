"""Who may act on the lived-experience route, and the audit trail every action writes.

The actor is a lived-experience coordinator's Membership in the record's partnership, or
PERSON (the person themself, through their private link); anyone else is refused
(PermissionDenied, by check_actor) whatever the page in front of it checked. Every service of
the route runs in one transaction and writes its AuditEvent in it, through the writers here:
a change that is not audited does not happen. The events that belong to no record are here
too: a coordinator unlocking the workspace, someone made or unmade a coordinator, a
coordinator's second factor removed.

This module imports nothing from the lived app but its models: every other module of the
route imports it.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.users import user_name
from tiptracker.lived.models import AuditEvent, RouteRecord
from tiptracker.partnerships.models import Membership, Role


class Person:
    """The person the record is about, acting through their private link."""

    def __repr__(self) -> str:
        return "PERSON"


PERSON = Person()
# Who acts on the route: a coordinator (their membership: the audit trail names them and
# their role) or the person themselves, through their private link. The domain apps' services
# take partnerships.actors.Actor instead (a user, or None for the system).
RouteActor = Membership | Person


def check_actor(actor: RouteActor, partnership_id: int, *, person_may: bool = False) -> None:
    if isinstance(actor, Person):
        if person_may:
            return
        raise PermissionDenied("Only a lived-experience coordinator can do this")
    if not (
        isinstance(actor, Membership)
        and actor.role == Role.LE_COORDINATOR
        and actor.partnership_id == partnership_id
    ):
        raise PermissionDenied("Only the partnership's lived-experience coordinators can do this")


def name_of(actor: RouteActor | None) -> str:
    return user_name(actor.user) if isinstance(actor, Membership) else ""


def audit_event(
    *,
    actor: RouteActor | None,
    partnership_id: int,
    record_id: int | None,
    action: str,
    actor_name: str = "",
    subject_name: str = "",
) -> AuditEvent:
    """An audit event, not yet saved: every event of the trail is made here."""
    return AuditEvent(
        partnership_id=partnership_id,
        at=timezone.now(),
        actor=actor if isinstance(actor, Membership) else None,
        actor_name=actor_name or name_of(actor),
        by_person=isinstance(actor, Person),
        record_id=record_id,
        action=action,
        subject_name=subject_name,
    )


def audit(**fields: Any) -> AuditEvent:
    event = audit_event(**fields)
    event.save()
    return event


def audit_record(actor: RouteActor | None, record: RouteRecord, action: str) -> AuditEvent:
    """The event of something done to (or seen of) one record."""
    return audit(
        actor=actor, partnership_id=record.partnership_id, record_id=record.pk, action=action
    )


@transaction.atomic
def lived_workspace_unlock(*, actor: RouteActor, partnership_id: int, ok: bool) -> None:
    """A coordinator confirmed their password and second factor (ok), or was refused."""
    check_actor(actor, partnership_id)
    audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=None,
        action=AuditEvent.Action.UNLOCKED if ok else AuditEvent.Action.UNLOCK_REFUSED,
    )


def lived_coordinator_role_audit(
    *, partnership_id: int, by: Membership | None, by_name: str, subject: Membership, granted: bool
) -> None:
    """Someone was made a lived-experience coordinator, or stopped being one: the
    coordinators see it in their audit trail, whoever did it (an administrator on the members
    page, or a superuser in the admin site). Called inside the caller's transaction."""
    audit(
        actor=by,
        actor_name=by_name,
        partnership_id=partnership_id,
        record_id=None,
        subject_name=name_of(subject),
        action=(
            AuditEvent.Action.COORDINATOR_GRANTED
            if granted
            else AuditEvent.Action.COORDINATOR_REMOVED
        ),
    )


def lived_second_factor_removed_audit(*, user: Any, by_name: str) -> None:
    """A coordinator's authenticator was removed (in the admin site, to reset a lost phone):
    their next opening of the workspace sets up a new one. The coordinators of each of their
    partnerships see it in the audit trail. Called inside the caller's transaction."""
    for membership in Membership.objects.filter(user=user, role=Role.LE_COORDINATOR):
        audit(
            actor=None,
            actor_name=by_name,
            partnership_id=membership.partnership_id,
            record_id=None,
            subject_name=name_of(membership),
            action=AuditEvent.Action.SECOND_FACTOR_REMOVED,
        )
