"""API tokens for scripts. Only a hash of each token is stored."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from tiptracker.partnerships.models import Role


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (tip_{self.prefix}...)"

    @classmethod
    def new_key(cls) -> str:
        return "tip_" + secrets.token_urlsafe(32)


class AccountInvitation(models.Model):
    """An invitation to join a partnership with a role: an e-mailed, single-use link to set a
    password (or, for someone who has an account already, to take up the role). Only a hash
    of the link's token is kept. Made in bulk, an invitation waits for the worker to send it
    (`sent_at` empty); resending makes a new link, and the old one stops working."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"  # made; the worker has not sent it yet
        INVITED = "invited", "Invited"  # sent; the link works until it expires
        EXPIRED = "expired", "Expired"  # sent, not used within VALID_DAYS: resend it
        ACCEPTED = "accepted", "Accepted"  # used: the person is a member
        REVOKED = "revoked", "Revoked"  # withdrawn by an administrator

    VALID_DAYS = 7

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    # Lower-cased, as accounts' usernames are.
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=Role.choices)
    # The staff record the new member is, when invited from the staff list.
    staff = models.ForeignKey(
        "workforce.StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live invitation per address per partnership: inviting again resends it.
            models.UniqueConstraint(
                "partnership",
                "email",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_live_invitation_per_address",
            )
        ]
        indexes = [
            # The worker's queue: what has not been sent yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, revoked_at__isnull=True),
                name="invitation_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.partnership_id} ({self.role})"

    def status_on(self, now) -> "AccountInvitation.Status":  # type: ignore[no-untyped-def]
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.sent_at is None:
            return self.Status.QUEUED
        if self.expires_at is not None and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.INVITED


class PasswordResetRequest(models.Model):
    """Someone asked for a password reset link. The page records the request the same way
    whether or not the address has an account, and the worker looks the address up and
    e-mails the link: so the page's answer and its timing say nothing about who has an
    account here."""

    email = models.EmailField(max_length=254)
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=models.Q(handled_at__isnull=True),
                name="password_reset_queue",
            )
        ]

    def __str__(self) -> str:
        return f"password reset requested at {self.requested_at:%Y-%m-%d %H:%M}"


class RecoveryCode(models.Model):
    """One of a person's recovery codes, for signing in when their authenticator app is lost:
    a hash of it (the code is shown once), and when it was used (each works once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"])]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id} ({'used' if self.used_at else 'unused'})"
