"""The engagement log's pages: every member reads it; administrators add, edit and delete."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.engagement import services
from tiptracker.engagement.access import engagements_for, get_engagement_for_user
from tiptracker.engagement.forms import EngagementForm, PeriodForm
from tiptracker.engagement.selectors import counts_by_kind, engagements_between
from tiptracker.forms import form_page, posted
from tiptracker.funding.forms import ConfirmForm
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

PAGE_SIZE = 50


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def engagement_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The log, newest first, for a period (from and to, either open), with counts by kind."""
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    found = engagements_between(engagements_for(membership), start=start, end=end)
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
    return form_page(
        request,
        form=EngagementForm(posted(request)),
        save=lambda data: services.engagement_create(
            actor=membership.user, partnership_id=membership.partnership_id, **data
        ),
        saved_message=lambda engagement: f"Added the engagement: {engagement}.",
        done=_back(membership),
        template="engagement/form.html",
        context={"engagement": None},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_edit(
    request: HttpRequest, membership: Membership, engagement_pk: int
) -> HttpResponse:
    engagement = get_engagement_for_user(membership, engagement_pk)
    return form_page(
        request,
        form=EngagementForm(posted(request), initial=EngagementForm.initial_for(engagement)),
        save=lambda data: services.engagement_update(
            actor=membership.user, engagement=engagement, **data
        ),
        saved_message=lambda engagement: f"Saved the engagement: {engagement}.",
        done=_back(membership),
        template="engagement/form.html",
        context={"engagement": engagement},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_delete(
    request: HttpRequest, membership: Membership, engagement_pk: int
) -> HttpResponse:
    engagement = get_engagement_for_user(membership, engagement_pk)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda data: services.engagement_delete(actor=membership.user, engagement=engagement),
        saved_message=lambda _: f"Deleted the engagement: {engagement}.",
        done=_back(membership),
        template="engagement/delete.html",
        context={"engagement": engagement},
    )
