"""Writes for the resource library: administrators add, edit and remove resources."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tiptracker.lib.levels import Level
from tiptracker.resources.models import Resource

# Who did it: the signed-in user, or None for the system (the demo loader).
Actor = Any

# A link is opened by people's browsers: only web addresses, never javascript:, data: or ftp:.
_WEB_LINK = URLValidator(
    schemes=["http", "https"],
    message="Enter the link as a full web address starting http:// or https://, like https://example.org/toolkit",
)


def _clean(
    *, title: str, kind: str, audience: str, level: int | None, url: str, description: str
) -> dict:
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Enter the title of the resource"
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if kind not in Resource.Kind.values:
        errors["kind"] = "Choose what kind of resource this is"
    if audience not in Resource.Audience.values:
        errors["audience"] = "Choose who the resource is for: all staff, managers or leaders"
    if level is not None and level not in Level.values:
        errors["level"] = "Choose one of the four levels, or none"
    url = (url or "").strip()
    if url:
        if len(url) > 500:
            errors["url"] = "The link must be 500 characters or fewer"
        else:
            try:
                _WEB_LINK(url)
            except ValidationError as error:
                errors["url"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "kind": kind,
        "audience": audience,
        "level": level,
        "url": url,
        "description": (description or "").strip(),
    }


@transaction.atomic
def resource_create(
    *,
    actor: Actor,
    partnership_id: int,
    title: str,
    kind: str,
    audience: str,
    level: int | None = None,
    url: str = "",
    description: str = "",
) -> Resource:
    values = _clean(
        title=title, kind=kind, audience=audience, level=level, url=url, description=description
    )
    return Resource.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def resource_update(
    *,
    actor: Actor,
    resource: Resource,
    title: str,
    kind: str,
    audience: str,
    level: int | None = None,
    url: str = "",
    description: str = "",
) -> Resource:
    values = _clean(
        title=title, kind=kind, audience=audience, level=level, url=url, description=description
    )
    for field, value in values.items():
        setattr(resource, field, value)
    resource.save()
    return resource


@transaction.atomic
def resource_delete(*, actor: Actor, resource: Resource) -> None:
    from tiptracker.plan.services import actions_unlink_resource

    # Plan actions that pointed at it lose the link, and the plan's history says so.
    actions_unlink_resource(actor=actor, resource=resource)
    resource.delete()
