"""Funding and the engagement log in a browser: the warnings and the error states are
accessible too (test_every_page sees only their quiet states)."""

from decimal import Decimal

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.funding.models import Commitment
from tiptracker.funding.tests.factories import AllocationFactory, CommitmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sees_the_warnings_and_a_refused_commitment(page, admin, partnership):
    allocation = AllocationFactory(partnership=partnership, amount=Decimal("50000"))
    CommitmentFactory(allocation=allocation, amount=Decimal("60000"))
    CommitmentFactory(allocation=None, partnership=partnership, financial_year="2024/25")
    sign_in(page, admin)
    visit(page, f"/p/{partnership.slug}/funding/")
    text = page.inner_text("main")
    assert "There is no allocation for 2024/25" in text
    assert "Commitments in 2022/23 (£60,000.00) are more than its allocations" in text

    visit(page, f"/p/{partnership.slug}/funding/commitments/new/")
    page.get_by_label("What the money is committed to").fill("Level three facilitators")
    page.get_by_label("Financial year").fill("2022-23")
    page.get_by_label("Amount").fill("fifty thousand")
    page.get_by_role("button", name="Add the commitment").click()
    page.wait_for_load_state()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Write the financial year with a slash" in summary
    assert "Enter the amount in pounds as a number" in summary
    assert "Enter the start date" in summary
    assert page.get_by_label("What the money is committed to").input_value() == (
        "Level three facilitators"
    )
    assert Commitment.objects.count() == 2


def test_a_period_the_wrong_way_round_is_shown_as_an_error(page, member, partnership):
    sign_in(page, member)
    visit(page, f"/p/{partnership.slug}/engagement/?from=2022-06-01&to=2022-01-01")
    assert "must be the same as or after" in page.locator(".govuk-error-summary").inner_text()
