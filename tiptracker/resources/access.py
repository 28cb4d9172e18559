"""Which resources and their files a member may see.

A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.db.models import QuerySet

from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership
from tiptracker.resources.models import Resource, ResourceFile


def resources_for(membership: Membership) -> QuerySet:
    return Resource.objects.filter(partnership_id=membership.partnership_id)


def get_resource_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(resources_for(membership), pk)


def get_resource_file_for_user(membership: Membership, resource_pk: object) -> Any:
    """A resource's file, bytes and all (its pk is the resource's): 404 if it has none."""
    files = ResourceFile.objects.filter(resource__partnership_id=membership.partnership_id)
    return get_or_404_in(files, resource_pk)
