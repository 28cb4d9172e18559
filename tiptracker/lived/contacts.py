"""A person's contact details on the route: taken when they express interest (which starts
every record), corrected by a coordinator, and kept beside keyed hashes so that the same
person is recognised when they express interest again. Each function runs in one transaction
and writes its audit event in it (audit.py)."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tiptracker.lib.dates import today
from tiptracker.lived.audit import Person, RouteActor, audit, audit_record, check_actor, name_of
from tiptracker.lived.models import ENDED, AuditEvent, RouteRecord, Stage, StageChange
from tiptracker.lived.tokens import new_token
from tiptracker.partnerships.models import Membership


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(phone: str) -> str:
    """Digits only, with a UK international prefix written as its national 0."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            return "0" + digits[len(prefix) :]
    return digits


def contact_hash(kind: str, value: str) -> str:
    """A keyed hash of a normalised contact detail: the same person's e-mail gives the same
    hash, but without SECRET_KEY it cannot be worked back or checked against a guess."""
    if not value:
        return ""
    return salted_hmac(f"tiptracker.lived.{kind}", value, algorithm="sha256").hexdigest()


def _contact(preferred_name: str, email: str, phone: str, note: str) -> tuple[str, ...]:
    """What a record says about getting in touch, trimmed: a name, and an e-mail or phone."""
    cleaned = tuple(value.strip() for value in (preferred_name, email, phone, note))
    if not cleaned[0]:
        raise ValidationError({"preferred_name": "Enter the name you would like us to use"})
    if not cleaned[1] and not cleaned[2]:
        raise ValidationError({"email": "Enter an e-mail address or a phone number"})
    return cleaned


@dataclass(frozen=True)
class Interest:
    record: RouteRecord
    # The private link's token, shown to the person once; None when the interest merged into
    # an existing record (see lived_interest_express).
    token: str | None
    merged: bool


@transaction.atomic
def lived_interest_express(
    *,
    actor: RouteActor,
    partnership_id: int,
    preferred_name: str,
    email: str = "",
    phone: str = "",
    note: str = "",
) -> Interest:
    """Someone says they are interested (the person on the public page, or a coordinator
    for them). A second expression from the same person, while the first record is still
    open, merges into it: nothing already recorded is overwritten (the second form may not
    come from the same person), what differs is added to the note for a coordinator to
    confirm, and no new link is given (whoever knows a colleague's e-mail must not get a
    link to their status); a coordinator can issue a new link (lived_link_reissue).

    The same person is recognised by the same e-mail or phone. On the public page, though,
    a form giving an e-mail address merges only by that address: merging it by its phone
    number into a record with another address would let whoever knows a colleague's number
    attach themselves to the colleague's record, or learn from what reaches their own inbox
    that the colleague is on the route. Such a form makes a new record, whose note tells the
    coordinator which record has the same phone number."""
    check_actor(actor, partnership_id, person_may=True)
    preferred_name, email, phone, note = _contact(preferred_name, email, phone, note)
    email_hash = contact_hash("email", normalise_email(email))
    phone_hash = contact_hash("phone", normalise_phone(phone))
    now = timezone.now()

    existing = (
        RouteRecord.objects.select_for_update()
        .filter(partnership_id=partnership_id, erased_at__isnull=True)
        .exclude(stage__in=ENDED)
    )
    match = None
    if email_hash:
        match = existing.filter(email_hash=email_hash).first()
    same_phone = existing.filter(phone_hash=phone_hash).first() if phone_hash else None
    if match is None and (isinstance(actor, Membership) or not email_hash):
        match = same_phone
    elif match is None and same_phone is not None:
        hint = (
            f"The phone number given is also on record {same_phone.pk}, with another e-mail "
            "address: check with the person which is theirs."
        )
        note = f"{note}\n\n{hint}" if note else hint
    if match is not None:
        differences = [
            f"{label}: {new}"
            for label, new, old in (
                ("preferred name", preferred_name, match.preferred_name),
                ("e-mail", email, match.email),
                ("phone", phone, match.phone),
                ("note", note, ""),
            )
            if new and new != old
        ]
        if differences:
            added = f"Expressed interest again on {today():%d %B %Y}, giving " + "; ".join(
                differences
            )
            match.note = f"{match.note}\n\n{added}" if match.note else added
        match.last_interest_at = now
        match.save(update_fields=["note", "last_interest_at"])
        audit(
            actor=actor,
            partnership_id=partnership_id,
            record_id=match.pk,
            action=AuditEvent.Action.INTEREST_REPEATED,
        )
        return Interest(record=match, token=None, merged=True)

    record = RouteRecord(
        partnership_id=partnership_id,
        stage=Stage.INTEREST_RECEIVED,
        preferred_name=preferred_name,
        email=email,
        phone=phone,
        note=note,
        email_hash=email_hash,
        phone_hash=phone_hash,
        created_at=now,
        last_interest_at=now,
    )
    token = new_token(record)
    record.save()
    StageChange.objects.create(
        record=record,
        from_stage="",
        to_stage=Stage.INTEREST_RECEIVED,
        on=today(),
        at=now,
        by=actor if isinstance(actor, Membership) else None,
        by_person=isinstance(actor, Person),
        by_name=name_of(actor),
    )
    audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=record.pk,
        action=AuditEvent.Action.INTEREST_EXPRESSED,
    )
    return Interest(record=record, token=token, merged=False)


@transaction.atomic
def lived_details_update(
    *,
    actor: RouteActor,
    record: RouteRecord,
    preferred_name: str,
    email: str = "",
    phone: str = "",
    note: str = "",
) -> str | None:
    """A coordinator corrects the name, contact details or note (the person's right to
    rectification). The keyed hashes follow the new contact details, so a later expression
    of interest still merges. When the e-mail or phone changes, the private link changes
    too (whoever held the old one may not be the person now on record): the new link's
    token is returned, for the coordinator to send to the corrected details; otherwise
    None."""
    check_actor(actor, record.partnership_id)
    locked = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if locked.erased_at is not None:
        raise ValidationError("This record has been erased: there are no details to correct")
    preferred_name, email, phone, note = _contact(preferred_name, email, phone, note)
    locked.preferred_name, locked.email, locked.phone, locked.note = (
        preferred_name,
        email,
        phone,
        note,
    )
    email_hash = contact_hash("email", normalise_email(email))
    phone_hash = contact_hash("phone", normalise_phone(phone))
    token = None
    if (email_hash, phone_hash) != (locked.email_hash, locked.phone_hash):
        token = new_token(locked)
    locked.email_hash, locked.phone_hash = email_hash, phone_hash
    locked.save(
        update_fields=[
            "preferred_name",
            "email",
            "phone",
            "note",
            "email_hash",
            "phone_hash",
            "token_hash",
        ]
    )
    audit_record(actor, locked, AuditEvent.Action.CHANGED)
    record.refresh_from_db()
    return token
