"""Writes for the resource library: administrators add, edit and remove resources, and the
files they carry."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tiptracker.lib.dates import today
from tiptracker.lib.history import acting
from tiptracker.lib.levels import Level
from tiptracker.partnerships.actors import Actor
from tiptracker.resources.files import FileRefused, check_file, safe_name
from tiptracker.resources.models import Resource, ResourceFile
from tiptracker.resources.signals import resource_deleting

# A link is opened by people's browsers: only web addresses, never javascript:, data: or ftp:.
_WEB_LINK = URLValidator(
    schemes=["http", "https"],
    message="Enter the link as a full web address starting http:// or https://, like https://example.org/toolkit",
)


@dataclass(frozen=True)
class Upload:
    """A chosen file: the name the person's computer gave it, and its bytes."""

    name: str
    data: bytes


def _checked_file(upload: Upload, errors: dict[str, str]) -> ResourceFile | None:
    """The file to store (not yet saved), or None with the reason in errors["file"]."""
    try:
        kind = check_file(upload.name, upload.data)
    except FileRefused as refused:
        errors["file"] = str(refused)
        return None
    return ResourceFile(
        name=safe_name(upload.name),
        content_type=kind.content_type,
        size=len(upload.data),
        data=upload.data,
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


def _clean_with_file(*, upload: Upload | None, **fields: Any) -> tuple[dict, ResourceFile | None]:
    """Every field checked at once, the file too, so the person sees all that was wrong."""
    errors: dict[str, str] = {}
    stored = None if upload is None else _checked_file(upload, errors)
    try:
        values = _clean(**fields)
    except ValidationError as error:
        raise ValidationError({**error.message_dict, **errors}) from None
    if errors:
        raise ValidationError(errors)
    return values, stored


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
    upload: Upload | None = None,
    updated_on: dt.date | None = None,
) -> Resource:
    """Add a resource, with a file if one was chosen: all of it, or (refused) nothing."""
    with acting(actor):
        values, stored = _clean_with_file(
            title=title,
            kind=kind,
            audience=audience,
            level=level,
            url=url,
            description=description,
            upload=upload,
        )
        resource = Resource.objects.create(
            partnership_id=partnership_id, updated_on=updated_on or today(), **values
        )
        if stored is not None:
            stored.resource = resource
            stored.save()
        return resource


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
    upload: Upload | None = None,
    remove_file: bool = False,
) -> Resource:
    """Change a resource. A chosen file replaces the one it had; remove_file (with no new
    file) takes the file away; otherwise the file is kept as it was."""
    with acting(actor):
        values, stored = _clean_with_file(
            title=title,
            kind=kind,
            audience=audience,
            level=level,
            url=url,
            description=description,
            upload=upload,
        )
        for field, value in values.items():
            setattr(resource, field, value)
        resource.updated_on = today()
        resource.save()
        if stored is not None:
            ResourceFile.objects.filter(resource=resource).delete()
            stored.resource = resource
            stored.save(force_insert=True)
        elif remove_file:
            ResourceFile.objects.filter(resource=resource).delete()
        # Drop any cached file so the caller sees what is stored now.
        resource._state.fields_cache.pop("file", None)
        return resource


@transaction.atomic
def resource_delete(*, actor: Actor, resource: Resource) -> None:
    # Plan actions that pointed at it lose the link, and the plan's history says so.
    resource_deleting.send(sender=Resource, resource=resource, actor=actor)
    resource.delete()
