"""Briefings' pages: the reply page, reached through a personal link that needs no login,
and the administrators' pages for guests, invitations and replies recorded by the clerk;
who may see them."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.access import bookings_for
from tiptracker.training.models import Booking, Completion, Guest
from tiptracker.training.schedule import session_cancel
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    GuestFactory,
    InvitationFactory,
    TrainingSessionFactory,
)
from tiptracker.training.tokens import reply_token
from tiptracker.workforce.tests.factories import StaffMemberFactory


def reply_page(booking):
    return f"/briefings/reply/{reply_token(booking.pk)}/"


# The reply page: public, found by its token ------------------------------------------------------


def test_a_guest_opens_their_link_without_logging_in_and_accepts(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    client = Client()
    page = client.get(reply_page(invitation))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trauma-informed briefing for board and elected members" in html
    assert "Invitation for Councillor Morag Lindsay" in html and "Not replied yet" in html
    assert page["Cache-Control"].startswith("max-age=0")
    answered = client.post(reply_page(invitation), {"answer": "accept"}, follow=True)
    assert "Thank you: you have a place." in answered.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.BOOKED


def test_the_reply_page_says_what_was_wrong_with_an_empty_answer(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    response = Client().post(reply_page(invitation), {})
    assert response.status_code == 200
    assert "Choose whether you will attend" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.INVITED


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "MTIz:not-a-real-signature",
        # The invitation's id rightly signed, but for another purpose (another salt).
        "other-salt",
    ],
)
def test_a_forged_link_gets_a_kind_not_valid_page_and_records_nothing(briefing, guest, token):
    invitation = InvitationFactory(session=briefing, guest=guest)
    if token == "other-salt":
        token = signing.Signer(salt="another.purpose").sign_object(invitation.pk)
    for response in (
        Client().get(f"/briefings/reply/{token}/"),
        Client().post(f"/briefings/reply/{token}/", {"answer": "accept"}),
    ):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.INVITED


def test_a_tampered_link_is_not_valid(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    other = InvitationFactory(session=briefing)
    token = reply_token(invitation.pk)
    value, signature = token.split(":", 1)
    borrowed = reply_token(other.pk).split(":", 1)[0]
    for bad in (f"{borrowed}:{signature}", token[:-1] + ("A" if token[-1] != "A" else "B")):
        response = Client().post(f"/briefings/reply/{bad}/", {"answer": "decline"})
        assert response.status_code == 404
    assert set(Booking.objects.values_list("status", flat=True)) == {"invited"}


def test_a_reply_to_a_cancelled_briefing_says_so_and_records_nothing(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    session_cancel(actor=None, session=briefing)
    response = Client().post(reply_page(invitation), {"answer": "accept"})
    assert response.status_code == 200
    assert "This briefing has been cancelled" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.INVITED


def test_a_reply_to_a_past_briefing_says_so(briefing, guest):
    start = timezone.now() - dt.timedelta(days=3)
    past = TrainingSessionFactory(course=briefing.course, starts_at=start)
    invitation = InvitationFactory(session=past, guest=guest)
    html = Client().get(reply_page(invitation)).content.decode()
    assert "already started or taken place" in html
    assert 'name="answer"' not in html


def test_a_withdrawn_invitation_says_so(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest, status="cancelled")
    response = Client().post(reply_page(invitation), {"answer": "accept"})
    assert "This invitation has been withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.CANCELLED


def test_the_guest_downloads_the_calendar_file_from_their_link(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    response = Client().get(f"{reply_page(invitation)}calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    assert Client().get("/briefings/reply/forged/calendar.ics").status_code == 404


# The administrators' pages -------------------------------------------------------------------


def guests_url(partnership, suffix=""):
    return f"/p/{partnership.slug}/guests/{suffix}"


def invitations_url(session):
    return f"/p/{session.partnership.slug}/sessions/{session.pk}/invitations/"


def test_an_administrator_lists_and_adds_guests(admin, login, partnership, guest):
    client = login(admin)
    assert guest.email in client.get(guests_url(partnership)).content.decode()
    response = client.post(
        guests_url(partnership, "new/"),
        {
            "name": "Ms Ruth Boyd",
            "email": "ruth.boyd@example.org",
            "kind": "board_member",
            "organisation": "Dundee Integration Joint Board, voting member",
        },
        follow=True,
    )
    assert "Added Ms Ruth Boyd to the guest list." in response.content.decode()
    assert Guest.objects.filter(email="ruth.boyd@example.org").exists()


def test_a_bad_email_address_is_shown_against_its_field(admin, login, partnership):
    response = login(admin).post(
        guests_url(partnership, "new/"),
        {"name": "Ms Ruth Boyd", "email": "ruth.boyd", "kind": "board_member"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_email"' in html and "right format" in html
    assert not Guest.objects.exists()


def test_an_administrator_edits_a_guest(admin, login, partnership, guest):
    response = login(admin).post(
        guests_url(partnership, f"{guest.pk}/edit/"),
        {"name": "Cllr Morag Lindsay", "email": guest.email, "kind": "elected_member"},
    )
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.name == "Cllr Morag Lindsay"


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.MANAGER])
def test_only_training_admins_see_guests(persona, login, partnership, guest, briefing, role):
    client = login(persona(role))
    assert client.get(guests_url(partnership)).status_code == 403
    assert client.get(invitations_url(briefing)).status_code == 403


def test_an_outsider_is_refused_the_guests_and_invitations(outsider, login, guest, briefing):
    client = login(outsider)
    assert client.get(guests_url(guest.partnership)).status_code == 404
    assert client.get(guests_url(guest.partnership, f"{guest.pk}/edit/")).status_code == 404
    assert client.get(invitations_url(briefing)).status_code == 404


def test_another_partnerships_guest_cannot_be_edited(admin, login, other_partnership):
    theirs = GuestFactory(partnership=other_partnership)
    url = f"/p/{admin.partnership.slug}/guests/{theirs.pk}/edit/"
    assert login(admin).get(url).status_code == 404


def test_an_administrator_invites_guests_from_the_session(
    admin, login, briefing, guest, partnership, django_capture_on_commit_callbacks
):
    client = login(admin)
    assert "Councillor Morag Lindsay" in client.get(invitations_url(briefing)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitations_url(briefing), {"guests": [guest.pk]}, follow=True)
    assert "Invited 1 guest" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[guest.email]]
    link = re.search(r"http://testserver/briefings/reply/\S+/", mail.outbox[0].body)
    assert link is not None
    again = client.post(invitations_url(briefing), {"guests": [guest.pk]}, follow=True)
    assert "was invited already, so nothing was sent again" in again.content.decode()
    assert Booking.objects.filter(guest=guest).count() == 1


def test_inviting_no_one_says_so(admin, login, briefing, guest):
    response = login(admin).post(invitations_url(briefing), {})
    assert "Choose at least one guest to invite" in response.content.decode()
    assert not Booking.objects.exists()


def test_an_administrator_records_a_reply_for_a_guest(admin, login, briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    url = f"/p/{briefing.partnership.slug}/invitations/{invitation.pk}/reply/"
    response = login(admin).post(url, {"answer": "decline"}, follow=True)
    assert "Councillor Morag Lindsay: declined." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.DECLINED
    assert invitation.reply_recorded_by == admin.user
    assert "recorded by" in login(admin).get(invitations_url(briefing)).content.decode()


def test_a_board_member_sees_the_briefing_with_counts_but_not_the_guests(
    persona, admin, login, briefing, guest
):
    InvitationFactory(session=briefing, guest=guest, status=Booking.Status.BOOKED)
    InvitationFactory(session=briefing, status=Booking.Status.DECLINED)
    url = f"/p/{briefing.partnership.slug}/sessions/{briefing.pk}/"
    board = login(persona(Role.BOARD)).get(url).content.decode()
    assert "2: 1 accepted, 1 declined, 0 not replied yet" in board
    assert "Morag Lindsay" not in board and guest.email not in board
    assert "Morag Lindsay" in login(admin).get(url).content.decode()


def test_guests_appear_on_the_attendance_sheet_and_in_all_bookings(admin, login, guest, team):
    start = timezone.now() - dt.timedelta(hours=3)
    held = TrainingSessionFactory(
        course=CourseFactory(partnership=guest.partnership), starts_at=start
    )
    invitation = InvitationFactory(session=held, guest=guest, status=Booking.Status.BOOKED)
    BookingFactory(session=held, staff=StaffMemberFactory(team=team, last_name="Zed"))
    client = login(admin)
    sheet = client.get(f"/p/{held.partnership.slug}/sessions/{held.pk}/attendance/")
    assert "Guest: elected member" in sheet.content.decode()
    saved = client.post(
        f"/p/{held.partnership.slug}/sessions/{held.pk}/attendance/",
        {f"attendance-{invitation.pk}": "attended"},
        follow=True,
    )
    assert "Attendance saved: 1 change." in saved.content.decode()
    assert not Completion.objects.exists()
    past = client.get(f"/p/{held.partnership.slug}/bookings/?when=past").content.decode()
    assert "Councillor Morag Lindsay" in past and "(guest)" in past


def test_withdrawing_an_invitation_from_all_bookings_names_the_guest(admin, login, guest, briefing):
    invitation = InvitationFactory(session=briefing, guest=guest)
    url = f"/p/{briefing.partnership.slug}/bookings/{invitation.pk}/cancel/"
    page = login(admin).get(url).content.decode()
    assert "Cancel Councillor Morag Lindsay’s invitation" in page
    response = login(admin).post(url, follow=True)
    assert "Councillor Morag Lindsay’s booking" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.CANCELLED


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD, Role.LE_COORDINATOR])
def test_no_one_but_training_admins_reaches_a_guests_invitation_even_without_a_staff_record(
    login, persona, partnership, role
):

    invitation = InvitationFactory(
        session=TrainingSessionFactory(course=CourseFactory(partnership=partnership))
    )
    someone = persona(role)  # no staff record: staff_id is None
    assert not bookings_for(someone).filter(pk=invitation.pk).exists()
    client = login(someone)
    assert (
        invitation.guest.name not in client.get(f"/p/{partnership.slug}/bookings/").content.decode()
    )
    cancel = client.post(f"/p/{partnership.slug}/bookings/{invitation.pk}/cancel/")
    assert cancel.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.INVITED


def test_a_withdrawn_invitations_link_no_longer_shows_the_time_place_or_joining_link(partnership):
    session = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        online_url="https://meet.example.org/secret-room",
    )
    invitation = InvitationFactory(session=session, status=Booking.Status.CANCELLED)
    token = reply_token(invitation.pk)
    page = Client().get(f"/briefings/reply/{token}/").content.decode()
    assert "has been withdrawn" in page and "secret-room" not in page
    assert Client().get(f"/briefings/reply/{token}/calendar.ics").status_code == 404
