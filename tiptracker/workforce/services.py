"""Writes for the workforce: the training needs analysis and per-person overrides."""

from django.db import transaction

from tiptracker.training.services import coverage_snapshots_invalidate
from tiptracker.workforce.models import StaffMember, Team


def team_needs_set(*, partnership_id: int, levels: dict[int, int | None]) -> int:
    """Set the required level of several teams at once; returns how many changed."""
    with transaction.atomic():
        teams = Team.objects.select_for_update().filter(
            partnership_id=partnership_id, id__in=list(levels)
        )
        changed = [team for team in teams if team.required_level != levels[team.id]]
        for team in changed:
            team.required_level = levels[team.id]
        Team.objects.bulk_update(changed, ["required_level"])
        if changed:
            coverage_snapshots_invalidate(partnership_id=partnership_id)
    return len(changed)


def staff_required_level_set(*, staff: StaffMember, level: int | None) -> None:
    """Override (or, with None, stop overriding) the team's need for one person."""
    if staff.required_level == level:
        return
    with transaction.atomic():
        staff.required_level = level
        staff.save(update_fields=["required_level"])
        coverage_snapshots_invalidate(partnership_id=staff.partnership_id)
