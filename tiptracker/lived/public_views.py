"""The route's two doors for staff, open without a login (most staff have no TIP Tracker
account): the page where anyone expresses interest, and the private link where that person
sees their status and withdraws. Listed in middleware.PUBLIC_URL_NAMES.

What these pages show must not tell a stranger whether someone is on the route: a second
expression of interest with the same contact details (merged into the first record) gets
the same page, and the same e-mail, as a first one. So the private link is never shown on
the page: it goes to the e-mail address given, and only to it (a form giving an address
merges only by that address, see contacts.lived_interest_express); with a phone number
only, the coordinator gives it when they call.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tiptracker.accounts.client_ip import client_ip
from tiptracker.forms import add_service_error, posted
from tiptracker.lived.access import no_store
from tiptracker.lived.audit import PERSON
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw_by_token, retention_days
from tiptracker.lived.forms import InterestForm
from tiptracker.lived.interest import interest_acknowledge, interest_over_limit
from tiptracker.lived.models import Stage
from tiptracker.lived.reads import lived_status_for_person
from tiptracker.lived.tokens import record_for_token
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
        "retention_years": round(retention_days() / 365, 1),
    }
    if request.method == "POST" and form.is_valid():
        if interest_over_limit(partnership_id=partnership.pk, address=client_ip(request)):
            form.add_error(
                None,
                "We have had a lot of expressions of interest from your network in the last "
                "hour. Nothing was recorded: please try again in an hour.",
            )
        else:
            try:
                result = lived_interest_express(
                    actor=PERSON, partnership_id=partnership.pk, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                emailed = bool(form.cleaned_data["email"])
                interest_acknowledge(
                    interest=result,
                    gave_email=emailed,
                    partnership_name=partnership.name,
                    status_url=lambda token: _status_url(request, token),
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
    record = lived_status_for_person(token=token)
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
                "retention_years": round(retention_days() / 365, 1),
            },
        )
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, link_token: str) -> HttpResponse:
    """Withdraw, after one confirmation. Using the link again confirms again: nothing breaks."""
    token = link_token
    if request.method == "POST":
        withdrawal = lived_withdraw_by_token(token=token)
        if withdrawal is None:
            return _invalid(request)
        return no_store(
            render(
                request,
                "lived/withdrawn.html",
                {"record": withdrawal.record, "already": withdrawal.already},
            )
        )
    record = record_for_token(token)
    if record is None:
        return _invalid(request)
    if record.stage == Stage.WITHDRAWN:
        return no_store(
            render(request, "lived/withdrawn.html", {"record": record, "already": True})
        )
    return no_store(render(request, "lived/withdraw.html", {"token": token}))
