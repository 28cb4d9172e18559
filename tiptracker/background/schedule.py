"""The passes the worker runs on a schedule, rather than in a loop written by hand.

Each pass is a task (tiptracker/scheduled.py). Every worker looks at the schedule every few
seconds; a pass that is due is claimed with a conditional update of its ScheduledRun row, so
that with several workers on several machines exactly one of them enqueues it, and the task
backend runs it like any other task.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from tiptracker.background.models import ScheduledRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Every:
    seconds: int

    def after(self, moment: dt.datetime) -> dt.datetime:
        return moment + dt.timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class DailyAt:
    """Once a day at this local hour (and at once when the pass has never run)."""

    hour: int

    def after(self, moment: dt.datetime) -> dt.datetime:
        local = timezone.localtime(moment)
        due = local.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if due <= local:
            due += dt.timedelta(days=1)
        return due


@dataclass(frozen=True)
class Pass:
    name: str
    when: Every | DailyAt
    task: Callable[[], Any]  # returns the django_tasks Task to enqueue (imported late)


def _task(path: str) -> Callable[[], Any]:
    def load() -> Any:
        from django.utils.module_loading import import_string

        return import_string(path)

    return load


SCHEDULE = (
    # E-mails whose rows are claimed when sent: password resets, account invitations,
    # survey invitations and reminders, session reminders.
    Pass("send-due", Every(30), _task("tiptracker.scheduled.send_due")),
    # Work whose holder stopped (its lease ran out): retried or marked failed.
    Pass("recover", Every(30), _task("tiptracker.scheduled.recover")),
    # Each action owner's weekly digest goes on its day; the pass finds who is due.
    Pass("plan-digests", Every(15 * 60), _task("tiptracker.scheduled.plan_digests")),
    # Survey results whose quarter has closed, and the day's anonymous answers settled.
    Pass("release-results", DailyAt(2), _task("tiptracker.scheduled.release_results")),
    # The retention rules (uploaded files, lived-experience records).
    Pass("purge", DailyAt(3), _task("tiptracker.scheduled.purge")),
)


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every pass that is due and that this process claims; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for item in SCHEDULE:
        try:
            if _claim(item, now):
                result = item.task().enqueue()
                ScheduledRun.objects.filter(name=item.name).update(last_task_id=result.id)
                enqueued.append(item.name)
        except OperationalError:
            # SQLite busy with a long write: the pass is still due at the next look.
            log.debug("schedule: database busy, %s left for the next look", item.name)
    return enqueued


def _still_waiting(task_id: str) -> bool:
    if not task_id:
        return False
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    try:
        found = task_backends["default"].get_result(task_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return False
    return found.status == TaskResultStatus.READY


def _claim(item: Pass, now: dt.datetime) -> bool:
    row = ScheduledRun.objects.filter(name=item.name).first()
    if row is None:
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(
                    name=item.name, next_run_at=item.when.after(now), last_enqueued_at=now
                )
            return True  # never run: due now
        except IntegrityError:
            return False  # another worker made it first
    if row.next_run_at > now:
        return False
    if _still_waiting(row.last_task_id):
        return False  # the last one has not even started: no second one behind it
    return bool(
        ScheduledRun.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=item.when.after(now), last_enqueued_at=now
        )
    )
