"""Writes for partnerships and memberships."""

import re
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tiptracker.partnerships.models import (
    ManagedTeam,
    Membership,
    Organisation,
    Partnership,
    Role,
)
from tiptracker.partnerships.signals import member_added_unlinked, role_changed

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class PartnershipExists(Exception):
    pass


def partnership_create(
    *, slug: str, name: str, council: str = "", health_board: str = ""
) -> Partnership:
    """A new partnership; `council` and `health_board`, if given, are its two bodies (made
    as organisations of those kinds): a board report's directions name them, and staff
    imports find them by name. They can be added or changed on the Organisations page."""
    if not _SLUG.match(slug):
        raise ValidationError(
            f"'{slug}' is not a valid slug: use lower-case letters, digits and hyphens"
        )
    if not name.strip():
        raise ValidationError("a partnership needs a name")
    bodies = {
        Organisation.Kind.COUNCIL: " ".join(council.split()),
        Organisation.Kind.NHS_BOARD: " ".join(health_board.split()),
    }
    if bodies[Organisation.Kind.COUNCIL] and (
        bodies[Organisation.Kind.COUNCIL].lower() == bodies[Organisation.Kind.NHS_BOARD].lower()
    ):
        raise ValidationError("the council and the NHS board need different names")
    too_long = [body for body in bodies.values() if len(body) > 200]
    if too_long:
        raise ValidationError("an organisation's name must be 200 characters or fewer")
    with transaction.atomic():
        if Partnership.objects.filter(slug=slug).exists():
            raise PartnershipExists(f"a partnership with the slug '{slug}' already exists")
        partnership = Partnership.objects.create(slug=slug, name=name.strip())
        for kind, body in bodies.items():
            if body:
                Organisation.objects.create(partnership=partnership, name=body, kind=kind)
        return partnership


def partnership_sso_staff_set(*, partnership: Partnership, allowed: bool) -> bool:
    """Whether people with a staff record here may sign in through their organisation's
    identity provider and get the staff role (single sign-on). Returns whether it changed."""
    with transaction.atomic():
        changed = (
            Partnership.objects.filter(pk=partnership.pk)
            .exclude(sso_staff_sign_in=allowed)
            .update(sso_staff_sign_in=allowed)
        )
    partnership.sso_staff_sign_in = allowed
    return bool(changed)


def user_get_or_create(
    *, email: str, first_name: str = "", last_name: str = ""
) -> tuple[Any, str | None]:
    """The user with this e-mail address, created with a random password if new.

    Returns (user, password) where password is set only for a new user.
    """
    email = email.strip().lower()
    validate_email(email)
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is not None:
        return user, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=email, email=email, password=password, first_name=first_name, last_name=last_name
    )
    return user, password


def installation_admin_set(*, email: str, admin: bool) -> tuple[Any, str | None]:
    """Makes a user an installation administrator (Django's superuser flag: installation-wide,
    not a partnership role), or no longer one. Adding one creates the account if needed and
    returns its first password; removing one needs the account."""
    address = email.strip().lower()
    with transaction.atomic():
        if admin:
            user, password = user_get_or_create(email=address)
        else:
            password = None
            user = get_user_model().objects.filter(username=address).first()
            if user is None:
                raise ValidationError(f"there is no account for {address}")
        user.is_superuser = admin
        user.save(update_fields=["is_superuser"])
    return user, password


def role_change_announce(
    *,
    membership: Membership,
    before: str | None,
    after: str | None,
    by: Membership | None = None,
    by_name: str = "",
) -> None:
    """Tell the apps that react to roles (the lived-experience route audits who may see it)
    that a member's role changed; inside the caller's transaction."""
    if before != after:
        role_changed.send(
            sender=Membership,
            membership=membership,
            before=before,
            after=after,
            by=by,
            by_name=by_name,
        )


def member_add(
    *,
    partnership: Partnership,
    email: str,
    role: str,
    staff=None,
    by: Membership | None = None,
    by_name: str = "",
) -> tuple[Membership, str | None]:
    if role not in Role.values:
        raise ValidationError(f"'{role}' is not a role")
    with transaction.atomic():
        user, password = user_get_or_create(email=email)
        if Membership.objects.filter(partnership=partnership, user=user).exists():
            # Changing a role is the role form's job, where an administrator cannot demote themselves.
            raise ValidationError(
                f"{user.email} is already a member: change their role in the list of members"
            )
        membership = Membership.objects.create(
            partnership=partnership, user=user, role=role, staff=staff
        )
        role_change_announce(membership=membership, before=None, after=role, by=by, by_name=by_name)
        if staff is None:
            member_added_unlinked.send(sender=Membership, membership=membership)
            membership.refresh_from_db()
    return membership, password


def member_remove(*, actor_membership: Membership, membership: Membership) -> None:
    """Take someone out of the partnership: their account stays, their access here goes."""
    if membership.pk == actor_membership.pk:
        raise ValidationError("You cannot remove yourself: ask another administrator.")
    with transaction.atomic():
        role_change_announce(
            membership=membership, before=membership.role, after=None, by=actor_membership
        )
        membership.delete()


def member_role_set(
    *, membership: Membership, role: str, by: Membership | None = None, by_name: str = ""
) -> None:
    """Change a member's role (the members page checks who may; the admin site too).

    An administrator cannot take away their own administrator role, so that a partnership
    is never left without one by accident."""
    if role not in Role.values:
        raise ValidationError(f"'{role}' is not a role")
    if by is not None and by.pk == membership.pk and role != Role.ADMIN:
        raise ValidationError(
            "You cannot take away your own administrator role: ask another administrator."
        )
    with transaction.atomic():
        before = (
            Membership.objects.select_for_update()
            .values_list("role", flat=True)
            .get(pk=membership.pk)
        )
        membership.role = role
        membership.save(update_fields=["role"])
        role_change_announce(
            membership=membership, before=before, after=role, by=by, by_name=by_name
        )


def member_set_teams(*, membership: Membership, teams: list) -> None:
    """Set the teams a manager manages (their scope)."""
    with transaction.atomic():
        ManagedTeam.objects.filter(membership=membership).delete()
        ManagedTeam.objects.bulk_create(
            ManagedTeam(partnership_id=membership.partnership_id, membership=membership, team=team)
            for team in teams
            if team.partnership_id == membership.partnership_id
        )


def organisation_kinds_set(*, partnership: Partnership, kinds: dict[int, str]) -> int:
    """Set the kind (council, NHS board, ...) of several organisations; returns how many changed."""
    from tiptracker.partnerships.models import Organisation

    with transaction.atomic():
        organisations = Organisation.objects.select_for_update().filter(
            partnership=partnership, id__in=list(kinds)
        )
        changed = [o for o in organisations if o.kind != kinds[o.id]]
        for organisation in changed:
            organisation.kind = kinds[organisation.id]
        Organisation.objects.bulk_update(changed, ["kind"])
    return len(changed)
