"""When a person's identifying data is erased: at once when they withdraw, or by the purge
once LIVED_RETENTION_DAYS have passed since their record ended (a record left idle before
consent for LIVED_IDLE_CLOSE_DAYS is closed first, so that its retention starts). The
anonymous stages stay, for counts."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tiptracker.lived.audit import PERSON, RouteActor, audit_record, check_actor
from tiptracker.lived.models import ENDED, AuditEvent, RouteRecord, Stage, StageChange
from tiptracker.lived.route import move
from tiptracker.lived.tokens import record_for_token


def retention_days() -> int:
    return int(getattr(settings, "LIVED_RETENTION_DAYS", 730))


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
def lived_withdraw(
    *, actor: RouteActor, record: RouteRecord, on: dt.date | None = None
) -> Withdrawal:
    """The person withdraws (or a coordinator records that they did): their name, contact
    details and every note are erased at once; the stages stay, anonymous, for counts. The
    link's token stays until the purge, so the link can confirm the withdrawal again.
    Withdrawing twice changes nothing and confirms again."""
    check_actor(actor, record.partnership_id, person_may=True)
    locked = RouteRecord.objects.select_for_update().get(pk=record.pk)
    if locked.stage == Stage.WITHDRAWN:
        audit_record(actor, locked, AuditEvent.Action.OPENED)
        return Withdrawal(record=locked, already=True)
    move(actor=actor, record=locked, to=Stage.WITHDRAWN, on=on, person_may=True)
    locked.refresh_from_db()
    _erase(locked, keep_token=True)
    audit_record(actor, locked, AuditEvent.Action.ERASED)
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
        audit_record(None, record, AuditEvent.Action.CHANGED)
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
        audit_record(None, record, AuditEvent.Action.PURGED)
    counts["total"] = sum(counts.values())
    counts["closed_idle"] = closed_idle
    return counts
