"""Which champions, ambassadors and network activities a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.network.models import CoachingGroup, NetworkActivity, NetworkMember
from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership, Role


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


# Coaching, mentoring and peer networks: every member reads who meets whom (names,
# organisations, dates and themes, never what was said); administrators and learning and
# development officers, who run the workforce's development, record them.
COACHING_EDIT_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})


def coaching_groups_for(membership: Membership) -> QuerySet:
    return CoachingGroup.objects.filter(partnership_id=membership.partnership_id)


def get_coaching_group_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(coaching_groups_for(membership), pk)


def get_coaching_person_for_user(group: CoachingGroup, pk: object) -> Any:
    """One of the people of a group already fetched through get_coaching_group_for_user."""
    return get_or_404_in(group.people.select_related("person"), pk)


def get_coaching_meeting_for_user(group: CoachingGroup, pk: object) -> Any:
    """One of the meetings of a group already fetched through get_coaching_group_for_user."""
    return get_or_404_in(group.meetings.all(), pk)
