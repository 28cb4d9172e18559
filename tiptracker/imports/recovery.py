"""Import runs whose process died part-way (the worker or the server stopped, or ran out of
memory), taken up by the "recover" pass, and runs whose task was lost, enqueued again."""

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from tiptracker.background.processes import is_alive
from tiptracker.imports.models import ImportRun
from tiptracker.imports.runs import import_run_enqueue

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A run waiting this long for the worker may have lost its task (enqueued after a commit
# that its process did not outlive): it is enqueued again (a second task finds it claimed).
REQUEUE_AFTER = dt.timedelta(minutes=10)
STOPPED = (
    "The import stopped part-way because the process doing it stopped (the worker or the "
    "server was stopped, or ran out of memory){tries}: nothing was imported. Upload the file "
    "again; if it happens again, tell your administrator."
)


def imports_recover() -> int:
    """Runs whose process died part-way: checked again or imported again (nothing of a
    killed import committed: its rows and its "Imported" commit together), at most
    MAX_ATTEMPTS times, then marked failed with the reason. Returns how many were recovered."""
    recovered = 0
    working = ImportRun.objects.filter(
        status__in=[ImportRun.Status.CHECKING, ImportRun.Status.IMPORTING]
    ).only("id", "status", "holder", "claimed_at", "attempts", "source")
    for run in working:
        if run.holder and is_alive(run.holder, claimed_at=run.claimed_at):
            continue
        back = (
            ImportRun.Status.QUEUED
            if run.status == ImportRun.Status.CHECKING
            else ImportRun.Status.CONFIRMED
        )
        retry = run.source == "web" and run.attempts < MAX_ATTEMPTS
        changes: dict[str, Any] = (
            {"status": back, "holder": "", "claimed_at": timezone.now()}
            if retry
            else {
                "status": ImportRun.Status.FAILED,
                "message": STOPPED.format(
                    tries=f", {run.attempts} times" if run.attempts > 1 else ""
                ),
                "data": None,
                "finished_at": timezone.now(),
            }
        )
        with transaction.atomic():
            if not ImportRun.objects.filter(pk=run.pk, status=run.status, holder=run.holder).update(
                **changes
            ):
                continue
            recovered += 1
            if retry:
                log.warning("import %s: its process stopped; %s again", run.pk, back)
                import_run_enqueue(run)
            else:
                log.error("import %s: its process stopped; marked failed", run.pk)
    stale = timezone.now() - REQUEUE_AFTER
    for run in ImportRun.objects.filter(
        status__in=[ImportRun.Status.QUEUED, ImportRun.Status.CONFIRMED], claimed_at__lt=stale
    ).only("id"):
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(claimed_at=timezone.now())
            import_run_enqueue(run)
    return recovered
