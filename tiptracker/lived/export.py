"""A person's full record, for a subject access request (UK GDPR Art 15), audited as an
export."""

from typing import Any

from django.db import transaction

from tiptracker.lived.audit import RouteActor, audit_record, check_actor
from tiptracker.lived.erasure import retention_days
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    AuditEvent,
    Purpose,
    RouteRecord,
    Stage,
)
from tiptracker.lived.selectors import record_with_history


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@transaction.atomic
def lived_export(*, actor: RouteActor, record: RouteRecord) -> dict[str, Any]:
    """The person's full record, for a subject access request (UK GDPR Art 15): everything
    held about them, with labels a reader understands. Audited as an export."""
    check_actor(actor, record.partnership_id, person_may=True)
    record = record_with_history(partnership_id=record.partnership_id, record_id=record.pk)
    audit_record(actor, record, AuditEvent.Action.EXPORTED)
    return {
        "reference": record.pk,
        "partnership": record.partnership.name,
        "preferred_name": record.preferred_name,
        "email": record.email,
        "phone": record.phone,
        "note": record.note,
        "stage": record.get_stage_display(),
        "interest_first_expressed": record.created_at.isoformat(),
        "interest_last_expressed": record.last_interest_at.isoformat(),
        "ended": record.ended_at.isoformat() if record.ended_at else None,
        "identifying_data_erased": record.erased_at.isoformat() if record.erased_at else None,
        "erased_after_retention_of_days": retention_days(),
        "stages": [
            {
                "from": _label(Stage, change.from_stage) if change.from_stage else None,
                "to": _label(Stage, change.to_stage),
                "on": change.on.isoformat(),
                "recorded_at": change.at.isoformat(),
                "by": "You" if change.by_person else (change.by_name or "TIP Tracker"),
                "note": change.note,
            }
            for change in record.changes.all()
        ],
        "consents": [
            {
                "consent_text_version": consent.consent_text.version,
                "consent_text": consent.consent_text.text,
                "purposes": [_label(Purpose, p) for p in consent.purposes],
                "article_6_basis": _label(Article6Basis, consent.article_6_basis),
                "article_9_condition": _label(Article9Condition, consent.article_9_condition),
                "given_on": consent.given_on.isoformat(),
                "review_on": consent.review_on.isoformat(),
                "recorded_at": consent.recorded_at.isoformat(),
            }
            for consent in record.consents.all()
        ],
        "involvements": [
            {
                "kind": involvement.get_kind_display(),
                "description": involvement.description,
                "start_on": involvement.start_on.isoformat(),
                "end_on": involvement.end_on.isoformat() if involvement.end_on else None,
                "support_offered": involvement.support_offered,
            }
            for involvement in record.involvements.all()
        ],
    }
