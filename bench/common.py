"""What every benchmark shares: Django set up on the benchmark database, timing, bulk writes.

The database is the one DATABASE_URL names; with none set, a SQLite file under bench/out/
(git-ignored), never the database the tests use.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

# Slugs of the generated data sets.
BIG = "bench-50k"
IMPORT_TARGET = "bench-import"
NATIONAL_PREFIX = "nat-"


def setup(*, migrate: bool = True) -> None:
    """Point Django at the benchmark database and create the schema."""
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
    # Charts are cached by their figures; keep the benchmark's cache apart from a demo's.
    os.environ.setdefault("CACHE_DIR", str(OUT / "cache"))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return f"{vendor()} ({url.split('@')[-1]})"


def timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def median_time(work: Callable[[], object], *, repeat: int) -> tuple[float, object]:
    """The median of `repeat` timings (after one untimed warm-up) and the last result."""
    result = work()
    times = []
    for _ in range(repeat):
        seconds, result = timed(work)
        times.append(seconds)
    return statistics.median(times), result


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank: a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write rows as fast as the database allows: COPY on PostgreSQL, executemany on SQLite.

    Runs on Django's connection (the caller owns the transaction); memory stays bounded
    because rows are consumed in chunks.
    """
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    count = 0
    if connection.vendor == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for batch in chunks(rows, 50_000):
        raw.executemany(sql, batch)
        count += len(batch)
    return count


def say(text: str = "") -> None:
    print(text, flush=True)


def heading(title: str) -> None:
    say(f"\n== {title} on {database_label()} ==")


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(1)
