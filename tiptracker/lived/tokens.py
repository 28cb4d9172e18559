"""The person's private link: a token shown to them once, of which the record keeps only a
hash, and the record a token opens."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.lived.audit import RouteActor, audit_record, check_actor
from tiptracker.lived.models import AuditEvent, RouteRecord


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(record: RouteRecord) -> str:
    token = secrets.token_urlsafe(32)
    record.token_hash = _token_hash(token)
    return token


def record_for_token(token: str) -> RouteRecord | None:
    """The record a private link's token opens, or None (unknown, or purged)."""
    if not token:
        return None
    return RouteRecord.objects.filter(token_hash=_token_hash(token)).first()


@transaction.atomic
def lived_link_reissue(*, actor: RouteActor, record: RouteRecord) -> str:
    """A new private link for the person (the old one stops working), for a coordinator to
    send to the contact details on record."""
    check_actor(actor, record.partnership_id)
    record = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if record.erased_at is not None:
        raise ValidationError("This record has been erased: there is nobody to send a link to")
    token = new_token(record)
    record.save(update_fields=["token_hash"])
    audit_record(actor, record, AuditEvent.Action.LINK_REISSUED)
    return token
