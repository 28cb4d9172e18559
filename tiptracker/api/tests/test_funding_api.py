"""Funding through the API: every member reads; administrators write through the same
services as the pages, whose refusals are 400s naming the field."""

from decimal import Decimal

import pytest

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db


def url(partnership, path):
    return f"/api/partnerships/{partnership.slug}/funding/{path}"


COMMITMENT = {
    "financial_year": "2021/22",
    "what": "1 FTE Trauma Learning and Development Officer",
    "partner": "Women's Rape and Sexual Abuse Centre",
    "amount": "45000.00",
    "starts_on": "2022-06-01",
    "ends_on": "2023-05-31",
}


def test_a_member_lists_allocations_with_their_balance(api, member, partnership):
    allocation = AllocationFactory(partnership=partnership, financial_year="2021/22")
    CommitmentFactory(allocation=allocation, amount=Decimal("45000.10"))
    AllocationFactory(partnership=partnership, financial_year="2022/23")
    response = api(member).get(url(partnership, "allocations/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["financial_year"], r["amount"], r["committed"], r["remaining"]) for r in rows] == [
        ("2021/22", "50000.00", "45000.10", "4999.90"),
        ("2022/23", "50000.00", "0.00", "50000.00"),
    ]
    one = api(member).get(url(partnership, "allocations/?financial_year=2022/23")).json()
    assert one["count"] == 1


def test_a_bad_year_filter_is_a_400_naming_it(api, member, partnership):
    response = api(member).get(url(partnership, "allocations/?financial_year=2022-23"))
    assert response.status_code == 400
    assert "slash" in response.json()["errors"]["financial_year"][0]


def test_an_administrator_adds_an_allocation_written_as_money(api, admin, partnership):
    response = api(admin).post(
        url(partnership, "allocations/"),
        {"source": "Scottish Government", "financial_year": "2022/23", "amount": "£50,000"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["amount"] == "50000.00"
    assert Allocation.objects.get().amount == Decimal("50000.00")


@pytest.mark.parametrize(
    ("amount", "year", "field", "message"),
    [
        ("-5", "2022/23", "amount", "negative"),
        (0, "2022/23", "amount", "more than £0"),
        ("fifty", "2022/23", "amount", "as a number"),
        ("1.234", "2022/23", "amount", "2 decimal places"),
        ("50000", "2022/24", "financial_year", "consecutive"),
    ],
)
def test_a_bad_allocation_is_a_400_and_writes_nothing(
    api, admin, partnership, amount, year, field, message
):
    response = api(admin).post(
        url(partnership, "allocations/"),
        {"source": "Scottish Government", "financial_year": year, "amount": amount},
        format="json",
    )
    assert response.status_code in (400, 409)
    assert message in response.json()["errors"][field][0]
    assert not Allocation.objects.exists()


def test_a_member_may_not_add_funding(api, member, partnership):
    response = api(member).post(
        url(partnership, "allocations/"),
        {"source": "X", "financial_year": "2022/23", "amount": "1"},
        format="json",
    )
    assert response.status_code == 403
    assert not Allocation.objects.exists()


def test_an_administrator_changes_and_removes_an_allocation(api, admin, partnership):
    allocation = AllocationFactory(partnership=partnership)
    client = api(admin)
    changed = client.patch(
        url(partnership, f"allocations/{allocation.pk}/"), {"amount": "60000"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["amount"] == "60000.00"
    assert client.delete(url(partnership, f"allocations/{allocation.pk}/")).status_code == 204
    assert not Allocation.objects.exists()


def test_removing_an_allocation_with_commitments_is_a_400(api, admin, partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    response = api(admin).delete(url(partnership, f"allocations/{commitment.allocation_id}/"))
    assert response.status_code == 409
    assert "1 commitment is against this allocation" in response.json()["detail"]
    assert Allocation.objects.exists()


def test_a_commitment_is_added_against_an_allocation(api, admin, partnership):
    allocation = AllocationFactory(partnership=partnership, financial_year="2021/22")
    response = api(admin).post(
        url(partnership, "commitments/"), {**COMMITMENT, "allocation": allocation.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["allocation"]["id"] == allocation.pk and body["warnings"] == []
    assert body["amount"] == "45000.00" and body["starts_on"] == "2022-06-01"


def test_a_commitment_in_a_year_with_no_allocation_is_saved_with_a_warning(api, admin, partnership):
    response = api(admin).post(url(partnership, "commitments/"), COMMITMENT, format="json")
    assert response.status_code == 201
    assert response.json()["allocation"] is None
    assert response.json()["warnings"][0].startswith("There is no allocation for 2021/22")
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ends_on": "2022-05-31"}, "ends_on", "same as or after the start date"),
        ({"amount": "-100"}, "amount", "negative"),
        ({"financial_year": "21/22"}, "financial_year", "first year in full"),
        ({"starts_on": "2022-02-30"}, "starts_on", ""),
    ],
)
def test_a_bad_commitment_is_a_400_naming_the_field(
    api, admin, partnership, change, field, message
):
    response = api(admin).post(
        url(partnership, "commitments/"), {**COMMITMENT, **change}, format="json"
    )
    assert response.status_code in (400, 409)
    assert message in response.json()["errors"][field][0]
    assert not Commitment.objects.exists()


def test_another_partnerships_allocation_is_a_400_like_one_that_does_not_exist(
    api, admin, partnership, other_partnership
):
    theirs = AllocationFactory(partnership=other_partnership, financial_year="2021/22")
    response = api(admin).post(
        url(partnership, "commitments/"), {**COMMITMENT, "allocation": theirs.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "allocation": ["There is no such allocation that you can use here."]
    }


def test_a_commitment_is_changed_in_part_and_removed(api, admin, partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = api(admin)
    path = url(partnership, f"commitments/{commitment.pk}/")
    changed = client.patch(path, {"amount": "60000", "partner": ""}, format="json")
    assert changed.status_code == 200
    assert changed.json()["amount"] == "60000.00" and changed.json()["partner"] == ""
    assert changed.json()["warnings"]  # now more than the £50,000.00 allocation
    detached = client.patch(path, {"allocation": None}, format="json")
    assert detached.json()["allocation"] is None
    assert client.delete(path).status_code == 204
    assert not Commitment.objects.exists()


def test_the_summary_gives_each_years_figures(api, member, partnership):
    allocation = AllocationFactory(partnership=partnership, financial_year="2021/22")
    CommitmentFactory(allocation=allocation, amount=Decimal("50000"))
    AllocationFactory(partnership=partnership, financial_year="2022/23")
    body = api(member).get(url(partnership, "summary/")).json()
    assert [
        (y["financial_year"], y["allocated"], y["committed"], y["remaining"]) for y in body
    ] == [
        ("2021/22", "50000.00", "50000.00", "0.00"),
        ("2022/23", "50000.00", "0.00", "50000.00"),
    ]
    period = api(member).get(url(partnership, "summary/?from=2022-04-01&to=2023-03-31")).json()
    assert [y["financial_year"] for y in period] == ["2022/23"]
    half = api(member).get(url(partnership, "summary/?from=2022-04-01"))
    assert half.status_code == 409 and "to" in half.json()["errors"]


def test_an_outsider_gets_404_for_the_funding_and_its_objects(api, outsider, partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = api(outsider)
    assert client.get(url(partnership, "allocations/")).status_code == 404
    theirs = f"/api/partnerships/{outsider.partnership.slug}/funding/"
    assert client.get(f"{theirs}commitments/{commitment.pk}/").status_code == 404
    assert client.delete(f"{theirs}allocations/{commitment.allocation_id}/").status_code == 404
    assert Commitment.objects.exists()


@pytest.mark.parametrize("role", [Role.BOARD, Role.STAFF, Role.LD_OFFICER])
def test_members_read_but_do_not_change_commitments(api, persona, partnership, role):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = api(persona(role))
    path = url(partnership, f"commitments/{commitment.pk}/")
    assert client.get(path).status_code == 200
    assert client.patch(path, {"amount": "1"}, format="json").status_code == 403
    assert client.delete(path).status_code == 403
