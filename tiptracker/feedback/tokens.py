"""The personal link of a survey invitation: its id and nonce, signed with the secret key.

Unguessable without the key (HMAC), checked in constant time by Django's signer, and needing
no login. Only the nonce is stored; the same link can be rebuilt for a reminder.
"""

import datetime as dt

from django.core import signing

SALT = "tiptracker.feedback.invitation"


def invitation_token(invitation_id: int, nonce: str) -> str:
    return signing.Signer(salt=SALT).sign(f"{invitation_id}.{nonce}")


def read_token(token: str) -> tuple[int, str] | None:
    """(id, nonce) from a token, or None for anything forged, altered or malformed."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    number, _, nonce = value.partition(".")
    if not number.isdigit() or not nonce:
        return None
    return int(number), nonce


# When the answer page was first shown, carried in the form and signed, so that answers sent
# after the survey closed can be kept if the page was opened before it closed. It names the
# invitation, so a stamp from one person's page cannot be used on another's.
STARTED_SALT = "tiptracker.feedback.answer-started"


def started_stamp(invitation_id: int, at: dt.datetime) -> str:
    # A plain Signer: the same moment always gives the same stamp (signing.dumps would add
    # the time of signing, and the page shown again would carry a different one).
    return signing.Signer(salt=STARTED_SALT).sign_object(
        {"invitation": invitation_id, "at": at.timestamp()}
    )


def read_started(stamp: str | None, invitation_id: int) -> dt.datetime | None:
    """When the page was opened, or None for a missing, forged, altered or another
    invitation's stamp."""
    if not stamp:
        return None
    try:
        value = signing.Signer(salt=STARTED_SALT).unsign_object(stamp)
        if value["invitation"] != invitation_id:
            return None
        return dt.datetime.fromtimestamp(float(value["at"]), tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
