"""{% surveys_waiting staff %}: the surveys waiting for a member of staff, for the "My training"
page, which belongs to training: training shows them through this tag without importing
the feedback app (docs/architecture.md)."""

from typing import Any

from django import template

from tiptracker.feedback.selectors import surveys_waiting_for

register = template.Library()


@register.inclusion_tag("feedback/surveys_waiting.html")
def surveys_waiting(staff: Any) -> dict[str, Any]:
    return {"surveys": surveys_waiting_for(staff.pk)}
