"""Briefings for board and elected members: guests, invitations by e-mail, replies (through
the services), what happens to them when the briefing changes, and attendance that never
touches coverage."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.training.bookings import booking_create
from tiptracker.training.briefings import (
    briefing_invite,
    briefing_reply,
    guest_create,
    guest_update,
)
from tiptracker.training.completions import attendance_record
from tiptracker.training.coverage import coverage
from tiptracker.training.ics import booking_calendar
from tiptracker.training.models import Booking, Completion, CoverageSnapshot, Guest
from tiptracker.training.schedule import session_cancel, session_update
from tiptracker.training.snapshots import coverage_snapshots_rebuild
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
