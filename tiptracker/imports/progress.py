"""How far an import run has got, for its page and the progress display: the rows done
(which the worker keeps in the cache as it goes), out of how many once that is known, and
whether a worker is running to take the run up at all."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tiptracker.background.processes import workers_running
from tiptracker.imports.models import ImportRun


def progress_key(run_id: int) -> str:
    return f"import-progress:{run_id}"


# The states in which a run is still moving on its own (the worker has it, or will).
WORKING = frozenset(
    {
        ImportRun.Status.QUEUED,
        ImportRun.Status.CHECKING,
        ImportRun.Status.CONFIRMED,
        ImportRun.Status.IMPORTING,
    }
)


def import_progress(run: ImportRun) -> int | None:
    """Rows processed so far by the worker, if it is working on this run."""
    from django.core.cache import cache

    return cache.get(progress_key(run.id))


def import_run_progress(run: ImportRun) -> dict[str, Any]:
    """What the progress display needs: the state, and rows done out of how many if known."""
    finished = run.status not in WORKING
    if finished:
        rows_done = run.rows_total
    elif run.status in (ImportRun.Status.QUEUED, ImportRun.Status.CONFIRMED):
        rows_done = 0
    else:
        rows_done = import_progress(run) or 0
    # While a file is first checked nobody knows how many rows it has; once checked, we do.
    rows_total = (
        run.rows_total
        if (finished or run.status in (ImportRun.Status.CONFIRMED, ImportRun.Status.IMPORTING))
        else None
    )
    if run.status == ImportRun.Status.CHECKING:
        text = f"Checking the file: {rows_done:,} rows so far."
    elif run.status == ImportRun.Status.IMPORTING:
        text = f"Importing: {rows_done:,} of {rows_total or 0:,} rows."
    else:
        text = f"{run.get_status_display()}."
    if _worker_missing(run):
        text += f" {NO_WORKER}"
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "rows_done": rows_done,
        "rows_total": rows_total,
        "finished": finished,
        "text": text,  # the same sentence the page shows, so the script need not compose it
    }


NO_WORKER = (
    "The background worker is not running, so nothing will happen until it is: "
    "ask your administrator to start it (tiptracker worker)."
)
# How long a run may wait for a worker before the page says that none is running.
WORKER_GRACE = dt.timedelta(minutes=1)


def _worker_missing(run: ImportRun) -> bool:
    waiting = run.status in (ImportRun.Status.QUEUED, ImportRun.Status.CONFIRMED)
    if not waiting or run.claimed_at is None:
        return False
    return run.claimed_at < timezone.now() - WORKER_GRACE and not workers_running()


def progress_callback(run: ImportRun) -> Callable[[int], None]:
    from django.core.cache import cache

    def report(rows: int) -> None:
        cache.set(progress_key(run.id), rows, timeout=3600)

    report(0)  # the import starts from nothing, whatever its check reached
    return report
