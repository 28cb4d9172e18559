"""Creating a survey in the browser without JavaScript's help: adding question rows keeps what
was typed, a problem takes you to its row, and every state of the page meets WCAG 2.2 AA."""

import os

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.feedback.models import Survey
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("TIPTRACKER_SCREENSHOTS")  # a folder: keep pictures of each state


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_training_administrator_builds_a_survey_row_by_row(page):
    admin = MembershipFactory(partnership=PartnershipFactory(slug="own"), role=Role.LD_OFFICER)
    sign_in(page, admin)
    visit(page, "/p/own/feedback/surveys/")
    page.get_by_role("button", name="Create a survey").click()
    assert_accessible(page)
    _shot(page, "create")

    page.get_by_label("Name", exact=True).fill("After the webinar")
    page.get_by_label("Reaction (straight after the session)").check()
    page.get_by_label("Introduction", exact=True).fill(
        "Help us improve. You can leave any question blank."
    )
    first = page.locator("#question-1")
    first.get_by_label("Kind of answer").select_option("single")
    first.get_by_label("Question", exact=True).fill("Will you change anything?")
    first.get_by_label("Choices, one per line").fill("Yes\nNot yet")
    first.get_by_label("Answer that means a change in practice (optional)").fill("Maybe")
    page.locator("#question-2").get_by_label("Question", exact=True).fill("Anything else?")
    page.get_by_role("button", name="Add another question").click()
    assert_accessible(page)
    assert page.locator("fieldset[id^=question-]").count() == 4
    assert page.locator("#question-2").get_by_label("Question", exact=True).input_value() == (
        "Anything else?"
    )

    page.get_by_role("button", name="Create survey").click()
    assert_accessible(page)
    _shot(page, "errors")
    summary = page.locator(".govuk-error-summary")
    assert "Choose whether the answers are anonymous" in summary.inner_text()
    summary.get_by_role(
        "link", name="Question 1: the answer that means a change in practice must be one of"
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_questions-0-change_answer"
    summary.get_by_role("link", name="Question 2: choose what kind of answer it takes").click()
    assert not Survey.objects.exists()

    first.get_by_label("Answer that means a change in practice (optional)").fill("Yes")
    page.locator("#question-2").get_by_label("Kind of answer").select_option("text")
    page.get_by_label(
        "Attributable: each answer carries the name of the person who gave it"
    ).check()
    page.get_by_role("button", name="Create survey").click()
    assert "Created the survey: After the webinar" in page.inner_text("main")
    assert_accessible(page)
    _shot(page, "survey")
    page.get_by_role("button", name="Edit this survey").click()
    page.wait_for_url("**/edit/")
    assert_accessible(page)
    _shot(page, "edit")
    assert "Nobody has answered version 1 yet" in page.inner_text("main")
    page.get_by_role("link", name="Back to the survey").click()
    page.get_by_role("button", name="Close this survey").click()
    page.wait_for_url("**/close/")
    page.get_by_role("button", name="Close survey").wait_for()
    assert_accessible(page)
    _shot(page, "close")
    page.get_by_role("button", name="Close survey").click()
    assert "Closed on" in page.inner_text("main")
    assert Survey.objects.get().closed_at is not None
