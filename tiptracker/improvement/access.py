"""Who may see and change the improvement programme.

Every member reads it (board members included: it is the steering group's evidence).
Administrators and learning and development officers run the programme: they start projects
and may change any. A project's lead and team members change their own project and its
measures. A lookup outside the member's partnership is a 404 (see partnerships.access).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from tiptracker.improvement.models import (
    ChangeIdea,
    Consultation,
    Driver,
    Measure,
    MeasureValue,
    PdsaAttachment,
    PdsaCycle,
    Project,
)
from tiptracker.partnerships.access import get_or_404_in
from tiptracker.partnerships.models import Membership, Role

READ_ROLES = frozenset(Role)
PROGRAMME_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})


def projects_for(membership: Membership) -> QuerySet[Project]:
    return Project.objects.filter(partnership_id=membership.partnership_id)


def get_project_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(projects_for(membership), pk)


def get_measure_for_user(membership: Membership, pk: object) -> Any:
    found = Measure.objects.filter(partnership_id=membership.partnership_id).select_related(
        "project"
    )
    return get_or_404_in(found, pk)


def get_value_for_user(membership: Membership, pk: object) -> Any:
    found = MeasureValue.objects.filter(partnership_id=membership.partnership_id).select_related(
        "measure__project"
    )
    return get_or_404_in(found, pk)


def _in(membership: Membership, model: type, pk: object, *related: str) -> Any:
    found = model.objects.filter(partnership_id=membership.partnership_id)  # type: ignore[attr-defined]
    return get_or_404_in(found.select_related(*related), pk)


def get_driver_for_user(membership: Membership, pk: object) -> Any:
    return _in(membership, Driver, pk, "project", "parent")


def get_idea_for_user(membership: Membership, pk: object) -> Any:
    return _in(membership, ChangeIdea, pk, "project")


def get_cycle_for_user(membership: Membership, pk: object) -> Any:
    return _in(membership, PdsaCycle, pk, "project", "change_idea")


def get_attachment_for_user(membership: Membership, pk: object) -> Any:
    return _in(membership, PdsaAttachment, pk, "cycle__project")


def get_consultation_for_user(membership: Membership, pk: object) -> Any:
    return _in(membership, Consultation, pk, "project")


def can_edit_project(membership: Membership, project: Project) -> bool:
    if membership.role in PROGRAMME_ROLES:
        return True
    if project.lead_id == membership.id:
        return True
    return project.members.filter(membership_id=membership.id).exists()


def require_project_editor(membership: Membership, project: Project) -> None:
    if not can_edit_project(membership, project):
        raise PermissionDenied("Only the project's team and those who run the programme change it")
