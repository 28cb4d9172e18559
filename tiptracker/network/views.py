from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import form_page, posted
from tiptracker.lib.dates import today
from tiptracker.network import services
from tiptracker.network.access import get_network_member_for_user
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
from tiptracker.workforce.access import staff_for, teams_for

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


def _to_member(membership: Membership, member: NetworkMember) -> HttpResponse:
    return redirect("network_member_detail", membership.partnership.slug, member.pk)


@access.partnership_view(access.WORKSPACE_READ_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_detail(
    request: HttpRequest, membership: Membership, network_member_pk: int
) -> HttpResponse:
    """One champion or ambassador with their activity log; administrators add to the log."""
    member = get_network_member_for_user(membership, network_member_pk)
    if request.method == "POST":  # every member reads the log; only editors add to it
        access.require_role(membership, access.WORKSPACE_EDIT_ROLES)
    return form_page(
        request,
        form=ActivityForm(posted(request)),
        save=lambda data: services.network_activity_record(
            actor=membership.user,
            member=member,
            on=data["date"],
            kind=data["kind"],
            summary=data["summary"],
        ),
        service_fields=ActivityForm.SERVICE_FIELDS,
        saved_message=lambda activity: (
            f"Added the {activity.get_kind_display().lower()} to the log."
        ),
        done=_to_member(membership, member),
        template="network/member_detail.html",
        context=lambda: {
            "member": member,
            "page": Paginator(member_activities(member), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "can_edit": membership.role in access.WORKSPACE_EDIT_ROLES,
            "current": member.is_current(today()),
            "today": today(),
        },
    )


def _member_form(request: HttpRequest, membership: Membership, **kwargs) -> NetworkMemberForm:  # type: ignore[no-untyped-def]
    return NetworkMemberForm(
        posted(request),
        staff=staff_for(membership),
        organisations=access.organisations_for(membership),
        teams=teams_for(membership),
        **kwargs,
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = _member_form(request, membership, initial={"kind": request.GET.get("kind", "")})
    return form_page(
        request,
        form=form,
        # member_values, not the cleaned data: the form has found the person behind a staff ID.
        save=lambda _: services.network_member_create(
            actor=membership.user, partnership_id=membership.partnership_id, **form.member_values()
        ),
        service_fields=NetworkMemberForm.SERVICE_FIELDS,
        saved_message=lambda member: (
            f"Added {member.name} as a {member.get_kind_display().lower()}."
        ),
        done=lambda member: _to_member(membership, member),
        template="network/member_form.html",
        context={"member": None},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def network_member_edit(
    request: HttpRequest, membership: Membership, network_member_pk: int
) -> HttpResponse:
    member = get_network_member_for_user(membership, network_member_pk)
    form = _member_form(request, membership, initial=NetworkMemberForm.initial_for(member))
    return form_page(
        request,
        form=form,
        save=lambda _: services.network_member_update(
            actor=membership.user, member=member, **form.member_values()
        ),
        service_fields=NetworkMemberForm.SERVICE_FIELDS,
        saved_message=lambda member: f"Saved {member.name}.",
        done=_to_member(membership, member),
        template="network/member_form.html",
        context={"member": member},
    )


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
