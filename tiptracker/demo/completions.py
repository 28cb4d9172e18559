"""The learning system's completions in the demo: each person's learning drawn from the
roll-out curves and imported by the L&D officer as the learning system's quarterly extracts."""

import datetime as dt
import random
from collections import defaultdict
from typing import TextIO

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from tiptracker.demo.days import PROGRAMME_STARTS, at
from tiptracker.demo.rollout import learning
from tiptracker.demo.workforce import Person
from tiptracker.imports.models import ImportRun
from tiptracker.imports.runs import (
    import_run_check,
    import_run_commit,
    import_run_confirm,
    import_upload,
)
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership
from tiptracker.training.models import Completion


def completions_import(
    *,
    partnership: Partnership,
    officer: AbstractBaseUser,
    people: list[Person],
    rng: random.Random,
    today: dt.date,
    untrained: set[int],
    attended: set[tuple[int, str]],
    out: TextIO,
) -> set[tuple[int, Level]]:
    """The learning system's records: each person's completions drawn from the roll-out
    curve of each level they need, imported by the L&D officer as the learning system's
    quarterly extracts, through the import service: the import log holds each file.

    Leaves out the `untrained` and what was `attended` at a session (staff pk, course code);
    returns (staff pk, level) for each level met by today."""
    rows: list[tuple[str, str, dt.date]] = []
    for person in people:
        record = person.record
        learnt = learning(
            rng,
            team=person.team,
            required=person.required,
            is_manager=record.is_manager,
            start=record.start_date,
            leaving=record.leaving_date,
        )
        if person.pk in untrained:
            continue
        for code, day in learnt:
            if day <= today and (person.pk, code) not in attended:
                rows.append((record.staff_id, code, day))
    files = quarterly_extracts(rows, today=today)
    for name, imported_at, content in files:
        run = import_upload(
            partnership=partnership,
            actor=officer,
            kind="completions",
            filename=name,
            data=content,
            skip_invalid=False,
        )
        if run.status == ImportRun.Status.QUEUED:
            import_run_check(run)  # over IMPORT_INLINE_MAX_BYTES: checked now, as the worker would
        run = import_run_confirm(run=run, actor=officer)
        if run.status == ImportRun.Status.CONFIRMED:
            import_run_commit(run)  # likewise imported now rather than by the worker
            run.refresh_from_db()
        if run.status != ImportRun.Status.DONE:
            raise RuntimeError(f"the demo's import of {name} did not go in: {run.message}")
        ImportRun.objects.filter(pk=run.pk).update(
            created_at=imported_at, finished_at=imported_at + dt.timedelta(seconds=20)
        )
    met: set[tuple[int, Level]] = set()
    total = 0
    for staff_pk, level in Completion.objects.filter(partnership=partnership).values_list(
        "staff_id", "course__level"
    ):
        met.update((staff_pk, lower) for lower in Level if lower <= level)
        total += 1
    print(
        f"Completions: {total:,} ({len(rows):,} from the learning system in "
        f"{len(files)} imports, the rest from attendance)",
        file=out,
        flush=True,
    )
    return met


def quarterly_extracts(
    rows: list[tuple[str, str, dt.date]], *, today: dt.date
) -> list[tuple[str, dt.datetime, bytes]]:
    """The learning system's completions as the files the L&D officer imported: what came
    before the programme in one file at its start, then one extract per quarter, imported a
    few days after the quarter ended (the current quarter's so far, today). Each is
    (file name, when it was imported, the CSV)."""
    by_file: dict[tuple[int, int], list[tuple[str, str, dt.date]]] = defaultdict(list)
    for row in rows:
        day = row[2]
        key = (0, 0) if day < PROGRAMME_STARTS else (day.year, (day.month - 1) // 3 + 1)
        by_file[key].append(row)
    files = []
    for (year, quarter), chosen in sorted(by_file.items()):
        if year == 0:
            name = f"learning-system-completions-before-{PROGRAMME_STARTS:%Y}.csv"
            imported_on = PROGRAMME_STARTS + dt.timedelta(days=10)
        else:
            name = f"learning-system-completions-{year}-q{quarter}.csv"
            quarter_ends = (
                dt.date(year, 12, 31)
                if quarter == 4
                else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
            )
            imported_on = min(quarter_ends + dt.timedelta(days=6), today)
        lines = ["staff_id,course_code,completed_on"] + [
            f"{staff_id},{code},{day.isoformat()}"
            for staff_id, code, day in sorted(chosen, key=lambda r: (r[2], r[0], r[1]))
        ]
        content = ("\n".join(lines) + "\n").encode()
        when = at(imported_on, "09:40") if imported_on < today else timezone.now()
        files.append((name, when, content))
    return files
