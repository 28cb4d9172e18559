"""Writes for funding: allocations and the commitments against them.

Every rule about the data lives here, so the pages and the API refuse the same things with
the same words: a financial year of the form 2022/23, an amount in pounds above zero with
at most two decimal places, a period that ends on or after it starts, and a commitment's
allocation from the same partnership and the same financial year. A commitment in a year
with no allocation is allowed: the funding page warns about it.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.lib.history import acting
from tiptracker.lib.money import FinancialYear, check_pounds
from tiptracker.partnerships.actors import Actor


def _year(value: object, errors: dict[str, str]) -> str:
    try:
        return str(FinancialYear.parse(value))
    except ValueError as error:
        errors["financial_year"] = str(error)
        return ""


def _amount(value: Decimal, errors: dict[str, str]) -> Decimal:
    try:
        return check_pounds(value)
    except ValueError as error:
        errors["amount"] = str(error)
        return Decimal(0)


def _text(value: str, field: str, message: str, errors: dict[str, str]) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


# Allocations ------------------------------------------------------------------------------


def _allocation_values(
    *, source: str, financial_year: str, amount: Decimal, purpose: str
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values = {
        "source": _text(source, "source", "Enter where the money comes from", errors),
        "financial_year": _year(financial_year, errors),
        "amount": _amount(amount, errors),
        "purpose": (purpose or "").strip(),
    }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def allocation_create(
    *,
    actor: Actor,
    partnership_id: int,
    source: str,
    financial_year: str,
    amount: Decimal,
    purpose: str = "",
) -> Allocation:
    with acting(actor):
        values = _allocation_values(
            source=source, financial_year=financial_year, amount=amount, purpose=purpose
        )
        return Allocation.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def allocation_update(
    *,
    actor: Actor,
    allocation: Allocation,
    source: str,
    financial_year: str,
    amount: Decimal,
    purpose: str = "",
) -> Allocation:
    with acting(actor):
        values = _allocation_values(
            source=source, financial_year=financial_year, amount=amount, purpose=purpose
        )
        if values["financial_year"] != allocation.financial_year:
            # Its commitments would be counted in one year and against money in another.
            held = allocation.commitments.count()
            if held:
                raise ValidationError(
                    {
                        "financial_year": f"{held} {'commitment is' if held == 1 else 'commitments are'} "
                        f"against this allocation in {allocation.financial_year}: move "
                        f"{'it' if held == 1 else 'them'} to another allocation before changing the year"
                    }
                )
        for name, value in values.items():
            setattr(allocation, name, value)
        allocation.save()
        return allocation


@transaction.atomic
def allocation_delete(*, actor: Actor, allocation: Allocation) -> None:
    with acting(actor):
        held = allocation.commitments.count()
        if held:
            raise ValidationError(
                f"{held} {'commitment is' if held == 1 else 'commitments are'} against this "
                f"allocation: delete {'it' if held == 1 else 'them'}, or move "
                f"{'it' if held == 1 else 'them'} to another allocation, first."
            )
        allocation.delete()


# Commitments ------------------------------------------------------------------------------


def _commitment_values(
    *,
    partnership_id: int,
    allocation: Allocation | None,
    financial_year: str,
    what: str,
    partner: str,
    amount: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    year = _year(financial_year, errors)
    values = {
        "allocation": allocation,
        "financial_year": year,
        "what": _text(what, "what", "Enter what the money is committed to", errors),
        "partner": (partner or "").strip(),
        "amount": _amount(amount, errors),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    if allocation is not None:
        if allocation.partnership_id != partnership_id:
            errors["allocation"] = "Choose one of this partnership's allocations"
        elif year and allocation.financial_year != year:
            errors["allocation"] = (
                f"The allocation is for {allocation.financial_year} but the commitment is for "
                f"{year}: choose an allocation for {year}, or none"
            )
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def commitment_create(
    *,
    actor: Actor,
    partnership_id: int,
    allocation: Allocation | None,
    financial_year: str,
    what: str,
    amount: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    partner: str = "",
) -> Commitment:
    with acting(actor):
        values = _commitment_values(
            partnership_id=partnership_id,
            allocation=allocation,
            financial_year=financial_year,
            what=what,
            partner=partner,
            amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return Commitment.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def commitment_update(
    *,
    actor: Actor,
    commitment: Commitment,
    allocation: Allocation | None,
    financial_year: str,
    what: str,
    amount: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    partner: str = "",
) -> Commitment:
    with acting(actor):
        values = _commitment_values(
            partnership_id=commitment.partnership_id,
            allocation=allocation,
            financial_year=financial_year,
            what=what,
            partner=partner,
            amount=amount,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for name, value in values.items():
            setattr(commitment, name, value)
        commitment.save()
        return commitment


@transaction.atomic
def commitment_delete(*, actor: Actor, commitment: Commitment) -> None:
    with acting(actor):
        commitment.delete()
