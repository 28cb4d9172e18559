"""The funding pages, for the three personas: every member reads; administrators add,
edit and delete; an outsider learns nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db


def url(partnership, path=""):
    return f"/p/{partnership.slug}/funding/{path}"


def _commitment_form(**overrides):
    data = {
        "what": "1 FTE Trauma Learning and Development Officer",
        "partner": "Women's Rape and Sexual Abuse Centre",
        "financial_year": "2021/22",
        "allocation": "",
        "amount": "£45,000",
        "starts_on_0": "1",
        "starts_on_1": "6",
        "starts_on_2": "2022",
        "ends_on_0": "31",
        "ends_on_1": "5",
        "ends_on_2": "2023",
    }
    return {**data, **overrides}


# Reading ------------------------------------------------------------------------------------


def test_a_member_sees_each_years_allocated_committed_and_remaining(login, member, partnership):
    first = AllocationFactory(partnership=partnership, financial_year="2021/22")
    AllocationFactory(partnership=partnership, financial_year="2022/23")
    CommitmentFactory(allocation=first, amount=Decimal("45000.00"))
    response = login(member).get(url(partnership))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2022/23" in page and "2021/22" in page
    assert page.index("2022/23") < page.index("2021/22")  # newest first
    assert "£50,000.00" in page and "£45,000.00" in page and "£5,000.00" in page
    assert "1 June 2022 to 31 May 2023" in page
    assert "Women&#x27;s Rape and Sexual Abuse Centre" in page
    # A member reads; only administrators see the ways to change things.
    assert "Add an allocation" not in page and "/edit/" not in page


def test_the_page_warns_when_commitments_exceed_the_allocation(login, member, partnership):
    allocation = AllocationFactory(partnership=partnership, amount=Decimal("50000"))
    CommitmentFactory(allocation=allocation, amount=Decimal("30000"))
    CommitmentFactory(allocation=allocation, amount=Decimal("25000.50"))
    page = login(member).get(url(partnership)).content.decode()
    assert "govuk-warning-text" in page
    assert (
        "Commitments in 2022/23 (£55,000.50) are more than its allocations (£50,000.00), by £5,000.50."
        in page
    )
    assert "-£5,000.50" in page


def test_the_page_warns_about_a_commitment_in_a_year_with_no_allocation(login, member, partnership):
    CommitmentFactory(allocation=None, partnership=partnership, financial_year="2024/25")
    page = login(member).get(url(partnership)).content.decode()
    assert "There is no allocation for 2024/25" in page
    assert "No allocation for 2024/25." in page


def test_a_partnership_with_no_funding_says_so(login, member, partnership):
    assert "No funding is recorded yet." in login(member).get(url(partnership)).content.decode()


def test_an_outsider_is_refused_the_funding_page(login, outsider, partnership):
    AllocationFactory(partnership=partnership)
    assert login(outsider).get(url(partnership)).status_code == 404


def test_another_partnerships_funding_is_not_shown(login, member, partnership, other_partnership):
    AllocationFactory(partnership=other_partnership, source="Angus Council")
    assert "Angus Council" not in login(member).get(url(partnership)).content.decode()


def test_the_page_is_paginated_by_year(login, member, partnership):
    for start in range(2010, 2017):
        AllocationFactory(
            partnership=partnership, financial_year=f"{start}/{(start + 1) % 100:02d}"
        )
    first = login(member).get(url(partnership)).content.decode()
    assert "2016/17" in first and "2011/12" not in first
    assert "2011/12" in login(member).get(url(partnership, "?page=2")).content.decode()


# Allocations -------------------------------------------------------------------------------


def test_an_administrator_adds_an_allocation_typed_as_people_write_money(login, admin, partnership):
    response = login(admin).post(
        url(partnership, "allocations/new/"),
        {"source": "Scottish Government", "financial_year": "2021/22", "amount": "£50,000.00"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(partnership)
    allocation = Allocation.objects.get(partnership=partnership)
    assert (allocation.financial_year, allocation.amount) == ("2021/22", Decimal("50000.00"))
    assert "Added the allocation of £50,000.00 from Scottish Government for 2021/22." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("amount", "year", "message"),
    [
        ("fifty", "2021/22", "Enter the amount in pounds as a number"),
        ("-50", "2021/22", "a negative amount is not allowed"),
        ("0", "2021/22", "The amount must be more than £0"),
        ("50000.001", "2021/22", "at most 2 decimal places"),
        ("50000", "2022/24", "two consecutive years, like 2022/23 (not 2022/24)"),
        ("50000", "2022-23", "Write the financial year with a slash"),
        ("50000", "22/23", "Write the first year in full"),
    ],
)
def test_it_refuses_a_bad_amount_or_year_saying_what_was_wrong(
    login, admin, partnership, amount, year, message
):
    response = login(admin).post(
        url(partnership, "allocations/new/"),
        {"source": "Scottish Government", "financial_year": year, "amount": amount},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert not Allocation.objects.exists()


def test_an_administrator_edits_an_allocation(login, admin, partnership):
    allocation = AllocationFactory(partnership=partnership)
    client = login(admin)
    form = client.get(url(partnership, f"allocations/{allocation.pk}/edit/")).content.decode()
    assert 'value="50,000.00"' in form
    client.post(
        url(partnership, f"allocations/{allocation.pk}/edit/"),
        {"source": "Scottish Government", "financial_year": "2022/23", "amount": "55,000"},
    )
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("55000.00")


def test_deleting_an_allocation_with_commitments_is_refused_with_a_reason(
    login, admin, partnership
):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = login(admin)
    path = url(partnership, f"allocations/{commitment.allocation_id}/delete/")
    assert "1 commitment is against this allocation" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Allocation.objects.filter(pk=commitment.allocation_id).exists()


def test_an_administrator_deletes_an_allocation(login, admin, partnership):
    allocation = AllocationFactory(partnership=partnership)
    response = login(admin).post(url(partnership, f"allocations/{allocation.pk}/delete/"))
    assert response.status_code == 302
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.LD_OFFICER, Role.MANAGER])
def test_only_administrators_change_funding(login, persona, partnership, role):
    allocation = AllocationFactory(partnership=partnership)
    client = login(persona(role))
    assert client.get(url(partnership, "allocations/new/")).status_code == 403
    assert client.post(url(partnership, f"allocations/{allocation.pk}/delete/")).status_code == 403
    assert client.get(url(partnership)).status_code == 200
    assert Allocation.objects.exists()


def test_an_outsider_cannot_reach_an_allocation_even_under_their_own_slug(
    login, outsider, partnership
):
    allocation = AllocationFactory(partnership=partnership)
    path = f"/p/{outsider.partnership.slug}/funding/allocations/{allocation.pk}/edit/"
    assert login(outsider).get(path).status_code == 404


# Commitments -------------------------------------------------------------------------------


def test_an_administrator_adds_a_commitment_against_an_allocation(login, admin, partnership):
    allocation = AllocationFactory(partnership=partnership, financial_year="2021/22")
    response = login(admin).post(
        url(partnership, "commitments/new/"),
        _commitment_form(allocation=str(allocation.pk)),
        follow=True,
    )
    commitment = Commitment.objects.get()
    assert commitment.allocation == allocation
    assert commitment.amount == Decimal("45000.00")
    assert (commitment.starts_on, commitment.ends_on) == (dt.date(2022, 6, 1), dt.date(2023, 5, 31))
    page = response.content.decode()
    assert "Added the commitment of £45,000.00 for 2021/22" in page
    assert "£5,000.00" in page  # what remains of the allocation


def test_a_commitment_in_a_year_with_no_allocation_is_saved_with_a_warning(
    login, admin, partnership
):
    response = login(admin).post(
        url(partnership, "commitments/new/"),
        _commitment_form(financial_year="2023/24"),
        follow=True,
    )
    assert Commitment.objects.filter(financial_year="2023/24", allocation=None).exists()
    assert "There is no allocation for 2023/24" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on_2": "2021"}, "The end date must be the same as or after the start date"),
        ({"amount": "fifty pounds"}, "Enter the amount in pounds as a number"),
        ({"amount": "-1000"}, "negative"),
        ({"financial_year": "2021/23"}, "two consecutive years"),
        ({"starts_on_1": "13"}, "The start date must be a real date"),
        ({"what": ""}, "Enter what the money is committed to"),
    ],
)
def test_it_refuses_a_bad_commitment_and_writes_nothing(
    login, admin, partnership, overrides, message
):
    response = login(admin).post(
        url(partnership, "commitments/new/"), _commitment_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Commitment.objects.exists()


def test_it_refuses_an_allocation_of_another_year(login, admin, partnership):
    allocation = AllocationFactory(partnership=partnership, financial_year="2022/23")
    response = login(admin).post(
        url(partnership, "commitments/new/"), _commitment_form(allocation=str(allocation.pk))
    )
    assert "The allocation is for 2022/23 but the commitment is for 2021/22" in (
        response.content.decode()
    )
    assert not Commitment.objects.exists()


def test_another_partnerships_allocation_is_not_offered_or_accepted(
    login, admin, partnership, other_partnership
):
    theirs = AllocationFactory(partnership=other_partnership, financial_year="2021/22")
    client = login(admin)
    assert (
        f'value="{theirs.pk}"'
        not in client.get(url(partnership, "commitments/new/")).content.decode()
    )
    response = client.post(
        url(partnership, "commitments/new/"), _commitment_form(allocation=str(theirs.pk))
    )
    assert "Choose one of the allocations in the list" in response.content.decode()
    assert not Commitment.objects.exists()


def test_an_administrator_edits_and_deletes_a_commitment(login, admin, partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = login(admin)
    edit = url(partnership, f"commitments/{commitment.pk}/edit/")
    assert "1 FTE Trauma Learning" in client.get(edit).content.decode()
    client.post(
        edit,
        _commitment_form(
            financial_year="2022/23", allocation=str(commitment.allocation_id), amount="21000"
        ),
    )
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("21000.00")
    client.post(url(partnership, f"commitments/{commitment.pk}/delete/"))
    assert not Commitment.objects.exists()


def test_an_outsider_is_refused_a_commitment(login, outsider, partnership):
    commitment = CommitmentFactory(allocation__partnership=partnership)
    client = login(outsider)
    assert client.get(url(partnership, f"commitments/{commitment.pk}/edit/")).status_code == 404
    assert client.post(url(partnership, f"commitments/{commitment.pk}/delete/")).status_code == 404
    assert Commitment.objects.exists()
