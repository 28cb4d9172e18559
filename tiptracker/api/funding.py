"""Funding through the API: every member reads allocations, commitments and the figures
per financial year; administrators add, change and remove them, through the same services
as the pages (their refusals are 400s naming the field)."""

import re
from decimal import Decimal
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response

from tiptracker.api.errors import Refused
from tiptracker.api.filters import DateRange, Filter
from tiptracker.api.serializers import MAX_ID, StrictCharField
from tiptracker.api.views import SLUG, ScopedApi, ScopedDetailApi, ScopedListApi
from tiptracker.funding.access import (
    allocations_for,
    commitments_for,
    get_allocation_for_user,
    get_commitment_for_user,
)
from tiptracker.funding.models import Allocation, Commitment
from tiptracker.funding.selectors import commitment_warnings, funding_summary, with_balance
from tiptracker.funding.services import (
    allocation_create,
    allocation_delete,
    allocation_update,
    commitment_create,
    commitment_delete,
    commitment_update,
)
from tiptracker.lib.dates import validate_entered_date
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.money import FinancialYear, parse_pounds
from tiptracker.partnerships import access

TAGS = ["Funding"]
# A period's summary has a row for every year it overlaps, recorded or not.
MAX_SUMMARY_YEARS = 50
YEAR_HELP = "A financial year (1 April to 31 March), written 2022/23."


def _money(help_text: str, *, digits: int = 12) -> serializers.DecimalField:
    # Exact decimals, as strings ("50000.00"): never a floating-point number.
    return serializers.DecimalField(max_digits=digits, decimal_places=2, help_text=help_text)


# What an amount looks like (parse_pounds reads spaces away first); zero or too much is a 409.
AMOUNT = r"^£?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]{1,2})?$"


@extend_schema_field(
    {"oneOf": [{"type": "string", "pattern": AMOUNT, "maxLength": 40}, {"type": "number"}]}
)
class PoundsInput(serializers.CharField):
    """An amount of money: "50000", "50000.00", "£50,000.00" (or a JSON number)."""

    def run_validation(self, data: Any = empty) -> Decimal:
        text = super().run_validation(data)  # the text's own checks: required, length
        try:
            return parse_pounds(text)
        except ValueError as error:
            if isinstance(data, str) and not re.fullmatch(AMOUNT, "".join(text.split())):
                raise serializers.ValidationError(str(error)) from None  # not how money looks
            raise Refused({self.field_name: [str(error)]}) from None  # zero, or too much


@extend_schema_field(
    {
        "type": "string",
        "enum": [str(FinancialYear(y)) for y in range(FinancialYear.FIRST, FinancialYear.LAST + 1)],
    }
)
class FinancialYearInput(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            return str(FinancialYear.parse(text))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


def _amount_input() -> PoundsInput:
    return PoundsInput(
        max_length=40,
        help_text="In pounds, more than 0 with at most 2 decimal places: 50000.00 (or £50,000.00).",
    )


def _year_input() -> FinancialYearInput:
    return FinancialYearInput(max_length=20, help_text=YEAR_HELP)


# Shapes ------------------------------------------------------------------------------------


class AllocationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    # The metaclass takes declared fields off the class, so this does not shadow Field.source.
    source = StrictCharField()  # type: ignore[assignment]
    financial_year = StrictCharField(help_text=YEAR_HELP)
    amount = _money("Pounds allocated.")
    purpose = StrictCharField()
    committed = _money("Pounds committed against this allocation.", digits=16)
    remaining = _money("Amount less committed: negative when over-committed.", digits=16)


class AllocationInput(serializers.Serializer):
    source = StrictCharField(  # type: ignore[assignment]
        max_length=max_length_of(Allocation, "source"), help_text="Who allocated the money."
    )
    financial_year = _year_input()
    amount = _amount_input()
    purpose = StrictCharField(required=False, allow_blank=True, max_length=5000)


class AllocationBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    # The metaclass takes declared fields off the class, so this does not shadow Field.source.
    source = StrictCharField()  # type: ignore[assignment]
    financial_year = StrictCharField()


class CommitmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    financial_year = StrictCharField(help_text=YEAR_HELP)
    allocation = AllocationBriefOutput(
        allow_null=True, help_text="The allocation it is against (null: none)."
    )
    what = StrictCharField()
    partner = StrictCharField(help_text="Who the work is done with; may be blank.")
    amount = _money("Pounds committed.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class CommitmentSavedOutput(CommitmentOutput):
    warnings = serializers.ListField(
        child=StrictCharField(),
        help_text="What the funding page warns about after this change: a year with no "
        "allocation, or commitments beyond the allocation. The change is saved all the same.",
    )


class CommitmentInput(serializers.Serializer):
    financial_year = _year_input()
    allocation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        required=False,
        help_text="The id of an allocation of the same financial year; null or left out: none.",
    )
    what = StrictCharField(max_length=max_length_of(Commitment, "what"))
    partner = StrictCharField(
        required=False, allow_blank=True, max_length=max_length_of(Commitment, "partner")
    )
    amount = _amount_input()
    starts_on = serializers.DateField(
        input_formats=["%Y-%m-%d"], validators=[validate_entered_date], help_text="YYYY-MM-DD."
    )
    ends_on = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        validators=[validate_entered_date],
        help_text="YYYY-MM-DD, on or after the start.",
    )


class YearSummaryOutput(serializers.Serializer):
    financial_year = StrictCharField(help_text=YEAR_HELP)
    allocated = _money("Pounds allocated in the year.", digits=16)
    committed = _money("Pounds committed in the year.", digits=16)
    remaining = _money("Allocated less committed: negative when over-committed.", digits=16)
    committed_without_allocation = _money(
        "Of the committed, pounds not against any allocation.", digits=16
    )
    allocation_count = serializers.IntegerField()
    commitment_count = serializers.IntegerField()
    over_committed = serializers.BooleanField(
        help_text="More is committed than allocated (in a year with an allocation)."
    )
    without_allocation = serializers.BooleanField(
        help_text="Something is committed in a year with no allocation."
    )
    warnings = serializers.ListField(child=StrictCharField())


class YearFilter(Filter):
    financial_year = FinancialYearInput(
        required=False, max_length=20, help_text=f"Only this year. {YEAR_HELP}"
    )


class CommitmentFilter(YearFilter):
    allocation = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only those against it (its id)."
    )


class SummaryQuery(DateRange):
    from_help = "The years overlapping the period from this day"
    to_help = "to this day"

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if bool(attrs.get("from")) != bool(attrs.get("to")):
            raise Refused(
                {"to" if attrs.get("from") else "from": "Give both 'from' and 'to', or neither."}
            )
        if attrs.get("from") and (attrs["to"] - attrs["from"]).days > 366 * MAX_SUMMARY_YEARS:
            raise Refused({"to": f"The period can cover at most {MAX_SUMMARY_YEARS} years."})
        return attrs


def _valid(serializer: serializers.Serializer) -> dict:
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Allocations -------------------------------------------------------------------------------


class AllocationListCreateApi(ScopedListApi):
    # GET lists the allocations with their balance; POST adds one (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = AllocationOutput
    filter_class = YearFilter

    @extend_schema(
        tags=TAGS,
        summary="Allocations, with what is committed against each",
        parameters=[SLUG, YearFilter],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        allocations = allocations_for(self.membership)
        year = self.filters().get("financial_year")
        if year:
            allocations = allocations.filter(financial_year=year)
        return with_balance(allocations).order_by("financial_year", "source", "id")

    @extend_schema(
        tags=TAGS,
        summary="Add an allocation",
        parameters=[SLUG],
        request=AllocationInput,
        responses={201: AllocationOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(AllocationInput(data=request.data))
        allocation = allocation_create(
            actor=self.membership.user, partnership_id=self.membership.partnership_id, **data
        )
        return Response(
            AllocationOutput(_allocation(self.membership, allocation.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _allocation(membership: Any, pk: object) -> Allocation:
    allocation = get_allocation_for_user(membership, pk)
    return with_balance(allocations_for(membership)).get(pk=allocation.pk)


class AllocationDetailApi(ScopedDetailApi):
    # GET one allocation; PATCH changes the fields sent; DELETE removes one with no
    # commitments (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.WORKSPACE_EDIT_ROLES,
        "DELETE": access.WORKSPACE_EDIT_ROLES,
    }
    serializer_class = AllocationOutput

    def get_object(self) -> Any:
        return _allocation(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One allocation", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change an allocation (only the fields sent)",
        parameters=[SLUG],
        request=AllocationInput(partial=True),
        responses={200: AllocationOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        allocation = get_allocation_for_user(self.membership, self.kwargs["pk"])
        data = _valid(AllocationInput(data=request.data, partial=True))
        values = {
            "source": allocation.source,
            "financial_year": allocation.financial_year,
            "amount": allocation.amount,
            "purpose": allocation.purpose,
            **data,
        }
        allocation_update(actor=self.membership.user, allocation=allocation, **values)
        return Response(AllocationOutput(self.get_object()).data)

    @extend_schema(
        tags=TAGS,
        summary="Remove an allocation (refused while commitments are against it)",
        parameters=[SLUG],
        responses={204: None},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        allocation = get_allocation_for_user(self.membership, self.kwargs["pk"])
        allocation_delete(actor=self.membership.user, allocation=allocation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Commitments -------------------------------------------------------------------------------


def _commitment_values(membership: Any, data: dict) -> dict:
    """The input with the allocation's id replaced by the allocation (one of the caller's
    partnership's: another's gets the same answer as one that does not exist)."""
    if data.get("allocation") is None:
        return data
    allocation = allocations_for(membership).filter(pk=data["allocation"]).first()
    if allocation is None:
        raise Refused({"allocation": ["There is no such allocation that you can use here."]})
    return {**data, "allocation": allocation}


def _saved(commitment: Commitment, *, code: int = status.HTTP_200_OK) -> Response:
    body = dict(CommitmentOutput(commitment).data)
    body["warnings"] = commitment_warnings(commitment)
    return Response(body, status=code)


class CommitmentListCreateApi(ScopedListApi):
    # GET lists the commitments; POST adds one (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "POST": access.WORKSPACE_EDIT_ROLES
    }
    serializer_class = CommitmentOutput
    filter_class = CommitmentFilter

    @extend_schema(tags=TAGS, summary="Commitments", parameters=[SLUG, CommitmentFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        found = self.filters()
        commitments = commitments_for(self.membership)
        if found.get("financial_year"):
            commitments = commitments.filter(financial_year=found["financial_year"])
        if found.get("allocation"):
            commitments = commitments.filter(allocation_id=found["allocation"])
        return commitments.order_by("financial_year", "starts_on", "id")

    @extend_schema(
        tags=TAGS,
        summary="Add a commitment (one in a year with no allocation is saved, with a warning)",
        parameters=[SLUG],
        request=CommitmentInput,
        responses={201: CommitmentSavedOutput},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _commitment_values(self.membership, _valid(CommitmentInput(data=request.data)))
        data.setdefault("allocation", None)
        commitment = commitment_create(
            actor=self.membership.user, partnership_id=self.membership.partnership_id, **data
        )
        return _saved(commitment, code=status.HTTP_201_CREATED)


class CommitmentDetailApi(ScopedDetailApi):
    # GET one commitment; PATCH changes the fields sent; DELETE removes it (administrators).

    allowed_roles = access.WORKSPACE_READ_ROLES
    allowed_roles_by_method: ClassVar[dict[str, frozenset[str]]] = {
        "PATCH": access.WORKSPACE_EDIT_ROLES,
        "DELETE": access.WORKSPACE_EDIT_ROLES,
    }
    serializer_class = CommitmentOutput

    def get_object(self) -> Any:
        return get_commitment_for_user(self.membership, self.kwargs["pk"])

    @extend_schema(tags=TAGS, summary="One commitment", parameters=[SLUG])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Change a commitment (only the fields sent)",
        parameters=[SLUG],
        request=CommitmentInput(partial=True),
        responses={200: CommitmentSavedOutput},
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self.get_object()
        data = _commitment_values(
            self.membership, _valid(CommitmentInput(data=request.data, partial=True))
        )
        values = {
            "allocation": commitment.allocation,
            "financial_year": commitment.financial_year,
            "what": commitment.what,
            "partner": commitment.partner,
            "amount": commitment.amount,
            "starts_on": commitment.starts_on,
            "ends_on": commitment.ends_on,
            **data,
        }
        commitment_update(actor=self.membership.user, commitment=commitment, **values)
        return _saved(commitment)

    @extend_schema(
        tags=TAGS, summary="Remove a commitment", parameters=[SLUG], responses={204: None}
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment_delete(actor=self.membership.user, commitment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# The figures per year ----------------------------------------------------------------------


@extend_schema(
    tags=TAGS,
    summary="Allocated, committed and remaining per financial year (every year, or those overlapping a period)",
    parameters=[SLUG, SummaryQuery],
    responses={200: YearSummaryOutput(many=True)},
)
class FundingSummaryApi(ScopedApi):
    allowed_roles = access.WORKSPACE_READ_ROLES

    def get(self, request: Request, slug: str) -> Response:
        query = SummaryQuery.read(request.query_params)
        years = funding_summary(
            self.membership.partnership_id, start=query.get("from"), end=query.get("to")
        )
        return Response(YearSummaryOutput(years, many=True).data)
