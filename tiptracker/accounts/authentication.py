"""Token authentication for scripts: `Authorization: Bearer <token>` (or `Token <token>`)."""

import datetime as dt
import logging

from django.db import OperationalError, transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from tiptracker.accounts.models import ApiToken, hash_token
from tiptracker.lib.sql import waiting_briefly

log = logging.getLogger(__name__)

# How stale a token's "last used" may be: the token page shows it to the minute, and a script
# making many calls would otherwise write to the database on every one of them.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):  # type: ignore[no-untyped-def]
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be 'Bearer <token>'."
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        _stamp_last_used(token)
        return token.user, token

    def authenticate_header(self, request):  # type: ignore[no-untyped-def]
        return "Bearer"


def _stamp_last_used(token: ApiToken) -> None:
    """Note when the token was used, at most once a minute. A record, not a safeguard: when
    the database is busy (SQLite while a long import writes) the request goes on without it."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    try:
        # Its own transaction (a savepoint inside a caller's), so a failure spoils nothing else.
        with waiting_briefly(), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except OperationalError as error:
        log.debug("token %s: last use not recorded, the database is busy (%s)", token.pk, error)
