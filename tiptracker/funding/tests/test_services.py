"""The rules about allocations and commitments, as the services hold them for the pages
and the API alike: each refusal names the field and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tiptracker.funding import services
from tiptracker.funding.models import Allocation, Commitment
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def _allocation(partnership, **overrides):
    values = {
        "actor": None,
        "partnership_id": partnership.id,
        "source": "Scottish Government",
        "financial_year": "2021/22",
        "amount": Decimal("50000.00"),
    }
    return services.allocation_create(**{**values, **overrides})


def _commitment(partnership, allocation=None, **overrides):
    values = {
        "actor": None,
        "partnership_id": partnership.id,
        "allocation": allocation,
        "financial_year": "2021/22",
        "what": "1 FTE Trauma Learning and Development Officer",
        "partner": "Women's Rape and Sexual Abuse Centre",
        "amount": Decimal("45000.00"),
        "starts_on": dt.date(2022, 6, 1),
        "ends_on": dt.date(2023, 5, 31),
    }
    return services.commitment_create(**{**values, **overrides})


def test_it_records_an_allocation(partnership, admin):
    allocation = _allocation(partnership, actor=admin.user, source="  Scottish Government ")
    assert (allocation.source, allocation.financial_year, allocation.amount) == (
        "Scottish Government",
        "2021/22",
        Decimal("50000.00"),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": Decimal("-50")}, "amount", "more than £0"),
        ({"amount": Decimal("0")}, "amount", "more than £0"),
        ({"amount": Decimal("10.001")}, "amount", "2 decimal places"),
        ({"financial_year": "2022/24"}, "financial_year", "consecutive"),
        ({"financial_year": "2022-23"}, "financial_year", "slash"),
        ({"source": "   "}, "source", "where the money comes from"),
    ],
)
def test_it_refuses_a_bad_allocation_and_writes_nothing(partnership, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        _allocation(partnership, **overrides)
    assert message in refused.value.message_dict[field][0]
    assert not Allocation.objects.exists()


def test_it_records_a_commitment_against_an_allocation_of_the_same_year(partnership):
    allocation = _allocation(partnership)
    commitment = _commitment(partnership, allocation)
    assert commitment.allocation == allocation and commitment.amount == Decimal("45000.00")


def test_a_commitment_in_a_year_with_no_allocation_is_allowed(partnership):
    commitment = _commitment(partnership, None, financial_year="2023/24")
    assert commitment.allocation is None and commitment.financial_year == "2023/24"


def test_it_refuses_an_allocation_of_another_year(partnership):
    allocation = _allocation(partnership, financial_year="2022/23")
    with pytest.raises(ValidationError) as refused:
        _commitment(partnership, allocation, financial_year="2021/22")
    assert refused.value.message_dict["allocation"] == [
        "The allocation is for 2022/23 but the commitment is for 2021/22: choose an allocation for 2021/22, or none"
    ]
    assert not Commitment.objects.exists()


def test_it_refuses_another_partnerships_allocation(partnership, other_partnership):
    theirs = AllocationFactory(partnership=other_partnership, financial_year="2021/22")
    with pytest.raises(ValidationError) as refused:
        _commitment(partnership, theirs)
    assert "allocation" in refused.value.message_dict
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": dt.date(2022, 5, 31)}, "ends_on", "same as or after the start date"),
        ({"amount": Decimal("-1")}, "amount", "more than £0"),
        ({"financial_year": "22/23"}, "financial_year", "first year in full"),
        ({"what": ""}, "what", "what the money is committed to"),
    ],
)
def test_it_refuses_a_bad_commitment_and_writes_nothing(partnership, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        _commitment(partnership, **overrides)
    assert message in refused.value.message_dict[field][0]
    assert not Commitment.objects.exists()


def test_a_commitment_may_start_and_end_on_one_day(partnership):
    day = dt.date(2022, 6, 1)
    assert _commitment(partnership, starts_on=day, ends_on=day).ends_on == day


def test_it_updates_a_commitment_and_a_refused_update_changes_nothing(partnership):
    commitment = _commitment(partnership)
    services.commitment_update(
        actor=None,
        commitment=commitment,
        allocation=None,
        financial_year="2021/22",
        what="Officer",
        partner="",
        amount=Decimal("40000"),
        starts_on=dt.date(2022, 6, 1),
        ends_on=dt.date(2023, 5, 31),
    )
    with pytest.raises(ValidationError):
        services.commitment_update(
            actor=None,
            commitment=commitment,
            allocation=None,
            financial_year="2021/22",
            what="Officer",
            partner="",
            amount=Decimal("-5"),
            starts_on=dt.date(2022, 6, 1),
            ends_on=dt.date(2023, 5, 31),
        )
    commitment.refresh_from_db()
    assert (commitment.what, commitment.amount) == ("Officer", Decimal("40000.00"))


def test_an_allocation_with_commitments_keeps_its_year(partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    allocation = commitment.allocation
    with pytest.raises(ValidationError) as refused:
        services.allocation_update(
            actor=None,
            allocation=allocation,
            source=allocation.source,
            financial_year="2023/24",
            amount=allocation.amount,
        )
    assert (
        "1 commitment is against this allocation in 2022/23"
        in (refused.value.message_dict["financial_year"][0])
    )
    allocation.refresh_from_db()
    assert allocation.financial_year == "2022/23"


def test_an_allocation_with_commitments_is_not_deleted(partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    with pytest.raises(ValidationError, match="1 commitment is against this allocation"):
        services.allocation_delete(actor=None, allocation=commitment.allocation)
    assert Allocation.objects.filter(pk=commitment.allocation_id).exists()
    services.commitment_delete(actor=None, commitment=commitment)
    services.allocation_delete(actor=None, allocation=commitment.allocation)
    assert not Allocation.objects.exists()


def test_deleting_the_partnership_takes_its_funding_with_it(partnership):
    CommitmentFactory(allocation__partnership=partnership)
    partnership.delete()
    assert not Allocation.objects.exists() and not Commitment.objects.exists()
