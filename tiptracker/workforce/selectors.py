"""Reads for the workforce pages."""

import datetime as dt

from django.db.models import Q, QuerySet

from tiptracker.partnerships.access import staff_for, teams_for
from tiptracker.partnerships.models import Membership
from tiptracker.workforce.models import StaffMember


def staff_list_for(
    membership: Membership, *, search: str = "", organisation_id: str = "", team_id: str = ""
) -> QuerySet:
    staff = staff_for(membership).select_related("organisation", "team")
    if search:
        staff = staff.filter(
            Q(staff_id__iexact=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(job_title__icontains=search)
        )
    if organisation_id.isdigit():
        staff = staff.filter(organisation_id=int(organisation_id))
    if team_id.isdigit():
        staff = staff.filter(team_id=int(team_id))
    return staff.order_by("last_name", "first_name", "staff_id")


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
