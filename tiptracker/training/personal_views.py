"""A member's own training (My training), recording learning done elsewhere (a claim), and
the claims L&D officers and administrators review. Claims' rules are in claims.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.lib.dates import today
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership
from tiptracker.training import claims
from tiptracker.training.access import (
    bookings_for,
    courses_for,
    get_claim_evidence_for_user,
    get_claim_for_user,
)
from tiptracker.training.forms import ClaimDecisionForm, ClaimForm
from tiptracker.training.models import LearningClaim
from tiptracker.training.selectors import (
    claims_to_review,
    own_bookings,
    own_completions,
    own_open_claims,
    personal_level,
)

PAGE_SIZE = 50


def _who_links(membership: Membership) -> str:
    """Whom a member without a staff record asks to link one. An account is linked when its
    invitation went to the e-mail address in one staff record (accounts/invitations.py);
    an existing account is linked by the installation's administrators (Django's admin)."""
    if membership.role in access.MEMBER_ADMIN_ROLES:
        return (
            "An account is linked to a staff record when it is invited with the e-mail address "
            "in that record. To link yours now, ask whoever runs TIP Tracker for your "
            "installation"
        )
    return (
        "Ask your partnership's administrator to link your account to your staff record: "
        "it is linked when your account has the e-mail address in your staff record"
    )


@access.partnership_view(access.ALL_ROLES)
def my_training(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The member's own training: the level they need and whether they meet it, what they
    have completed, their bookings, claims waiting, and surveys waiting for them."""
    staff = membership.staff
    if staff is None:
        return render(
            request, "training/my_training.html", {"staff": None, "who": _who_links(membership)}
        )
    on = today()
    upcoming, past = own_bookings(
        bookings_for(membership).filter(staff_id=staff.pk), now=timezone.now()
    )
    return render(
        request,
        "training/my_training.html",
        {
            "staff": staff,
            "today": on,
            "need": personal_level(staff, as_of=on),
            "completions": list(own_completions(staff)),
            "open_claims": list(own_open_claims(staff)),
            "upcoming": upcoming,
            "past": past,
            "has_staff": True,
        },
    )


@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Record learning done elsewhere: a claim, waiting for approval."""
    staff = membership.staff
    form = ClaimForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        courses=courses_for(membership),
    )
    if staff is not None and request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            claim = claims.claim_create(
                actor=membership.user,
                staff=staff,
                course=values["course"],
                completed_on=values["completed_on"],
                evidence_note=values["evidence_note"],
                upload=values["evidence"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Your record of completing {claim.course.title} is waiting for approval. "
                "You will get an e-mail when it has been decided.",
            )
            return redirect("my_training", membership.partnership.slug)
    # A browser never keeps a chosen file when the page comes back with an error: say so.
    choose_again = bool(
        form.errors and request.FILES.get("evidence") and "evidence" not in form.errors
    )
    return render(
        request,
        "training/claim_form.html",
        {
            "form": form,
            "has_staff": staff is not None,
            "who": _who_links(membership),
            "choose_again": choose_again,
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def claims_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Claims to review: every claim waiting for a decision, oldest first."""
    page = Paginator(claims_to_review(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/claims.html", {"page": page})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def claim_decide(request: HttpRequest, membership: Membership, claim_pk: int) -> HttpResponse:
    """One claim, its evidence, and approving or rejecting it (once)."""
    claim = get_claim_for_user(membership, claim_pk)
    form = ClaimDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if approve:
                claims.claim_approve(actor=membership.user, claim=claim)
            else:
                claims.claim_reject(
                    actor=membership.user, claim=claim, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"{'Approved' if approve else 'Not approved'}: {claim.staff}, {claim.course.title}. "
                f"{claim.staff.first_name or claim.staff} has been told by e-mail.",
            )
            return redirect("claims", membership.partnership.slug)
    return render(
        request,
        "training/claim_decide.html",
        {
            "claim": claim,
            "form": form,
            "evidence": claim.attached_evidence(),
            "pending": claim.status == LearningClaim.Status.PENDING,
            "own": claims.is_own(claim, membership.user),
        },
    )


@never_cache
@access.partnership_view(access.ALL_ROLES)
@require_http_methods(["GET", "HEAD"])
def claim_evidence(request: HttpRequest, membership: Membership, claim_pk: int) -> HttpResponse:
    """A claim's evidence file, for the claimant and those who decide claims only: always a
    download, typed from the allow-list (not from what the uploader's browser said)."""
    stored = get_claim_evidence_for_user(membership, claim_pk)
    kind = claims.evidence_type(stored.name)
    response = HttpResponse(
        bytes(stored.data),
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
