"""The coordinator's second factor: a TOTP authenticator app (django-otp).

Mandatory for the role: a coordinator without a confirmed device sets one up before the
workspace first opens: they confirm their password, are then shown a new key (a QR code, and
as text), and confirm it with a code their app shows. Wrong codes, and wrong passwords, are throttled by the device: after n
failures in a row the next try waits OTP_TOTP_THROTTLE_FACTOR * 2^(n-1) seconds, and every
attempt, right or wrong, is in the route's audit trail.
"""

import datetime as dt
import io
import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment_device(user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up (its key is shown only after the password, see new_key):
    the same one until it is confirmed, so that its throttle counts every wrong try."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def key_text(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (the key is also shown as
    text beside it, for anyone who cannot scan)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=4, title="QR code of the key"
    )
    return buffer.getvalue().decode("utf-8")


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for the demo's `tiptracker totp-code`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@dataclass(frozen=True)
class Check:
    ok: bool
    # When wrong tries have been too many: the time the next may be made.
    wait_until: dt.datetime | None = None


def _clean(code: str) -> str:
    return re.sub(r"\s", "", code or "")


@transaction.atomic
def check(
    *, user: AbstractBaseUser, device: TOTPDevice, password: str | None, code: str | None
) -> Check:
    """The factors given (password, code or both), throttled together by the device: a
    wrong password counts as a wrong try, and so does a wrong or reused code. A code
    confirms a device being set up."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Check(ok=False, wait_until=(details or {}).get("locked_until"))
    if password is not None and not user.check_password(password):
        device.throttle_increment()
        return Check(ok=False)
    if code is not None:
        # verify_token counts a wrong code (anything but the current one) as a failure
        # itself, and refuses a code already used (replay).
        if not device.verify_token(_clean(code)):
            return Check(ok=False)
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    return Check(ok=True)


def new_key(device: TOTPDevice) -> None:
    """A fresh key for a device being set up, made once the password is confirmed: a key
    seen before then (on a screen left open) is worth nothing."""
    device.key = default_key()
    device.save(update_fields=["key"])
