"""Funding pages: every member reads the figures; administrators add, edit and delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import add_service_error, posted
from tiptracker.funding import services
from tiptracker.funding.forms import AllocationForm, CommitmentForm, ConfirmForm
from tiptracker.funding.models import Commitment
from tiptracker.funding.selectors import (
    allocation_lines,
    commitment_lines,
    commitment_warnings,
    funding_summary,
    funding_years,
)
from tiptracker.lib.money import format_pounds
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

# Financial years per page, and the rows of each kind shown for one year.
YEARS_PER_PAGE = 5
ROWS_PER_YEAR = 100


@access.partnership_view(access.WORKSPACE_READ_ROLES)
def funding_overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Each financial year, newest first: allocated, committed and remaining, with its
    allocations (each with its balance) and commitments."""
    partnership_id = membership.partnership_id
    page = Paginator(funding_years(partnership_id), YEARS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    years = list(page.object_list)
    allocations: dict[str, list] = {year: [] for year in years}
    for allocation in allocation_lines(partnership_id, years, limit_per_year=ROWS_PER_YEAR):
        allocations[allocation.financial_year].append(allocation)
    commitments: dict[str, list] = {year: [] for year in years}
    for commitment in commitment_lines(partnership_id, years, limit_per_year=ROWS_PER_YEAR):
        commitments[commitment.financial_year].append(commitment)
    sections = [
        {
            "summary": summary,
            "allocations": allocations[summary.financial_year],
            "commitments": commitments[summary.financial_year],
        }
        for summary in funding_summary(partnership_id, years)
    ]
    return render(
        request,
        "funding/overview.html",
        {
            "page": page,
            "sections": sections,
            "rows_per_year": ROWS_PER_YEAR,
            "can_edit": membership.role in access.WORKSPACE_EDIT_ROLES,
        },
    )


def _back(membership: Membership) -> HttpResponse:
    return redirect("funding_overview", membership.partnership.slug)


# Allocations ------------------------------------------------------------------------------


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def allocation_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AllocationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.allocation_create(
                actor=request.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Added the allocation of {format_pounds(allocation.amount)} from "
                f"{allocation.source} for {allocation.financial_year}.",
            )
            return _back(membership)
    return render(request, "funding/allocation_form.html", {"form": form, "allocation": None})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def allocation_edit(
    request: HttpRequest, membership: Membership, allocation_pk: int
) -> HttpResponse:
    allocation = access.get_allocation_for_user(membership, allocation_pk)
    form = AllocationForm(posted(request), initial=AllocationForm.initial_for(allocation))
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_update(
                actor=request.user, allocation=allocation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the allocation {allocation}.")
            return _back(membership)
    return render(request, "funding/allocation_form.html", {"form": form, "allocation": allocation})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def allocation_delete(
    request: HttpRequest, membership: Membership, allocation_pk: int
) -> HttpResponse:
    allocation = access.get_allocation_for_user(membership, allocation_pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            services.allocation_delete(actor=request.user, allocation=allocation)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Deleted the allocation {allocation}.")
            return _back(membership)
    return render(
        request,
        "funding/delete.html",
        {
            "form": form,
            "what": "allocation",
            "name": f"{allocation.source}, {allocation.financial_year}: {format_pounds(allocation.amount)}",
            "held": allocation.commitments.count(),
        },
    )


# Commitments ------------------------------------------------------------------------------


def _say_saved(request: HttpRequest, commitment: Commitment, verb: str) -> None:
    messages.success(
        request,
        f"{verb} the commitment of {format_pounds(commitment.amount)} for "
        f"{commitment.financial_year}: {commitment.what}.",
    )
    # Allowed, but not to pass unnoticed (issue 3, Bad input).
    for warning in commitment_warnings(commitment):
        messages.warning(request, warning)


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CommitmentForm(posted(request), allocations=access.allocations_for(membership))
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(
                actor=request.user, partnership_id=membership.partnership_id, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _say_saved(request, commitment, "Added")
            return _back(membership)
    return render(request, "funding/commitment_form.html", {"form": form, "commitment": None})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_edit(
    request: HttpRequest, membership: Membership, commitment_pk: int
) -> HttpResponse:
    commitment = access.get_commitment_for_user(membership, commitment_pk)
    form = CommitmentForm(
        posted(request),
        allocations=access.allocations_for(membership),
        initial=CommitmentForm.initial_for(commitment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_update(
                actor=request.user, commitment=commitment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _say_saved(request, commitment, "Saved")
            return _back(membership)
    return render(request, "funding/commitment_form.html", {"form": form, "commitment": commitment})


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_delete(
    request: HttpRequest, membership: Membership, commitment_pk: int
) -> HttpResponse:
    commitment = access.get_commitment_for_user(membership, commitment_pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            services.commitment_delete(actor=request.user, commitment=commitment)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Deleted the commitment {commitment}.")
            return _back(membership)
    return render(
        request,
        "funding/delete.html",
        {
            "form": form,
            "what": "commitment",
            "name": f"{commitment.what}, {commitment.financial_year}: {format_pounds(commitment.amount)}",
            "held": 0,
        },
    )
