"""Which champions, ambassadors and network activities a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership


def network_members_for(membership: Membership) -> QuerySet:
    """The champions and ambassadors: every member sees the whole roster, so that staff can
    find their ambassador (the roster shows only name, role, organisation and team)."""
    return NetworkMember.objects.filter(partnership_id=membership.partnership_id)


def get_network_member_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(network_members_for(membership).select_related("organisation", "team"), pk)


def network_activities_for(membership: Membership) -> QuerySet:
    return NetworkActivity.objects.filter(partnership_id=membership.partnership_id)


def get_network_activity_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(network_activities_for(membership).select_related("member"), pk)
