"""What every sign-in does, however it happened (password, single sign-on, a test)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY

from tiptracker.accounts import second_factor


@receiver(user_logged_in)
def ask_for_the_second_factor(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any):
    """Someone who must use a second factor gives it before anything else in this session
    (SecondFactorMiddleware), unless the sign-in already counts as two factors."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is not None:
        # Verified by this very sign-in (the admin site's form asks for the code with the
        # password): django-otp keeps the device in the session.
        request.session.pop(second_factor.PENDING_SESSION_KEY, None)
        return
    # A second factor given in an earlier sign-in does not carry over to this one.
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if second_factor.required_for(user):
        request.session[second_factor.PENDING_SESSION_KEY] = True
    else:
        request.session.pop(second_factor.PENDING_SESSION_KEY, None)
