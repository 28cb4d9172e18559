"""An administrator invites a board member to a briefing; the guest opens the personal link
from the e-mail, without an account, and accepts."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import AXE, assert_accessible, sign_in, visit
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    CourseFactory,
    GuestFactory,
    TrainingSessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_guest_accepts_through_their_link_without_logging_in(
    page, browser, live_server, admin, partnership
):
    course = CourseFactory(
        partnership=partnership, title="Trauma-informed briefing for board and elected members"
    )
    session = TrainingSessionFactory(course=course, capacity=20, venue="City Chambers, Dundee")
    guest = GuestFactory(
        partnership=partnership, name="Ms Patricia Nairn", kind="board_member", organisation=""
    )

    sign_in(page, admin)
    visit(page, f"/p/{partnership.slug}/sessions/{session.pk}/")
    page.get_by_role("link", name=re.compile("Invite guests")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label(re.compile("Ms Patricia Nairn")).check()
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Invited 1 guest" in page.content()
    assert [message.to for message in mail.outbox] == [[guest.email]]
    link = re.search(r"https?://\S+/briefings/reply/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)

    # The guest: another browser, never signed in.
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(path=str(AXE))
    guest_page = context.new_page()
    guest_page.console_errors = []
    visit(guest_page, link.removeprefix(live_server.url))
    assert "Invitation for Ms Patricia Nairn" in guest_page.content()
    guest_page.get_by_label("Yes, I will attend").check()
    guest_page.get_by_role("button", name="Send reply").click()
    guest_page.wait_for_load_state()
    assert_accessible(guest_page)
    assert "Thank you: you have a place." in guest_page.content()
    assert Booking.objects.get(guest=guest).status == Booking.Status.BOOKED
    context.close()

    # The administrator sees the reply.
    visit(page, f"/p/{partnership.slug}/sessions/{session.pk}/invitations/")
    assert "Accepted" in page.content()


def test_an_administrator_finds_a_briefing_and_removes_a_guest(
    page, live_server, admin, partnership
):
    course = CourseFactory(partnership=partnership, title="Briefing for board members")
    session = TrainingSessionFactory(course=course, capacity=20, venue="City Chambers, Dundee")
    leaving = GuestFactory(partnership=partnership, name="Councillor Euan Cairns")
    Booking.objects.create(
        partnership=partnership, session=session, guest=leaving, status=Booking.Status.INVITED
    )

    sign_in(page, admin)
    visit(page, f"/p/{partnership.slug}/guests/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Invitations and replies")).click()
    page.wait_for_load_state()
    assert "Councillor Euan Cairns" in page.content()
    visit(page, f"/p/{partnership.slug}/guests/")
    page.get_by_role("link", name="Remove Councillor Euan Cairns").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Remove the guest").click()
    page.wait_for_load_state()
    assert "Removed Councillor Euan Cairns from the guest list" in page.content()
