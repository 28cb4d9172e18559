"""Tasks left "running" by a worker that died (killed, out of memory, machine lost).

django-tasks-db marks a task running when a worker claims it and finished when it ends;
a worker killed in between leaves it running for ever. Here a task whose worker is no
longer alive (background/processes.py: at once on the same machine, after the lease
elsewhere) is marked failed with the reason, and a task that is safe to run twice (e-mail
delivery) is enqueued again, at most MAX_ATTEMPTS times in all. Imports keep their own
state and are recovered by imports.recovery.imports_recover. The RQ backend has its own
equivalent (RQ moves the jobs of a dead worker to its failed registry).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tiptracker.background.processes import is_alive

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Tasks that may run again from the start when their worker died part-way.
RETRIED = frozenset({"tiptracker.notifications.deliver_task"})
LOST = "tiptracker.background.recovery.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished."""


def tasks_recover() -> int:
    if settings.TASKS_BACKEND != "database":
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    recovered = 0
    for result in DBTaskResult.objects.running():
        holder = result.worker_ids[-1] if result.worker_ids else ""
        if holder and is_alive(holder, claimed_at=result.started_at):
            continue
        with transaction.atomic():
            marked = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=LOST,
                traceback=f"The worker {holder or '(unknown)'} stopped before this task finished.",
            )
            if not marked:
                continue
            recovered += 1
            attempts = len(result.worker_ids)
            if result.task_path in RETRIED and attempts < MAX_ATTEMPTS:
                DBTaskResult.objects.create(
                    args_kwargs=result.args_kwargs,
                    priority=result.priority,
                    task_path=result.task_path,
                    queue_name=result.queue_name,
                    backend_name=result.backend_name,
                    run_after=result.run_after,
                    worker_ids=list(result.worker_ids),  # counts the attempts
                )
                log.warning("task %s lost with its worker: enqueued again", result.task_path)
            else:
                log.error("task %s lost with its worker: marked failed", result.task_path)
    return recovered
