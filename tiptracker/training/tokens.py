"""The personal link in a briefing invitation: a guest replies without an account.

The token is the invitation's id signed with the site's secret key (HMAC, under a salt of
its own so no other signed value can pass for it): it cannot be guessed or altered, and it
needs nothing stored. A withdrawn invitation's link stops working because the invitation
is no longer live, not because the token changes.
"""

from django.core import signing

SALT = "tiptracker.training.briefing-reply"


def reply_token(booking_id: int) -> str:
    # No timestamp: the same invitation always has the same link (a reminder repeats it).
    return signing.Signer(salt=SALT).sign_object(booking_id)


def booking_id_from_token(token: str) -> int | None:
    """The invitation the token was made for, or None for a forged or damaged token."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
