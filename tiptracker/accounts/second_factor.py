"""The second factor: a TOTP authenticator app (django-otp), and recovery codes for when the
phone is lost.

Who must use it: administrators and learning and development officers (of any partnership)
and installation administrators, at every sign-in with a password (required_for); a sign-in
through an organisation's account counts when the provider says it used more than one factor.
The lived-experience coordinators use the same device to open their workspace (lived/access).

Setting up: a new key is shown (a QR code, and as text) and confirmed with a code the app
shows; ten recovery codes are then shown once. Wrong codes are throttled by the device: after
n failures in a row the next try waits OTP_TOTP_THROTTLE_FACTOR * 2^(n-1) seconds; a code
already used is refused (replay). Only hashes of recovery codes are kept; each works once.
"""

import datetime as dt
import hashlib
import io
import re
import secrets
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from tiptracker.accounts.models import RecoveryCode
from tiptracker.partnerships.models import Membership, Role
from tiptracker.sso import session as sso_session

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


# Signing in ------------------------------------------------------------------------------------

# Roles whose members must use a second factor at every password sign-in.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})
# Set by the sign-in (accounts/signals.py) for someone who must still give their second
# factor in this session; every page but the second factor's own waits for it.
PENDING_SESSION_KEY = "second_factor_pending"
# Set by the single sign-on callback when the provider's `amr` claim says it used more than
# one factor: that sign-in counts as both.
PROVIDER_MFA_SESSION_KEY = sso_session.MFA_BY_PROVIDER
RECOVERY_CODES = 10


def required_for(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


def satisfied(request: HttpRequest) -> bool:
    """Has this session given the second factor (or an SSO sign-in that counts as one)?"""
    if request.session.get(PROVIDER_MFA_SESSION_KEY) is True:
        return True
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def pending(request: HttpRequest) -> bool:
    return bool(request.session.get(PENDING_SESSION_KEY)) and not satisfied(request)


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).lower().encode()).hexdigest()


def recovery_codes_new(user: AbstractBaseUser) -> list[str]:
    """Ten new recovery codes (the old ones stop working), shown once: only hashes are kept."""
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user_id=user.pk).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user_id=user.pk, code_hash=_hash(c)) for c in codes
        )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()


@dataclass(frozen=True)
class SignIn:
    ok: bool
    wait_until: dt.datetime | None = None
    by_recovery_code: bool = False


@transaction.atomic
def sign_in_verify(*, request: HttpRequest, code: str) -> SignIn:
    """Check the code from the authenticator app, or a recovery code, for the signed-in user;
    on success this session has given its second factor. Wrong codes of either kind count
    against the device's throttle."""
    user: Any = request.user
    device = confirmed_device(user)
    if device is None:
        return SignIn(ok=False)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return SignIn(ok=False, wait_until=(details or {}).get("locked_until"))
    cleaned = _clean(code)
    by_recovery = not re.fullmatch(r"\d{6}", cleaned)
    if by_recovery:
        used = RecoveryCode.objects.filter(
            user_id=user.pk, code_hash=_hash(cleaned.replace("-", "")), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            device.throttle_increment()
            return SignIn(ok=False)
        device.throttle_reset()
    elif not device.verify_token(cleaned):
        return SignIn(ok=False)
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    return SignIn(ok=True, by_recovery_code=by_recovery)


def set_up_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> Check:
    """Confirm a device being set up with the code its app shows; the session has then given
    its second factor."""
    result = check(user=request.user, device=device, password=None, code=code)  # type: ignore[arg-type]
    if result.ok:
        device.refresh_from_db()
        otp_login(request, device)
        request.session.pop(PENDING_SESSION_KEY, None)
    return result


def device_remove(user: AbstractBaseUser) -> None:
    """Forget the authenticator app and recovery codes (a lost or replaced phone); the next
    page asks for a new one to be set up."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user_id=user.pk).delete()
