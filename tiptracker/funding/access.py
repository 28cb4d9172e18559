"""Which allocations and commitments a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership


def allocations_for(membership: Membership) -> QuerySet:
    return Allocation.objects.filter(partnership_id=membership.partnership_id)


def get_allocation_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(allocations_for(membership), pk)


def commitments_for(membership: Membership) -> QuerySet:
    return Commitment.objects.filter(partnership_id=membership.partnership_id).select_related(
        "allocation"
    )


def get_commitment_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(commitments_for(membership), pk)
