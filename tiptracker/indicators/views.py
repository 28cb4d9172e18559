"""The partnership's choice to share its indicators for comparison between partnerships, and
who changed it when (administrators)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.indicators.computed import INDICATORS
from tiptracker.indicators.forms import SharingForm
from tiptracker.indicators.models import SharingChange
from tiptracker.indicators.sharing import partnership_sharing_set
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

# The latest changes shown; the rest are kept.
CHANGES_SHOWN = 20


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def indicators_sharing(request: HttpRequest, membership: Membership) -> HttpResponse:
    partnership = membership.partnership
    if request.method == "POST":
        form = SharingForm(request.POST)
        form.is_valid()  # a checkbox: absent means off
        shared = bool(form.cleaned_data.get("shares_indicators"))
        changed = partnership_sharing_set(
            actor=membership.user,
            partnership=partnership,
            shared=shared,
            via=SharingChange.Via.SETTINGS,
        )
        if not changed:
            messages.info(request, "Nothing changed.")
        elif shared:
            messages.success(
                request, "Our indicators now take part in comparisons between partnerships."
            )
        else:
            messages.success(
                request,
                "Our indicators no longer take part in comparisons between partnerships: they "
                "are out of every comparison from now.",
            )
        return redirect("indicators_sharing", partnership.slug)
    changes = (
        SharingChange.objects.filter(partnership=partnership)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:CHANGES_SHOWN]
    )
    return render(
        request,
        "indicators/sharing.html",
        {
            "form": SharingForm(initial={"shares_indicators": partnership.shares_indicators}),
            "changes": changes,
            "indicators": INDICATORS.values(),
        },
    )
