"""Which import runs a member may see: those who run training only.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.imports.models import ImportRun
from tiptracker.partnerships.access import TRAINING_ADMIN_ROLES, get_or_404_in
from tiptracker.partnerships.models import Membership


def imports_for(membership: Membership) -> QuerySet:
    if membership.role not in TRAINING_ADMIN_ROLES:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(partnership_id=membership.partnership_id)


def get_import_for_user(membership: Membership, pk: object) -> Any:
    # The kept upload (up to 50 MB) is loaded only by the code that reads it.
    return get_or_404_in(imports_for(membership).defer("data"), pk)
