"""Reads for the resource library and the manager toolkit."""

from django.db.models import F, Q, QuerySet

from tiptracker.partnerships.models import Membership
from tiptracker.resources.access import resources_for
from tiptracker.resources.models import Resource, ResourceFile

# The level filter's value for resources not tied to a level.
NO_LEVEL = "none"


def resources_list_for(
    membership: Membership,
    *,
    kind: str = "",
    audience: str = "",
    level: int | str | None = None,
) -> QuerySet[Resource]:
    """The library, filtered; unknown filter values are the caller's to refuse."""
    found = resources_for(membership)
    if kind:
        found = found.filter(kind=kind)
    if audience:
        found = found.filter(audience=audience)
    if level == NO_LEVEL:
        found = found.filter(level__isnull=True)
    elif level:
        found = found.filter(level=level)
    return with_file_details(found).order_by("title", "id")


def with_file_details(found: QuerySet[Resource]) -> QuerySet[Resource]:
    """Each resource's file name, type and size in the same query, never its bytes."""
    return found.select_related("file").defer("file__data")


def toolkit_for(membership: Membership) -> QuerySet[Resource]:
    """The manager toolkit: the toolkits themselves and everything written for managers."""
    return (
        with_file_details(resources_for(membership))
        .filter(Q(kind=Resource.Kind.MANAGER_TOOLKIT) | Q(audience=Resource.Audience.MANAGERS))
        # Those for every level first, then level by level, the same on both databases.
        .order_by(F("level").asc(nulls_first=True), "title", "id")
    )


def file_details(resource: Resource) -> ResourceFile | None:
    """The resource's file without its bytes (for the edit page), or None."""
    return ResourceFile.objects.defer("data").filter(resource=resource).first()
