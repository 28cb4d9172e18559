"""Writes for the workforce: the training needs analysis and per-person overrides."""

from django.db import transaction

from tiptracker.partnerships.models import Membership, Partnership
from tiptracker.workforce.models import StaffMember, Team
from tiptracker.workforce.signals import needs_changed


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
            needs_changed.send(sender=Team, partnership_id=partnership_id)
    return len(changed)


def staff_required_level_set(*, staff: StaffMember, level: int | None) -> None:
    """Override (or, with None, stop overriding) the team's need for one person."""
    if staff.required_level == level:
        return
    with transaction.atomic():
        staff.required_level = level
        staff.save(update_fields=["required_level"])
        needs_changed.send(sender=StaffMember, partnership_id=staff.partnership_id)


def memberships_link_staff(*, partnership: Partnership) -> int:
    """Link each member without a staff record to the one staff member with their e-mail
    address, so they can book themselves. Called when a member is added and after a staff
    import; returns how many were linked."""
    linked = 0
    unlinked = Membership.objects.filter(
        partnership=partnership, staff__isnull=True
    ).select_related("user")
    for membership in unlinked:
        email = membership.user.email.strip()
        if not email:
            continue
        matches = list(StaffMember.objects.filter(partnership=partnership, email__iexact=email)[:2])
        if len(matches) == 1:  # two staff records with one address: a person must decide
            membership.staff = matches[0]
            membership.save(update_fields=["staff"])
            linked += 1
    return linked
