"""Which surveys a member may manage.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from tiptracker.feedback.models import Survey
from tiptracker.partnerships.access import TRAINING_ADMIN_ROLES, get_or_404_in, require_role
from tiptracker.partnerships.models import Membership


def get_survey_for_user(membership: Membership, pk: object) -> Any:
    require_role(membership, TRAINING_ADMIN_ROLES)
    return get_or_404_in(Survey.objects.filter(partnership_id=membership.partnership_id), pk)
