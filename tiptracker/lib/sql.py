"""The few places where SQLite and PostgreSQL need different SQL, behind one function each."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def date_param() -> str:
    """A placeholder for a date parameter used where the database cannot infer its type."""
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"


def refresh_planner_statistics(tables: list[str]) -> None:
    """After a bulk write, tell PostgreSQL's planner how big the tables now are.

    Until autovacuum gets round to it, the planner takes freshly filled tables for nearly
    empty and can pick plans that turn a tenth of a second into ten. ANALYZE may run inside
    the writing transaction and sees its rows. SQLite plans well without it.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def waiting_briefly(seconds: float = 0.25) -> Iterator[None]:
    """For a write that may be skipped (a bookkeeping stamp): on SQLite, wait at most this
    long for the write lock instead of the connection's busy timeout (30 s), so that a long
    import holding the lock costs a page a quarter of a second, not half a minute. The caller
    catches the OperationalError and goes on without the write."""
    if connection.vendor != "sqlite":
        yield
        return
    configured = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(configured * 1000)}")
