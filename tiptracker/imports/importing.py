"""Running an import: validate every row, write in batches inside one transaction.

Default: if any row is invalid nothing is written. skip_invalid writes the valid rows and
reports the rest; dry_run writes nothing. The whole import is one transaction, so a crash
or kill part-way leaves the database as it was. Memory does not grow with the file: rows
stream from the reader, go out in batches, and only the first problems are kept in full.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from tiptracker.imports.checks import ImportRefused, row_limit, too_many_rows
from tiptracker.imports.kinds import KINDS
from tiptracker.imports.kinds.base import Problem, RowInvalid
from tiptracker.lib.exports import neutralise
from tiptracker.lib.sql import refresh_planner_statistics
from tiptracker.lib.tabular import FileProblem, open_tabular
from tiptracker.partnerships.models import Partnership

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
                        raise ImportRefused(too_many_rows(most_rows))
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
                from tiptracker.workforce.services import memberships_link_staff

                memberships_link_staff(partnership=partnership)
            # Rebuilt only when something changed, so re-importing a file changes nothing.
            if handler.affects_coverage and (result.created or result.updated):
                from tiptracker.training.snapshots import coverage_snapshots_rebuild

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
