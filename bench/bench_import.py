"""Completions import: tiptracker's import of a CSV against the fastest raw write of the same rows.

    python bench/bench_import.py [--rows 1000000] [--profile]

The baseline is the database's own bulk path for the already-parsed rows, into the same
table: sqlite3 `executemany` of an INSERT on SQLite, psycopg `COPY` on PostgreSQL, in one
transaction. The import is `import_path(kind="completions")` on the CSV file: reading,
validating every row, writing in batches, rebuilding the trend table and logging the run.
Targets: import / baseline <= 3, and at least 20,000 rows/s.

The rows go to the partnership bench-import (50,000 staff, 20 courses; created if missing),
whose completions are deleted before each of the two writes and afterwards.
"""

import argparse
import csv
import datetime as dt
import functools
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import common

STAFF = 50_000
COURSE_CODES = [
    f"{prefix}-{n:02d}"
    for prefix, count in (("TI", 8), ("TS", 6), ("TE", 4), ("SP", 2))
    for n in range(1, count + 1)
]
FIRST_DAY, LAST_DAY = dt.date(2019, 1, 1), dt.date(2024, 12, 31)


def csv_path(rows: int) -> Path:
    return common.OUT / f"completions-{rows}.csv"


def write_csv(rows: int) -> Path:
    """A completions file of `rows` distinct rows, deterministic; one date in ten written UK-style."""
    path = csv_path(rows)
    if path.exists():
        return path
    rng = random.Random(rows)
    span = (LAST_DAY - FIRST_DAY).days + 1
    per_person, extra = divmod(rows, STAFF)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["staff_id", "course_code", "completed_on"])
        for n in range(1, STAFF + 1):
            seen: set = set()
            wanted = per_person + (1 if n <= extra else 0)
            while len(seen) < wanted:
                code, on = (
                    rng.choice(COURSE_CODES),
                    FIRST_DAY + dt.timedelta(days=rng.randrange(span)),
                )
                if (code, on) in seen:
                    continue
                seen.add((code, on))
                text = on.strftime("%d/%m/%Y") if rng.random() < 0.1 else on.isoformat()
                writer.writerow([f"S{n:06d}", code, text])
    tmp.rename(path)
    return path


def file_rows(path: Path, partnership_id: int) -> Iterator[tuple[int, int, str]]:
    """The file's rows as (staff pk, course pk, ISO date), read without the app's import."""
    from tiptracker.training.models import Course
    from tiptracker.workforce.models import StaffMember

    staff = dict(
        StaffMember.objects.filter(partnership_id=partnership_id).values_list("staff_id", "id")
    )
    courses = dict(Course.objects.filter(partnership_id=partnership_id).values_list("code", "id"))
    with open(path, newline="", encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        for staff_id, code, text in reader:
            if "/" in text:
                day, month, year = text.split("/")
                text = f"{year}-{month}-{day}"
            yield staff[staff_id], courses[code], text


def parsed_rows(path: Path, partnership_id: int) -> list[tuple]:
    """The file's rows as the tuples the table holds (not timed: the baseline starts from these)."""
    return [
        (partnership_id, staff, course, day, "import")
        for staff, course, day in file_rows(path, partnership_id)
    ]


def clear(partnership_id: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM training_completion WHERE partnership_id = %s", [partnership_id]
        )
        cursor.execute(
            "DELETE FROM training_coveragesnapshot WHERE partnership_id = %s", [partnership_id]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM training_completion")


def count(partnership_id: int) -> int:
    from tiptracker.training.models import Completion

    return Completion.objects.filter(partnership_id=partnership_id).count()


def raw_write(rows: list[tuple]) -> None:
    """The baseline: the database's fastest plain write of the parsed rows, in one transaction."""
    from django.db import connection, transaction

    columns = "partnership_id, staff_id, course_id, completed_on, source"
    with transaction.atomic():
        raw = connection.connection
        if connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY training_completion ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(
                f"INSERT INTO training_completion ({columns}) VALUES (?, ?, ?, ?, ?)", rows
            )


def run_import(path: Path, partnership):
    from tiptracker.imports.runs import import_path

    _run, result = import_path(
        partnership=partnership,
        kind="completions",
        path=path,
        dry_run=False,
        skip_invalid=False,
        rejects_path=None,
    )
    return result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--profile", action="store_true", help="print where the import spends its time (cProfile)"
    )
    args = parser.parse_args(argv)
    # The upload limit guards a web server, not this measurement of a file of any size.
    os.environ.setdefault("IMPORT_MAX_BYTES", str(2**31))
    # SQLite's limit on one import's rows (it keeps other writers from waiting long:
    # bench_sqlite_writes.py) is lifted: this measures the import's own cost at any size.
    os.environ.setdefault("SQLITE_IMPORT_MAX_ROWS", "0")
    common.setup()
    import generate

    from tiptracker.partnerships.models import Partnership

    common.heading(f"Completions import of {args.rows:,} rows")
    generate.import_target()
    partnership = Partnership.objects.get(slug=common.IMPORT_TARGET)
    seconds, path = common.timed(lambda: write_csv(args.rows))
    common.say(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
    rows = parsed_rows(path, partnership.id)

    clear(partnership.id)
    baseline, _ = common.timed(functools.partial(raw_write, rows))
    written = count(partnership.id)
    del rows
    clear(partnership.id)
    if written != args.rows:
        common.fail(f"the baseline wrote {written:,} rows, not {args.rows:,}")

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        seconds, result = common.timed(lambda: profiler.runcall(run_import, path, partnership))
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    else:
        seconds, result = common.timed(lambda: run_import(path, partnership))
    imported = count(partnership.id)
    clear(partnership.id)
    if result.created != args.rows or imported != args.rows:
        common.fail(
            f"the import created {result.created:,} (table has {imported:,}), not {args.rows:,}"
        )

    base_name = "COPY" if common.vendor() == "postgresql" else "executemany"
    common.say(
        f"raw {base_name}: {baseline:6.2f} s ({args.rows / baseline:,.0f} rows/s)   "
        f"import: {seconds:6.2f} s ({args.rows / seconds:,.0f} rows/s, target >= 20,000)   "
        f"ratio {seconds / baseline:4.2f} (target <= 3)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
