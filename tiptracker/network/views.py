from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.lib.dates import today
from tiptracker.network import services
from tiptracker.network.forms import (
    ActivityForm,
    CoverageFilterForm,
    NetworkMemberForm,
    RosterFilterForm,
)
from tiptracker.network.models import NetworkMember
from tiptracker.network.selectors import (
    PAST,
    member_activities,
    network_summary,
    organisations_coverage,
    roster_for,
    teams_coverage,
)
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

PAGE_SIZE = 50
# Organisations are few (the partners of one partnership); beyond this the page says so.
ORGANISATIONS_SHOWN = 100


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def network(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The roster of trauma champions and ambassadors, current or past."""
    filter_form = RosterFilterForm(request.GET, organisations=access.organisations_for(membership))
    chosen = filter_form.filters()
    organisation = chosen.get("organisation")
    on = today()
    found = roster_for(
        membership,
        on=on,
        when=chosen["when"],
        kind=chosen.get("kind", ""),
        organisation_id=organisation.pk if organisation else None,
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        {
            "when": chosen["when"],
            "kind": chosen.get("kind", ""),
            "organisation": organisation.pk if organisation else "",
        }
    )
    return render(
        request,
        "network/network.html",
        {
            "page": page,
            "filter_form": filter_form,
            "past": chosen["when"] == PAST,
            "query": f"{query}&",
            "today": on,
            "can_edit": membership.role in access.WORKSPACE_EDIT_ROLES,
        },
    )


@access.partnership_view(access.WORKSPACE_READ_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_detail(
    request: HttpRequest, membership: Membership, network_member_pk: int
) -> HttpResponse:
    """One champion or ambassador with their activity log; administrators add to the log."""
    member = access.get_network_member_for_user(membership, network_member_pk)
    can_edit = membership.role in access.WORKSPACE_EDIT_ROLES
    form = ActivityForm(posted(request))
    if request.method == "POST":
        access.require_role(membership, access.WORKSPACE_EDIT_ROLES)
        if form.is_valid():
            try:
                activity = services.network_activity_record(
                    actor=request.user,
                    member=member,
                    on=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    summary=form.cleaned_data["summary"],
                )
            except ValidationError as error:
                add_service_error(form, error, fields=ActivityForm.SERVICE_FIELDS)
            else:
                messages.success(
                    request, f"Added the {activity.get_kind_display().lower()} to the log."
                )
                return redirect("network_member_detail", membership.partnership.slug, member.pk)
    page = Paginator(member_activities(member), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/member_detail.html",
        {
            "member": member,
            "form": form,
            "page": page,
            "can_edit": can_edit,
            "current": member.is_current(today()),
            "today": today(),
        },
    )


def _member_form(request: HttpRequest, membership: Membership, **kwargs) -> NetworkMemberForm:  # type: ignore[no-untyped-def]
    return NetworkMemberForm(
        posted(request),
        staff=access.staff_for(membership),
        organisations=access.organisations_for(membership),
        teams=access.teams_for(membership),
        **kwargs,
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = _member_form(request, membership, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.network_member_create(
                actor=request.user,
                partnership_id=membership.partnership_id,
                **form.member_values(),
            )
        except ValidationError as error:
            add_service_error(form, error, fields=NetworkMemberForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, f"Added {member.name} as a {member.get_kind_display().lower()}."
            )
            return redirect("network_member_detail", membership.partnership.slug, member.pk)
    return render(request, "network/member_form.html", {"form": form, "member": None})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_edit(
    request: HttpRequest, membership: Membership, network_member_pk: int
) -> HttpResponse:
    member = access.get_network_member_for_user(membership, network_member_pk)
    form = _member_form(request, membership, initial=NetworkMemberForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.network_member_update(
                actor=request.user, member=member, **form.member_values()
            )
        except ValidationError as error:
            add_service_error(form, error, fields=NetworkMemberForm.SERVICE_FIELDS)
        else:
            messages.success(request, f"Saved {member.name}.")
            return redirect("network_member_detail", membership.partnership.slug, member.pk)
    return render(request, "network/member_form.html", {"form": form, "member": member})


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def network_coverage(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Which organisations and teams have a current ambassador, and which do not."""
    on = today()
    organisations = access.organisations_for(membership)
    filter_form = CoverageFilterForm(request.GET, organisations=organisations)
    chosen = filter_form.filters()
    organisation = chosen["organisation"]
    covered = {"without": False, "with": True, "all": None}[chosen["show"]]
    teams = teams_coverage(
        membership.partnership_id,
        on=on,
        covered=covered,
        organisation_id=organisation.pk if organisation else None,
    )
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    by_organisation = list(
        organisations_coverage(membership.partnership_id, on=on)[: ORGANISATIONS_SHOWN + 1]
    )
    query = urlencode(
        {"show": chosen["show"], "organisation": organisation.pk if organisation else ""}
    )
    return render(
        request,
        "network/coverage.html",
        {
            "summary": network_summary(membership.partnership_id, on=on),
            "organisations": by_organisation[:ORGANISATIONS_SHOWN],
            "more_organisations": len(by_organisation) > ORGANISATIONS_SHOWN,
            "filter_form": filter_form,
            "show": chosen["show"],
            "organisation": organisation,
            "page": page,
            "query": f"{query}&",
            "today": on,
            "Kind": NetworkMember.Kind,
        },
    )
