"""A person signs in and reads the coverage dashboard."""

import datetime as dt

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.lib.levels import Level
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_signs_in_and_reads_coverage_by_level(page, admin, partnership):
    team = TeamFactory(
        partnership=partnership, name="Children and Families", required_level=Level.SKILLED
    )
    people = StaffMemberFactory.create_batch(4, team=team)
    course = CourseFactory(
        partnership=partnership, level=Level.SKILLED, title="Trauma Skilled e-module"
    )
    CompletionFactory(staff=people[0], course=course, completed_on=dt.date(2022, 3, 1))

    sign_in(page, admin)
    assert page.get_by_role("heading", name="Training coverage", exact=True).is_visible()
    page.get_by_label("Coverage on").fill("2022-06-30")
    page.get_by_role("button", name="Show coverage").click()
    page.wait_for_load_state()
    assert_accessible(page)

    table = page.get_by_role("table", name="Coverage by level")
    skilled_row = table.get_by_role("row").filter(has_text="Trauma Skilled")
    assert "25.0%" in skilled_row.inner_text()
    assert page.get_by_role("img", name="Coverage by level, chart").is_visible()
    assert page.get_by_role(
        "table", name="Coverage by team in " + team.organisation.name
    ).is_visible()

    # Drill down to the three people who still need Trauma Skilled, on every page axe-checked.
    skilled_row.get_by_role("link").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("heading", name="Who still needs Trauma Skilled").is_visible()
    assert "3 people" in page.content()


def test_the_login_page_and_a_wrong_password_are_accessible(page, admin):
    visit(page, "/login/")
    page.get_by_label("Email address").fill(admin.user.username)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter a correct email address and password").first.is_visible()
    assert_accessible(page)


def test_the_accessibility_check_fails_on_a_page_with_a_violation(page):
    # The harness itself: an image without a text alternative must be caught.
    page.goto("/login/")
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
