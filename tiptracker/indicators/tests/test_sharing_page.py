"""The administrators' page for sharing the partnership's indicators: the choice, and who
changed it when (the command line's changes included)."""

import pytest

from tiptracker.imports.tests.helpers import cli, text_of
from tiptracker.indicators.models import SharingChange
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db

PAGE = "/p/dundee-test/indicators/sharing/"


def test_an_administrator_turns_sharing_on_and_off_and_sees_who_did(
    login, admin, partnership, capsys
):
    client = login(admin)
    page = text_of(client.get(PAGE))
    assert "Sharing is off" in page and "It has never been changed" in page
    assert "Coverage at Trauma Informed" in page  # what would be shared
    response = client.post(PAGE, {"shares_indicators": "on"}, follow=True)
    partnership.refresh_from_db()
    assert partnership.shares_indicators is True
    page = text_of(response)
    assert "Our indicators now take part in comparisons between partnerships." in page
    assert "Sharing is on" in page and "Turned on" in page
    assert admin.user.get_full_name() in page
    # Off at the command line: the page says so, and who.
    cli(capsys, "partnership", "share", partnership.slug, "--national", "off")
    page = text_of(client.get(PAGE))
    assert "Sharing is off" in page
    assert "The installation's administrator, at the command line" in page
    # An unticked box is off: nothing changed, nothing recorded.
    response = client.post(PAGE, {}, follow=True)
    assert "Nothing changed." in text_of(response)
    assert [c.via for c in SharingChange.objects.order_by("id")] == ["settings", "command"]


def test_the_steering_group_page_links_to_it_for_administrators_only(login, admin, persona):
    assert PAGE in login(admin).get("/p/dundee-test/workspace/").content.decode()
    officer = persona(Role.LD_OFFICER)
    assert PAGE not in login(officer).get("/p/dundee-test/workspace/").content.decode()
    assert login(officer).post(PAGE, {"shares_indicators": "on"}).status_code == 403
