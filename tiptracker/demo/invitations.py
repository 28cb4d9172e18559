"""The demo's invitations, one or more in every state, so the members page shows how a
roll-out goes: the administrator invited some of the Housing Options team a few weeks ago
(three accepted, two let their links expire, one was withdrawn), four more this week, and
has just invited the whole Housing Support team, whose invitations the worker sends as
the demo starts (waiting to be sent, then invited)."""

import datetime as dt
import secrets

from django.utils import timezone

from tiptracker.accounts.invitations import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitations_create_for_staff,
    token_hash,
    uninvited_staff,
)
from tiptracker.accounts.models import AccountInvitation
from tiptracker.demo.workspace import DemoContext
from tiptracker.partnerships.models import Role
from tiptracker.workforce.models import StaffMember

ACCEPTED, EXPIRED, REVOKED, INVITED = 3, 2, 1, 4
# When each was sent, in days before the load.
SENT_DAYS_AGO = {"accepted": 20, "expired": 12, "revoked": 9, "invited": 2}
EARLY_TEAM, WHOLE_TEAM = "Housing Options", "Housing Support"
# What those who accepted chose, in the demo only: the demo's one password.
PASSWORD = "demo-password-2022"  # noqa: S105 - the demo's published password (loader.DEMO_PASSWORD)


def load(ctx: DemoContext) -> None:
    admin = ctx.memberships[Role.ADMIN].user
    partnership = ctx.partnership
    staff = StaffMember.objects.filter(partnership=partnership)
    # Current staff of the early team, neither the demo's logins nor anyone with an account.
    early = list(
        uninvited_staff(
            partnership, staff.filter(team__name=EARLY_TEAM, leaving_date__isnull=True)
        ).order_by("last_name", "first_name", "staff_id")[: ACCEPTED + EXPIRED + REVOKED + INVITED]
    )
    plan = (
        ["accepted"] * ACCEPTED + ["expired"] * EXPIRED + ["revoked"] * REVOKED
        + ["invited"] * INVITED
    )  # fmt: skip
    now = timezone.now()
    for person, state in zip(early, plan, strict=True):
        invitation = invitation_create(
            partnership=partnership, email=person.email, role=Role.STAFF, by=admin, staff=person
        ).invitation
        if state == "accepted":
            # The person follows the e-mailed link (its token stands in for theirs).
            token = secrets.token_urlsafe(32)
            AccountInvitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
            invitation_accept(token=token, password=PASSWORD)
        elif state == "revoked":
            invitation_revoke(invitation=invitation)
        # Then dated as it happened.
        sent = now - dt.timedelta(days=SENT_DAYS_AGO[state], hours=3)
        AccountInvitation.objects.filter(pk=invitation.pk).update(
            created_at=sent,
            sent_at=sent,
            expires_at=sent + dt.timedelta(days=AccountInvitation.VALID_DAYS),
            accepted_at=sent + dt.timedelta(days=1, hours=2) if state == "accepted" else None,
            revoked_at=sent + dt.timedelta(days=2) if state == "revoked" else None,
        )
    queued = invitations_create_for_staff(
        partnership=partnership,
        staff=staff.filter(team__name=WHOLE_TEAM, leaving_date__isnull=True),
        by=admin,
    )
    ctx.say(
        f"Invitations: {ACCEPTED} accepted, {EXPIRED} expired, {REVOKED} revoked and "
        f"{INVITED} waiting for a reply in the {EARLY_TEAM} team; {queued} for the whole "
        f"{WHOLE_TEAM} team, which the worker sends"
    )
