"""Who may see what: the one place where partnership and role scoping lives.

Pages, the API and exports all fetch through these helpers. A lookup in a partnership the
user does not belong to is a 404, never a 403, so that nothing about another partnership
leaks; a member whose role does not allow an action gets a 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from tiptracker.partnerships.models import Membership, Organisation, Role

# What each role may do. Views and API name one of these sets, so the policy reads in one place.
ALL_ROLES = frozenset(Role)
# See coverage figures (aggregates).
COVERAGE_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.BOARD})
# See named staff and their training (managers: their own teams only).
PEOPLE_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER, Role.MANAGER})
# Run training: needs analysis, courses, sessions, attendance, imports.
TRAINING_ADMIN_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})
# Book other people onto sessions.
BOOK_OTHERS_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER, Role.MANAGER})
# Manage the partnership's members and their roles.
MEMBER_ADMIN_ROLES = frozenset({Role.ADMIN})
# The steering group's workspace (plan, funding, engagement, briefings, resources, the
# champions network): every member reads it; administrators edit it. An action's owner
# may also update their own action (see plan.access).
WORKSPACE_READ_ROLES = ALL_ROLES
WORKSPACE_EDIT_ROLES = frozenset({Role.ADMIN})
# Survey results (aggregates, small numbers suppressed).
FEEDBACK_RESULTS_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER, Role.BOARD})
# Answers to attributable surveys one by one, with names (free text included). Answers to
# anonymous surveys are never shown one by one, to anybody.
FEEDBACK_ANSWERS_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})
# The lived-experience route: its coordinators only, never administrators (see lived/access.py,
# which also asks for their password and second factor before the workspace opens).
LIVED_ROLES = frozenset({Role.LE_COORDINATOR})
# Board reports: the steering group's administrators and L&D officers draft them; the board
# reads them; administrators approve them.
REPORT_READ_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER, Role.BOARD})
REPORT_EDIT_ROLES = frozenset({Role.ADMIN, Role.LD_OFFICER})
REPORT_APPROVE_ROLES = frozenset({Role.ADMIN})

User = AbstractBaseUser | AnonymousUser


def memberships_for_user(user: Any) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("partnership", "staff")


def get_membership_for_user(user: Any, slug: str) -> Membership:
    """The user's membership of the partnership `slug`, or 404."""
    membership = memberships_for_user(user).filter(partnership__slug=slug).first()
    if membership is None:
        raise Http404("No such partnership")
    return membership


def require_role(membership: Membership, roles: frozenset[str]) -> None:
    if membership.role not in roles:
        raise PermissionDenied("Your role does not allow this")


def partnership_view(roles: frozenset[str]) -> Callable:
    """Decorate a view taking `slug`: it gets `membership` instead, checked against `roles`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = get_membership_for_user(request.user, slug)
            require_role(membership, roles)
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, membership, *args, **kwargs)

        wrapper.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def managed_team_ids(membership: Membership) -> list[int] | None:
    """The teams a manager is limited to, or None for a role that sees the whole partnership."""
    if membership.role != Role.MANAGER:
        return None
    return list(membership.managed_teams.values_list("team_id", flat=True))


def organisations_for(membership: Membership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(partnership_id=membership.partnership_id)


def teams_for(membership: Membership) -> QuerySet:
    from tiptracker.workforce.models import Team

    teams = Team.objects.filter(partnership_id=membership.partnership_id)
    team_ids = managed_team_ids(membership)
    if team_ids is not None:
        teams = teams.filter(id__in=team_ids)
    return teams


def staff_for(membership: Membership) -> QuerySet:
    """The named people this member may see: everyone for training admins, a manager's teams."""
    from tiptracker.workforce.models import StaffMember

    if membership.role not in PEOPLE_ROLES:
        return StaffMember.objects.none()
    staff = StaffMember.objects.filter(partnership_id=membership.partnership_id)
    team_ids = managed_team_ids(membership)
    if team_ids is not None:
        staff = staff.filter(team_id__in=team_ids)
    return staff


def bookable_staff_for(membership: Membership) -> QuerySet:
    """Whom this member may book onto a session: themselves, and others if their role allows."""
    from tiptracker.workforce.models import StaffMember

    if membership.role in BOOK_OTHERS_ROLES:
        return staff_for(membership)
    if membership.staff_id:
        return StaffMember.objects.filter(
            partnership_id=membership.partnership_id, id=membership.staff_id
        )
    return StaffMember.objects.none()


def get_or_404_in(queryset: QuerySet, pk: object) -> Any:
    try:
        return queryset.get(pk=int(str(pk)))
    except (ValueError, queryset.model.DoesNotExist):
        raise Http404("Not found") from None


def get_staff_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(staff_for(membership).select_related("team", "organisation"), pk)


def get_team_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(teams_for(membership).select_related("organisation"), pk)


def courses_for(membership: Membership) -> QuerySet:
    from tiptracker.training.models import Course

    return Course.objects.filter(partnership_id=membership.partnership_id)


def get_course_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(courses_for(membership), pk)


def sessions_for(membership: Membership) -> QuerySet:
    from tiptracker.training.models import TrainingSession

    return TrainingSession.objects.filter(partnership_id=membership.partnership_id).select_related(
        "course"
    )


def get_session_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(sessions_for(membership), pk)


def bookings_for(membership: Membership) -> QuerySet:
    """Bookings this member may see: all for training admins, their teams' for managers,
    their own for everyone else."""
    from tiptracker.training.models import Booking

    bookings = Booking.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in TRAINING_ADMIN_ROLES:
        return bookings
    # Guests' invitations are for training admins only (invitations_for). Never compare
    # with a missing staff_id: `staff_id=None` would match every guest's booking.
    staff_bookings = bookings.filter(staff__isnull=False)
    own = Q(staff_id=membership.staff_id) if membership.staff_id else Q(pk__in=[])
    if membership.role == Role.MANAGER:
        return staff_bookings.filter(Q(staff__in=staff_for(membership)) | own)
    return staff_bookings.filter(own)


def get_booking_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(bookings_for(membership).select_related("session__course", "staff"), pk)


def completions_for(membership: Membership) -> QuerySet:
    from tiptracker.training.models import Completion

    completions = Completion.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in PEOPLE_ROLES:
        return (
            completions.filter(staff__in=staff_for(membership))
            if membership.role == Role.MANAGER
            else completions
        )
    if membership.staff_id:
        return completions.filter(staff_id=membership.staff_id)
    return completions.none()


def claims_for(membership: Membership) -> QuerySet:
    """Claims of learning done elsewhere: every claim in the partnership for those who
    decide them (training admins), a member's own otherwise (managers included: a claim
    and its evidence are between the person and those who run training)."""
    from tiptracker.training.models import LearningClaim

    claims = LearningClaim.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in TRAINING_ADMIN_ROLES:
        return claims
    if membership.staff_id:
        return claims.filter(staff_id=membership.staff_id)
    return claims.none()


def get_claim_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(
        claims_for(membership)
        .select_related("staff__team", "course", "claimed_by", "decided_by", "evidence")
        .defer("evidence__data"),
        pk,
    )


def get_claim_evidence_for_user(membership: Membership, claim_pk: object) -> Any:
    """A claim's evidence file, bytes and all (its pk is the claim's): 404 if it has none."""
    from tiptracker.training.models import ClaimEvidence

    return get_or_404_in(ClaimEvidence.objects.filter(claim__in=claims_for(membership)), claim_pk)


def imports_for(membership: Membership) -> QuerySet:
    from tiptracker.imports.models import ImportRun

    if membership.role not in TRAINING_ADMIN_ROLES:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(partnership_id=membership.partnership_id)


def get_import_for_user(membership: Membership, pk: object) -> Any:
    # The kept upload (up to 50 MB) is loaded only by the code that reads it.
    return get_or_404_in(imports_for(membership).defer("data"), pk)


# Resources and the champions network (the steering group's workspace) ---------------------


def resources_for(membership: Membership) -> QuerySet:
    from tiptracker.resources.models import Resource

    return Resource.objects.filter(partnership_id=membership.partnership_id)


def get_resource_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(resources_for(membership), pk)


def get_resource_file_for_user(membership: Membership, resource_pk: object) -> Any:
    """A resource's file, bytes and all (its pk is the resource's): 404 if it has none."""
    from tiptracker.resources.models import ResourceFile

    files = ResourceFile.objects.filter(resource__partnership_id=membership.partnership_id)
    return get_or_404_in(files, resource_pk)


def network_members_for(membership: Membership) -> QuerySet:
    """The champions and ambassadors: every member sees the whole roster, so that staff can
    find their ambassador (the roster shows only name, role, organisation and team)."""
    from tiptracker.network.models import NetworkMember

    return NetworkMember.objects.filter(partnership_id=membership.partnership_id)


def get_network_member_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(network_members_for(membership).select_related("organisation", "team"), pk)


def network_activities_for(membership: Membership) -> QuerySet:
    from tiptracker.network.models import NetworkActivity

    return NetworkActivity.objects.filter(partnership_id=membership.partnership_id)


def get_network_activity_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(network_activities_for(membership).select_related("member"), pk)


# The implementation plan ------------------------------------------------------------------------


def actions_for(membership: Membership) -> QuerySet:
    from tiptracker.plan.models import Action

    return Action.objects.filter(partnership_id=membership.partnership_id)


def get_action_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(
        actions_for(membership).select_related(
            "phase", "priority", "owner__user", "lead_organisation"
        ),
        pk,
    )


def can_update_action(membership: Membership, action: Any) -> bool:
    """Administrators update any action; a member updates the actions they own."""
    return membership.role in WORKSPACE_EDIT_ROLES or action.owner_id == membership.pk


def require_action_update(membership: Membership, action: Any) -> None:
    if not can_update_action(membership, action):
        raise PermissionDenied("Only the action's owner or an administrator can update it")


def get_phase_for_user(membership: Membership, pk: object) -> Any:
    from tiptracker.plan.models import Phase

    return get_or_404_in(Phase.objects.filter(partnership_id=membership.partnership_id), pk)


def get_priority_for_user(membership: Membership, pk: object) -> Any:
    from tiptracker.plan.models import Priority

    return get_or_404_in(Priority.objects.filter(partnership_id=membership.partnership_id), pk)


# Briefing guests (training) ------------------------------------------------------------------
# Guests' names and addresses are personal data of people outside the workforce: only those
# who run training see them. Everyone else sees a briefing as a session with counts.


def guests_for(membership: Membership) -> QuerySet:
    from tiptracker.training.models import Guest

    if membership.role not in TRAINING_ADMIN_ROLES:
        return Guest.objects.none()
    return Guest.objects.filter(partnership_id=membership.partnership_id)


def get_guest_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(guests_for(membership), pk)


def invitations_for(membership: Membership) -> QuerySet:
    """Guests' invitations (bookings with a guest) this member may see: training admins only."""
    from tiptracker.training.models import Booking

    if membership.role not in TRAINING_ADMIN_ROLES:
        return Booking.objects.none()
    return Booking.objects.filter(partnership_id=membership.partnership_id, guest__isnull=False)


def get_invitation_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(invitations_for(membership).select_related("guest", "session__course"), pk)


# Funding and the engagement log (issue 3, points 3 and 4) --------------------------------


def allocations_for(membership: Membership) -> QuerySet:
    from tiptracker.funding.models import Allocation

    return Allocation.objects.filter(partnership_id=membership.partnership_id)


def get_allocation_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(allocations_for(membership), pk)


def commitments_for(membership: Membership) -> QuerySet:
    from tiptracker.funding.models import Commitment

    return Commitment.objects.filter(partnership_id=membership.partnership_id).select_related(
        "allocation"
    )


def get_commitment_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(commitments_for(membership), pk)


def engagements_for(membership: Membership) -> QuerySet:
    from tiptracker.engagement.models import Engagement

    return Engagement.objects.filter(partnership_id=membership.partnership_id)


def get_engagement_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(engagements_for(membership), pk)


# Feedback surveys -------------------------------------------------------------------------------


def get_survey_for_user(membership: Membership, pk: object) -> Any:
    from tiptracker.feedback.models import Survey

    require_role(membership, TRAINING_ADMIN_ROLES)
    return get_or_404_in(Survey.objects.filter(partnership_id=membership.partnership_id), pk)


# Board reports ----------------------------------------------------------------------------------


def reports_for(membership: Membership) -> QuerySet:
    from tiptracker.reporting.models import Report

    require_role(membership, REPORT_READ_ROLES)
    # The template an approved report keeps is read only by its Word download.
    return Report.objects.filter(partnership_id=membership.partnership_id).defer(
        "approved_template"
    )


def get_report_for_user(membership: Membership, pk: object) -> Any:
    return get_or_404_in(reports_for(membership), pk)


def is_installation_admin(user: Any) -> bool:
    """An installation administrator (Django's superuser flag): installation-wide, not a
    partnership role. They manage the sign-in providers; partnerships' pages they reach only
    through a membership, like anyone else."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def installation_admin_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for installation administrators only: for everyone else it does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_installation_admin(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper
