"""The few places where SQLite and PostgreSQL need different SQL, behind one function each."""

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
