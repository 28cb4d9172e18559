"""The engagement log's pages: every member reads it; administrators add, edit and delete."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.engagement import services
from tiptracker.engagement.forms import EngagementForm, PeriodForm
from tiptracker.engagement.selectors import counts_by_kind, engagements_between
from tiptracker.forms import add_service_error, posted
from tiptracker.funding.forms import ConfirmForm
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

PAGE_SIZE = 50


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def engagement_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The log, newest first, for a period (from and to, either open), with counts by kind."""
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    found = engagements_between(access.engagements_for(membership), start=start, end=end)
    page = Paginator(found.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {
        name: request.GET[name]
        for name in ("from", "to")
        if request.GET.get(name) and period.is_valid()
    }
    return render(
        request,
        "engagement/list.html",
        {
            "page": page,
            "period": period,
            "start": start,
            "end": end,
            "counts": counts_by_kind(found),
            "query": f"{urlencode(kept)}&" if kept else "",
            "can_edit": membership.role in access.WORKSPACE_EDIT_ROLES,
        },
    )


def _back(membership: Membership) -> HttpResponse:
    return redirect("engagement_list", membership.partnership.slug)


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = EngagementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(
                actor=request.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the engagement: {engagement}.")
            return _back(membership)
    return render(request, "engagement/form.html", {"form": form, "engagement": None})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_edit(
    request: HttpRequest, membership: Membership, engagement_pk: int
) -> HttpResponse:
    engagement = access.get_engagement_for_user(membership, engagement_pk)
    form = EngagementForm(posted(request), initial=EngagementForm.initial_for(engagement))
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(
                actor=request.user, engagement=engagement, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the engagement: {engagement}.")
            return _back(membership)
    return render(request, "engagement/form.html", {"form": form, "engagement": engagement})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_delete(
    request: HttpRequest, membership: Membership, engagement_pk: int
) -> HttpResponse:
    engagement = access.get_engagement_for_user(membership, engagement_pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            services.engagement_delete(actor=request.user, engagement=engagement)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Deleted the engagement: {engagement}.")
            return _back(membership)
    return render(request, "engagement/delete.html", {"form": form, "engagement": engagement})
