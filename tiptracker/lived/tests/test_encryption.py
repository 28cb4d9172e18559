"""What the database holds: read with raw SQL, past the ORM that decrypts."""

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from tiptracker.lived.consent import lived_involvement_add
from tiptracker.lived.models import Involvement, RouteRecord
from tiptracker.lived.route import lived_involve
from tiptracker.lived.tests.factories import consented, coordinator

pytestmark = pytest.mark.django_db

SECRETS = [
    "Sam Confidential",
    "sam.confidential@example.org",
    "07700 900999",
    "confidential-demo-note",
    "stage note secret",
    "involvement secret",
    "support secret",
]


def every_stored_text() -> str:
    """Every value of every table of the route, as text, straight from the database."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith("lived_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(dump)


def test_the_database_never_holds_the_plaintext_of_an_encrypted_field():
    actor = coordinator()
    record = consented(
        actor,
        preferred_name=SECRETS[0],
        email=SECRETS[1],
        phone=SECRETS[2],
        note=SECRETS[3],
    )
    lived_involve(actor=actor, record=record, note=SECRETS[4])
    lived_involvement_add(
        actor=actor,
        record=record,
        kind=Involvement.Kind.OTHER,
        start_on=record.created_at.date(),
        description=SECRETS[5],
        support_offered=SECRETS[6],
    )

    dump = every_stored_text()
    for secret in SECRETS:
        assert secret not in dump
        assert secret.lower() not in dump.lower()
    with connection.cursor() as cursor:
        cursor.execute("SELECT preferred_name FROM lived_routerecord WHERE id = %s", [record.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAA")  # a Fernet token
    # ... which the application reads back as the plain text.
    assert RouteRecord.objects.get(pk=record.pk).preferred_name == SECRETS[0]


def whole_database_dump(tmp_path: Path) -> str:
    """The whole database as it lies on disk: SQLite's file itself, every byte (the test
    database, in memory, is copied to a file by SQLite's backup), and PostgreSQL's COPY of
    every table (its files live with the server)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return path.read_bytes().decode("latin-1")
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                dump.extend(bytes(block).decode("utf-8", "replace") for block in copy)
    return "\n".join(dump)


# Committed, as on a real disk (and SQLite's backup waits for an open transaction to end).
@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_whole_database_holds_none_of_the_plaintext(tmp_path):
    actor = coordinator()
    record = consented(
        actor, preferred_name=SECRETS[0], email=SECRETS[1], phone=SECRETS[2], note=SECRETS[3]
    )
    lived_involve(actor=actor, record=record, note=SECRETS[4])
    dump = whole_database_dump(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT preferred_name FROM lived_routerecord WHERE id = %s", [record.pk])
        (stored,) = cursor.fetchone()
    assert stored in dump  # the dump holds the route's row, encrypted
    for secret in SECRETS[:5]:
        assert secret.lower() not in dump.lower()
