"""A busy database fails no request for a bookkeeping write: SQLite, the embedded default,
lets one connection write at a time, and a long import holds that lock. Neither a token's
"last used" stamp nor moving a session's expiry forward may then answer 500 or 400.
"""

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.accounts.models import ApiToken
from tiptracker.accounts.services import api_token_create
from tiptracker.accounts.sessions import SessionStore

ROOT = Path(__file__).resolve().parents[3]


def token_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]
    ]


def test_a_token_records_its_last_use_at_most_once_a_minute(member):
    token, key = api_token_create(user=member.user, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/partnerships/").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(minutes=1)

    # Used again within the minute: nothing is written.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/partnerships/").status_code == 200
    assert token_writes(queries) == []
    token.refresh_from_db()
    assert token.last_used_at == first

    # A minute later it is stamped again.
    earlier = timezone.now() - dt.timedelta(minutes=1, seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert client.get("/api/partnerships/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > earlier + dt.timedelta(minutes=1)


def test_a_session_signed_out_elsewhere_meanwhile_still_fails_its_save(member, login):
    # Only a busy database is forgiven: a session deleted between reading and saving it (the
    # person signed out in another tab) still ends the request, as Django intends.
    key = login(member).session.session_key
    Session.objects.filter(session_key=key).update(  # due to be moved forward
        expire_date=timezone.now() + dt.timedelta(minutes=5)
    )
    store = SessionStore(key)
    assert store.get("_auth_user_id") == str(member.user.pk)
    Session.objects.filter(session_key=key).delete()
    with pytest.raises(UpdateError):
        store.save()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's write lock (the embedded default): the SQLite run in CI covers it",
)
@pytest.mark.django_db(transaction=True)
def test_requests_succeed_while_another_connection_holds_the_write_lock(member, login, tmp_path):
    _token, api_key = api_token_create(user=member.user, name="script")
    session_key = login(member).session.session_key
    # The test database (in memory) copied to a file: the lock is taken on the file, by a
    # second connection, exactly as the import's connection takes it.
    # The session was last moved forward minutes ago, so this request's save is due.
    Session.objects.filter(session_key=session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=5)
    )
    database = tmp_path / "tiptracker.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(database)
    connection.connection.backup(copy)
    copy.close()

    result = subprocess.run(  # noqa: S603 (this interpreter, our own module)
        [
            sys.executable,
            "-m",
            "tiptracker.accounts.tests.busy_sqlite",
            str(database),
            session_key,
            api_key,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # The lock was really held: other writes failed as the import's neighbours would.
    assert "database is locked" in found.get("write_refused", ""), found
    assert found.get("changed_session_refused") is True, found
    # And yet the API request with a token, and the page with a session, both worked.
    assert found["api"] == [200, ""], found
    assert found["page"] == [200, ""], found
    # A change that had to be written is refused plainly (503, try again), not a 500.
    assert found["write_page"] == [503, "60", True], found


def session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


def test_reading_pages_moves_the_sessions_expiry_at_most_once_a_minute(member, login):
    browser = login(member)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/account/").status_code == 200
    assert session_writes(queries) == []  # signed in a moment ago: nothing to move
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=10))
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/account/").status_code == 200
    assert len(session_writes(queries)) == 1
    assert Session.objects.get().expire_date > timezone.now() + dt.timedelta(minutes=28)
