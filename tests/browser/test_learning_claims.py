"""A member of staff records learning done elsewhere, with a certificate, from My training;
an L&D officer approves it; coverage counts it from the date the person gave."""

import datetime as dt

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.coverage import coverage
from tiptracker.training.models import Completion, LearningClaim
from tiptracker.training.tests.factories import CourseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def informed_met(partnership, on: dt.date) -> int:
    result = coverage(partnership_id=partnership.pk, partnership_slug=partnership.slug, as_of=on)
    return next(row.met for row in result.totals if row.level == Level.INFORMED)


def test_staff_record_learning_elsewhere_and_an_ld_officer_approves_it(
    page, member, persona, partnership, tmp_path
):
    CourseFactory(
        partnership=partnership,
        title="Opening Doors",
        level=Level.INFORMED,
        description="An introduction.",
        duration_minutes=90,
    )
    member.user.email = "sam@example.org"
    member.user.save()
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)

    sign_in(page, member)
    visit(page, f"/p/{partnership.slug}/sessions/")
    page.get_by_role("link", name="My training").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Not met yet" in page.content()
    page.get_by_role("link", name="Record learning done elsewhere").click()
    page.wait_for_load_state()
    assert_accessible(page)

    # A date in the future first: refused, with the error on the date.
    page.get_by_label("Course").select_option(label="Opening Doors")
    next_year = str(dt.date.today().year + 1)
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill(next_year)
    page.get_by_label("Evidence file (optional)").set_input_files(str(certificate))
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "The date you completed it must be today or in the past" in page.content()
    assert "Choose the file again" in page.content()

    page.get_by_label("Year").fill("2023")
    page.get_by_label("Evidence file (optional)").set_input_files(str(certificate))
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "waiting for approval" in page.content()
    assert "Waiting for approval" in page.content()
    assert not Completion.objects.exists()
    assert informed_met(partnership, dt.date.today()) == 0

    # The L&D officer reviews it from Administration.
    page.context.clear_cookies()
    sign_in(page, persona(Role.LD_OFFICER))
    visit(page, f"/p/{partnership.slug}/administration/")
    page.get_by_role("link", name="Claims to review").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Review").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "certificate.pdf" in page.content()
    page.get_by_role("button", name="Approve the claim").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Approved:" in page.content()
    assert "No claims are waiting for a decision." in page.content()

    claim = LearningClaim.objects.get()
    assert claim.status == LearningClaim.Status.APPROVED
    assert Completion.objects.get().completed_on == dt.date(2023, 5, 17)
    # Coverage counts it from the claimed date, and not the day before.
    assert informed_met(partnership, dt.date(2023, 5, 17)) == 1
    assert informed_met(partnership, dt.date(2023, 5, 16)) == 0
    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]

    # The claimant sees it counted.
    page.context.clear_cookies()
    sign_in(page, member)
    visit(page, f"/p/{partnership.slug}/my-training/")
    assert "since 17 May 2023" in page.content()
    assert "Learning done elsewhere (approved claim)" in page.content()
