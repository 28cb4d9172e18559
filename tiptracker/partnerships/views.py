import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiptracker.lib.dates import parse_date, today
from tiptracker.partnerships import access
from tiptracker.partnerships.dashboard import dashboard_build
from tiptracker.partnerships.forms import MemberAddForm, MemberRoleForm
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.services import member_add


def home(request: HttpRequest) -> HttpResponse:
    """The partnerships this user belongs to; straight to the only one if there is one."""
    memberships = list(access.memberships_for_user(request.user))
    if len(memberships) == 1 and "all" not in request.GET:
        return redirect(landing_url(memberships[0]))
    return render(
        request,
        "partnerships/home.html",
        {"memberships": [(m, landing_url(m)) for m in memberships]},
    )


def landing_url(membership: Membership) -> str:
    """Where a member starts: coverage if their role sees it, otherwise the sessions."""
    from django.urls import reverse

    if membership.role in access.COVERAGE_ROLES:
        return reverse("dashboard", args=[membership.partnership.slug])
    return reverse("sessions", args=[membership.partnership.slug])


def as_of_from(request: HttpRequest) -> tuple[dt.date, str | None]:
    """The `as_of` date asked for, today by default; an error message for a bad one."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return today(), None
    try:
        day = parse_date(text)
    except ValueError as error:
        return today(), f"{error}. Showing today instead."
    if day > today():
        return today(), "The date is in the future. Showing today instead."
    return day, None


@access.partnership_view(access.COVERAGE_ROLES)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    as_of, date_error = as_of_from(request)
    context = dashboard_build(membership, as_of=as_of, organisation=request.GET.get("organisation"))
    return render(
        request,
        "partnerships/dashboard.html",
        {"as_of": as_of, "date_error": date_error, **context},
    )


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added, password = member_add(
                partnership=membership.partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=membership,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            note = (
                f" Their first password is {password}: pass it on securely and ask them to change it."
                if password
                else ""
            )
            messages.success(
                request, f"{added.user.email} is now {added.get_role_display()}.{note}"
            )
            return redirect("members", membership.partnership.slug)
    people = (
        Membership.objects.filter(partnership=membership.partnership)
        .select_related("user", "staff")
        .order_by("user__email")
    )
    return render(
        request,
        "partnerships/members.html",
        {"form": form, "people": people, "roles": Role.choices},
    )


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_remove(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    from django.http import Http404

    from tiptracker.partnerships.services import member_remove as remove

    target = (
        Membership.objects.filter(partnership=membership.partnership, id=member_id)
        .select_related("user")
        .first()
    )
    if target is None:
        raise Http404
    try:
        remove(actor_membership=membership, membership=target)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"{target.user.email} no longer has access to {membership.partnership.name}."
        )
    return redirect("members", membership.partnership.slug)


@require_POST
@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def member_role(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    target = (
        Membership.objects.filter(partnership=membership.partnership, id=member_id)
        .select_related("user")
        .first()
    )
    form = MemberRoleForm(request.POST)
    if target is None:
        from django.http import Http404

        raise Http404
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    elif target.id == membership.id and form.cleaned_data["role"] != Role.ADMIN:
        messages.error(
            request, "You cannot take away your own administrator role: ask another administrator."
        )
    else:
        from tiptracker.partnerships.services import member_role_set

        member_role_set(membership=target, role=form.cleaned_data["role"], by=membership)
        messages.success(request, f"{target.user.email} is now {target.get_role_display()}.")
    return redirect("members", membership.partnership.slug)


@access.partnership_view(access.MEMBER_ADMIN_ROLES)
def organisations(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The partnership's organisations and what kind each is; imports create them with a guess."""
    from tiptracker.partnerships.forms import OrganisationKindsForm
    from tiptracker.partnerships.services import organisation_kinds_set

    form = OrganisationKindsForm(
        request.POST or None, organisations=access.organisations_for(membership)
    )
    if request.method == "POST" and form.is_valid():
        changed = organisation_kinds_set(partnership=membership.partnership, kinds=form.kinds())
        messages.success(
            request, f"Saved. {changed} organisation{'s' if changed != 1 else ''} changed."
        )
        return redirect("organisations", membership.partnership.slug)
    return render(request, "partnerships/organisations.html", {"form": form})
