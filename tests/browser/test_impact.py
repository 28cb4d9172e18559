"""A board member finds the impact of training from the steering group's page and reads it."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in
from tiptracker.feedback.models import Timepoint
from tiptracker.feedback.starter import PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tests.impact_helpers import (
    AFTER_Q1_2022,
    attended,
    follow_up,
    react,
    release,
    running,
)
from tiptracker.partnerships.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_follows_the_launch_webinar_to_changed_practice(
    page, admin, persona, partnership, team
):
    surveys = {
        s.name: s for s in surveys_starter_set(actor=admin.user, partnership_id=partnership.pk)
    }
    webinar = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(webinar, team, people=20)
    react(invited[Timepoint.REACTION], 12)
    follow_up(invited[Timepoint.FOLLOW_UP], yes=7, not_yet=3)
    release(admin, AFTER_Q1_2022)  # anonymous answers show once their quarter is released

    sign_in(page, persona(Role.BOARD))
    page.goto(f"/p/{partnership.slug}/workspace/")
    page.get_by_role("link", name="Impact of training").click()
    page.wait_for_load_state()
    assert_accessible(page)

    courses = page.get_by_role(
        "table", name="Trauma Informed courses: from attending to changing practice"
    )
    row = courses.get_by_role("row").filter(has_text="Launch webinar")
    # 12 reacted and 7 changed practice, published rounded: 10 and 5 of the 20.
    assert "50% of those who attended" in row.inner_text()
    assert "25% of those who attended" in row.inner_text()
    assert page.get_by_role(
        "img",
        name="Trauma Informed: share of those who attended reaching each step, by quarter, chart",
    ).is_visible()
