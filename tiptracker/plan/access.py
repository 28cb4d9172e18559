"""Which plan actions, phases and priorities a member may see, and who may update an action.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from tiptracker.partnerships.access import WORKSPACE_EDIT_ROLES, get_or_404_in
from tiptracker.partnerships.models import Membership
from tiptracker.plan.models import Action, Phase, Priority


def actions_for(membership: Membership) -> QuerySet:
    return Action.objects.filter(partnership_id=membership.partnership_id)


def get_action_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(
        actions_for(membership).select_related(
            "phase", "priority", "owner__user", "lead_organisation"
        ),
        pk,
    )


def can_update_action(membership: Membership, action: Any) -> bool:
    """Administrators update any action; a member updates the actions they own."""
    return membership.role in WORKSPACE_EDIT_ROLES or action.owner_id == membership.pk


def require_action_update(membership: Membership, action: Any) -> None:
    if not can_update_action(membership, action):
        raise PermissionDenied("Only the action's owner or an administrator can update it")


def get_phase_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(Phase.objects.filter(partnership_id=membership.partnership_id), pk)


def get_priority_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(Priority.objects.filter(partnership_id=membership.partnership_id), pk)
