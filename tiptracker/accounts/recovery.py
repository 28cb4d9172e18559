"""Forgotten passwords. The page records every request the same way, whether or not the
address has an account, and answers the same; the worker looks the address up and, for an
account that signs in with a password, e-mails a single-use link (Django's reset tokens:
they stop working once the password changes, and after PASSWORD_RESET_TIMEOUT). So neither
the answer nor its timing tells anyone who has an account here.

A new password signs the account out everywhere else: Django keeps a hash of the password
in each session and drops sessions whose hash no longer matches.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tiptracker import notifications
from tiptracker.accounts.models import PasswordResetRequest
from tiptracker.lib import throttle
from tiptracker.lib.users import user_name

# Requests accepted an hour: for one address (a mailbox is not flooded) and from one sender.
PER_ADDRESS_PER_HOUR = 3
PER_SENDER_PER_HOUR = 20


def password_reset_request(*, email: str, sender: str) -> None:
    """Record that someone asked for a link for `email`. Over the limits nothing is recorded,
    and the page says the same as ever: a limit reached must not reveal an account either."""
    email = email.strip().lower()
    if throttle.over_limit(
        f"password-reset:sender:{sender}", limit=PER_SENDER_PER_HOUR, window_seconds=3600
    ) or throttle.over_limit(
        f"password-reset:address:{email}", limit=PER_ADDRESS_PER_HOUR, window_seconds=3600
    ):
        return
    PasswordResetRequest.objects.create(email=email)


def reset_path(user) -> str:  # type: ignore[no-untyped-def]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def password_resets_send_due(*, batch: int = 200) -> int:
    """The worker: for each request not yet handled, claimed by a conditional update, e-mail
    the link to the active account with that address and a usable password (one that signs
    in through its organisation has no password to reset). Returns how many went."""
    User = get_user_model()
    sent = 0
    waiting = PasswordResetRequest.objects.filter(handled_at__isnull=True).order_by(
        "requested_at", "id"
    )[:batch]
    for request in waiting:
        claimed = PasswordResetRequest.objects.filter(
            pk=request.pk, handled_at__isnull=True
        ).update(handled_at=timezone.now())
        if not claimed:
            continue
        user = User.objects.filter(username=request.email, is_active=True).first()
        if user is None or not user.has_usable_password():
            continue
        sent += notifications.send_now(
            "password_reset",
            to=user.email,
            context={
                "name": user.first_name or user_name(user),
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            link=reset_path(user),
        )
    # Handled requests are deleted after a day: they hold e-mail addresses.
    PasswordResetRequest.objects.filter(
        handled_at__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return sent


def tell_password_changed(user) -> None:  # type: ignore[no-untyped-def]
    """After a change or a reset: so that someone who did not do it knows at once."""
    notifications.send(
        "password_changed",
        to=user.email,
        context={"name": user.first_name or user_name(user), "when": timezone.now()},
        link=reverse("password_reset"),
    )
