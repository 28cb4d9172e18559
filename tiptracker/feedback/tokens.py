"""The personal link of a survey invitation: its id and nonce, signed with the secret key.

Unguessable without the key (HMAC), checked in constant time by Django's signer, and needing
no login. Only the nonce is stored; the same link can be rebuilt for a reminder.
"""

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
