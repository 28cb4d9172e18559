"""The route's two doors for staff, open without a login (most staff have no TIP Tracker
account): the page where anyone expresses interest, and the private link where that person
sees their status and withdraws. Listed in middleware.PUBLIC_URL_NAMES.

What these pages show must not tell a stranger whether someone is on the route: a second
expression of interest with the same contact details (merged into the first record) gets
the same page, and the same e-mail, as a first one. So the private link is never shown on
the page: it goes to the e-mail address given, and only to it (a form giving an address
merges only by that address, see services.lived_interest_express); with a phone number
only, the coordinator gives it when they call.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tiptracker import notifications
from tiptracker.accounts.client_ip import client_ip
from tiptracker.forms import add_service_error, posted
from tiptracker.lib import throttle
from tiptracker.lived import services
from tiptracker.lived.access import no_store
from tiptracker.lived.forms import InterestForm
from tiptracker.lived.models import Stage
from tiptracker.partnerships.models import Partnership

# What each stage means, said to the person.
STAGE_FOR_PERSON = {
    Stage.INTEREST_RECEIVED: "We have your expression of interest. The coordinator will send "
    "you the detailed information about the group.",
    Stage.INFORMATION_SENT: "The coordinator has sent you the detailed information. When you "
    "are ready, you can arrange a conversation about taking part.",
    Stage.DISCUSSION_ARRANGED: "A conversation about taking part, and about consent, is arranged.",
    Stage.DISCUSSION_HELD: "You have had the conversation about taking part. Nothing more "
    "happens unless you agree to take part.",
    Stage.CONSENT_RECORDED: "You have agreed to take part. The coordinator will talk to you "
    "about what you would like to do.",
    Stage.DECLINED: "You decided not to take part. Thank you for considering it.",
    Stage.INVOLVED: "You are taking part in the group.",
    Stage.PAUSED: "You are taking a break. You can come back when you are ready.",
    Stage.WITHDRAWN: "You have withdrawn. Your name, contact details and notes have been erased.",
    Stage.CLOSED: "Your involvement has come to an end. Thank you.",
}


def _sender(request: HttpRequest) -> str:
    """Whom the limit counts: the client's address, or for IPv6 its /64 (one household or
    office has a whole /64 to rotate through)."""
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def _over_limit(request: HttpRequest, partnership: Partnership) -> bool:
    """Expressions of interest from one sender to one partnership in an hour (the window is
    LIVED_INTEREST_WINDOW_SECONDS): LIVED_INTEREST_PER_HOUR from an ordinary address, and
    LIVED_INTEREST_SHARED_PER_HOUR from a network the installation lists as shared (a whole
    office behind one address), so that an office can take part while a script cannot
    flood the coordinators."""
    sender = _sender(request)
    limit = settings.LIVED_INTEREST_PER_HOUR
    if _is_shared(sender):
        limit = settings.LIVED_INTEREST_SHARED_PER_HOUR
    return throttle.over_limit(
        f"lived-interest:{partnership.pk}:{sender}",
        limit=limit,
        window_seconds=settings.LIVED_INTEREST_WINDOW_SECONDS,
    )


def _is_shared(sender: str) -> bool:
    try:
        network = ipaddress.ip_network(sender, strict=False)
    except ValueError:
        return False
    return any(
        network.version == shared.version and network.subnet_of(shared)  # type: ignore[arg-type]
        for shared in _shared_networks()
    )


def _shared_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(item.strip(), strict=False)
        for item in settings.LIVED_INTEREST_SHARED_NETWORKS.split(",")
        if item.strip()
    ]


def _status_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("lived_status", args=[token]))


@require_http_methods(["GET", "POST"])
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    """Explains the group before asking for anything, then asks only how to get in touch."""
    partnership = get_object_or_404(Partnership, slug=slug)
    form = InterestForm(posted(request))
    context = {
        "partnership": partnership,
        "form": form,
        "retention_years": round(services.retention_days() / 365, 1),
    }
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, partnership):
            form.add_error(
                None,
                "We have had a lot of expressions of interest from your network in the last "
                "hour. Nothing was recorded: please try again in an hour.",
            )
        else:
            try:
                result = services.lived_interest_express(
                    actor=services.PERSON, partnership_id=partnership.pk, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                emailed = bool(form.cleaned_data["email"])
                who = {
                    "name": result.record.preferred_name,
                    "partnership": partnership.name,
                }
                if emailed and result.merged:
                    # Told at the address on record (a first expression had its link sent
                    # there); no link, so nothing tells a stranger someone is on the route.
                    notifications.send("lived_interest_again", to=result.record.email, context=who)
                elif emailed and result.token:
                    notifications.send(
                        "lived_private_link",
                        to=result.record.email,
                        context=who,
                        link=_status_url(request, result.token),
                    )
                return no_store(
                    render(
                        request,
                        "lived/interest_done.html",
                        {"partnership": partnership, "emailed": emailed},
                    )
                )
    return no_store(render(request, "lived/interest.html", context))


def _invalid(request: HttpRequest) -> HttpResponse:
    return no_store(render(request, "lived/link_invalid.html", status=404))


def status(request: HttpRequest, link_token: str) -> HttpResponse:
    """The person's own view of their record (opening it is audited)."""
    token = link_token
    record = services.lived_status_for_person(token=token)
    if record is None:
        return _invalid(request)
    return no_store(
        render(
            request,
            "lived/status.html",
            {
                "record": record,
                "explained": STAGE_FOR_PERSON[Stage(record.stage)],
                "token": token,
                "can_withdraw": record.stage != Stage.WITHDRAWN,
                "retention_years": round(services.retention_days() / 365, 1),
            },
        )
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, link_token: str) -> HttpResponse:
    """Withdraw, after one confirmation. Using the link again confirms again: nothing breaks."""
    token = link_token
    if request.method == "POST":
        withdrawal = services.lived_withdraw_by_token(token=token)
        if withdrawal is None:
            return _invalid(request)
        return no_store(
            render(
                request,
                "lived/withdrawn.html",
                {"record": withdrawal.record, "already": withdrawal.already},
            )
        )
    record = services.record_for_token(token)
    if record is None:
        return _invalid(request)
    if record.stage == Stage.WITHDRAWN:
        return no_store(
            render(request, "lived/withdrawn.html", {"record": record, "already": True})
        )
    return no_store(render(request, "lived/withdraw.html", {"token": token}))
