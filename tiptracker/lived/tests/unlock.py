"""For tests: a client signed in as a coordinator whose workspace is already open, as if they
had confirmed their password and a code (the unlock page itself is tested in test_unlock.py)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts.second_factor import current_code
from tiptracker.lived import access
from tiptracker.partnerships.models import Membership


def device_for(membership: Membership) -> TOTPDevice:
    """The coordinator's confirmed authenticator (made if they have none)."""
    device = TOTPDevice.objects.filter(user=membership.user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=membership.user, name="Authenticator app", confirmed=True
    )


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now."""
    return current_code(device)


def unlock(client: Client, membership: Membership) -> Client:
    """Sign `client` in as the coordinator and open their workspace."""
    device = device_for(membership)
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    request = type("Request", (), {"session": session})()
    access.keep_unlocked(request, membership)  # type: ignore[arg-type]
    session.save()
    return client


def unlocked_client(membership: Membership) -> Client:
    return unlock(Client(), membership)
