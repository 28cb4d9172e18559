"""The plan's reactions to what other apps announce (resources.signals)."""

from typing import Any

from tiptracker.plan.services import actions_unlink_resource


def resource_deleting(*, resource: Any, actor: Any, **kwargs: Any) -> None:
    actions_unlink_resource(actor=actor, resource=resource)
