"""The audited reads: a coordinator's list of records, one record, the audit trail, and the
person's own status page. Each shows a person's details (or who saw them), so each writes its
audit event in the same transaction; selectors.py holds the queries underneath. The subject
access export is in export.py."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from tiptracker.lived.audit import PERSON, RouteActor, audit, audit_event, audit_record, check_actor
from tiptracker.lived.models import AuditEvent, RouteRecord
from tiptracker.lived.selectors import audit_trail, record_with_history, records_for_partnership
from tiptracker.lived.tokens import record_for_token


@transaction.atomic
def lived_audit_trail(
    *, actor: RouteActor, partnership_id: int, record_id: int | None = None
) -> Any:
    """The audit trail for a coordinator to read, newest first (reading it is audited too)."""
    check_actor(actor, partnership_id)
    audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=record_id,
        action=AuditEvent.Action.AUDIT_READ,
    )
    return audit_trail(partnership_id=partnership_id, record_id=record_id)


@transaction.atomic
def lived_records_list(
    *,
    actor: RouteActor,
    partnership_id: int,
    paginate: Callable[[QuerySet[RouteRecord]], Sequence[RouteRecord]],
    stage: str = "",
) -> Sequence[RouteRecord]:
    """One page of the partnership's records for a coordinator's list (`paginate` picks the
    page: the pages' Paginator, the API's pagination). Names are shown, so each record shown
    gets its own audit event: the trail says whose name was seen, not just that a list was."""
    check_actor(actor, partnership_id)
    records = records_for_partnership(partnership_id)
    if stage:
        records = records.filter(stage=stage)
    shown = paginate(records)
    AuditEvent.objects.bulk_create(
        audit_event(
            actor=actor,
            partnership_id=partnership_id,
            record_id=record.pk,
            action=AuditEvent.Action.LISTED,
        )
        for record in shown
    )
    return shown


@transaction.atomic
def lived_record_open(*, actor: RouteActor, record_id: int, partnership_id: int) -> RouteRecord:
    """One record with its history, consents and involvements, for a coordinator."""
    check_actor(actor, partnership_id)
    record = record_with_history(partnership_id=partnership_id, record_id=record_id)
    audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=record.pk,
        action=AuditEvent.Action.OPENED,
    )
    return record


@transaction.atomic
def lived_status_for_person(*, token: str) -> RouteRecord | None:
    """What the private link shows the person; None when it opens no record."""
    record = record_for_token(token)
    if record is None:
        return None
    audit_record(PERSON, record, AuditEvent.Action.OPENED)
    return record
