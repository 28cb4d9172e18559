"""Which teams and staff a member may see: the workforce app's part of the partnership scoping.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.partnerships.access import (
    BOOK_OTHERS_ROLES,
    PEOPLE_ROLES,
    get_or_404_in,
    managed_team_ids,
)
from tiptracker.partnerships.models import Membership
from tiptracker.workforce.models import StaffMember, Team


def teams_for(membership: Membership) -> QuerySet:
    teams = Team.objects.filter(partnership_id=membership.partnership_id)
    team_ids = managed_team_ids(membership)
    if team_ids is not None:
        teams = teams.filter(id__in=team_ids)
    return teams


def staff_for(membership: Membership) -> QuerySet:
    """The named people this member may see: everyone for training admins, a manager's teams."""
    if membership.role not in PEOPLE_ROLES:
        return StaffMember.objects.none()
    staff = StaffMember.objects.filter(partnership_id=membership.partnership_id)
    team_ids = managed_team_ids(membership)
    if team_ids is not None:
        staff = staff.filter(team_id__in=team_ids)
    return staff


def bookable_staff_for(membership: Membership) -> QuerySet:
    """Whom this member may book onto a session: themselves, and others if their role allows."""
    if membership.role in BOOK_OTHERS_ROLES:
        return staff_for(membership)
    if membership.staff_id:
        return StaffMember.objects.filter(
            partnership_id=membership.partnership_id, id=membership.staff_id
        )
    return StaffMember.objects.none()


def get_staff_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(staff_for(membership).select_related("team", "organisation"), pk)


def get_team_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(teams_for(membership).select_related("organisation"), pk)
