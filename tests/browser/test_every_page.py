"""axe-core on every page of the site, signed in as the role that sees most of it.

The list of pages comes from the authorization policy (every URL pattern has an entry
there), so a new page is checked here as soon as it has a policy.
"""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PASSWORD, assert_accessible, sign_in, visit
from tests.test_authorization_matrix import LOGIN_ONLY, OK, POLICY, PUBLIC, URLS, _url
from tiptracker.lived.tests.unlock import code_for
from tiptracker.partnerships.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages that are not HTML for a person to read.
NOT_HTML = {
    "api_schema",
    "health",
    "booking_ics",
    "briefing_reply_ics",
    "import_progress",
    "import_problems_csv",
    "plan_xlsx",
    "feedback_results_csv",
    "feedback_results_xlsx",
    "feedback_answers_csv",
    "feedback_answers_xlsx",
    "plan_docx",
    "resource_file",
    "lived_export",
    "report_docx",
    "report_pdf",
    "report_html",
    "report_template_default",
    "report_template_download",
}


def pages_for(role: str) -> list[tuple[str, str]]:
    found = []
    for name, route in URLS:
        policy = POLICY.get(name, {}).get("GET")
        if policy is None or name in NOT_HTML or (route.startswith("api/") and name != "api_docs"):
            continue
        if policy in (PUBLIC, LOGIN_ONLY) or (isinstance(policy, dict) and policy[role] == OK):
            found.append((name, route))
    return found


def open_lived_workspace(page, membership) -> None:
    """As a coordinator does the first time: the password, then the page with the new key
    (a QR code), then the code the app shows."""
    visit(page, reverse("lived_unlock", args=[membership.partnership.slug]))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=membership.user)
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Confirm and open the workspace").click()
    page.wait_for_load_state()
    assert "/unlock/" not in page.url, "the workspace did not open"
    assert_accessible(page)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.LE_COORDINATOR])
def test_every_page_meets_wcag_2_2_aa(page, world, role):
    membership = world["members"][("own", role)]
    sign_in(page, membership)
    if role == Role.LE_COORDINATOR:
        open_lived_workspace(page, membership)
    checked = []
    for name, route in pages_for(role):
        visit(page, _url(name, route, world["kwargs"]))
        checked.append(name)
    assert "dashboard" in checked or role != Role.ADMIN
    assert "sessions" in checked
    assert ("lived_record" in checked) == (role == Role.LE_COORDINATOR)
