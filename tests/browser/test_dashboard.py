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
    coverage_on = page.get_by_role("group", name="Coverage on")
    coverage_on.get_by_label("Day").fill("30")
    coverage_on.get_by_label("Month").fill("6")
    coverage_on.get_by_label("Year").fill("2022")
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


# Each chart's drawings (lib/charts.py): which is shown, how wide it is drawn and how wide
# it is shown. The page's CSS shows one of the two, never scaled.
_CHARTS = """() => [...document.querySelectorAll('.tip-chart-box')].map(box => [...box.children]
  .filter(svg => getComputedStyle(svg).display !== 'none')
  .map(svg => [svg.width.baseVal.value, svg.getBoundingClientRect().width]))"""


@pytest.mark.parametrize("width", [320, 768, 1280])
def test_chart_text_is_never_shrunk_to_fit_a_screen(page, admin, partnership, width):
    team = TeamFactory(partnership=partnership, name="Children and Families: Duty and Assessment")
    StaffMemberFactory.create_batch(3, team=team)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, admin)
    charts = page.evaluate(_CHARTS)
    assert len(charts) == 4  # by level, by organisation, by team, the trend
    for shown in charts:
        # One drawing of each chart is shown, at the size it was drawn (its text 16 pixels).
        assert len(shown) == 1
        [(drawn, on_screen)] = shown
        assert on_screen == pytest.approx(drawn, abs=0.5)
    if width == 320:  # the tables stack into labelled rows, and still read as tables
        table = page.get_by_role("table", name="Coverage by level")
        assert table.get_by_role("rowheader", name="Trauma Informed").is_visible()
        assert table.get_by_role("cell").first.is_visible()
        assert table.get_by_role("row").count() == 5
    if width >= 1280:  # the wide drawing where there is room for it
        assert any(drawn > 2 * 288 * 0.9 for [(drawn, _)] in charts)


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
