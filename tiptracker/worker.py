"""`tiptracker worker`: runs the background tasks (Django's tasks API, django-tasks).

With the database backend (the default) the worker claims ready tasks from
django-tasks-db's table, for both task aliases (imports and scheduled passes on "default",
e-mails on "mail"), one at a time; several workers may run on several machines, each task
claimed by one (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive transaction
on SQLite). With TASKS_BACKEND=rq it runs an RQ worker on the same queues. Either way it
also keeps a heartbeat (background/processes.py) and enqueues the scheduled passes when
they are due (background/schedule.py).

SIGTERM or SIGINT: the task under way finishes, then the worker stops; a second signal
stops it at once (its task is then recovered: background/recovery.py).
"""

import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from types import FrameType

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
SCHEDULE_SECONDS = 5.0
BACKEND_ALIASES = ("default", "mail")


def run_due() -> int:
    """Run every scheduled pass now, in this process (`tiptracker send-due`, for cron and
    for the tests); returns how many items were done. The queue is not involved."""
    from tiptracker import scheduled as tasks
    from tiptracker.imports.runs import imports_process_queued

    return (
        imports_process_queued()
        + tasks.send_due.call()
        + tasks.plan_digests.call()
        + tasks.release_results.call()
    )


def run_ready_tasks(*, limit: int | None = None) -> int:
    """Run the database backend's ready tasks in this process until none is left (or
    `limit` have run); returns how many ran. For the tests and `tiptracker worker --batch`."""
    ran = 0
    while limit is None or ran < limit:
        claimed = _claim_next()
        if claimed is None:
            return ran
        _run(claimed)
        ran += 1
    return ran


def _claim_next():  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    from tiptracker.background.processes import identity

    ready = DBTaskResult.objects.ready().filter(backend_name__in=BACKEND_ALIASES)
    try:
        with exclusive_transaction(ready.db):
            found = ready.get_locked()
            if found is not None:
                found.claim(identity())
            return found
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None  # SQLite busy with another writer: look again shortly
        raise


def _run(claimed) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.management.commands.db_worker import Worker

    from tiptracker.background.processes import identity

    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=claimed.backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id=identity(),
        excluded_queue_names=[],
    )
    runner.run_task(claimed)  # records success, or the failure with its traceback
    if claimed.status == "FAILED":
        log.error("task %s failed:\n%s", claimed.task_path, claimed.traceback)


class _Heartbeat(threading.Thread):
    """Records every few seconds that this worker is alive, and enqueues the scheduled
    passes when they are due; on its own database connection (Django's are per thread)."""

    def __init__(self) -> None:
        super().__init__(name="tiptracker-heartbeat", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        from tiptracker.background.processes import HEARTBEAT_SECONDS
        from tiptracker.background.schedule import enqueue_due

        last_beat = 0.0
        while not self.stopping.is_set():
            try:
                if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                    _beat()
                    last_beat = time.monotonic()
                enqueue_due()
            except OperationalError:
                # SQLite, while this worker's own import holds the write lock: the beat is
                # missed, and this machine's workers are seen alive from /proc meanwhile.
                log.debug("worker heartbeat: database busy", exc_info=True)
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                log.warning("worker heartbeat or schedule failed", exc_info=True)
            finally:
                connection.close()
            self.stopping.wait(SCHEDULE_SECONDS)


def _beat() -> None:
    from tiptracker.background.models import WorkerProcess
    from tiptracker.background.processes import identity

    now = timezone.now()
    updated = WorkerProcess.objects.filter(identity=identity()).update(seen_at=now)
    if not updated:
        WorkerProcess.objects.create(identity=identity(), started_at=now, seen_at=now)
    # Rows of workers gone for a day are only history.
    WorkerProcess.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()


def run_worker(*, batch: bool = False) -> int:
    """Run tasks until stopped (or, with batch, until none is ready). Returns an exit code."""
    from tiptracker.background.models import WorkerProcess
    from tiptracker.background.processes import identity

    # Below the web server in the machine's eyes: a large import shares the cores with the
    # pages (measured: bench/bench_load.py, the sessions list's p95 during a 1M-row import).
    # WORKER_NICE=0 leaves it level with them.
    os.nice(int(os.environ.get("WORKER_NICE", "10") or "0"))
    if settings.TASKS_BACKEND == "rq":
        return _run_rq_worker(batch=batch)
    stopping = threading.Event()
    busy = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        if stopping.is_set() or not busy.is_set():
            sys.exit(0 if not busy.is_set() else 1)
        log.warning("%s: stopping once the task under way ends", signal.strsignal(signum))
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    heartbeat = _Heartbeat()
    heartbeat.start()
    log.warning("worker %s started (%s backend)", identity(), settings.TASKS_BACKEND)
    try:
        while not stopping.is_set():
            close_old_connections()
            claimed = _claim_next()
            if claimed is None:
                if batch:
                    return 0
                time.sleep(POLL_SECONDS)
                continue
            busy.set()
            try:
                _run(claimed)
            finally:
                busy.clear()
        return 0
    finally:
        heartbeat.stopping.set()
        try:
            WorkerProcess.objects.filter(identity=identity()).delete()
        except Exception:  # noqa: BLE001 - leaving: the row expires with the lease anyway
            log.debug("could not remove the worker's heartbeat row", exc_info=True)


def _run_rq_worker(*, batch: bool) -> int:
    import django_rq
    from django_tasks_rq.backend import Job

    heartbeat = _Heartbeat()
    heartbeat.start()
    from rq import SimpleWorker

    # A SimpleWorker runs each job in its own process rather than a forked one, as the
    # database worker does: a worker killed part-way takes its job with it, and the job's
    # import is recovered like any other (imports_recover).
    worker = django_rq.get_worker(
        *settings.RQ_QUEUES,
        job_class=Job,
        worker_class=SimpleWorker,  # type: ignore[arg-type]
    )
    worker.work(burst=batch, with_scheduler=True)
    heartbeat.stopping.set()
    return 0
