"""Writes for the engagement log. The rules live here, so the pages and the API refuse the
same things with the same words."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.engagement.models import Engagement
from tiptracker.lib.history import acting
from tiptracker.partnerships.actors import Actor


def _values(
    *,
    date: dt.date,
    body: str,
    body_kind: str,
    kind: str,
    represented_by: str,
    summary: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = {
        "date": date,
        "body": (body or "").strip(),
        "body_kind": body_kind,
        "kind": kind,
        "represented_by": (represented_by or "").strip(),
        "summary": (summary or "").strip(),
    }
    if not isinstance(date, dt.date):
        errors["date"] = "Enter the date of the engagement"
    if not values["body"]:
        errors["body"] = "Enter the body or group the partnership engaged with"
    if body_kind not in Engagement.BodyKind.values:
        errors["body_kind"] = "Choose what kind of body it is"
    if kind not in Engagement.Kind.values:
        errors["kind"] = "Choose what kind of engagement it was"
    if not values["represented_by"]:
        errors["represented_by"] = "Enter who represented the partnership"
    if not values["summary"]:
        errors["summary"] = "Enter a summary of the engagement"
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def engagement_create(
    *,
    actor: Actor,
    partnership_id: int,
    date: dt.date,
    body: str,
    body_kind: str,
    kind: str,
    represented_by: str,
    summary: str,
) -> Engagement:
    with acting(actor):
        values = _values(
            date=date,
            body=body,
            body_kind=body_kind,
            kind=kind,
            represented_by=represented_by,
            summary=summary,
        )
        return Engagement.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def engagement_update(
    *,
    actor: Actor,
    engagement: Engagement,
    date: dt.date,
    body: str,
    body_kind: str,
    kind: str,
    represented_by: str,
    summary: str,
) -> Engagement:
    with acting(actor):
        values = _values(
            date=date,
            body=body,
            body_kind=body_kind,
            kind=kind,
            represented_by=represented_by,
            summary=summary,
        )
        for name, value in values.items():
            setattr(engagement, name, value)
        engagement.save()
        return engagement


@transaction.atomic
def engagement_delete(*, actor: Actor, engagement: Engagement) -> None:
    with acting(actor):
        engagement.delete()
