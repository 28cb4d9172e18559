"""Every page of the site, as every role, on a phone: axe-core (WCAG 2.2 AA) and reflow at
320 CSS pixels (WCAG 2.2, 1.4.10, which axe does not check: nothing but a table's own
scrolling region may be wider than the screen); then, at 1280 pixels, the header's
navigation on one row.

The list of pages comes from the authorization policy (every URL pattern has an entry
there), so a new page is checked here as soon as it has a policy.
"""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import (
    PASSWORD,
    assert_accessible,
    reflow_problems,
    sign_in,
    sign_in_with,
    visit,
)
from tests.test_authorization_matrix import (
    INSTALLATION_ADMINS,
    LOGIN_ONLY,
    OK,
    POLICY,
    PUBLIC,
    URLS,
    _url,
)
from tiptracker.lived.tests.unlock import code_for
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Guest, TrainingSession
from tiptracker.workforce.models import StaffMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages that are not HTML for a person to read.
NOT_HTML = {
    "api_schema",
    "health",
    "healthz",
    "readyz",
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
    "claim_evidence",
    "lived_export",
    "report_docx",
    "report_pdf",
    "report_html",
    "report_template_default",
    "report_template_download",
    "improvement_measure_png",
    "improvement_measure_csv",
    "improvement_drivers_png",
    "improvement_attachment",
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


PHONE = {"width": 320, "height": 640}
# Longer than a phone's screen is wide, with nowhere to break a line: they must wrap anyway.
LONG_ADDRESS = "someone.with.a.long.address@health-and-social-care-partnership.example.org"
LONG_LINK = "https://meetings.example.org/join/" + "0123456789" * 8
DESKTOP = {"width": 1280, "height": 800}

# The navigation's items, by the top of each: one row is one distinct top.
_NAVIGATION_ROWS = """() => [...new Set([...document.querySelectorAll(
  '.govuk-service-navigation__item, .tip-header__list li')].map(
    item => item.parentElement.id + ':' + Math.round(item.getBoundingClientRect().top)))]"""


@pytest.fixture
def long_words(world):
    """The world's people and session with an e-mail address and a link as long as people
    type them, where the pages show them."""
    kwargs = world["kwargs"]
    StaffMember.objects.filter(pk=kwargs["staff_pk"]).update(email=LONG_ADDRESS)
    Guest.objects.filter(pk=kwargs["guest_pk"]).update(email="guest." + LONG_ADDRESS)
    TrainingSession.objects.filter(pk=kwargs["session_pk"]).update(online_url=LONG_LINK)
    admin = world["members"][("own", Role.ADMIN)].user
    get_user_model().objects.filter(pk=admin.pk).update(email="admin." + LONG_ADDRESS)


@pytest.mark.parametrize("role", list(Role))
def test_every_page_reflows_at_320_pixels_and_meets_wcag_2_2_aa(page, world, long_words, role):
    started = time.monotonic()
    membership = world["members"][("own", role)]
    page.set_viewport_size(PHONE)
    sign_in(page, membership)
    if role == Role.LE_COORDINATOR:
        open_lived_workspace(page, membership)
    checked, too_wide = [], []
    for name, route in pages_for(role):
        visit(page, _url(name, route, world["kwargs"]))
        too_wide += [f"{name} ({page.url}): {problem}" for problem in reflow_problems(page)]
        checked.append(name)
    assert not too_wide, f"pages that do not fit a 320px screen as {role}:\n" + "\n".join(too_wide)
    assert "dashboard" in checked or role not in (Role.ADMIN, Role.BOARD)
    assert "sessions" in checked
    assert ("lived_record" in checked) == (role == Role.LE_COORDINATOR)
    assert ("administration" in checked) == (role in (Role.ADMIN, Role.LD_OFFICER))

    # The menu, opened on a phone, fits too.
    sessions = reverse("sessions", args=[membership.partnership.slug])
    visit(page, sessions)
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="Sessions", exact=True).is_visible()
    assert not reflow_problems(page), reflow_problems(page)

    # At 1280 pixels the navigation is one row of links, not two ragged ones.
    page.set_viewport_size(DESKTOP)
    visit(page, sessions)
    rows = page.evaluate(_NAVIGATION_ROWS)
    assert len([row for row in rows if row.startswith("navigation:")]) == 1, (
        f"the navigation wraps at 1280px as {role}: {rows}"
    )
    print(f"{role}: {len(checked)} pages in {time.monotonic() - started:.1f} s")


def test_the_installation_administrators_pages_reflow_and_meet_wcag_2_2_aa(page, world):
    """The sign-in providers' pages, as an installation administrator (no partnership role),
    on a phone, then the header at 1280 pixels."""
    from tiptracker.partnerships.tests.factories import UserFactory

    lead = UserFactory(username="lead@example.org", email="lead@example.org", is_superuser=True)
    lead.set_password(PASSWORD)
    lead.save()
    TOTPDevice.objects.create(user=lead, name="Authenticator app", confirmed=True)
    page.set_viewport_size(PHONE)
    sign_in_with(page, lead.username, PASSWORD)
    pages = [
        (name, route)
        for name, route in URLS
        if "GET" in POLICY.get(name, {}) and POLICY[name]["GET"] is INSTALLATION_ADMINS
    ]
    assert {name for name, _ in pages} >= {"sso_providers", "sso_provider_new"}
    too_wide = []
    for name, route in pages:
        visit(page, _url(name, route, world["kwargs"]))
        too_wide += [f"{name} ({page.url}): {problem}" for problem in reflow_problems(page)]
    assert not too_wide, "pages that do not fit a 320px screen:\n" + "\n".join(too_wide)
    page.set_viewport_size(DESKTOP)
    visit(page, reverse("sso_providers"))
    assert page.get_by_role("link", name="Sign-in providers").first.is_visible()


# Pages that show something only after a search or an action: the session page's list of
# people to book (long names, job titles and organisations), the results of booking them,
# and the confirmation of a cancellation that names who gets the place.
BOOKERS = [Role.ADMIN, Role.LD_OFFICER, Role.MANAGER]


@pytest.mark.parametrize("role", BOOKERS)
def test_booking_people_and_cancelling_reflow_at_320_pixels_and_meet_wcag_2_2_aa(page, world, role):
    from tiptracker.training.tests.factories import BookingFactory, TrainingSessionFactory
    from tiptracker.workforce.tests.factories import StaffMemberFactory

    membership = world["members"][("own", role)]
    staff = StaffMember.objects.get(pk=world["kwargs"]["staff_pk"])
    course = TrainingSession.objects.get(pk=world["kwargs"]["session_pk"]).course
    session = TrainingSessionFactory(course=course, capacity=1)
    long_job = "Senior practitioner, community mental health and substance use recovery"
    people = [
        StaffMemberFactory(
            team=staff.team,
            first_name="Christina-Alexandra",
            last_name=f"Montgomerie-Fotheringham{n}",
            job_title=long_job,
        )
        for n in range(3)
    ]
    placed = BookingFactory(session=session, staff=people[0])
    BookingFactory(session=session, staff=people[1], status="waitlisted")
    slug = membership.partnership.slug
    page.set_viewport_size(PHONE)
    sign_in(page, membership)

    visit(page, f"/p/{slug}/sessions/{session.pk}/?q=montgomerie")
    assert "Book the people selected" in page.content()
    assert not reflow_problems(page), reflow_problems(page)
    page.get_by_label(f"{people[2]} ({people[2].staff_id})").check()
    page.get_by_role("button", name="Book the people selected").click()
    page.wait_for_load_state()
    assert "Who was booked" in page.content()
    assert_accessible(page)
    assert not reflow_problems(page), reflow_problems(page)

    visit(page, f"/p/{slug}/bookings/{placed.pk}/cancel/?next=session")
    assert "Montgomerie-Fotheringham1" in page.content()  # the next on the waiting list
    assert not reflow_problems(page), reflow_problems(page)
