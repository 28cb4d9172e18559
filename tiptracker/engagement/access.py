"""Which engagement records a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.engagement.models import Engagement
from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership


def engagements_for(membership: Membership) -> QuerySet:
    return Engagement.objects.filter(partnership_id=membership.partnership_id)


def get_engagement_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(engagements_for(membership), pk)
