"""The stages of the lived-experience route and the moves between them.

The route is the table TRANSITIONS below, written once: a move out of order raises a
ValidationError naming the allowed next steps. Every move goes through `move`, which checks
the actor, records the step and writes its audit event in the caller's transaction. A record
enters the route when someone expresses interest (contacts.py); recording consent
(consent.py) and withdrawing (erasure.py) are moves of this table too.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.lived.audit import Person, RouteActor, audit_record, check_actor, name_of
from tiptracker.lived.models import ENDED, AuditEvent, RouteRecord, Stage, StageChange
from tiptracker.partnerships.models import Membership

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


def move(
    *,
    actor: RouteActor,
    record: RouteRecord,
    to: str,
    on: dt.date | None,
    note: str = "",
    person_may: bool = False,
    only_from: str | None = None,
) -> RouteRecord:
    """Move `record` to `to` if the table allows it; record who, when, and audit it.
    The caller holds the transaction."""
    check_actor(actor, record.partnership_id, person_may=person_may)
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
        by_person=isinstance(actor, Person),
        by_name=name_of(actor),
        note=note.strip(),
    )
    locked.stage = to
    if to in ENDED:
        locked.ended_at = now
    locked.save(update_fields=["stage", "ended_at"])
    audit_record(
        actor,
        locked,
        AuditEvent.Action.WITHDREW if to == Stage.WITHDRAWN else AuditEvent.Action.CHANGED,
    )
    record.refresh_from_db()
    return record


@transaction.atomic
def lived_information_send(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.INFORMATION_SENT, on=on, note=note)


@transaction.atomic
def lived_discussion_arrange(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.DISCUSSION_ARRANGED, on=on, note=note)


@transaction.atomic
def lived_discussion_hold(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.DISCUSSION_HELD, on=on, note=note)


@transaction.atomic
def lived_decline(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.DECLINED, on=on, note=note)


@transaction.atomic
def lived_involve(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    """Involvement starts, after consent (a paused record comes back with lived_resume)."""
    return move(
        actor=actor,
        record=record,
        to=Stage.INVOLVED,
        on=on,
        note=note,
        only_from=Stage.CONSENT_RECORDED,
    )


@transaction.atomic
def lived_pause(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.PAUSED, on=on, note=note)


@transaction.atomic
def lived_resume(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    """A paused person takes part again."""
    return move(
        actor=actor, record=record, to=Stage.INVOLVED, on=on, note=note, only_from=Stage.PAUSED
    )


@transaction.atomic
def lived_close(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None, note: str = ""
) -> RouteRecord:
    return move(actor=actor, record=record, to=Stage.CLOSED, on=on, note=note)
