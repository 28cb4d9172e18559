"""For tests that sign someone in without the sign-in pages: the session as after a password
and, where the person's role needs one, the second factor."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts import second_factor


def signed_in(user, client: Client | None = None) -> Client:  # type: ignore[no-untyped-def]
    client = client or Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if second_factor.required_for(user):
        give_second_factor(client, user)
    return client


def give_second_factor(client: Client, user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    """As if the person had entered their authenticator's code (a device is made if they
    have none)."""
    device = second_factor.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name=second_factor.DEVICE_NAME, confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(second_factor.PENDING_SESSION_KEY, None)
    session.save()
    return device
