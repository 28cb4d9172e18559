"""Sessions in the database, as Django keeps them, except that moving an idle session's expiry
forward never fails a request.

SESSION_SAVE_EVERY_REQUEST saves the session on every request, most of the time only to push
its expiry forward. On SQLite, while a long import holds the write lock for longer than the
busy timeout, that save fails with "database is locked", and Django answers 400 (its
SessionInterrupted). Such a save waits only briefly for the lock and is then skipped: the
session expires counting from its previous save. An unchanged session is moved forward at
most once a minute, so a person reading pages writes nothing on most of their requests. A
save that carries a change (signing in, a message for the next page, a form's results)
still fails, since skipping it would lose what the person did.
"""

import copy
import datetime as dt
import logging
from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import OperationalError

from tiptracker.lib.sql import waiting_briefly

log = logging.getLogger(__name__)


# An unchanged session's expiry is moved forward at most this often: the expiry is then up to
# a minute short of SESSION_COOKIE_AGE, and a person reading pages writes once a minute at most.
REFRESH_EVERY = dt.timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    _stored_expiry: dt.datetime | None = None
    _stored_data: dict[str, Any] | None = None

    def _get_session_from_db(self):  # type: ignore[no-untyped-def]
        found = super()._get_session_from_db()
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def load(self) -> dict[str, Any]:
        data = super().load()
        self._stored_data = copy.deepcopy(data)  # to tell a change made inside a value
        return data

    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None or self.modified:
            super().save(must_create=must_create)
            return
        stored = self._stored_expiry
        recent = stored is not None and self.get_expiry_date() - stored < REFRESH_EVERY
        if recent and self._get_session() == self._stored_data:  # type: ignore[attr-defined]
            return  # nothing changed, and moved forward less than a minute ago
        try:
            with waiting_briefly():
                super().save()
        except UpdateError as error:
            # Django turns every database error here into UpdateError. One whose cause was a
            # busy database is skipped; any other (the session deleted meanwhile, as by
            # signing out in another tab) still ends the request.
            if not isinstance(error.__context__, OperationalError):
                raise
            log.debug("session expiry not moved, the database is busy (%s)", error.__context__)
