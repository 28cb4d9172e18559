"""Partnerships and who belongs to them: `partnership create|sso`, `member add|invite`."""

import argparse

from tiptracker.cli.arguments import partnership_by_slug
from tiptracker.lib.user_error import UserError


def cmd_partnership_create(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from tiptracker.partnerships.services import PartnershipExists, partnership_create

    try:
        partnership = partnership_create(
            slug=args.slug, name=args.name, council=args.council, health_board=args.health_board
        )
    except PartnershipExists as error:
        raise UserError(str(error)) from None
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(f"Created partnership {partnership.slug}: {partnership.name}")
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    """An existing account gets the role at once. A new address gets an invitation to set
    its own password (the role comes with it), unless --print-password asks for an account
    with a password shown here (for a first administrator before e-mail is set up)."""
    from django.core.exceptions import ValidationError

    from tiptracker.accounts import invitations
    from tiptracker.partnerships.services import member_add

    partnership = partnership_by_slug(args.partnership)
    email = args.email.strip().lower()
    try:
        if not args.print_password and not invitations.account_exists(email):
            invitations.invitation_create(partnership=partnership, email=email, role=args.role)
            print(
                f"{email} has no account yet: an invitation to join {partnership.slug} as "
                f"{_role_label(args.role)} has been e-mailed to them (the link works for "
                "7 days; they choose their own password)."
            )
            return 0
        membership, password = member_add(
            partnership=partnership, email=email, role=args.role, by_name="the tiptracker command"
        )
    except ValidationError as error:
        raise UserError("; ".join(error.messages)) from None
    print(
        f"{membership.user.email} is now {membership.get_role_display()} in {membership.partnership.slug}"
    )
    if password:
        print(
            f"New account: log in with {membership.user.email} and the password {password} (change it after)"
        )
    return 0


def _role_label(role: str) -> str:
    from tiptracker.partnerships.models import Role

    return Role(role).label.lower()


def cmd_member_invite(args: argparse.Namespace) -> int:
    """Invite one address, or queue invitations for the staff of a team, an organisation or
    the whole partnership who have an e-mail address and no account (the worker sends them)."""
    from django.core.exceptions import ValidationError

    from tiptracker.accounts import invitations
    from tiptracker.workforce.models import StaffMember

    chosen = [bool(args.email), bool(args.team or args.organisation), args.all_staff]
    if sum(chosen) != 1:
        raise UserError(
            "say whom to invite: --email ADDRESS, --team NAME, --organisation NAME or --all-staff"
        )
    partnership = partnership_by_slug(args.partnership)
    if args.email:
        try:
            invited = invitations.invitation_create(
                partnership=partnership, email=args.email, role=args.role
            )
        except ValidationError as error:
            raise UserError("; ".join(error.messages)) from None
        again = "" if invited.new else " again, with a new link"
        print(f"Invitation e-mailed to {invited.invitation.email}{again} (valid for 7 days)")
        return 0
    staff = StaffMember.objects.filter(partnership=partnership)
    described = "all staff"
    if args.organisation:
        organisation = partnership.organisations.filter(name__iexact=args.organisation).first()
        if organisation is None:
            raise UserError(f"no organisation '{args.organisation}' in {partnership.slug}")
        staff, described = staff.filter(organisation=organisation), organisation.name
    if args.team:
        teams = partnership.teams.filter(name__iexact=args.team).select_related("organisation")
        if args.organisation:
            teams = teams.filter(organisation__name__iexact=args.organisation)
        found = list(teams[:10])
        if not found:
            raise UserError(f"no team '{args.team}' in {partnership.slug}")
        if len(found) > 1:
            names = ", ".join(sorted(t.organisation.name for t in found))
            raise UserError(
                f"there are teams called '{args.team}' in several organisations ({names}): "
                "say which with --organisation"
            )
        staff, described = staff.filter(team=found[0]), f"the {found[0].name} team"
    queued = invitations.invitations_create_for_staff(partnership=partnership, staff=staff, by=None)
    print(
        f"Queued {queued:,} invitation{'s' if queued != 1 else ''} for {described} "
        "(staff with an e-mail address and no account). The worker (tiptracker send-due) "
        "sends them."
    )
    return 0


def cmd_partnership_sso(args: argparse.Namespace) -> int:
    from tiptracker.partnerships.services import partnership_sso_staff_set

    partnership = partnership_by_slug(args.slug)
    allowed = args.staff == "on"
    partnership_sso_staff_set(partnership=partnership, allowed=allowed)
    if allowed:
        print(
            f"{partnership.slug}: people with a staff record may sign in with their "
            "organisation's account and get the staff role"
        )
    else:
        print(f"{partnership.slug}: only members may sign in (staff records give no account)")
    return 0
