"""Consent and involvement: the partnership's consent texts, the consent a person gives
after the discussion (which moves their record to consent recorded), and what an involved
person contributed to. Each function runs in one transaction and writes its audit event in
it (audit.py)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.lived.audit import RouteActor, audit, audit_record, check_actor
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    AuditEvent,
    ConsentRecord,
    ConsentText,
    Involvement,
    Purpose,
    RouteRecord,
    Stage,
)
from tiptracker.lived.route import move
from tiptracker.partnerships.models import Membership


@transaction.atomic
def lived_consent_text_publish(*, actor: RouteActor, partnership_id: int, text: str) -> ConsentText:
    """A new version of the consent text (the earlier ones stay, as people agreed to them)."""
    check_actor(actor, partnership_id)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the consent text"})
    latest = (
        ConsentText.objects.select_for_update()
        .filter(partnership_id=partnership_id)
        .order_by("-version")
        .first()
    )
    consent_text = ConsentText.objects.create(
        partnership_id=partnership_id,
        version=(latest.version + 1) if latest else 1,
        text=text,
        published_at=timezone.now(),
        published_by=actor if isinstance(actor, Membership) else None,
    )
    audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=None,
        action=AuditEvent.Action.CONSENT_TEXT_PUBLISHED,
    )
    return consent_text


@transaction.atomic
def lived_consent_record(
    *,
    actor: RouteActor,
    record: RouteRecord,
    consent_text: ConsentText,
    purposes: list[str],
    article_6_basis: str,
    article_9_condition: str,
    given_on: dt.date,
    review_on: dt.date,
    note: str = "",
) -> ConsentRecord:
    """Record the consent given after the discussion, and move the record to consent
    recorded. The bases are the partnership's choice and must be given: none is assumed."""
    check_actor(actor, record.partnership_id)
    errors: dict[str, str] = {}
    if consent_text.partnership_id != record.partnership_id:
        errors["consent_text"] = "Choose one of this partnership's consent texts"
    if not purposes or any(p not in Purpose.values for p in purposes):
        errors["purposes"] = "Choose at least one purpose the person agreed to"
    if article_6_basis not in Article6Basis.values:
        errors["article_6_basis"] = "Choose the Article 6 lawful basis the partnership relies on"
    if article_9_condition not in Article9Condition.values:
        errors["article_9_condition"] = (
            "Choose the Article 9(2) condition the partnership relies on"
        )
    if given_on > today():
        errors["given_on"] = "The date consent was given cannot be in the future"
    elif review_on <= given_on:
        errors["review_on"] = "The review date must be after the date consent was given"
    if errors:
        raise ValidationError(errors)
    move(actor=actor, record=record, to=Stage.CONSENT_RECORDED, on=given_on, note=note)
    consent = ConsentRecord.objects.create(
        record=record,
        consent_text=consent_text,
        purposes=list(dict.fromkeys(purposes)),
        article_6_basis=article_6_basis,
        article_9_condition=article_9_condition,
        given_on=given_on,
        review_on=review_on,
        recorded_at=timezone.now(),
        recorded_by=actor if isinstance(actor, Membership) else None,
    )
    audit_record(actor, record, AuditEvent.Action.CONSENT_RECORDED)
    return consent


@transaction.atomic
def lived_involvement_add(
    *,
    actor: RouteActor,
    record: RouteRecord,
    kind: str,
    start_on: dt.date,
    end_on: dt.date | None = None,
    description: str = "",
    support_offered: str = "",
) -> Involvement:
    """What an involved person contributed to, and the support offered for it."""
    check_actor(actor, record.partnership_id)
    record = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if record.stage != Stage.INVOLVED:
        raise ValidationError(
            f"Involvement is recorded for a person who is involved; this record is at "
            f"“{record.get_stage_display()}”."
        )
    if kind not in Involvement.Kind.values:
        raise ValidationError({"kind": "Choose what the person contributed to"})
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": "The end date must be on or after the start date"})
    involvement = Involvement.objects.create(
        record=record,
        kind=kind,
        description=description.strip(),
        start_on=start_on,
        end_on=end_on,
        support_offered=support_offered.strip(),
        recorded_at=timezone.now(),
        recorded_by=actor if isinstance(actor, Membership) else None,
    )
    audit_record(actor, record, AuditEvent.Action.INVOLVEMENT_ADDED)
    return involvement
