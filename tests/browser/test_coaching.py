"""Coaching, mentoring and peer networks in a browser: finding a person, choosing them, and a
meeting refused and then recorded, accessible at every step and on a phone (test_every_page
sees only the pages' quiet states)."""

import datetime as dt

import pytest

from tests.browser.conftest import assert_accessible, reflow_problems, sign_in, visit
from tiptracker.network.coaching import coaching_group_create
from tiptracker.network.models import CoachingMeeting
from tiptracker.workforce.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_ld_officer_builds_a_pair_and_records_its_meeting(page, ld, partnership, team):
    StaffMemberFactory(team=team, first_name="Ann", last_name="Ogilvie", job_title="Nurse")
    StaffMemberFactory(team=team, first_name="Bob", last_name="Ogilvie")
    group = coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind="mentoring",
        name="Ann mentors Bob",
        start_date=dt.date(2023, 3, 1),
    )
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, ld)
    base = f"/p/{partnership.slug}/network/coaching/{group.pk}/"
    for first, role in (("Ann", "Mentor"), ("Bob", "Mentee")):
        visit(page, f"{base}people/add/")
        page.get_by_label("Name or staff ID").fill("ogilvie")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert_accessible(page)
        assert not reflow_problems(page), reflow_problems(page)
        page.get_by_label(f"{first} Ogilvie").check()
        page.get_by_label(role, exact=True).check()
        page.get_by_role("button", name="Add the person").click()
        page.wait_for_load_state()
    assert_accessible(page)
    assert "Ann Ogilvie" in page.inner_text("main") and "Bob Ogilvie" in page.inner_text("main")

    page.get_by_role("link", name="Record a meeting").click()
    page.wait_for_load_state()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not reflow_problems(page), reflow_problems(page)
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "on or after the day the group started, 1 March 2023" in summary
    assert "Choose at least one theme" in summary
    assert not CoachingMeeting.objects.exists()

    page.get_by_label("Day").fill("8")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Trust").check()
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not reflow_problems(page), reflow_problems(page)
    assert "8 March 2023" in page.inner_text("main")
    assert CoachingMeeting.objects.get().themes == ["trust"]
