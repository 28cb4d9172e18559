"""The workforce app's reactions to what partnerships announce (partnerships.signals)."""

from typing import Any

from tiptracker.partnerships.models import Membership
from tiptracker.workforce.services import memberships_link_staff


def member_added_unlinked(*, membership: Membership, **kwargs: Any) -> None:
    memberships_link_staff(partnership=membership.partnership)
