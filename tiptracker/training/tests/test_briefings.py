"""Briefings for board and elected members: guests, invitations by e-mail, replies through
a personal link that needs no login (or recorded by the clerk), and attendance that never
touches coverage."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.briefings import (
    briefing_invite,
    briefing_reply,
    guest_create,
    guest_update,
)
from tiptracker.training.coverage import coverage
from tiptracker.training.ics import booking_calendar
from tiptracker.training.models import Booking, Completion, CoverageSnapshot, Guest
from tiptracker.training.services import (
    attendance_record,
    booking_create,
    coverage_snapshots_rebuild,
    session_cancel,
    session_update,
)
from tiptracker.training.tests.factories import (
    BookingFactory,
    CompletionFactory,
    CourseFactory,
    GuestFactory,
    InvitationFactory,
    TrainingSessionFactory,
)
from tiptracker.training.tokens import reply_token
from tiptracker.workforce.tests.factories import StaffMemberFactory

SITE = "https://tiptracker.example"


@pytest.fixture
def briefing(partnership):
    course = CourseFactory(
        partnership=partnership, title="Trauma-informed briefing for board and elected members"
    )
    return TrainingSessionFactory(course=course, capacity=3, venue="City Chambers, Dundee")


@pytest.fixture
def guest(partnership):
    return GuestFactory(partnership=partnership, name="Councillor Morag Lindsay")


def reply_page(booking):
    return f"/briefings/reply/{reply_token(booking.pk)}/"


def invite(session, *guests):
    return briefing_invite(actor=None, session=session, guests=list(guests), site_url=SITE)


# Guests ------------------------------------------------------------------------------------


def test_an_administrator_adds_a_guest(partnership):
    guest = guest_create(
        actor=None,
        partnership_id=partnership.id,
        name=" Councillor Jane Smith ",
        email="jane.smith@example.org",
        kind=Guest.Kind.ELECTED_MEMBER,
        organisation="Dundee City Council",
    )
    assert (guest.name, guest.email, guest.kind) == (
        "Councillor Jane Smith",
        "jane.smith@example.org",
        "elected_member",
    )


@pytest.mark.parametrize("email", ["not-an-address", "jane@", "jane smith@example.org"])
def test_it_refuses_an_email_address_that_is_not_one_and_writes_nothing(partnership, email):
    with pytest.raises(ValidationError) as refused:
        guest_create(
            actor=None,
            partnership_id=partnership.id,
            name="Jane Smith",
            email=email,
            kind=Guest.Kind.BOARD_MEMBER,
        )
    assert "right format" in refused.value.message_dict["email"][0]
    assert not Guest.objects.exists()


def test_it_refuses_the_same_address_twice_in_a_partnership_whatever_its_case(
    partnership, other_partnership, guest
):
    with pytest.raises(ValidationError) as refused:
        guest_create(
            actor=None,
            partnership_id=partnership.id,
            name="Someone else",
            email=guest.email.upper(),
            kind=Guest.Kind.OTHER,
        )
    assert "already on the guest list" in refused.value.message_dict["email"][0]
    # Another partnership may invite the same person.
    guest_create(
        actor=None,
        partnership_id=other_partnership.id,
        name="Same person",
        email=guest.email,
        kind=Guest.Kind.OTHER,
    )


def test_editing_a_guest_keeps_the_address_rules(partnership, guest):
    other = GuestFactory(partnership=partnership)
    with pytest.raises(ValidationError):
        guest_update(actor=None, guest=guest, name="X", email=other.email, kind="other")
    guest_update(
        actor=None, guest=guest, name="Cllr Morag Lindsay", email=guest.email, kind="other"
    )
    guest.refresh_from_db()
    assert guest.name == "Cllr Morag Lindsay"


# The shape of a booking --------------------------------------------------------------------


def test_a_booking_is_for_exactly_one_of_a_member_of_staff_and_a_guest(briefing, guest, team):
    staff = StaffMemberFactory(team=team)
    for wrong in ({"staff": staff, "guest": guest}, {"staff": None, "guest": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(
                partnership=briefing.partnership, session=briefing, status="booked", **wrong
            )


def test_only_guests_are_invited(briefing, team):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(session=briefing, staff=StaffMemberFactory(team=team), status="invited")


def test_a_guest_has_one_live_invitation_per_session(briefing, guest):
    InvitationFactory(session=briefing, guest=guest)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(session=briefing, guest=guest)


# Inviting ------------------------------------------------------------------------------------


def test_inviting_guests_emails_each_a_personal_reply_link_and_the_calendar_file(
    briefing, guest, partnership, django_capture_on_commit_callbacks
):
    second = GuestFactory(partnership=partnership, name="Mr Tom Reid", kind="board_member")
    with django_capture_on_commit_callbacks(execute=True):
        invited = invite(briefing, guest, second)
    assert {b.status for b in invited.new} == {Booking.Status.INVITED}
    assert invited.already == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([guest.email, second.email])
    message = next(m for m in mail.outbox if m.to == [guest.email])
    assert message.subject.startswith("Invitation: Trauma-informed briefing")
    assert "Hello Councillor Morag Lindsay" in message.body
    booking = Booking.objects.get(guest=guest)
    assert f"{SITE}/briefings/reply/{reply_token(booking.pk)}/" in message.body
    (name, content, kind) = message.attachments[0]
    assert name == "invitation.ics" and kind.startswith("text/calendar")
    assert "STATUS:TENTATIVE" in content


def test_inviting_someone_invited_already_changes_nothing_and_sends_nothing(
    briefing, guest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(briefing, guest)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = invite(briefing, guest)
    assert again.new == [] and again.already == [guest]
    assert mail.outbox == []
    assert Booking.objects.filter(guest=guest).count() == 1


def test_it_refuses_to_invite_to_a_cancelled_or_past_session(briefing, guest, partnership):
    session_cancel(actor=None, session=briefing)
    with pytest.raises(ValidationError, match="cancelled"):
        invite(briefing, guest)
    past = TrainingSessionFactory(
        course=briefing.course, starts_at=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="already started"):
        invite(past, guest)
    assert not Booking.objects.filter(guest=guest).exists()


def test_it_refuses_another_partnerships_guest(briefing, other_partnership):
    with pytest.raises(ValidationError):
        invite(briefing, GuestFactory(partnership=other_partnership))
    assert not Booking.objects.exists()


# Replying ------------------------------------------------------------------------------------


def test_accepting_takes_a_place_and_declining_gives_it_up(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    briefing_reply(actor=None, booking=invitation, answer="accept")
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.BOOKED and invitation.replied_at is not None
    assert invitation.reply_recorded_by is None
    briefing_reply(actor=None, booking=invitation, answer="decline")
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.DECLINED


def test_accepting_a_full_briefing_joins_the_waiting_list_and_a_decline_promotes_them(
    briefing, partnership, team, django_capture_on_commit_callbacks
):
    held = [InvitationFactory(session=briefing, status=Booking.Status.BOOKED) for _ in range(3)]
    late = InvitationFactory(session=briefing, guest=GuestFactory(partnership=partnership))
    briefing_reply(actor=None, booking=late, answer="accept")
    late.refresh_from_db()
    assert late.status == Booking.Status.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        briefing_reply(actor=None, booking=held[0], answer="decline")
    late.refresh_from_db()
    assert late.status == Booking.Status.BOOKED
    assert [m.to for m in mail.outbox] == [[late.guest.email]]
    assert "link in your invitation" in mail.outbox[0].body


@pytest.mark.parametrize("answer", ["", "maybe"])
def test_a_reply_must_be_accept_or_decline(briefing, guest, answer):
    invitation = InvitationFactory(session=briefing, guest=guest)
    with pytest.raises(ValidationError):
        briefing_reply(actor=None, booking=invitation, answer=answer)
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.INVITED


def test_a_reply_to_a_cancelled_or_past_briefing_records_nothing(briefing, guest):
    invitation = InvitationFactory(session=briefing, guest=guest)
    session_cancel(actor=None, session=briefing)
    with pytest.raises(ValidationError, match="cancelled"):
        briefing_reply(actor=None, booking=invitation, answer="accept")
    past = InvitationFactory(
        session=TrainingSessionFactory(
            course=briefing.course, starts_at=timezone.now() - dt.timedelta(days=1)
        )
    )
    with pytest.raises(ValidationError, match="taken place"):
        briefing_reply(actor=None, booking=past, answer="accept")
    assert set(Booking.objects.values_list("status", flat=True)) == {"invited"}


# When the briefing changes -------------------------------------------------------------------


def test_invited_and_accepted_guests_are_told_of_a_cancellation_but_not_those_who_declined(
    briefing, partnership, django_capture_on_commit_callbacks
):
    invited = InvitationFactory(session=briefing)
    accepted = InvitationFactory(session=briefing, status=Booking.Status.BOOKED)
    InvitationFactory(session=briefing, status=Booking.Status.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        told = session_cancel(actor=None, session=briefing)
    assert told == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [invited.guest.email, accepted.guest.email]
    )
    to_invited = next(m for m in mail.outbox if m.to == [invited.guest.email])
    assert "your invitation has gone with it" in to_invited.body
    assert "sessions page" not in to_invited.body


def test_guests_are_told_when_the_briefing_moves(briefing, django_capture_on_commit_callbacks):
    invited = InvitationFactory(session=briefing)
    later = briefing.starts_at + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            actor=None,
            session=briefing,
            course=briefing.course,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
            capacity=briefing.capacity,
            venue=briefing.venue,
        )
    assert [m.to for m in mail.outbox] == [[invited.guest.email]]
    assert "Your invitation stands" in mail.outbox[0].body


def test_staff_still_book_a_briefing_beside_its_guests(briefing, team):
    InvitationFactory(session=briefing, status=Booking.Status.BOOKED)
    InvitationFactory(session=briefing)  # invited: holds no place
    booking = booking_create(actor=None, session=briefing, staff=StaffMemberFactory(team=team))
    assert booking.status == Booking.Status.BOOKED


# Attendance --------------------------------------------------------------------------------


def informed(partnership):
    totals = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=today()
    ).totals
    row = next(r for r in totals if r.level == Level.INFORMED)
    return row.needed, row.met


def test_a_guest_attending_records_no_completion_and_changes_no_coverage_figure(partnership, team):
    StaffMemberFactory.create_batch(2, team=team)
    CompletionFactory(
        staff=StaffMemberFactory(team=team),
        course=CourseFactory(partnership=partnership),
        completed_on=today() - dt.timedelta(days=30),
    )
    start = timezone.now() - dt.timedelta(hours=3)
    held = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, level=Level.SKILLED), starts_at=start
    )
    attended = InvitationFactory(session=held, status=Booking.Status.BOOKED)
    coverage_snapshots_rebuild(partnership_id=partnership.id)
    before = (
        coverage(partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=today()),
        list(CoverageSnapshot.objects.values_list("month_end", "level", "needed", "met")),
    )

    assert attendance_record(actor=None, session=held, marks={attended.pk: "attended"}) == 1

    attended.refresh_from_db()
    assert attended.attendance == "attended" and attended.marks.count() == 1
    assert not Completion.objects.filter(booking=attended).exists()
    after = (
        coverage(partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=today()),
        list(CoverageSnapshot.objects.values_list("month_end", "level", "needed", "met")),
    )
    assert after == before
    assert informed(partnership) == (3, 1)


# The calendar file -----------------------------------------------------------------------------


def test_an_invitation_is_tentative_in_the_calendar_and_a_decline_cancels_it(briefing):
    invitation = InvitationFactory(session=briefing)
    text = booking_calendar(invitation, now=timezone.now())
    assert "STATUS:TENTATIVE" in text and "(invitation)" in text
    invitation.status = Booking.Status.DECLINED
    assert "STATUS:CANCELLED" in booking_calendar(invitation, now=timezone.now())


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
    from tiptracker.partnerships import access

    invitation = InvitationFactory(
        session=TrainingSessionFactory(course=CourseFactory(partnership=partnership))
    )
    someone = persona(role)  # no staff record: staff_id is None
    assert not access.bookings_for(someone).filter(pk=invitation.pk).exists()
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
