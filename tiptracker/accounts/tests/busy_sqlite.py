"""Requests to the web app while another connection holds SQLite's write lock, as a long import
does: run by test_busy_database.py in a process of its own, on a copy of the test database in
a file (SQLite's locks are the file's; the in-memory test database has none of them).

    python -m tiptracker.accounts.tests.busy_sqlite DATABASE_FILE SESSION_KEY API_KEY

Prints what happened as JSON: each request's status (and the start of its body if it was not
200), and two checks that the lock really was held: a write through Django failed with
"database is locked", and so did saving a session that carries a change.
"""

import json
import os
import sqlite3
import sys


def outcome(response) -> list[object]:  # type: ignore[no-untyped-def]
    """The status, and for a failure the start of what it said."""
    said = "" if response.status_code == 200 else response.content[:300].decode(errors="replace")
    return [response.status_code, said]


def main(database: str, session_key: str, api_key: str) -> dict[str, object]:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
    import django
    from django.conf import settings

    django.setup()
    # The installation's own settings (WAL, IMMEDIATE transactions), with a shorter busy
    # timeout (30 s) so that the ordinary write that must fail fails sooner; the bookkeeping
    # writes wait less than that of their own accord (lib/sql.waiting_briefly).
    settings.DATABASES["default"]["OPTIONS"]["timeout"] = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    from django.contrib.sessions.backends.base import UpdateError
    from django.db import OperationalError, connection
    from django.test import Client

    from tiptracker.accounts.models import ApiToken
    from tiptracker.accounts.sessions import SessionStore

    connection.ensure_connection()  # as the server does on its first request: WAL is set
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the import's write transaction
    found: dict[str, object] = {}
    try:
        # As a browser or script sees it: a failure is an error page, not an exception.
        api = Client(raise_request_exception=False).get(
            "/api/partnerships/", HTTP_AUTHORIZATION=f"Bearer {api_key}"
        )
        found["api"] = outcome(api)
        browser = Client(raise_request_exception=False)
        browser.cookies[settings.SESSION_COOKIE_NAME] = session_key
        page = browser.get("/account/")
        found["page"] = outcome(page)
        # A change that must be written (revoking the token) waits out the busy timeout: it
        # is refused with a page saying to try again, not a server error.
        token_id = ApiToken.objects.values_list("pk", flat=True).first()
        refused = browser.post(f"/account/tokens/{token_id}/revoke/")
        found["write_page"] = [
            refused.status_code,
            refused.get("Retry-After"),
            "try again in a minute" in refused.content.decode(),
        ]
        try:
            ApiToken.objects.update(name="written while locked")
        except OperationalError as error:
            found["write_refused"] = str(error)
        changed = SessionStore(session_key)
        changed["note"] = "a change that must not be lost quietly"
        try:
            changed.save()
        except UpdateError:
            found["changed_session_refused"] = True
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    return found


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
