"""Reads for the engagement log; `engagement_in_period` is what the board report reads."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from tiptracker.engagement.models import Engagement


def engagements_between(
    engagements: QuerySet[Engagement], *, start: dt.date | None, end: dt.date | None
) -> QuerySet[Engagement]:
    """Those on or after `start` and on or before `end` (either may be open)."""
    if start is not None:
        engagements = engagements.filter(date__gte=start)
    if end is not None:
        engagements = engagements.filter(date__lte=end)
    return engagements


def engagement_in_period(partnership_id: int, start: dt.date, end: dt.date) -> QuerySet[Engagement]:
    """The partnership's engagements from `start` to `end` inclusive, oldest first."""
    return engagements_between(
        Engagement.objects.filter(partnership_id=partnership_id), start=start, end=end
    ).order_by("date", "id")


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


def counts_by_kind(engagements: QuerySet[Engagement]) -> list[KindCount]:
    """How many of each kind, every kind listed (zeros included) in the order of
    Engagement.Kind (one query)."""
    counted = dict(
        engagements.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return [
        KindCount(kind=value, label=label, count=counted.get(value, 0))
        for value, label in Engagement.Kind.choices
    ]
