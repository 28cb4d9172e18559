"""Reads for the workforce pages."""

import datetime as dt

from django.db.models import Q, QuerySet

from tiptracker.partnerships.access import managed_team_ids
from tiptracker.partnerships.models import ManagedTeam, Membership, Organisation, Role
from tiptracker.workforce.access import staff_for, teams_for
from tiptracker.workforce.models import StaffMember, Team


def staff_list_for(
    membership: Membership, *, search: str = "", organisation_id: str = "", team_id: str = ""
) -> QuerySet:
    staff = staff_filtered(
        staff_for(membership).select_related("organisation", "team"), search=search
    )
    if organisation_id.isdigit():
        staff = staff.filter(organisation_id=int(organisation_id))
    if team_id.isdigit():
        staff = staff.filter(team_id=int(team_id))
    return staff.order_by("last_name", "first_name", "staff_id")


def staff_filtered(
    staff: QuerySet,
    *,
    search: str = "",
    organisation: Organisation | None = None,
    team: Team | None = None,
    manager: Membership | None = None,
) -> QuerySet:
    """`staff` narrowed by a search (name, staff ID, e-mail, job title), an organisation,
    a team, and a manager (the people in the teams that manager manages)."""
    if search:
        staff = staff.filter(
            Q(staff_id__iexact=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(job_title__icontains=search)
        )
    if organisation is not None:
        staff = staff.filter(organisation=organisation)
    if team is not None:
        staff = staff.filter(team=team)
    if manager is not None:
        staff = staff.filter(
            team_id__in=ManagedTeam.objects.filter(membership=manager).values("team_id")
        )
    return staff


def managers_for(membership: Membership) -> QuerySet | None:
    """The managers one may filter by: every manager in the partnership, for those who see
    all of it; None for a manager, who sees only their own teams anyway."""
    if managed_team_ids(membership) is not None:
        return None
    return (
        Membership.objects.filter(partnership_id=membership.partnership_id, role=Role.MANAGER)
        .select_related("user", "staff")
        .order_by("staff__last_name", "staff__first_name", "user__last_name", "user__email")
    )


def needs_list_for(membership: Membership, *, organisation_id: str = "") -> QuerySet:
    teams = teams_for(membership).select_related("organisation")
    if organisation_id.isdigit():
        teams = teams.filter(organisation_id=int(organisation_id))
    return teams.order_by("organisation__name", "name")


def current_staff_with_email(
    *, email: str, on: dt.date, sso_allowed_only: bool = False
) -> QuerySet:
    """Staff records with this e-mail address (case-insensitive) who have not left on `on`,
    in every partnership, or only in those that let staff sign in through their
    organisation's account (single sign-on)."""
    staff = StaffMember.objects.filter(email__iexact=email.strip()).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)
    )
    if sso_allowed_only:
        staff = staff.filter(partnership__sso_staff_sign_in=True)
    return staff.order_by("partnership_id", "pk")
