"""Invitations: how people get an account and a role without anyone reading a password
off a screen. An administrator invites one person or many; each gets an e-mailed,
single-use link, valid for AccountInvitation.VALID_DAYS days, to set their password (or,
for someone with an account already, to take up the role).

Inviting many (a team, an organisation, the whole workforce) only queues invitations: the
worker (`tiptracker send-due`) makes each one's link and sends it, claiming it first with a
conditional update so two workers never send the same one. Inviting one person sends
straight away.
"""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from tiptracker import notifications
from tiptracker.accounts.models import AccountInvitation
from tiptracker.partnerships.models import Membership, Partnership, Role

Status = AccountInvitation.Status
SEND_BATCH = 500
BULK_BATCH = 2_000


def token_hash(token: str) -> str:
    """What is kept of a link's token: its hash, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def for_partnership(partnership: Partnership) -> QuerySet[AccountInvitation]:
    return AccountInvitation.objects.filter(partnership=partnership)


def get_for_partnership(partnership: Partnership, pk: int) -> AccountInvitation:
    """One of the partnership's invitations, or 404."""
    from django.http import Http404

    invitation = for_partnership(partnership).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def live(partnership: Partnership) -> QuerySet[AccountInvitation]:
    """Invitations not yet accepted or revoked (queued, invited or expired)."""
    return AccountInvitation.objects.filter(
        partnership=partnership, accepted_at__isnull=True, revoked_at__isnull=True
    )


def with_status(
    invitations: QuerySet[AccountInvitation], status: str, *, now: dt.datetime | None = None
) -> QuerySet[AccountInvitation]:
    """Narrowed to one status, in the database (for the members page's filter)."""
    now = now or timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return invitations.filter(
        {
            Status.QUEUED: open_ & Q(sent_at__isnull=True),
            Status.INVITED: open_ & Q(sent_at__isnull=False, expires_at__gt=now),
            Status.EXPIRED: open_ & Q(sent_at__isnull=False, expires_at__lte=now),
            Status.ACCEPTED: Q(accepted_at__isnull=False),
            Status.REVOKED: Q(revoked_at__isnull=False, accepted_at__isnull=True),
        }[Status(status)]
    )


# Inviting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invited:
    invitation: AccountInvitation
    # False: the address had a live invitation already, which was sent again.
    new: bool


def invitation_create(
    *, partnership: Partnership, email: str, role: str, by: Any = None, staff: Any = None
) -> Invited:
    """Invite one person and send the e-mail when the transaction commits. Inviting an address
    that has a live invitation sends it again with a new link (and the role asked for now)."""
    email = email.strip().lower()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an e-mail address in the right format, like name@example.org."
    if role not in Role.values:
        errors["role"] = "Choose a role."
    if errors:
        raise ValidationError(errors)
    if Membership.objects.filter(partnership=partnership, user__username=email).exists():
        raise ValidationError(
            {"email": f"{email} is already a member: change their role in the list of members."}
        )
    if staff is None:
        staff = _only_staff_record(partnership, email)
    with transaction.atomic():
        existing = live(partnership).select_for_update().filter(email=email).first()
        if existing is not None:
            existing.role, existing.staff = role, staff
            existing.invited_by = by
            existing.save(update_fields=["role", "staff", "invited_by"])
            _send(existing)
            return Invited(existing, new=False)
        invitation = AccountInvitation.objects.create(
            partnership=partnership, email=email, role=role, staff=staff, invited_by=by
        )
        _send(invitation)
    return Invited(invitation, new=True)


def _only_staff_record(partnership: Partnership, email: str) -> Any:
    from tiptracker.workforce.models import StaffMember

    matches = list(StaffMember.objects.filter(partnership=partnership, email__iexact=email)[:2])
    return matches[0] if len(matches) == 1 else None


def uninvited_staff(partnership: Partnership, staff: QuerySet) -> QuerySet:
    """Of `staff`, those with an e-mail address, no account and no live invitation here:
    the people an "invite all" reaches."""
    User = get_user_model()
    return (
        staff.filter(partnership=partnership)
        .exclude(email="")
        .annotate(address=Lower("email"))
        .exclude(address__in=User.objects.values("username"))
        .exclude(address__in=live(partnership).values("email"))
    )


def uninvited_count(partnership: Partnership, staff: QuerySet) -> int:
    """How many invitations inviting `staff` would make (one per address)."""
    return uninvited_staff(partnership, staff).order_by().values("address").distinct().count()


def invitations_create_for_staff(*, partnership: Partnership, staff: QuerySet, by: Any) -> int:
    """Queue an invitation with the staff role for each of `staff` who has an e-mail address,
    no account and no live invitation; the worker sends them. Returns how many were queued.

    Written in batches in one transaction: all of them or, on a failure, none. Two staff
    records sharing an address get one invitation (not linked to either record)."""
    rows = uninvited_staff(partnership, staff).order_by().values_list("id", "address")
    by_address: dict[str, int | None] = {}
    for staff_id, address in rows.iterator(chunk_size=BULK_BATCH):
        by_address[address] = None if address in by_address else staff_id
    now = timezone.now()
    by_id = getattr(by, "pk", None)
    with transaction.atomic():
        AccountInvitation.objects.bulk_create(
            (
                AccountInvitation(
                    partnership=partnership,
                    email=address,
                    role=Role.STAFF,
                    staff_id=staff_id,
                    invited_by_id=by_id,
                    created_at=now,
                )
                for address, staff_id in by_address.items()
            ),
            batch_size=BULK_BATCH,
        )
    return len(by_address)


def _send(invitation: AccountInvitation) -> None:
    """Give the invitation a new link, valid from now, and e-mail it after the commit."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=AccountInvitation.VALID_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    notifications.send(
        "account_invitation",
        to=invitation.email,
        context=_context(invitation),
        link=reverse("invitation_accept", args=[token]),
    )


def _context(
    invitation: AccountInvitation, providers: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the invitation e-mail says; `providers` caches, by domain, the name of the
    organisation account that signs an address in (single sign-on), for a batch."""
    from tiptracker.lib.users import user_name
    from tiptracker.sso.selectors import provider_for_email

    inviter = invitation.invited_by
    providers = {} if providers is None else providers
    domain = invitation.email.rsplit("@", 1)[-1]
    if domain not in providers:
        provider = provider_for_email(invitation.email)
        providers[domain] = provider.name if provider is not None else ""
    return {
        "provider": providers[domain],
        "partnership": invitation.partnership.name,
        "role": Role(invitation.role).label,
        "inviter": user_name(inviter) if inviter is not None else "",
        "expires": invitation.expires_at,
    }


def invitations_send_due(*, batch: int = SEND_BATCH) -> int:
    """The worker: make the link of each queued invitation and send it. Each is claimed by a
    conditional update (its token hash and sending time), so two workers never both send;
    returns how many were sent."""
    queued = (
        AccountInvitation.objects.filter(sent_at__isnull=True, revoked_at__isnull=True)
        .select_related("partnership", "invited_by")
        .order_by("created_at", "id")[:batch]
    )
    emails = []
    providers: dict[str, str] = {}
    for invitation in queued:
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        expires = now + dt.timedelta(days=AccountInvitation.VALID_DAYS)
        claimed = AccountInvitation.objects.filter(
            pk=invitation.pk, sent_at__isnull=True, revoked_at__isnull=True
        ).update(token_hash=token_hash(token), sent_at=now, expires_at=expires)
        if not claimed:
            continue
        invitation.expires_at = expires
        emails.append(
            notifications.render(
                "account_invitation",
                to=invitation.email,
                context=_context(invitation, providers),
                link=reverse("invitation_accept", args=[token]),
            )
        )
    return notifications.deliver(emails) if emails else 0


def invitation_resend(*, invitation: AccountInvitation, by: Any = None) -> None:
    """A new link (the old one stops working), valid for another VALID_DAYS days."""
    with transaction.atomic():
        current = AccountInvitation.objects.select_for_update().get(pk=invitation.pk)
        if current.accepted_at is not None:
            raise ValidationError("This invitation has been accepted: there is nothing to resend.")
        if current.revoked_at is not None:
            raise ValidationError("This invitation was revoked: invite them again instead.")
        if by is not None:
            current.invited_by = by
            current.save(update_fields=["invited_by"])
        _send(current)


def invitation_revoke(*, invitation: AccountInvitation) -> None:
    """The link stops working; the person is told nothing (they may simply be re-invited)."""
    with transaction.atomic():
        current = AccountInvitation.objects.select_for_update().get(pk=invitation.pk)
        if current.accepted_at is not None:
            raise ValidationError(
                "This invitation has been accepted: remove the member from the list instead."
            )
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])


# Accepting -------------------------------------------------------------------------------------


class InvitationInvalid(Exception):
    """The link is wrong, used, revoked or expired: the message says which, kindly."""


def invitation_for_token(token: str) -> AccountInvitation:
    """The invitation this link is for, if it can still be used."""
    invitation = (
        AccountInvitation.objects.filter(token_hash=token_hash(token))
        .select_related("partnership")
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This link does not work. It may have been replaced by a newer invitation, or "
            "typed wrongly: use the link in your most recent invitation e-mail."
        )
    status = invitation.status_on(timezone.now())
    if status == Status.ACCEPTED:
        raise InvitationInvalid("This invitation has been used already: sign in instead.")
    if status == Status.REVOKED:
        raise InvitationInvalid(
            f"This invitation was withdrawn. If you think you should have access, ask "
            f"{invitation.partnership.name}'s TIP Tracker administrator."
        )
    if status == Status.EXPIRED:
        raise InvitationInvalid(
            f"This invitation expired {AccountInvitation.VALID_DAYS} days after it was sent. "
            f"Ask {invitation.partnership.name}'s TIP Tracker administrator to send it again."
        )
    return invitation


def account_exists(email: str) -> bool:
    return get_user_model().objects.filter(username=email).exists()


def invitation_accept(*, token: str, password: str | None) -> Any:
    """Use the link: make the account (with `password`, checked against the password rules)
    or, for an address with an account already, just take up the role. Returns the user."""
    User = get_user_model()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = AccountInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status_on(timezone.now()) != Status.INVITED:
            raise InvitationInvalid("This invitation has been used already: sign in instead.")
        user = User.objects.filter(username=invitation.email).first()
        if user is None:
            user = User(username=invitation.email, email=invitation.email)
            if invitation.staff is not None:
                user.first_name = invitation.staff.first_name
                user.last_name = invitation.staff.last_name
            if password is None:
                user.set_unusable_password()  # they sign in with their organisation's account
            else:
                password_validation.validate_password(password, user)
                user.set_password(password)
            user.save()
        try:
            with transaction.atomic():
                Membership.objects.create(
                    partnership=invitation.partnership,
                    user=user,
                    role=invitation.role,
                    staff=invitation.staff,
                )
        except IntegrityError:
            pass  # a member already (added another way meanwhile): the role they have stands
        else:
            from tiptracker.partnerships.services import role_change_announce
            from tiptracker.partnerships.signals import member_added_unlinked

            membership = Membership.objects.get(partnership=invitation.partnership, user=user)
            role_change_announce(
                membership=membership,
                before=None,
                after=invitation.role,
                by_name="an invitation",
            )
            if invitation.staff is None:
                member_added_unlinked.send(sender=Membership, membership=membership)
        # The token's hash stays, so that the link used again says it was used.
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return user


def statuses(invitations: Iterable[AccountInvitation]) -> list[tuple[AccountInvitation, str]]:
    now = timezone.now()
    return [(invitation, invitation.status_on(now)) for invitation in invitations]
