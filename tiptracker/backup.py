"""Backing up and restoring the database (`tiptracker backup --out FILE`, `tiptracker restore
FILE`; docs/deployment.md, "Backups").

SQLite: SQLite's online backup API copies the database, consistent while the app runs, into
a single file; a restore copies such a file over the configured database in one step.
PostgreSQL: `pg_dump --format=custom`; a restore drops every table of the configured
database and loads the backup in one transaction (pg_restore writes the SQL, psql runs it):
if anything fails, the database is as it was. Connection details reach pg_dump, pg_restore
and psql through their environment (PGHOST, PGPASSWORD...), never their command line, which
other users of the machine can see.

A restore refuses a database that holds data unless forced: a mistyped DATABASE_URL must
not replace a live database. Creating the schema writes Django's own bookkeeping (below),
so a database holding nothing else counts as empty, whether or not the schema was created.

Encrypted fields stay encrypted in a backup. The field encryption keys are never in one:
restoring says so, and whether the keys set here read what was restored.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Rows Django writes whenever it creates the schema: a database with no others is empty.
SCHEMA_BOOKKEEPING = frozenset({"django_migrations", "django_content_type", "auth_permission"})
SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"  # pg_dump's custom format
# DATABASES["default"]["OPTIONS"] that libpq also reads from the environment.
_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
_CLIENT_TOOLS = "PostgreSQL's client programs (on Debian and Ubuntu: apt install postgresql-client)"


class BackupProblem(Exception):
    """Something the person running the command can put right, said in one sentence."""


@dataclass(frozen=True)
class BackupMade:
    database: str  # which database, without a password
    path: Path
    size: int  # bytes


@dataclass(frozen=True)
class Restored:
    database: str
    rows: dict[str, int]  # rows in each table, as restored
    keys_problem: str | None  # None: the keys set here read every encrypted column
    schema_note: str | None  # the backup came from another version of TIP Tracker


def database_backup(*, out: Path, using: str = "default") -> BackupMade:
    """A copy of the database in `out`, written beside it and moved into place when
    complete: an earlier backup of that name stays whole until then. Readable by this
    user only (it holds personal data)."""
    connection = connections[using]
    if out.is_dir():
        raise BackupProblem(f"{out} is a folder: give the backup's file name")
    if not out.parent.is_dir():
        raise BackupProblem(f"the folder {out.parent} does not exist")
    if connection.vendor == "sqlite" and out.resolve() == _sqlite_path(connection):
        raise BackupProblem(f"{out} is the database itself: write the backup somewhere else")
    partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            _pg_backup(connection, partial)
        else:
            raise BackupProblem(f"backups of {connection.vendor} databases are not supported")
        partial.replace(out)
    except OSError as error:
        raise BackupProblem(f"could not write {out}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupMade(database=database_label(connection), path=out, size=out.stat().st_size)


def database_restore(*, source: Path, force: bool = False, using: str = "default") -> Restored:
    """Replaces the database with the backup in `source`, or changes nothing and says why."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        _sqlite_restore(connection, source, force)
    elif connection.vendor == "postgresql":
        _pg_restore(connection, source, force)
    else:
        raise BackupProblem(f"restoring {connection.vendor} databases is not supported")
    return Restored(
        database=database_label(connection),
        rows=row_counts(connection),
        keys_problem=_keys_problem(),
        schema_note=_schema_note(connection),
    )


def database_label(connection: BaseDatabaseWrapper) -> str:
    """The database as a person recognises it, never with its password."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    where = ":".join(str(part) for part in (settings.get("HOST"), settings.get("PORT")) if part)
    return f"{settings['NAME']} on {where}" if where else str(settings["NAME"])


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows in each table of the database, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            # A table name the database gave, quoted: no value from outside.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


# Both databases ---------------------------------------------------------------------------


# Each kind of backup file, by its first bytes: what it is, and where it is restored.
_KINDS = {
    SQLITE_HEADER: "a SQLite backup: restore it into a SQLite database (DATABASE_URL=sqlite:///FILE)",
    PG_CUSTOM_HEADER: (
        "a PostgreSQL backup: restore it into a PostgreSQL database (DATABASE_URL=postgres://...)"
    ),
}


def _check_kind(source: Path, wanted: bytes) -> None:
    """Refuse a file that is not a backup of the kind this database restores, saying where
    a backup of the other kind goes."""
    header = _header(source)
    if header.startswith(wanted):
        return
    for kind, said in _KINDS.items():
        if header.startswith(kind):
            raise BackupProblem(f"{source} is {said}")
    raise BackupProblem(f"{source} is not a backup made by tiptracker backup")


def _header(source: Path) -> bytes:
    try:
        with source.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupProblem(f"{source} does not exist") from None
    except IsADirectoryError:
        raise BackupProblem(f"{source} is a folder, not a backup file") from None
    except OSError as error:
        raise BackupProblem(f"cannot read {source}: {error.strerror or error}") from None


def _refuse_data_unless_forced(connection: BaseDatabaseWrapper, force: bool) -> None:
    if force:
        return
    with connection.cursor() as cursor:
        holding = []
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in SCHEMA_BOOKKEEPING:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                holding.append(table)
    if holding:
        shown = ", ".join(holding[:3]) + (
            f" and {len(holding) - 3} more" if len(holding) > 3 else ""
        )
        raise BackupProblem(
            f"the database {database_label(connection)} already holds data (rows in {shown}); "
            "a restore replaces all of it, so nothing was restored. To replace it, stop the "
            "app servers and the worker and run the restore again with --force"
        )


def _keys_problem() -> str | None:
    from tiptracker.lib.crypto import KeyProblem, check_stored

    try:
        check_stored()
    except KeyProblem as problem:
        return str(problem)
    except DatabaseError as error:  # a backup from another version: columns may differ
        return f"the encrypted fields could not be checked ({error})"
    return None


def _schema_note(connection: BaseDatabaseWrapper) -> str | None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    unknown = sorted(set(executor.recorder.applied_migrations()) - known)
    if unknown:
        app, name = unknown[0]
        return (
            "the backup comes from a later version of TIP Tracker (it has migrations this "
            f"version does not know, such as {app}.{name}): run that version, or a later one"
        )
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return (
            "the backup comes from an earlier version of TIP Tracker: the next tiptracker "
            f"command brings it up to date ({len(pending)} migrations)"
        )
    return None


# SQLite -----------------------------------------------------------------------------------


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    return Path(str(connection.settings_dict["NAME"])).resolve()


def _sqlite_backup(connection: BaseDatabaseWrapper, partial: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(partial)
    try:
        # One step: the copy is the database as it was at one moment, writers or not.
        connection.connection.backup(copy)
        # One self-contained file (the live database uses a write-ahead log beside it).
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupProblem(f"the backup of {database_label(connection)} failed: {error}") from None
    finally:
        copy.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path, force: bool) -> None:
    _check_kind(source, SQLITE_HEADER)
    if source.resolve() == _sqlite_path(connection):
        raise BackupProblem(f"{source} is the database itself")
    with _sqlite_source(source) as backup:
        _refuse_data_unless_forced(connection, force)
        connection.ensure_connection()
        try:
            # One step, one transaction in the database: all of the backup or nothing.
            backup.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupProblem(
                f"the restore into {database_label(connection)} failed and nothing was "
                f"changed: {error}"
            ) from None


@contextmanager
def _sqlite_source(source: Path) -> Iterator[sqlite3.Connection]:
    """The backup, opened read-only, once it is known to be a whole TIP Tracker database."""
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            (checked,) = backup.execute("PRAGMA quick_check").fetchone()
            found = backup.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupProblem(f"{source} cannot be read as a backup: {error}") from None
        if checked != "ok":
            raise BackupProblem(f"{source} cannot be read as a backup: it is damaged ({checked})")
        if not found:
            raise BackupProblem(f"{source} is a SQLite database but not a TIP Tracker backup")
        yield backup
    finally:
        backup.close()


# PostgreSQL -------------------------------------------------------------------------------


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    settings = connection.settings_dict
    environment = dict(os.environ)
    named = {
        "PGDATABASE": settings.get("NAME"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
    }
    options = settings.get("OPTIONS") or {}
    named |= {variable: options.get(option) for option, variable in _PG_OPTIONS.items()}
    environment |= {variable: str(value) for variable, value in named.items() if value}
    return environment


def _pg_run(
    connection: BaseDatabaseWrapper, program: str, *arguments: str
) -> subprocess.CompletedProcess:
    found = shutil.which(program)
    if found is None:
        raise BackupProblem(f"{program} is not installed here: it comes with {_CLIENT_TOOLS}")
    return subprocess.run(  # noqa: S603 - PostgreSQL's own program, our own arguments
        [found, *arguments],
        env=_pg_environment(connection),
        capture_output=True,
        text=True,
        check=False,
    )


def _pg_said(result: subprocess.CompletedProcess) -> str:
    """What a PostgreSQL program said went wrong, in one line."""
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return errors[0] if errors else f"it stopped with status {result.returncode}"


def _pg_backup(connection: BaseDatabaseWrapper, partial: Path) -> None:
    result = _pg_run(connection, "pg_dump", "--format=custom", "--no-password", f"--file={partial}")
    if result.returncode != 0:
        raise BackupProblem(
            f"the backup of {database_label(connection)} failed: {_pg_said(result)}"
        )


def _pg_check_archive(connection: BaseDatabaseWrapper, source: Path) -> None:
    listed = _pg_run(connection, "pg_restore", "--list", str(source))
    if listed.returncode != 0:
        raise BackupProblem(f"{source} cannot be read as a backup: {_pg_said(listed)}")
    entries = listed.stdout.splitlines()
    if not any(" TABLE DATA " in entry and " django_migrations " in entry for entry in entries):
        raise BackupProblem(f"{source} is a PostgreSQL backup but not a TIP Tracker backup")


def _pg_restore(connection: BaseDatabaseWrapper, source: Path, force: bool) -> None:
    """Every table of the database dropped and the backup loaded, in one transaction. The
    tables are dropped rather than left to pg_restore's --clean, which drops only those in
    the backup: a table a later version added would be left behind, in the way of its
    migration."""
    _check_kind(source, PG_CUSTOM_HEADER)
    _pg_check_archive(connection, source)
    _refuse_data_unless_forced(connection, force)
    drops = [
        f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;"
        for table in connection.introspection.table_names()
    ]
    connection.close()  # nothing of ours in the way of the drops
    with tempfile.TemporaryDirectory(prefix="tiptracker-restore-") as folder:
        dropping, loading = Path(folder, "drop.sql"), Path(folder, "load.sql")
        dropping.write_text("\n".join(drops) + "\n")
        # The backup as SQL (this folder is this user's only). Owners and privileges are left
        # out: the database's own user owns what is restored, as it owned what was backed up.
        written = _pg_run(
            connection,
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            f"--file={loading}",
            str(source),
        )
        if written.returncode != 0:
            raise BackupProblem(f"{source} cannot be read as a backup: {_pg_said(written)}")
        loaded = _pg_run(
            connection,
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--file={dropping}",
            f"--file={loading}",
        )
    if loaded.returncode != 0:
        raise BackupProblem(
            f"the restore into {database_label(connection)} failed and nothing was changed: "
            f"{_pg_said(loaded)}"
        )
