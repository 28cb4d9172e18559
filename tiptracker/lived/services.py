"""Writes to the lived-experience route, and the reads that must be audited.

Every function here runs in one transaction and writes its AuditEvent in it: a change that
is not audited does not happen. The actor is a lived-experience coordinator's Membership in
the record's partnership, or PERSON (the person themself, through their private link);
anyone else is refused (PermissionDenied) whatever the page in front of it checked.

The route is the table TRANSITIONS below, written once: a move out of order raises a
ValidationError naming the allowed next steps.
"""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tiptracker.accounts.services import user_name
from tiptracker.lib.dates import today
from tiptracker.lived.models import (
    ENDED,
    Article6Basis,
    Article9Condition,
    AuditEvent,
    ConsentRecord,
    ConsentText,
    Involvement,
    Purpose,
    RouteRecord,
    Stage,
    StageChange,
)
from tiptracker.partnerships.models import Membership, Role


class _Person:
    """The person the record is about, acting through their private link."""

    def __repr__(self) -> str:
        return "PERSON"


PERSON = _Person()
Actor = Membership | _Person

# stage -> the stages it may move to next. Withdrawal is open from every stage but the last
# (a person may withdraw at any time, without reasons, even after the record closed: their
# data is then erased at once rather than at the end of retention). Paused resumes to
# involved. A coordinator may close a record at any stage (someone who stopped replying
# before the discussion, say), so that no record waits for ever outside the retention rule.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.INTEREST_RECEIVED: (Stage.INFORMATION_SENT, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.INFORMATION_SENT: (Stage.DISCUSSION_ARRANGED, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.DISCUSSION_ARRANGED: (Stage.DISCUSSION_HELD, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.DISCUSSION_HELD: (
        Stage.CONSENT_RECORDED,
        Stage.DECLINED,
        Stage.CLOSED,
        Stage.WITHDRAWN,
    ),
    Stage.CONSENT_RECORDED: (Stage.INVOLVED, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.DECLINED: (Stage.CLOSED, Stage.WITHDRAWN),
    Stage.INVOLVED: (Stage.PAUSED, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.PAUSED: (Stage.INVOLVED, Stage.CLOSED, Stage.WITHDRAWN),
    Stage.CLOSED: (Stage.WITHDRAWN,),
    Stage.WITHDRAWN: (),
}


def allowed_next(stage: str) -> list[str]:
    """The labels of the stages a record at `stage` may move to, for messages and pages."""
    return [Stage(s).label for s in TRANSITIONS[stage]]


def _either(items: Iterable[str]) -> str:
    """“a”, “b” or “c”; "none" for nothing."""
    listed = list(items)
    if not listed:
        return "none"
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]


def retention_days() -> int:
    return int(getattr(settings, "LIVED_RETENTION_DAYS", 730))


# Actors and the audit trail ----------------------------------------------------------------


def _check_actor(actor: Actor, partnership_id: int, *, person_may: bool = False) -> None:
    if isinstance(actor, _Person):
        if person_may:
            return
        raise PermissionDenied("Only a lived-experience coordinator can do this")
    if not (
        isinstance(actor, Membership)
        and actor.role == Role.LE_COORDINATOR
        and actor.partnership_id == partnership_id
    ):
        raise PermissionDenied("Only the partnership's lived-experience coordinators can do this")


def _name(actor: Actor | None) -> str:
    return user_name(actor.user) if isinstance(actor, Membership) else ""


def _event(
    *,
    actor: Actor | None,
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
        actor_name=actor_name or _name(actor),
        by_person=isinstance(actor, _Person),
        record_id=record_id,
        action=action,
        subject_name=subject_name,
    )


def _audit(**fields: Any) -> AuditEvent:
    event = _event(**fields)
    event.save()
    return event


def _audit_record(actor: Actor | None, record: RouteRecord, action: str) -> AuditEvent:
    """The event of something done to (or seen of) one record."""
    return _audit(
        actor=actor, partnership_id=record.partnership_id, record_id=record.pk, action=action
    )


# Contact details and links -----------------------------------------------------------------


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(record: RouteRecord) -> str:
    token = secrets.token_urlsafe(32)
    record.token_hash = _token_hash(token)
    return token


def record_for_token(token: str) -> RouteRecord | None:
    """The record a private link's token opens, or None (unknown, or purged)."""
    if not token:
        return None
    return RouteRecord.objects.filter(token_hash=_token_hash(token)).first()


# Expressing interest -----------------------------------------------------------------------


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
    actor: Actor,
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
    _check_actor(actor, partnership_id, person_may=True)
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
        _audit(
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
    token = _new_token(record)
    record.save()
    StageChange.objects.create(
        record=record,
        from_stage="",
        to_stage=Stage.INTEREST_RECEIVED,
        on=today(),
        at=now,
        by=actor if isinstance(actor, Membership) else None,
        by_person=isinstance(actor, _Person),
        by_name=_name(actor),
    )
    _audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=record.pk,
        action=AuditEvent.Action.INTEREST_EXPRESSED,
    )
    return Interest(record=record, token=token, merged=False)


@transaction.atomic
def lived_link_reissue(*, actor: Actor, record: RouteRecord) -> str:
    """A new private link for the person (the old one stops working), for a coordinator to
    send to the contact details on record."""
    _check_actor(actor, record.partnership_id)
    record = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if record.erased_at is not None:
        raise ValidationError("This record has been erased: there is nobody to send a link to")
    token = _new_token(record)
    record.save(update_fields=["token_hash"])
    _audit_record(actor, record, AuditEvent.Action.LINK_REISSUED)
    return token


@transaction.atomic
def lived_details_update(
    *,
    actor: Actor,
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
    _check_actor(actor, record.partnership_id)
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
        token = _new_token(locked)
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
    _audit_record(actor, locked, AuditEvent.Action.CHANGED)
    record.refresh_from_db()
    return token


def lived_coordinator_role_audit(
    *, partnership_id: int, by: Membership | None, by_name: str, subject: Membership, granted: bool
) -> None:
    """Someone was made a lived-experience coordinator, or stopped being one: the
    coordinators see it in their audit trail, whoever did it (an administrator on the members
    page, or a superuser in the admin site). Called inside the caller's transaction."""
    _audit(
        actor=by,
        actor_name=by_name,
        partnership_id=partnership_id,
        record_id=None,
        subject_name=_name(subject),
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
        _audit(
            actor=None,
            actor_name=by_name,
            partnership_id=membership.partnership_id,
            record_id=None,
            subject_name=_name(membership),
            action=AuditEvent.Action.SECOND_FACTOR_REMOVED,
        )


# Moving along the route ----------------------------------------------------------------------


def _move(
    *,
    actor: Actor,
    record: RouteRecord,
    to: str,
    on: dt.date | None,
    note: str = "",
    person_may: bool = False,
    only_from: str | None = None,
) -> RouteRecord:
    """Move `record` to `to` if the table allows it; record who, when, and audit it.
    The caller holds the transaction."""
    _check_actor(actor, record.partnership_id, person_may=person_may)
    locked = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if to not in TRANSITIONS[locked.stage] or only_from not in (None, locked.stage):
        allowed = allowed_next(locked.stage)
        steps = _either(f"“{label}”" for label in allowed)
        how = f" this way (it is the step from “{Stage(only_from).label}”)" if only_from else ""
        raise ValidationError(
            f"A record at “{locked.get_stage_display()}” cannot move to “{Stage(to).label}”"
            f"{how}. Allowed next steps: {steps}.",
            code="out_of_order",
        )
    now = timezone.now()
    on = on or today()
    if on > today():
        raise ValidationError({"on": "The date cannot be in the future"})
    StageChange.objects.create(
        record=locked,
        from_stage=locked.stage,
        to_stage=to,
        on=on,
        at=now,
        by=actor if isinstance(actor, Membership) else None,
        by_person=isinstance(actor, _Person),
        by_name=_name(actor),
        note=note.strip(),
    )
    locked.stage = to
    if to in ENDED:
        locked.ended_at = now
    locked.save(update_fields=["stage", "ended_at"])
    _audit_record(
        actor,
        locked,
        AuditEvent.Action.WITHDREW if to == Stage.WITHDRAWN else AuditEvent.Action.CHANGED,
    )
    record.refresh_from_db()
    return record


@transaction.atomic
def lived_information_send(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.INFORMATION_SENT, on=on, note=note)


@transaction.atomic
def lived_discussion_arrange(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.DISCUSSION_ARRANGED, on=on, note=note)


@transaction.atomic
def lived_discussion_hold(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.DISCUSSION_HELD, on=on, note=note)


@transaction.atomic
def lived_decline(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.DECLINED, on=on, note=note)


@transaction.atomic
def lived_involve(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    """Involvement starts, after consent (a paused record comes back with lived_resume)."""
    return _move(
        actor=actor,
        record=record,
        to=Stage.INVOLVED,
        on=on,
        note=note,
        only_from=Stage.CONSENT_RECORDED,
    )


@transaction.atomic
def lived_pause(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.PAUSED, on=on, note=note)


@transaction.atomic
def lived_resume(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    """A paused person takes part again."""
    return _move(
        actor=actor, record=record, to=Stage.INVOLVED, on=on, note=note, only_from=Stage.PAUSED
    )


@transaction.atomic
def lived_close(
    *, actor: Actor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return _move(actor=actor, record=record, to=Stage.CLOSED, on=on, note=note)


# Consent and involvement -------------------------------------------------------------------


@transaction.atomic
def lived_consent_text_publish(*, actor: Actor, partnership_id: int, text: str) -> ConsentText:
    """A new version of the consent text (the earlier ones stay, as people agreed to them)."""
    _check_actor(actor, partnership_id)
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
    _audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=None,
        action=AuditEvent.Action.CONSENT_TEXT_PUBLISHED,
    )
    return consent_text


@transaction.atomic
def lived_consent_record(
    *,
    actor: Actor,
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
    _check_actor(actor, record.partnership_id)
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
    _move(actor=actor, record=record, to=Stage.CONSENT_RECORDED, on=given_on, note=note)
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
    _audit_record(actor, record, AuditEvent.Action.CONSENT_RECORDED)
    return consent


@transaction.atomic
def lived_involvement_add(
    *,
    actor: Actor,
    record: RouteRecord,
    kind: str,
    start_on: dt.date,
    end_on: dt.date | None = None,
    description: str = "",
    support_offered: str = "",
) -> Involvement:
    """What an involved person contributed to, and the support offered for it."""
    _check_actor(actor, record.partnership_id)
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
    _audit_record(actor, record, AuditEvent.Action.INVOLVEMENT_ADDED)
    return involvement


# Withdrawal, erasure and retention ---------------------------------------------------------


def _erase(record: RouteRecord, *, keep_token: bool) -> None:
    """Erase everything that identifies the person; keep the anonymous stages and dates."""
    record.preferred_name = record.email = record.phone = record.note = ""
    record.email_hash = record.phone_hash = ""
    if not keep_token:
        record.token_hash = None
    record.erased_at = record.erased_at or timezone.now()
    record.save()
    record.changes.update(note="")
    record.involvements.update(description="", support_offered="")


@dataclass(frozen=True)
class Withdrawal:
    record: RouteRecord
    # True when the record had already been withdrawn: the caller shows the confirmation again.
    already: bool


@transaction.atomic
def lived_withdraw(*, actor: Actor, record: RouteRecord, on: dt.date | None = None) -> Withdrawal:
    """The person withdraws (or a coordinator records that they did): their name, contact
    details and every note are erased at once; the stages stay, anonymous, for counts. The
    link's token stays until the purge, so the link can confirm the withdrawal again.
    Withdrawing twice changes nothing and confirms again."""
    _check_actor(actor, record.partnership_id, person_may=True)
    locked = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if locked.stage == Stage.WITHDRAWN:
        _audit_record(actor, locked, AuditEvent.Action.OPENED)
        return Withdrawal(record=locked, already=True)
    _move(actor=actor, record=locked, to=Stage.WITHDRAWN, on=on, person_may=True)
    locked.refresh_from_db()
    _erase(locked, keep_token=True)
    _audit_record(actor, locked, AuditEvent.Action.ERASED)
    return Withdrawal(record=locked, already=False)


def lived_withdraw_by_token(*, token: str) -> Withdrawal | None:
    """Withdrawal through the private link; None when the link opens no record."""
    record = record_for_token(token)
    if record is None:
        return None
    return lived_withdraw(actor=PERSON, record=record)


# The stages before consent: a record left at one of them for LIVED_IDLE_CLOSE_DAYS (someone
# who stopped replying) is closed by the purge, so that its retention period starts. After
# consent, the consent's review date is the check, and a coordinator closes the record.
BEFORE_CONSENT = (
    Stage.INTEREST_RECEIVED,
    Stage.INFORMATION_SENT,
    Stage.DISCUSSION_ARRANGED,
    Stage.DISCUSSION_HELD,
)


def idle_close_days() -> int:
    return int(getattr(settings, "LIVED_IDLE_CLOSE_DAYS", 365))


def _close_idle(now: dt.datetime) -> int:
    """Close the records whose latest step, before consent, is older than
    LIVED_IDLE_CLOSE_DAYS: by TIP Tracker, dated today, audited."""
    days = idle_close_days()
    # Every record has its first step, so "no step since the cutoff" is "latest step before
    # it" (written as an exclusion: PostgreSQL locks no rows of a GROUP BY).
    idle = (
        RouteRecord.objects.select_for_update()
        .filter(stage__in=BEFORE_CONSENT)
        .exclude(changes__on__gte=(now - dt.timedelta(days=days)).date())
        .order_by("id")
    )
    closed = 0
    for record in idle:
        StageChange.objects.create(
            record=record,
            from_stage=record.stage,
            to_stage=Stage.CLOSED,
            on=now.date(),
            at=now,
            by_name="TIP Tracker",
            note=f"Closed by TIP Tracker: no step for {days} days.",
        )
        RouteRecord.objects.filter(pk=record.pk).update(stage=Stage.CLOSED, ended_at=now)
        _audit_record(None, record, AuditEvent.Action.CHANGED)
        closed += 1
    return closed


@transaction.atomic
def lived_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Erase the records that ended (closed, declined or withdrawn) more than
    LIVED_RETENTION_DAYS ago: identifying data, notes and the link's token. The anonymous
    stages stay for counts. Returns how many records of each ended stage were erased, and
    the total, and how many were first closed for having had no step before consent for
    LIVED_IDLE_CLOSE_DAYS ("closed_idle": erased when their own retention ends). Run by
    `tiptracker purge`."""
    now = now or timezone.now()
    closed_idle = _close_idle(now)
    cutoff = now - dt.timedelta(days=retention_days())
    due = (
        RouteRecord.objects.select_for_update()
        .filter(stage__in=ENDED, ended_at__lte=cutoff, purged_at__isnull=True)
        .order_by("id")
    )
    counts = {str(stage): 0 for stage in ENDED}
    for record in due:
        _erase(record, keep_token=False)
        record.purged_at = now
        record.save(update_fields=["purged_at"])
        counts[record.stage] += 1
        _audit_record(None, record, AuditEvent.Action.PURGED)
    counts["total"] = sum(counts.values())
    counts["closed_idle"] = closed_idle
    return counts


@transaction.atomic
def lived_workspace_unlock(*, actor: Actor, partnership_id: int, ok: bool) -> None:
    """A coordinator confirmed their password and second factor (ok), or was refused."""
    _check_actor(actor, partnership_id)
    _audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=None,
        action=AuditEvent.Action.UNLOCKED if ok else AuditEvent.Action.UNLOCK_REFUSED,
    )


# Audited reads -----


@transaction.atomic
def lived_audit_trail(*, actor: Actor, partnership_id: int, record_id: int | None = None) -> Any:
    """The audit trail for a coordinator to read, newest first (reading it is audited too)."""
    from tiptracker.lived.selectors import audit_trail

    _check_actor(actor, partnership_id)
    _audit(
        actor=actor,
        partnership_id=partnership_id,
        record_id=record_id,
        action=AuditEvent.Action.AUDIT_READ,
    )
    return audit_trail(partnership_id=partnership_id, record_id=record_id)


@transaction.atomic
def lived_records_list(
    *,
    actor: Actor,
    partnership_id: int,
    paginate: Callable[[QuerySet[RouteRecord]], Sequence[RouteRecord]],
    stage: str = "",
) -> Sequence[RouteRecord]:
    """One page of the partnership's records for a coordinator's list (`paginate` picks the
    page: the pages' Paginator, the API's pagination). Names are shown, so each record shown
    gets its own audit event: the trail says whose name was seen, not just that a list was."""
    from tiptracker.lived.selectors import records_for_partnership

    _check_actor(actor, partnership_id)
    records = records_for_partnership(partnership_id)
    if stage:
        records = records.filter(stage=stage)
    shown = paginate(records)
    AuditEvent.objects.bulk_create(
        _event(
            actor=actor,
            partnership_id=partnership_id,
            record_id=record.pk,
            action=AuditEvent.Action.LISTED,
        )
        for record in shown
    )
    return shown


@transaction.atomic
def lived_record_open(*, actor: Actor, record_id: int, partnership_id: int) -> RouteRecord:
    """One record with its history, consents and involvements, for a coordinator."""
    from tiptracker.lived.selectors import record_with_history

    _check_actor(actor, partnership_id)
    record = record_with_history(partnership_id=partnership_id, record_id=record_id)
    _audit(
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
    _audit_record(PERSON, record, AuditEvent.Action.OPENED)
    return record


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@transaction.atomic
def lived_export(*, actor: Actor, record: RouteRecord) -> dict[str, Any]:
    """The person's full record, for a subject access request (UK GDPR Art 15): everything
    held about them, with labels a reader understands. Audited as an export."""
    from tiptracker.lived.selectors import record_with_history

    _check_actor(actor, record.partnership_id, person_may=True)
    record = record_with_history(partnership_id=record.partnership_id, record_id=record.pk)
    _audit_record(actor, record, AuditEvent.Action.EXPORTED)
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
