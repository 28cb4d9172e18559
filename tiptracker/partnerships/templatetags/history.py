"""{% changes_of record %} and {% member_changes partnership_id %}: who changed what, when
(tiptracker/lib/history.py), shown at the foot of a record's page. The record is one the
view has already fetched through its access helper."""

from typing import Any

from django import template

from tiptracker.lib.history import changes_in
from tiptracker.lib.history import changes_of as record_changes
from tiptracker.partnerships.models import Membership

register = template.Library()


@register.inclusion_tag("includes/history.html")
def changes_of(record: Any, heading: str = "Who changed what, when") -> dict[str, Any]:
    return {"changes": record_changes(record), "heading": heading}


@register.inclusion_tag("includes/history.html")
def member_changes(partnership_id: int) -> dict[str, Any]:
    return {
        "changes": changes_in(Membership, partnership_id=partnership_id),
        "heading": "Who changed the members, when",
        "named": True,
    }
