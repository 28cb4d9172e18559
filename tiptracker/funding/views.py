"""Funding pages: every member reads the figures; administrators add, edit and delete."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tiptracker.forms import form_page, posted
from tiptracker.funding import services
from tiptracker.funding.access import (
    allocations_for,
    get_allocation_for_user,
    get_commitment_for_user,
)
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
    return form_page(
        request,
        form=AllocationForm(posted(request)),
        save=lambda data: services.allocation_create(
            actor=membership.user, partnership_id=membership.partnership_id, **data
        ),
        saved_message=lambda allocation: (
            f"Added the allocation of {format_pounds(allocation.amount)} from "
            f"{allocation.source} for {allocation.financial_year}."
        ),
        done=_back(membership),
        template="funding/allocation_form.html",
        context={"allocation": None},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def allocation_edit(
    request: HttpRequest, membership: Membership, allocation_pk: int
) -> HttpResponse:
    allocation = get_allocation_for_user(membership, allocation_pk)
    return form_page(
        request,
        form=AllocationForm(posted(request), initial=AllocationForm.initial_for(allocation)),
        save=lambda data: services.allocation_update(
            actor=membership.user, allocation=allocation, **data
        ),
        saved_message=lambda allocation: f"Saved the allocation {allocation}.",
        done=_back(membership),
        template="funding/allocation_form.html",
        context={"allocation": allocation},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def allocation_delete(
    request: HttpRequest, membership: Membership, allocation_pk: int
) -> HttpResponse:
    allocation = get_allocation_for_user(membership, allocation_pk)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda data: services.allocation_delete(actor=membership.user, allocation=allocation),
        saved_message=lambda _: f"Deleted the allocation {allocation}.",
        done=_back(membership),
        template="funding/delete.html",
        # A callable, so that the commitments are counted only when the page is drawn.
        context=lambda: {
            "what": "allocation",
            "name": f"{allocation.source}, {allocation.financial_year}: {format_pounds(allocation.amount)}",
            "held": allocation.commitments.count(),
        },
    )


# Commitments ------------------------------------------------------------------------------


def _commitment_saved(verb: str, commitment: Commitment) -> str:
    return (
        f"{verb} the commitment of {format_pounds(commitment.amount)} for "
        f"{commitment.financial_year}: {commitment.what}."
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    return form_page(
        request,
        form=CommitmentForm(posted(request), allocations=allocations_for(membership)),
        save=lambda data: services.commitment_create(
            actor=membership.user, partnership_id=membership.partnership_id, **data
        ),
        saved_message=lambda commitment: _commitment_saved("Added", commitment),
        # Allowed, but not to pass unnoticed (issue 3, Bad input).
        saved_warnings=commitment_warnings,
        done=_back(membership),
        template="funding/commitment_form.html",
        context={"commitment": None},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_edit(
    request: HttpRequest, membership: Membership, commitment_pk: int
) -> HttpResponse:
    commitment = get_commitment_for_user(membership, commitment_pk)
    form = CommitmentForm(
        posted(request),
        allocations=allocations_for(membership),
        initial=CommitmentForm.initial_for(commitment),
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.commitment_update(
            actor=membership.user, commitment=commitment, **data
        ),
        saved_message=lambda commitment: _commitment_saved("Saved", commitment),
        saved_warnings=commitment_warnings,
        done=_back(membership),
        template="funding/commitment_form.html",
        context={"commitment": commitment},
    )


@access.partnership_view(access.WORKSPACE_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def commitment_delete(
    request: HttpRequest, membership: Membership, commitment_pk: int
) -> HttpResponse:
    commitment = get_commitment_for_user(membership, commitment_pk)
    return form_page(
        request,
        form=ConfirmForm(posted(request)),
        save=lambda data: services.commitment_delete(actor=membership.user, commitment=commitment),
        saved_message=lambda _: f"Deleted the commitment {commitment}.",
        done=_back(membership),
        template="funding/delete.html",
        context={
            "what": "commitment",
            "name": f"{commitment.what}, {commitment.financial_year}: {format_pounds(commitment.amount)}",
            "held": 0,
        },
    )
