"""The checks an import makes before it reads a row: the file's type and size (from its
name and size alone, so that a form can make them before reading a byte of it), and on
SQLite the most rows one import may have. ImportRefused says why a file cannot be imported
at all."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.template.defaultfilters import filesizeformat


class ImportRefused(Exception):
    """The file cannot be imported at all (wrong type, too large, missing column, ...)."""


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


def too_many_rows(limit: int) -> str:
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
