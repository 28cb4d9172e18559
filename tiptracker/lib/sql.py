"""The few places where SQLite and PostgreSQL need different SQL, behind one function each."""

from django.db import connection


def date_param() -> str:
    """A placeholder for a date parameter used where the database cannot infer its type."""
    return "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
