"""An L&D officer records who was consulted on a board report's page: a mistake is shown in
the GOV.UK error summary and against its field (and that page, too, meets WCAG 2.2 AA), the
consultation is then recorded and paragraph 7.1 names it, and it is removed again."""

import datetime as dt

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.partnerships.models import Role
from tiptracker.reporting import lifecycle
from tiptracker.reporting.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_ld_officer_records_and_removes_a_consultation(page, persona):
    ld = persona(Role.LD_OFFICER)
    report = lifecycle.report_create(actor=ld, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30))
    sign_in(page, ld)
    visit(page, f"/p/{ld.partnership.slug}/reports/{report.pk}/")

    page.get_by_role("button", name="Record the consultation").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "Enter who was consulted" in summary.inner_text()
    assert "Enter the date they were consulted" in summary.inner_text()
    assert_accessible(page)
    assert not Consultation.objects.exists()

    page.get_by_label("Who was consulted").fill("the Clerk")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("7")
    page.get_by_label("Year").fill("2022")
    page.get_by_role("button", name="Record the consultation").click()
    page.wait_for_load_state()
    assert "Recorded that the Clerk was consulted." in page.content()
    assert "7.1 This report was prepared in consultation with the Clerk." in page.inner_text("body")
    assert_accessible(page)

    page.get_by_role("button", name="Remove the consultation with the Clerk").click()
    page.wait_for_load_state()
    assert "Removed the consultation with the Clerk." in page.content()
    assert_accessible(page)
    assert not Consultation.objects.exists()

    # The edit page for section 7 says how 7.1 follows the consultations.
    visit(page, f"/p/{ld.partnership.slug}/reports/{report.pk}/sections/7/")
    assert "drafted from the consultations recorded" in page.inner_text("body")
