"""Forms for allocations and commitments.

They turn what a person typed into the values the services take ("£50,000" into
Decimal("50000.00")), with a message saying what was wrong; the rules about the data (an
end on or after the start, an allocation of the same year) live in the services.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from tiptracker.forms import DatePartsField
from tiptracker.funding.models import Allocation, Commitment
from tiptracker.lib.fields import max_length_of
from tiptracker.lib.money import FinancialYear, format_pounds, parse_pounds

SOURCE_MAX = max_length_of(Allocation, "source")
WHAT_MAX = max_length_of(Commitment, "what")
PARTNER_MAX = max_length_of(Commitment, "partner")


class PoundsField(forms.CharField):
    """An amount typed as 50000, 50,000 or £50,000.00, cleaned to an exact Decimal."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Enter the amount in pounds, like £50,000.00",
                "max_length": "Enter the amount in pounds, like £50,000.00",
            },
        )
        super().__init__(**kwargs)

    def clean(self, value: object) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)  # the text's own checks: required, length
        if not text:
            return None
        try:
            return parse_pounds(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class FinancialYearField(forms.CharField):
    """A financial year typed as 2022/23."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "The year it starts, a slash and the next year: 2022/23")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Enter the financial year, like 2022/23",
                "max_length": "Enter the financial year, like 2022/23",
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return str(FinancialYear.parse(text))
        except ValueError as error:
            raise ValidationError(str(error)) from None


def amount_for_editing(amount: Decimal) -> str:
    return format_pounds(amount).removeprefix("£")


class AllocationForm(forms.Form):
    source = forms.CharField(
        label="Source",
        max_length=SOURCE_MAX,
        help_text="Who allocated the money, for example Scottish Government.",
        error_messages={
            "required": "Enter where the money comes from",
            "max_length": f"The source must be {SOURCE_MAX} characters or fewer",
        },
    )
    financial_year = FinancialYearField(label="Financial year")
    amount = PoundsField(label="Amount", help_text="In pounds, for example £50,000.00")
    purpose = forms.CharField(
        label="Purpose or notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "The purpose must be 5,000 characters or fewer"},
    )

    @staticmethod
    def initial_for(allocation: Allocation) -> dict:
        return {
            "source": allocation.source,
            "financial_year": allocation.financial_year,
            "amount": amount_for_editing(allocation.amount),
            "purpose": allocation.purpose,
        }


class AllocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Allocation) -> str:  # type: ignore[override]
        return f"{obj.financial_year}: {obj.source} ({format_pounds(obj.amount)})"


class CommitmentForm(forms.Form):
    what = forms.CharField(
        label="What the money is committed to",
        max_length=WHAT_MAX,
        help_text="For example, 1 FTE Trauma Learning and Development Officer for 12 months.",
        error_messages={
            "required": "Enter what the money is committed to",
            "max_length": f"This must be {WHAT_MAX} characters or fewer",
        },
    )
    partner = forms.CharField(
        label="In partnership with (optional)",
        max_length=PARTNER_MAX,
        required=False,
        help_text="For example, Women's Rape and Sexual Abuse Centre.",
        error_messages={"max_length": f"The partner must be {PARTNER_MAX} characters or fewer"},
    )
    financial_year = FinancialYearField(label="Financial year")
    allocation = AllocationChoiceField(
        label="Against the allocation (optional)",
        queryset=Allocation.objects.none(),
        required=False,
        empty_label="None (not against an allocation)",
        help_text="It must be an allocation for the same financial year.",
        error_messages={"invalid_choice": "Choose one of the allocations in the list"},
    )
    amount = PoundsField(label="Amount", help_text="In pounds, for example £50,000.00")
    starts_on = DatePartsField(
        label="Start date", what="start date", help_text="For example, 1 6 2022"
    )
    ends_on = DatePartsField(label="End date", what="end date", help_text="For example, 31 5 2023")

    def __init__(self, *args, allocations: QuerySet[Allocation], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = allocations.order_by(  # type: ignore[attr-defined]
            "-financial_year", "source", "id"
        )

    @staticmethod
    def initial_for(commitment: Commitment) -> dict:
        return {
            "what": commitment.what,
            "partner": commitment.partner,
            "financial_year": commitment.financial_year,
            "allocation": commitment.allocation_id,
            "amount": amount_for_editing(commitment.amount),
            "starts_on": commitment.starts_on,
            "ends_on": commitment.ends_on,
        }


class ConfirmForm(forms.Form):
    """No fields: it carries a service's refusal (of a delete) to the page."""
