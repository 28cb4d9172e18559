"""Looking after the database: `migrate`, `backup`, `restore`, `rotate-keys` and `purge`."""

import argparse
from pathlib import Path

from tiptracker.cli.schema import database_label, migrate
from tiptracker.lib.user_error import UserError


def cmd_migrate(args: argparse.Namespace) -> int:
    applied = migrate()
    print(
        f"Applied {applied} migration{'s' if applied != 1 else ''}: the database "
        f"({database_label()}) is up to date"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """A copy of the database in one file (tiptracker/backup.py); the keys are not in it."""
    from tiptracker.backup import BackupProblem, database_backup

    try:
        made = database_backup(out=Path(args.out))
    except BackupProblem as problem:
        raise UserError(str(problem)) from None
    print(f"Backed up {made.database} to {made.path} ({made.size:,} bytes)")
    print(
        "Encrypted fields are in it encrypted; the field encryption keys are not. Keep the "
        "keys (FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE) safe apart from the "
        "backups: a restore needs them to read those fields."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replaces the configured database with a backup (tiptracker/backup.py)."""
    from django.contrib.auth import get_user_model

    from tiptracker.backup import BackupProblem, database_restore
    from tiptracker.lived.models import RouteRecord
    from tiptracker.partnerships.models import Partnership

    try:
        restored = database_restore(source=Path(args.file), force=args.force)
    except BackupProblem as problem:
        raise UserError(str(problem)) from None
    rows = restored.rows
    total = sum(rows.values())
    headline = ", ".join(
        f"{label}: {rows.get(model._meta.db_table, 0):,}"
        for model, label in (
            (Partnership, "partnerships"),
            (get_user_model(), "accounts"),
            (RouteRecord, "lived-experience route records"),
        )
    )
    print(
        f"Restored {args.file} into {restored.database}: {len(rows)} tables, {total:,} rows "
        f"({headline})"
    )
    print(
        "Encrypted fields were restored encrypted. The field encryption keys are never in a "
        "backup: reading those fields needs the keys in use when it was made "
        "(FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE)."
    )
    if restored.keys_problem:
        print(f"The keys set here cannot read them yet: {restored.keys_problem}")
    else:
        print("The keys set here read them.")
    if restored.schema_note:
        print(f"Note: {restored.schema_note}.")
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from tiptracker.lib.crypto import KeyProblem, check_keys, encrypted_fields, rotate_model

    try:
        check_keys()
        found = encrypted_fields()
        total = 0
        for model, names in found.items():
            rewritten = rotate_model(model, names, batch_size=args.batch_size)
            total += rewritten
            print(
                f"{model._meta.label}: {rewritten} row{'s' if rewritten != 1 else ''} "
                f"re-encrypted ({', '.join(names)})"
            )
    except KeyProblem as problem:
        # Each model is one transaction: the ones printed above are done, this one is not.
        raise UserError(f"{problem} Nothing more was re-encrypted.") from None
    print(
        f"Done: {total} row{'s' if total != 1 else ''} in {len(found)} "
        f"model{'s' if len(found) != 1 else ''} now encrypted with the current (first) key; "
        "the other keys can be removed"
    )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from tiptracker.imports.runs import imports_purge

    purged = imports_purge()
    print(
        f"Erased {purged} uploaded import file{'s' if purged != 1 else ''} past their retention period"
    )
    from tiptracker.lived.erasure import lived_purge

    lived = lived_purge()
    print(
        f"Erased {lived['total']} lived-experience route record(s) past retention; closed "
        f"{lived['closed_idle']} left without a step before consent for too long"
    )
    return 0
