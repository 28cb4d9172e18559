"""tiptracker.forms.form_page, the shape of the add, edit and delete pages, proven through one
of them (editing a funding allocation) for what the apps' own tests leave unsaid: a service's
refusal is shown on the field it names, and nothing is saved or announced."""

import pytest

from tiptracker.funding.tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def test_a_service_refusal_lands_on_the_field_it_names_and_nothing_is_saved(
    login, admin, partnership
):
    # The form accepts any well-written year; only the service knows the commitments held.
    allocation = CommitmentFactory(allocation__partnership=partnership).allocation
    response = login(admin).post(
        f"/p/{partnership.slug}/funding/allocations/{allocation.pk}/edit/",
        {"source": "Scottish Government", "financial_year": "2023/24", "amount": "55,000"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["financial_year"]
    assert "1 commitment is against this allocation in 2022/23" in errors["financial_year"][0]
    allocation.refresh_from_db()
    assert (allocation.financial_year, str(allocation.amount)) == ("2022/23", "50000.00")
    assert "Saved the allocation" not in response.content.decode()
