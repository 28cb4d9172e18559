"""The database's schema as a command needs it: made on first use, migrated on purpose."""

import os
from pathlib import Path

from tiptracker.lib.user_error import UserError


def setup_django(schema: str = "check") -> None:
    """Django, and the database's schema as the command needs it: "apply" brings it up to
    date (demo, serve, restore); "check" (every other command) creates it on first use, as
    formats.md promises, but refuses to run on a schema an upgrade has left behind, naming
    the command that brings it up to date (an upgrade migrates once, on purpose, not as a
    side effect of whichever command runs first)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
    import django

    django.setup()
    pending, fresh = _pending()
    if not pending:
        return
    if schema == "apply" or fresh:
        migrate()
        return
    raise UserError(
        f"the database ({database_label()}) is not up to date with this version of "
        f"TIP Tracker ({len(pending)} change{'s' if len(pending) != 1 else ''} to its schema "
        "waiting): run `tiptracker migrate` first (after `tiptracker backup`, if it holds data)"
    )


def _pending() -> tuple[list, bool]:
    """The migrations not yet applied, and whether none has been (a new database)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        fresh = not executor.loader.applied_migrations
    except Exception as error:  # noqa: BLE001 - any failure to reach the database is the user's to fix
        raise UserError(f"cannot open the database ({database_label()}): {error}") from None
    return pending, fresh


def migrate() -> int:
    """Apply the migrations not yet applied; returns how many there were."""
    from django.core.management import call_command

    pending, _fresh = _pending()
    if pending:
        call_command("migrate", verbosity=0, interactive=False)
    return len(pending)


def database_label() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return str(Path.cwd() / "tiptracker.sqlite3")
    return url.split("@")[-1]  # never print a password
