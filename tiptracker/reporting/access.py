"""Which board reports a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.partnerships.access import REPORT_READ_ROLES, get_or_404_in, require_role
from tiptracker.partnerships.models import Membership
from tiptracker.reporting.models import Report


def reports_for(membership: Membership) -> QuerySet:
    require_role(membership, REPORT_READ_ROLES)
    # The template an approved report keeps is read only by its Word download.
    return Report.objects.filter(partnership_id=membership.partnership_id).defer(
        "approved_template"
    )


def get_report_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(reports_for(membership), pk)
