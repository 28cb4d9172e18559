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
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

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
    return Membership.objects.filter(user=user).select_related("partnership", "staff", "user")


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


def get_or_404_in(queryset: QuerySet, pk: object) -> Any:
    try:
        return queryset.get(pk=int(str(pk)))
    except (ValueError, queryset.model.DoesNotExist):
        raise Http404("Not found") from None


# Resources and the champions network (the steering group's workspace) ---------------------


# The implementation plan ------------------------------------------------------------------------


# Briefing guests (training) ------------------------------------------------------------------
# Guests' names and addresses are personal data of people outside the workforce: only those
# who run training see them. Everyone else sees a briefing as a session with counts.


# Funding and the engagement log (issue 3, points 3 and 4) --------------------------------


# Feedback surveys -------------------------------------------------------------------------------


# Board reports ----------------------------------------------------------------------------------


def landing_url(membership: Membership) -> str:
    """Where a member starts: coverage if their role sees it, otherwise the sessions."""
    if membership.role in COVERAGE_ROLES:
        return reverse("dashboard", args=[membership.partnership.slug])
    return reverse("sessions", args=[membership.partnership.slug])


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
