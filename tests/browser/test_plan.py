"""Two administrators edit the same action at once in two browsers: the second save is
refused, both versions are shown side by side, and what the second person typed is still
in the form to save deliberately. Then the history shows both changes."""

import pytest

from tests.browser.conftest import AXE, assert_accessible, sign_in, visit
from tiptracker.partnerships.models import Role
from tiptracker.plan.models import Action, PlanChange
from tiptracker.plan.tests.factories import ActionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


def test_the_second_of_two_simultaneous_edits_is_refused_and_nothing_typed_is_lost(
    page, second_page, admin, persona, partnership
):
    action = ActionFactory(partnership=partnership, title="Pilot the OD programme")
    colleague = persona(Role.ADMIN)
    edit = f"/p/{partnership.slug}/plan/actions/{action.pk}/edit/"
    sign_in(page, admin)
    sign_in(second_page, colleague)
    visit(page, edit)
    visit(second_page, edit)

    page.get_by_label("Status").select_option(label="At risk")
    page.get_by_role("button", name="Save action").click()
    page.wait_for_load_state()
    assert "Saved the action" in page.content()

    second_page.get_by_label("Status").select_option(label="Off track")
    second_page.get_by_label("Description (optional)").fill(
        "Two teams have withdrawn from the pilot."
    )
    second_page.get_by_role("button", name="Save action").click()
    second_page.wait_for_load_state()
    assert_accessible(second_page)
    content = second_page.content()
    assert "Your changes have not been saved yet" in content
    table = second_page.get_by_role("table", name="Your version and the saved version")
    assert "Off track" in table.inner_text() and "At risk" in table.inner_text()
    assert second_page.get_by_label("Description (optional)").input_value() == (
        "Two teams have withdrawn from the pilot."
    )
    action.refresh_from_db()
    assert action.status == Action.Status.AT_RISK  # the first save stands

    second_page.get_by_role("button", name="Save my version").click()
    second_page.wait_for_load_state()
    assert "Saved the action" in second_page.content()
    action.refresh_from_db()
    assert action.status == Action.Status.OFF_TRACK
    assert action.description == "Two teams have withdrawn from the pilot."

    visit(page, f"/p/{partnership.slug}/plan/history/")
    assert PlanChange.objects.filter(entity_id=action.pk, verb="changed").count() == 2
    assert "Two teams have withdrawn from the pilot." in page.content()
