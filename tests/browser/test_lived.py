"""The lived-experience route in Chromium: a member of staff expresses interest, keeps their
private link and withdraws; a coordinator opens the workspace with a password and a code
and moves the person along the route. Every state of every page meets WCAG 2.2 AA."""

import os
import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PASSWORD, assert_accessible, sign_in, visit
from tiptracker.lived.models import RouteRecord, Stage
from tiptracker.lived.tests.unlock import code_for
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("TIPTRACKER_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lived-{name}.png", full_page=True)


def test_a_member_of_staff_expresses_interest_and_withdraws_through_their_link(page):
    PartnershipFactory(slug="own", name="Own Partnership")
    visit(page, "/lived-experience/own/")
    _shot(page, "interest")
    page.get_by_role("button", name="Send").click()
    assert_accessible(page)
    assert "Enter the name you would like us to use" in page.inner_text("main")
    assert not RouteRecord.objects.exists()

    page.get_by_label("The name you would like us to use").fill("Robin")
    page.get_by_label("E-mail address").fill("robin@example.org")
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_role("button", name="Send").click()
    assert_accessible(page)
    _shot(page, "interest-done")
    assert "We have sent your private link" in page.inner_text("main")
    link = re.search(r"/lived-experience/your-record/\S+/", mail.outbox[-1].body)[0]

    visit(page, link)
    assert "Interest received" in page.inner_text("main")
    page.get_by_role("button", name="Withdraw").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw and erase my details").click()
    assert_accessible(page)
    _shot(page, "withdrawn")
    assert "You have withdrawn" in page.inner_text("main")
    record = RouteRecord.objects.get()
    assert record.stage == Stage.WITHDRAWN and record.phone == ""


def test_a_coordinator_opens_the_workspace_and_moves_someone_along(page):
    coordinator = MembershipFactory(
        partnership=PartnershipFactory(slug="own"), role=Role.LE_COORDINATOR
    )
    sign_in(page, coordinator)
    page.get_by_role("link", name="Lived experience").click()
    assert_accessible(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    _shot(page, "setup")
    page.get_by_label("Code from your authenticator app").fill("12345x")
    page.get_by_role("button", name="Confirm and open the workspace").click()
    assert_accessible(page)
    assert "The code is not right" in page.inner_text("main")

    device = TOTPDevice.objects.get(user=coordinator.user)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Confirm and open the workspace").click()
    assert_accessible(page)
    assert "Lived-experience route" in page.inner_text("h1")

    page.get_by_role("link", name="Record an expression of interest").click()
    page.get_by_label("The name you would like us to use").fill("Sam Fictional")
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_role("button", name="Record the interest").click()
    assert_accessible(page)
    assert page.locator("#private-link").inner_text().startswith("http")

    page.get_by_role("link", name="Back to the record").click()
    assert_accessible(page)
    # A step out of order (an old bookmark, say): refused, saying what may come next.
    record = RouteRecord.objects.get()
    visit(page, f"/p/own/lived-experience/{record.pk}/move/discussion_arranged/")
    page.get_by_role("button", name="Record this step").click()
    assert_accessible(page)
    assert "cannot move to" in page.inner_text("main")
    assert "Allowed next steps" in page.inner_text("main")
    _shot(page, "refused")
    page.get_by_role("link", name="Back to the record").click()
    page.get_by_role("link", name="Information sent").click()
    page.get_by_role("button", name="Record this step").click()
    assert_accessible(page)
    assert "is now at “Information sent”" in page.inner_text("main")
    assert RouteRecord.objects.get().stage == Stage.INFORMATION_SENT
