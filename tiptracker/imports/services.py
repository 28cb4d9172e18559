"""Running an import: validate every row, write in batches inside one transaction.

Default: if any row is invalid nothing is written. skip_invalid writes the valid rows and
reports the rest; dry_run writes nothing. The whole import is one transaction, so a crash
or kill part-way leaves the database as it was. Memory does not grow with the file: rows
stream from the reader, go out in batches, and only the first problems are kept in full.
"""

import csv
import datetime as dt
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from tiptracker.background.processes import identity, is_alive, workers_running
from tiptracker.imports.kinds import KINDS, Problem, RowInvalid
from tiptracker.imports.models import ImportRun
from tiptracker.lib.exports import neutralise
from tiptracker.lib.sql import refresh_planner_statistics
from tiptracker.lib.tabular import FileProblem, open_tabular
from tiptracker.partnerships.models import Partnership

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
PROBLEMS_KEPT = 1000
PREVIEW_ROWS = 10
# A write this large can change the tables' sizes enough to mislead PostgreSQL's planner.
ANALYZE_AFTER_ROWS = 1000
WRITTEN_TABLES = {
    "staff": ["workforce_staffmember", "workforce_team", "partnerships_organisation"],
    "needs": ["workforce_team"],
    "courses": ["training_course"],
    "completions": ["training_completion"],
}


class ImportRefused(Exception):
    """The file cannot be imported at all (wrong type, too large, missing column, ...)."""


class _RollBack(Exception):
    pass


@dataclass
class ImportResult:
    kind: str
    rows_total: int = 0
    rows_valid: int = 0
    rows_invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the file brings besides its rows (new organisations and teams).
    notes: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows_invalid == 0


def _size(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")  # plain spaces for a terminal


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(f"the file is {_size(size)}, larger than the limit of {_size(limit)}")
    if size == 0:
        raise ImportRefused("the file is empty")


def row_limit() -> int:
    """The most rows one import may have here: on SQLite an import holds the database's one
    write lock from start to end (about 19 s for 1,000,000 rows on an idle machine, minutes
    on a busy one), and every other change waits for it; PostgreSQL has no such limit."""
    return settings.SQLITE_IMPORT_MAX_ROWS if connection.vendor == "sqlite" else 0


def _too_many_rows(limit: int) -> str:
    return (
        f"the file has more than {limit:,} rows, the most one import takes on this "
        "installation's embedded database (SQLite), which would be held for everyone else "
        f"while it imports: split the file into parts of up to {limit:,} rows, or move the "
        "installation to PostgreSQL (docs/deployment.md)"
    )


def check_upload(*, filename: str, size: int) -> None:
    """The checks that need only the file's name and size, so a form can make them before
    reading a byte of it."""
    if Path(filename).suffix.lower() not in (".csv", ".xlsx"):
        raise ImportRefused(f"'{Path(filename).name}' is not a CSV or XLSX file")
    check_size(size)


def import_file(
    *,
    partnership: Partnership,
    kind: str,
    binary: IO[bytes],
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects: IO[str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate and (unless dry_run, or any row is invalid without skip_invalid) write a file.

    on_written is called inside the import's transaction once the rows are written, so
    that what it records (the run's "Imported") commits with them or not at all."""
    if kind not in KINDS:
        raise ImportRefused(f"'{kind}' is not an import kind: use {', '.join(KINDS)}")
    handler = KINDS[kind](partnership)
    try:
        table = open_tabular(binary, filename, required=handler.required, known=handler.known)
    except FileProblem as problem:
        raise ImportRefused(str(problem)) from None

    result = ImportResult(kind=kind)
    if table.extra_columns:
        result.warnings.append(
            f"ignored unknown column{'s' if len(table.extra_columns) > 1 else ''}: {', '.join(table.extra_columns)}"
        )
    reject_writer = None
    if rejects is not None:
        reject_writer = csv.writer(rejects)
        reject_writer.writerow([*handler.known, "reason"])

    batch: list = []

    def may_write() -> bool:
        return not dry_run and (skip_invalid or result.rows_invalid == 0)

    def flush() -> None:
        if batch and may_write():
            created, updated, unchanged = handler.write(batch)
            result.created += created
            result.updated += updated
            result.unchanged += unchanged
        batch.clear()

    try:
        with transaction.atomic():
            try:
                most_rows = row_limit()
                for number, row in table.rows:
                    result.rows_total += 1
                    if most_rows and result.rows_total > most_rows:
                        raise ImportRefused(_too_many_rows(most_rows))
                    try:
                        batch.append(handler.validate(number, row))
                        result.rows_valid += 1
                        if len(result.preview) < PREVIEW_ROWS:
                            result.preview.append(
                                {"row": number, **{k: _show(v) for k, v in row.items()}}
                            )
                    except RowInvalid as invalid:
                        result.rows_invalid += 1
                        room = PROBLEMS_KEPT - len(result.problems)
                        result.problems.extend(invalid.problems[: max(room, 0)])
                        if reject_writer is not None:
                            reason = "; ".join(f"{p.column}: {p.message}" for p in invalid.problems)
                            # Opened in a spreadsheet to be fixed: no cell may run as a formula.
                            reject_writer.writerow(
                                [neutralise(_show(row.get(c))) for c in handler.known]
                                + [neutralise(reason)]
                            )
                    if len(batch) >= BATCH_SIZE:
                        flush()
                        if progress:
                            progress(result.rows_total)
                flush()
            except FileProblem as problem:
                raise ImportRefused(str(problem)) from None
            if result.rows_total == 0:
                raise ImportRefused("the file has a header but no rows")
            result.notes = handler.notes()
            if not may_write():
                raise _RollBack
            result.written = True
            if result.created + result.updated >= ANALYZE_AFTER_ROWS:
                refresh_planner_statistics(WRITTEN_TABLES[kind])
            if kind == "staff" and result.created + result.updated:
                from tiptracker.partnerships.services import memberships_link_staff

                memberships_link_staff(partnership=partnership)
            # Rebuilt only when something changed, so re-importing a file changes nothing.
            if handler.affects_coverage and (result.created or result.updated):
                from tiptracker.training.services import coverage_snapshots_rebuild

                coverage_snapshots_rebuild(partnership_id=partnership.id)
            if kind == "completions" and result.created:
                from tiptracker.feedback.invitations import invitations_create

                invitations_create(partnership_id=partnership.id)
            if on_written is not None:
                on_written(result)
    except _RollBack:
        result.created = result.updated = result.unchanged = 0
    return result


def _show(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def import_path(
    *,
    partnership: Partnership,
    kind: str,
    path: Path,
    dry_run: bool,
    skip_invalid: bool,
    rejects_path: Path | None,
) -> tuple[ImportRun, ImportResult]:
    """The command line's import: a file on disk, logged like a web upload."""
    if not path.is_file():
        raise ImportRefused(f"no file at {path}")
    check_size(path.stat().st_size)
    # Logged before it starts, so the log's time is the start and a killed import still shows.
    run = ImportRun.objects.create(
        partnership=partnership,
        kind=kind,
        filename=path.name,
        source="cli",
        skip_invalid=skip_invalid,
        status=ImportRun.Status.CHECKING if dry_run else ImportRun.Status.IMPORTING,
        holder=identity(),
        claimed_at=timezone.now(),
    )
    rejects = open(rejects_path, "w", newline="", encoding="utf-8") if rejects_path else None  # noqa: SIM115
    try:
        with open(path, "rb") as binary:
            result = import_file(
                partnership=partnership,
                kind=kind,
                binary=binary,
                filename=path.name,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                rejects=rejects,
                on_written=lambda written: _record(run, written, dry_run=False),
            )
    except ImportRefused as refused:
        _fail(run, str(refused))
        raise
    except Exception:
        # The transaction has rolled back; the log still says the import was tried.
        _fail(run, UNEXPECTED)
        raise
    finally:
        if rejects:
            rejects.close()
    _record(run, result, dry_run=dry_run)
    return run, result


def _record(run: ImportRun, result: ImportResult, *, dry_run: bool) -> None:
    if run.pk is None:
        run.save()  # created_at is set on the first save: it must not come after finished_at
    run.rows_total, run.rows_valid, run.rows_invalid = (
        result.rows_total,
        result.rows_valid,
        result.rows_invalid,
    )
    run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.problems = [
        {"row": p.row, "column": p.column, "message": p.message} for p in result.problems
    ]
    # On the page a new organisation stands out like a warning: it may be a misspelling.
    run.warnings = result.warnings + result.notes
    run.preview_rows = result.preview
    if result.written:
        run.status = ImportRun.Status.DONE
        run.data = None
        run.finished_at = timezone.now()
        run.message = ""
    elif dry_run and run.source == "cli":
        run.status = ImportRun.Status.CHECKED
        run.finished_at = timezone.now()
    elif dry_run and (result.ok or run.skip_invalid) and result.rows_valid:
        run.status = ImportRun.Status.PREVIEW
    else:
        run.status = ImportRun.Status.INVALID
        run.data = None  # nothing more can be done with it
        run.finished_at = timezone.now()
    run.save()


UNEXPECTED = "the import stopped part-way because of an unexpected error"


def _fail(run: ImportRun, message: str) -> None:
    run.status, run.message, run.data, run.finished_at = (
        ImportRun.Status.FAILED,
        message,
        None,
        timezone.now(),
    )
    run.save()


# The web upload: preview first, then commit ---------------------------------------------

UPLOAD_RETENTION_DAYS = 7


def _progress_key(run_id: int) -> str:
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

    return cache.get(_progress_key(run.id))


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


def _progress_callback(run: ImportRun) -> Callable[[int], None]:
    from django.core.cache import cache

    def report(rows: int) -> None:
        cache.set(_progress_key(run.id), rows, timeout=3600)

    report(0)  # the import starts from nothing, whatever its check reached
    return report


def import_upload(
    *,
    partnership: Partnership,
    actor: Any,
    kind: str,
    filename: str,
    data: bytes,
    skip_invalid: bool,
) -> ImportRun:
    """Keep an uploaded file and check it: at once if small, otherwise by the worker.

    A small file that cannot be imported at all raises ImportRefused and leaves nothing
    behind, so the person can fix it and try again from the same form.
    """
    if kind not in KINDS:
        raise ImportRefused(f"'{kind}' is not an import kind")
    check_upload(filename=filename, size=len(data))
    run = ImportRun(
        partnership=partnership,
        kind=kind,
        filename=Path(filename).name[:255],
        user=actor,
        source="web",
        skip_invalid=skip_invalid,
        data=data,
        status=ImportRun.Status.QUEUED,
    )
    if len(data) > settings.IMPORT_INLINE_MAX_BYTES:
        run.claimed_at = timezone.now()  # when it was queued (imports_recover)
        run.save()  # the worker checks it; the page shows progress
        _enqueue(run)
        return run
    result = import_file(
        partnership=partnership,
        kind=kind,
        binary=io.BytesIO(data),
        filename=filename,
        dry_run=True,
        skip_invalid=skip_invalid,
    )
    _record(run, result, dry_run=True)
    return run


def import_run_check(run: ImportRun) -> None:
    """Validate the kept file without writing anything: the preview."""
    result = _run_kept_file(run, dry_run=True)
    if result is not None:
        _record(run, result, dry_run=True)


def _run_kept_file(
    run: ImportRun,
    *,
    dry_run: bool,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult | None:
    """Import (or check) a web upload's kept file; a failure marks the run failed and gives
    None. import_file's transaction has rolled back by then: the data is as it was."""
    try:
        return import_file(
            partnership=run.partnership,
            kind=run.kind,
            binary=io.BytesIO(bytes(run.data or b"")),
            filename=run.filename,
            dry_run=dry_run,
            skip_invalid=run.skip_invalid,
            progress=_progress_callback(run),
            on_written=on_written,
        )
    except ImportRefused as refused:
        _fail(run, str(refused))
    except Exception:  # noqa: BLE001 - the worker reports any failure on the run's page
        log.exception("import %s failed (dry run: %s)", run.pk, dry_run)
        _fail(run, UNEXPECTED)
    return None


def import_run_confirm(*, run: ImportRun, actor: Any) -> ImportRun:
    """The user confirmed the preview: import for real (now if small, else by the worker)."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW).update(
        status=ImportRun.Status.CONFIRMED, claimed_at=timezone.now()
    )
    if not claimed:
        raise ImportRefused("this import is not waiting for confirmation")
    from django.core.cache import cache

    cache.delete(_progress_key(run.pk))  # the check's count is not the import's progress
    if len(run.data or b"") <= settings.IMPORT_INLINE_MAX_BYTES:
        _claim_and(run, ImportRun.Status.CONFIRMED, ImportRun.Status.IMPORTING, import_run_commit)
    else:
        _enqueue(run)
    run.refresh_from_db()
    return run


def import_run_discard(*, run: ImportRun) -> None:
    discarded = ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportRun.Status.PREVIEW, ImportRun.Status.QUEUED]
    ).update(status=ImportRun.Status.DISCARDED, data=None, finished_at=timezone.now())
    if not discarded:
        raise ImportRefused("this import can no longer be discarded")


def import_run_commit(run: ImportRun) -> None:
    # "Imported" is recorded in the import's own transaction: a run whose rows committed
    # says so even if its process is killed the moment after.
    result = _run_kept_file(
        run, dry_run=False, on_written=lambda written: _record(run, written, dry_run=False)
    )
    if result is None or result.written:
        return
    _record(run, result, dry_run=False)
    if not result.written:
        # The data changed between the preview and the confirmation, so rows became invalid.
        run.message = "The file no longer checks out against the data (it changed since the preview): nothing was imported."
        run.data = None
        run.save()


def _claim_and(
    run: ImportRun, from_status: str, to_status: str, work: Callable[[ImportRun], None]
) -> bool:
    """Claim `run` with a conditional update, so that only one worker ever does the work;
    the claim names this process, so that the run is recovered if it dies (imports_recover)."""
    if not ImportRun.objects.filter(pk=run.pk, status=from_status).update(
        status=to_status,
        holder=identity(),
        claimed_at=timezone.now(),
        attempts=F("attempts") + 1,
    ):
        return False
    run.refresh_from_db()
    work(run)
    return True


def _enqueue(run: ImportRun) -> None:
    """Hand the run to the worker once the transaction that queued it commits."""
    from tiptracker.imports.tasks import import_run_work

    run_id = run.pk
    transaction.on_commit(lambda: import_run_work.enqueue(run_id))


def import_run_work(run_id: int) -> None:
    """The worker's part: check a queued upload, or import a confirmed one. A run already
    claimed (by another worker, or recovered since) is left alone."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    try:
        if run.status == ImportRun.Status.QUEUED:
            _claim_and(run, ImportRun.Status.QUEUED, ImportRun.Status.CHECKING, import_run_check)
        elif run.status == ImportRun.Status.CONFIRMED:
            _claim_and(
                run, ImportRun.Status.CONFIRMED, ImportRun.Status.IMPORTING, import_run_commit
            )
    except Exception:
        # Whatever failed (recording the check, say), the run says so rather than staying
        # "Checking" under a worker that lives on; the task records the traceback.
        ImportRun.objects.filter(
            pk=run.pk, status__in=[ImportRun.Status.CHECKING, ImportRun.Status.IMPORTING]
        ).update(
            status=ImportRun.Status.FAILED,
            message=UNEXPECTED,
            data=None,
            finished_at=timezone.now(),
        )
        raise


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
                _enqueue(run)
            else:
                log.error("import %s: its process stopped; marked failed", run.pk)
    stale = timezone.now() - REQUEUE_AFTER
    for run in ImportRun.objects.filter(
        status__in=[ImportRun.Status.QUEUED, ImportRun.Status.CONFIRMED], claimed_at__lt=stale
    ).only("id"):
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(claimed_at=timezone.now())
            _enqueue(run)
    return recovered


def imports_process_queued() -> int:
    """Check queued uploads and commit confirmed ones; returns how many were handled."""
    done = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.QUEUED).order_by("id"):
        done += _claim_and(
            run, ImportRun.Status.QUEUED, ImportRun.Status.CHECKING, import_run_check
        )
    for run in ImportRun.objects.filter(status=ImportRun.Status.CONFIRMED).order_by("id"):
        done += _claim_and(
            run, ImportRun.Status.CONFIRMED, ImportRun.Status.IMPORTING, import_run_commit
        )
    return done


def imports_purge() -> int:
    """Erase uploaded files nobody confirmed within UPLOAD_RETENTION_DAYS (the log stays)."""
    cutoff = timezone.now() - dt.timedelta(days=UPLOAD_RETENTION_DAYS)
    return ImportRun.objects.filter(created_at__lt=cutoff, data__isnull=False).update(
        data=None, status=ImportRun.Status.DISCARDED, finished_at=timezone.now()
    )
