"""An import run's life, each step logged on its ImportRun: the command line's import of a
file on disk, and the web upload, which is kept, checked (the preview), then confirmed and
imported, or discarded. A large file is checked and imported by the worker, which claims
each run with a conditional update naming its process (recovery.py takes up the runs of a
process that died)."""

import datetime as dt
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tiptracker.background.processes import identity
from tiptracker.imports.checks import ImportRefused, check_size, check_upload
from tiptracker.imports.importing import ImportResult, import_file
from tiptracker.imports.kinds import KINDS
from tiptracker.imports.models import ImportRun
from tiptracker.imports.progress import progress_callback, progress_key
from tiptracker.lib.history import acting
from tiptracker.partnerships.models import Partnership

log = logging.getLogger(__name__)

UPLOAD_RETENTION_DAYS = 7


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
        import_run_enqueue(run)
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
            progress=progress_callback(run),
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
    with acting(actor):
        claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PREVIEW).update(
            status=ImportRun.Status.CONFIRMED, claimed_at=timezone.now()
        )
        if not claimed:
            raise ImportRefused("this import is not waiting for confirmation")
        from django.core.cache import cache

        cache.delete(progress_key(run.pk))  # the check's count is not the import's progress
        if len(run.data or b"") <= settings.IMPORT_INLINE_MAX_BYTES:
            _claim_and(
                run, ImportRun.Status.CONFIRMED, ImportRun.Status.IMPORTING, import_run_commit
            )
        else:
            import_run_enqueue(run)
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


def import_run_enqueue(run: ImportRun) -> None:
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
