"""The coordinators' workspace. Every view but the unlock page is a `coordinator_view`
(access.py): coordinators only (404 for everyone else), after their password and second
factor. Reads that show a person's details go through the audited services."""

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from tiptracker.accounts import second_factor
from tiptracker.forms import add_service_error, posted
from tiptracker.lib import suppression
from tiptracker.lib.dates import today
from tiptracker.lib.money import FinancialYear
from tiptracker.lived import access, selectors
from tiptracker.lived.audit import lived_workspace_unlock
from tiptracker.lived.consent import (
    lived_consent_record,
    lived_consent_text_publish,
    lived_involvement_add,
)
from tiptracker.lived.contacts import lived_details_update, lived_interest_express
from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.export import lived_export
from tiptracker.lived.forms import (
    CodeForm,
    ConsentForm,
    ConsentTextForm,
    InterestForm,
    InvolvementForm,
    MoveForm,
    PasswordForm,
    PeriodForm,
    UnlockForm,
)
from tiptracker.lived.models import ConsentText, RouteRecord, Stage
from tiptracker.lived.reads import lived_audit_trail, lived_record_open, lived_records_list
from tiptracker.lived.route import (
    TRANSITIONS,
    lived_close,
    lived_decline,
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
    lived_pause,
    lived_resume,
)
from tiptracker.lived.tokens import lived_link_reissue
from tiptracker.partnerships.models import Membership

PAGE_SIZE = 50

# The moves a coordinator makes from the record page: the stage moved to -> the service.
# Consent has its own form (consent_record); withdrawal its own confirmation.
MOVES = {
    Stage.INFORMATION_SENT: lived_information_send,
    Stage.DISCUSSION_ARRANGED: lived_discussion_arrange,
    Stage.DISCUSSION_HELD: lived_discussion_hold,
    Stage.DECLINED: lived_decline,
    Stage.PAUSED: lived_pause,
    Stage.CLOSED: lived_close,
}


def _record(membership: Membership, pk: int) -> RouteRecord:
    """A record of the coordinator's partnership, without its details (for action pages,
    which show its reference and stage only), or 404."""
    record = RouteRecord.objects.filter(partnership_id=membership.partnership_id, pk=pk).first()
    if record is None:
        raise Http404("No such record")
    return record


def _to_record(membership: Membership, record: RouteRecord) -> HttpResponse:
    return redirect("lived_record", membership.partnership.slug, record.pk)


# Opening the workspace ------------------------------------------------------------------------


ENROLLING = "lived_enrolling"  # the session's device being set up, once the password is known


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest, slug: str) -> HttpResponse:
    """Password and authenticator code, every time the workspace has been idle. A coordinator
    without an authenticator sets one up here first (the second factor is not optional): the
    password, then a new key to scan, then a code from it."""
    membership = access.coordinator_membership(request.user, slug)
    request.membership = membership  # type: ignore[attr-defined]
    user: Any = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    device = second_factor.confirmed_device(user)
    form_class: type[forms.Form]
    if device is not None:
        step, form_class = "unlock", UnlockForm
    else:
        device = second_factor.enrolment_device(user)
        if request.session.get(ENROLLING) == device.pk:
            step, form_class = "scan", CodeForm
        else:
            step, form_class = "password", PasswordForm
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        check = second_factor.check(
            user=user,
            device=device,
            password=form.cleaned_data.get("password"),
            code=form.cleaned_data.get("code"),
        )
        if check.ok and step == "password":
            second_factor.new_key(device)
            request.session[ENROLLING] = device.pk
            return access.no_store(redirect(access.unlock_url(slug, next_url)))
        lived_workspace_unlock(
            actor=membership, partnership_id=membership.partnership_id, ok=check.ok
        )
        if check.ok:
            request.session.pop(ENROLLING, None)
            request.session.cycle_key()  # a new session id for the newly trusted session
            device.refresh_from_db()
            otp_login(request, device)
            access.keep_unlocked(request, membership)
            return access.no_store(
                redirect(next_url or "lived_records", *([] if next_url else [slug]))
            )
        if check.wait_until:
            form.add_error(
                None,
                "Too many wrong tries. Wait until "
                f"{timezone.localtime(check.wait_until):%H:%M:%S} before trying again.",
            )
        else:
            field = "code" if "code" in form.fields else "password"
            what = {"unlock": "The password or the code", "scan": "The code"}.get(
                step, "The password"
            )
            form.add_error(field, f"{what} is not right. Check and try again.")
    context: dict[str, Any] = {"form": form, "step": step, "next": next_url}
    if step == "scan":
        context |= {"qr": second_factor.qr_svg(device), "key": second_factor.key_text(device)}
    return access.no_store(render(request, "lived/unlock.html", context))


@require_POST
def lock(request: HttpRequest, slug: str) -> HttpResponse:
    access.coordinator_membership(request.user, slug)
    access.lock(request)
    messages.success(request, "The lived-experience workspace is locked.")
    return redirect("home")


# Records --------------------------------------------------------------------------------------


@access.coordinator_view
def records(request: HttpRequest, membership: Membership) -> HttpResponse:
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    page = lived_records_list(
        actor=membership,
        partnership_id=membership.partnership_id,
        stage=stage,
        paginate=lambda records: Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
    )
    for shown in page:
        shown.idle_days = (today() - shown.last_step_on).days  # type: ignore[attr-defined]
    return render(
        request,
        "lived/records.html",
        {
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "query": f"{urlencode({'stage': stage})}&" if stage else "",
        },
    )


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A coordinator records someone's interest for them (by phone, in person)."""
    form = InterestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            result = lived_interest_express(
                actor=membership, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if result.merged or not result.token:
                messages.success(
                    request,
                    "These contact details are already on an open record: what you entered "
                    "was added to its note.",
                )
                return _to_record(membership, result.record)
            # The person's private link, shown once, for the coordinator to send them.
            messages.success(request, "Recorded the expression of interest.")
            return _link_page(request, result.record, result.token, new=True)
    return render(request, "lived/record_new.html", {"form": form})


@access.coordinator_view
def record(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    found = lived_record_open(
        actor=membership, record_id=record_pk, partnership_id=membership.partnership_id
    )
    next_stages = [(value, Stage(value).label) for value in TRANSITIONS[found.stage]]
    return render(
        request,
        "lived/record.html",
        {
            "record": found,
            "next_stages": next_stages,
            "moves": {str(stage) for stage in MOVES},
            "has_consent_text": ConsentText.objects.filter(
                partnership_id=membership.partnership_id
            ).exists(),
        },
    )


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def record_details(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    """Correct the name, contact details or note (rectification). Showing them is an open
    of the record, audited like the record page."""
    found = _record(membership, record_pk)
    form = InterestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            token = lived_details_update(actor=membership, record=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the details of record {found.pk}.")
            if token:  # new contact details, a new link for them
                return _link_page(request, found, token)
            return _to_record(membership, found)
    elif request.method == "GET":
        opened = lived_record_open(
            actor=membership, record_id=found.pk, partnership_id=membership.partnership_id
        )
        if opened.erased_at is not None:
            messages.error(request, "This record has been erased: there are no details to correct.")
            return _to_record(membership, found)
        form = InterestForm(
            initial={
                "preferred_name": opened.preferred_name,
                "email": opened.email,
                "phone": opened.phone,
                "note": opened.note,
            }
        )
    return render(request, "lived/details.html", {"record": found, "form": form})


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def record_move(
    request: HttpRequest, membership: Membership, record_pk: int, to: str
) -> HttpResponse:
    """One named step along the route, with its date and an optional note. A step out of
    order is refused with the allowed next steps."""
    found = _record(membership, record_pk)
    if to not in Stage.values or to in (
        Stage.CONSENT_RECORDED,
        Stage.WITHDRAWN,
        Stage.INTEREST_RECEIVED,
    ):
        raise Http404("No such step")
    form = MoveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if to == Stage.INVOLVED:
            move = lived_resume if found.stage == Stage.PAUSED else lived_involve
        else:
            move = MOVES[Stage(to)]
        try:
            move(
                actor=membership,
                record=found,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Record {found.pk} is now at “{Stage(to).label}”.")
            return _to_record(membership, found)
    return render(request, "lived/move.html", {"record": found, "form": form, "to": Stage(to)})


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    found = _record(membership, record_pk)
    form = ConsentForm(posted(request), partnership_id=membership.partnership_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lived_consent_record(actor=membership, record=found, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Recorded consent for record {found.pk}.")
            return _to_record(membership, found)
    return render(request, "lived/consent.html", {"record": found, "form": form})


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def involvement_add(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    found = _record(membership, record_pk)
    form = InvolvementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lived_involvement_add(actor=membership, record=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Added the involvement to record {found.pk}.")
            return _to_record(membership, found)
    return render(request, "lived/involvement.html", {"record": found, "form": form})


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def record_withdraw(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    """The coordinator records that the person withdrew (told them by phone, say): their
    details are erased at once."""
    found = _record(membership, record_pk)
    if request.method == "POST":
        withdrawal = lived_withdraw(actor=membership, record=found)
        messages.success(
            request,
            f"Record {found.pk} was already withdrawn."
            if withdrawal.already
            else f"Record {found.pk} is withdrawn: the name, contact details and notes are erased.",
        )
        return _to_record(membership, found)
    return render(request, "lived/record_withdraw.html", {"record": found})


@access.coordinator_view
@require_POST
def link_reissue(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    """A new private link, shown once, for the coordinator to send to the person."""
    found = _record(membership, record_pk)
    try:
        token = lived_link_reissue(actor=membership, record=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_record(membership, found)
    return _link_page(request, found, token)


def _link_page(
    request: HttpRequest, record: RouteRecord, token: str, *, new: bool = False
) -> HttpResponse:
    link = request.build_absolute_uri(reverse("lived_status", args=[token]))
    return render(request, "lived/link.html", {"record": record, "link": link, "new": new})


@access.coordinator_view
def record_export(request: HttpRequest, membership: Membership, record_pk: int) -> HttpResponse:
    """Everything held about the person, for a subject access request (audited)."""
    found = _record(membership, record_pk)
    data = lived_export(actor=membership, record=found)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lived-experience-record-{found.pk}.json"'
    )
    return response


# Consent texts, audit, counts -------------------------------------------------------------------


@access.coordinator_view
@require_http_methods(["GET", "POST"])
def consent_texts(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = ConsentTextForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            text = lived_consent_text_publish(
                actor=membership, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Published version {text.version} of the consent text.")
            return redirect("lived_consent_texts", membership.partnership.slug)
    texts = ConsentText.objects.filter(partnership_id=membership.partnership_id).order_by(
        "-version"
    )
    return render(request, "lived/consent_texts.html", {"form": form, "texts": texts})


@access.coordinator_view
def audit(request: HttpRequest, membership: Membership) -> HttpResponse:
    record_id = request.GET.get("record", "")
    record_pk = int(record_id) if record_id.isdigit() else None
    events = lived_audit_trail(
        actor=membership, partnership_id=membership.partnership_id, record_id=record_pk
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lived/audit.html",
        {
            "page": page,
            "record_id": record_pk,
            "query": f"{urlencode({'record': record_pk})}&" if record_pk else "",
        },
    )


@access.coordinator_view
def counts(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Counts by stage over a period (the current financial year unless another is chosen),
    small numbers suppressed: what the board report will use."""
    year = FinancialYear.containing(today())
    default = {"start": year.starts_on, "end": today()}
    form = PeriodForm(request.GET if "start_0" in request.GET else None, initial=default)
    period = default
    if form.is_bound and form.is_valid():
        period = {"start": form.cleaned_data["start"], "end": form.cleaned_data["end"]}
    figures = selectors.stage_counts(
        partnership_id=membership.partnership_id, start=period["start"], end=period["end"]
    )
    rows = [
        (label, entered, standing)
        for (label, entered), (_label, standing) in zip(
            figures.entered, figures.at_end, strict=True
        )
    ]
    return render(
        request,
        "lived/counts.html",
        {"form": form, "counts": figures, "rows": rows, "threshold": suppression.threshold()},
    )
