"""`tiptracker backup` and `tiptracker restore` (tiptracker/backup.py), on the database the
tests run on (SQLite or PostgreSQL): a backup restored into an empty database holds every
row, its encrypted fields still encrypted and readable with the key (which is not in it); a
database holding data is replaced only when forced; what is not a backup, and a restore
that fails part way, change nothing."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tiptracker.backup import database_backup, row_counts
from tiptracker.cli import main
from tiptracker.lib.crypto import encrypted_fields
from tiptracker.lived.tests.factories import consented, coordinator, interest
from tiptracker.partnerships.models import Partnership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

# What the lived-experience records hold, only ever stored encrypted.
PERSONAL = ["Alex Backup", "alex.backup@example.org", "Jo Restore", "01382 000 111"]


@pytest.fixture
def key(settings) -> str:
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    return settings.FIELD_ENCRYPTION_KEYS


@pytest.fixture
def records(transactional_db, key) -> Partnership:
    """Committed rows (pg_dump reads them from another session): a partnership, its people,
    and lived-experience route records with encrypted names, contact details and notes."""
    partnership = PartnershipFactory(slug="backed-up", name="Backed Up Partnership")
    team = TeamFactory(partnership=partnership, name="Housing Options")
    StaffMemberFactory.create_batch(3, team=team)
    MembershipFactory(partnership=partnership, role=Role.ADMIN)
    lead = coordinator(partnership)
    consented(lead, preferred_name=PERSONAL[0], email=PERSONAL[1], note="Afternoons suit best")
    interest(lead, preferred_name=PERSONAL[2], email="", phone=PERSONAL[3])
    return partnership


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The DATABASE_URL of an empty database of the kind the tests run on: a new SQLite file,
    or a PostgreSQL database made for the test and dropped after it."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    _maintenance(f'CREATE DATABASE "{name}"')
    try:
        config = connection.settings_dict
        login = quote(config["USER"]) + (
            f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
        )
        yield f"postgres://{login}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{name}"
    finally:
        _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _maintenance(sql: str) -> None:
    config = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)  # type: ignore[arg-type]


def _python(
    script: str, *argv: str, database_url: str, **environment: str
) -> subprocess.CompletedProcess:
    """`python -c script ARGV...` against another database, with no field encryption key
    unless one is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELD_ENCRYPTION_KEYS")}
    env |= {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tiptracker.settings"}
    return subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script, *argv],
        env=env | environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


# The command, as an operator runs it.
RESTORE = "import sys; from tiptracker.cli import main; sys.exit(main(sys.argv[1:]))"

# What a database holds: rows per table, and each encrypted column read through Django (with
# the key) and as stored.
INSPECT = """
import json, django
django.setup()
from django.db import connection
from tiptracker.ops.tests.test_backup import contents
print(json.dumps(contents()))
"""


def contents() -> dict[str, dict]:
    found: dict[str, dict] = {"rows": row_counts(connection), "read": {}, "stored": {}}
    for model, names in encrypted_fields().items():
        for name in names:
            column = f"{model._meta.label}.{name}"
            read = model._base_manager.exclude(**{name: ""}).values_list(name, flat=True)
            found["read"][column] = sorted(value for value in read if value)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(name)} "  # noqa: S608 - the models' names
                    f"FROM {connection.ops.quote_name(model._meta.db_table)}"
                )
                found["stored"][column] = sorted(value for (value,) in cursor if value)
    return found


def test_a_backup_restored_into_an_empty_database_has_every_row_and_every_encrypted_field(
    records, key, tmp_path, empty_database
):
    made = database_backup(out=tmp_path / "nightly.backup")
    assert made.path.stat().st_mode & 0o777 == 0o600  # personal data: for its owner only
    if connection.vendor == "sqlite":  # (pg_dump's custom format is compressed)
        copy = made.path.read_bytes()
        assert b"Backed Up Partnership" in copy
        assert not [value for value in PERSONAL if value.encode() in copy]
    before = contents()

    # Restored as an operator would, with no key set: it says the key is needed.
    restored = _python(RESTORE, "restore", str(made.path), database_url=empty_database)
    assert restored.returncode == 0, restored.stderr
    assert "Traceback" not in restored.stderr
    lines = restored.stdout.splitlines()
    assert lines[0].startswith(f"Restored {made.path} into ")
    assert lines[0].endswith(
        f": {len(before['rows'])} tables, {sum(before['rows'].values()):,} rows (partnerships: 1, "
        "accounts: 2, lived-experience route records: 2)"
    )
    assert "The field encryption keys are never in a backup" in lines[1]
    assert lines[2].startswith("The keys set here cannot read them yet: No field encryption key")

    # Opened with Django and the key: every table has its rows, every encrypted field reads.
    inspected = _python(INSPECT, database_url=empty_database, FIELD_ENCRYPTION_KEYS=key)
    assert inspected.returncode == 0, inspected.stderr
    after = json.loads(inspected.stdout)
    assert after["rows"] == before["rows"]
    assert after["read"] == before["read"]
    assert set(PERSONAL) <= {value for values in after["read"].values() for value in values}
    assert after["stored"] == before["stored"]  # byte for byte: encrypted as they were
    stored = [value for values in after["stored"].values() for value in values]
    assert stored and all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens


def test_a_database_that_holds_data_is_replaced_only_when_forced(records, key, tmp_path, capsys):
    backup = database_backup(out=tmp_path / "before.backup").path
    PartnershipFactory(slug="made-after", name="Made After The Backup")

    assert main(["restore", str(backup)]) == 1
    refused = capsys.readouterr()
    assert refused.out == ""
    assert refused.err.startswith("tiptracker: error: the database ")
    assert "already holds data (rows in " in refused.err
    assert "nothing was restored" in refused.err
    assert "--force" in refused.err
    assert Partnership.objects.filter(slug="made-after").exists()

    assert main(["restore", str(backup), "--force"]) == 0
    out = capsys.readouterr().out
    assert "(partnerships: 1, accounts: 2, lived-experience route records: 2)" in out
    assert "The keys set here read them." in out
    assert list(Partnership.objects.values_list("slug", flat=True)) == ["backed-up"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"staff_id,name\n1,Sam\n", "is not a backup made by tiptracker backup"),
        ("other engine", "backup: restore it into a"),
        ("cut short", "cannot be read as a backup"),
    ],
    ids=["missing", "a CSV file", "the other database's backup", "a backup cut short"],
)
def test_what_is_not_a_whole_backup_is_refused_and_changes_nothing(
    records, tmp_path, capsys, content, message
):
    source = tmp_path / "suspect.backup"
    if content == "other engine":
        header = b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00"
        source.write_bytes(header + bytes(2000))
    elif content == "cut short":
        whole = database_backup(out=tmp_path / "whole.backup").path.read_bytes()
        source.write_bytes(whole[: len(whole) // 3])
    elif content is not None:
        source.write_bytes(content)
    before = row_counts(connection)

    assert main(["restore", str(source), "--force"]) == 1
    said = capsys.readouterr()
    assert said.err.startswith(f"tiptracker: error: {source}")
    assert message in said.err
    assert "Traceback" not in said.err
    assert row_counts(connection) == before


def test_a_restore_that_fails_part_way_changes_nothing(records, tmp_path, capsys):
    backup = database_backup(out=tmp_path / "nightly.backup").path
    PartnershipFactory(slug="made-after", name="Made After The Backup")
    before = row_counts(connection)
    if connection.vendor == "sqlite":
        # SQLite copies nothing of a database with another page size into this one.
        copy = sqlite3.connect(backup, isolation_level=None)
        copy.execute("PRAGMA page_size = 8192")
        copy.execute("VACUUM")
        copy.close()
        assert main(["restore", str(backup), "--force"]) == 1
    else:
        # The database refuses the indexes, the last thing the restore makes.
        _refuse_indexes = (
            "CREATE FUNCTION refuse_indexes() RETURNS event_trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'no new indexes here'; END $$",
            "CREATE EVENT TRIGGER refuse_indexes ON ddl_command_end "
            "WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION refuse_indexes()",
        )
        with connection.cursor() as cursor:
            for statement in _refuse_indexes:
                cursor.execute(statement)
        try:
            assert main(["restore", str(backup), "--force"]) == 1
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP EVENT TRIGGER refuse_indexes")
                cursor.execute("DROP FUNCTION refuse_indexes()")
    said = capsys.readouterr().err
    assert "failed and nothing was changed" in said
    assert row_counts(connection) == before
    assert Partnership.objects.filter(slug="made-after").exists()


def test_a_backup_needs_a_folder_that_exists(db, tmp_path, capsys):
    assert main(["backup", "--out", str(tmp_path / "no-such-folder" / "x.backup")]) == 1
    assert "the folder" in capsys.readouterr().err
    assert main(["backup", "--out", str(tmp_path)]) == 1
    assert "is a folder: give the backup's file name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
