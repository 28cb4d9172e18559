"""Booking refused with a reason (left before the session, starting after it, the same person
invited as a guest), and booking several people at once: an outcome per person, each in
their own transaction."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.feedback import invitations
from tiptracker.partnerships.models import Role
from tiptracker.training.bookings import Outcome, booking_create, bookings_create
from tiptracker.training.briefings import briefing_invite, briefing_reply
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    GuestFactory,
    InvitationFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory

SITE = "https://tip.example.org/"


@pytest.fixture
def session(partnership):
    # On 10 March 2031, 10:00 UK time.
    starts = dt.datetime(2031, 3, 10, 10, 0, tzinfo=dt.UTC)
    return TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Opening Doors"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=2,
    )


# One person: refusals with a reason ------------------------------------------------------------


def test_someone_who_left_before_the_session_is_refused_with_the_date(session, team, admin):
    person = StaffMemberFactory(
        team=team, first_name="Ann", last_name="Reid", leaving_date=dt.date(2031, 3, 3)
    )
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=admin.user, session=session, staff=person)
    assert refused.value.messages == ["Ann Reid left on 3 March 2031, before this session."]
    assert not Booking.objects.exists()


def test_someone_leaving_on_the_day_of_the_session_may_still_book(session, team, admin):
    person = StaffMemberFactory(team=team, leaving_date=dt.date(2031, 3, 10))
    assert booking_create(actor=admin.user, session=session, staff=person).status == "booked"


def test_someone_who_starts_after_the_session_is_refused_with_the_date(session, team, admin):
    person = StaffMemberFactory(
        team=team, first_name="Sam", last_name="Low", start_date=dt.date(2031, 4, 1)
    )
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=admin.user, session=session, staff=person)
    assert refused.value.messages == ["Sam Low starts on 1 April 2031, after this session."]
    assert booking_create(
        actor=admin.user,
        session=session,
        staff=StaffMemberFactory(team=team, start_date=dt.date(2031, 3, 10)),
    )


def test_self_booking_gets_the_same_refusal_on_the_page(persona, login, session, team):
    from tiptracker.partnerships.models import Role

    gone = StaffMemberFactory(
        team=team, first_name="Ann", last_name="Reid", leaving_date=dt.date(2031, 1, 31)
    )
    member = persona(Role.STAFF, staff=gone)
    url = f"/p/{session.partnership.slug}/sessions/{session.pk}/"
    html = login(member).post(url, {"action": "book_self"}).content.decode()
    assert "There is a problem" in html
    assert "Ann Reid left on 31 January 2031, before this session." in html
    assert not Booking.objects.exists()


def test_a_member_of_staff_invited_as_a_guest_is_refused_a_staff_place(session, team, admin):
    InvitationFactory(
        session=session,
        guest=GuestFactory(partnership=session.partnership, email="Jean.Haldane@Example.org"),
    )
    person = StaffMemberFactory(
        team=team, first_name="Jean", last_name="Haldane", email="jean.haldane@example.org"
    )
    with pytest.raises(ValidationError) as refused:
        booking_create(actor=admin.user, session=session, staff=person)
    assert refused.value.messages == [
        "Jean Haldane is invited to this session as a guest (with the same e-mail address), "
        "so they cannot also be booked as staff."
    ]
    assert not Booking.objects.filter(staff=person).exists()


def test_a_guest_who_declined_may_be_booked_as_staff_and_then_cannot_accept(session, team, admin):
    invitation = InvitationFactory(
        session=session,
        guest=GuestFactory(
            partnership=session.partnership, name="Cllr Jean Haldane", email="jean@example.org"
        ),
        status=Booking.Status.DECLINED,
    )
    person = StaffMemberFactory(
        team=team,
        first_name="Jean",
        last_name="Haldane",
        staff_id="DCC-7",
        email="Jean@example.org",
    )
    assert booking_create(actor=admin.user, session=session, staff=person).status == "booked"
    with pytest.raises(ValidationError) as refused:
        briefing_reply(actor=None, booking=invitation, answer="accept")
    assert refused.value.messages == [
        "Cllr Jean Haldane has a place on this session as a member of staff (Jean Haldane, "
        "staff ID DCC-7), with the same e-mail address, so the invitation cannot also be "
        "accepted."
    ]
    invitation.refresh_from_db()
    assert invitation.status == Booking.Status.DECLINED


def test_a_withdrawn_guest_invitation_does_not_stop_a_staff_booking(session, team, admin):
    InvitationFactory(
        session=session,
        guest=GuestFactory(partnership=session.partnership, email="jean@example.org"),
        status=Booking.Status.CANCELLED,
    )
    person = StaffMemberFactory(team=team, email="jean@example.org")
    assert booking_create(actor=admin.user, session=session, staff=person).status == "booked"


def test_a_guest_booked_as_staff_already_is_not_invited_and_the_others_are(
    session, team, django_capture_on_commit_callbacks
):
    staff = BookingFactory(
        session=session,
        staff=StaffMemberFactory(
            team=team,
            first_name="Jean",
            last_name="Haldane",
            staff_id="DCC-7",
            email="jean.haldane@example.org",
        ),
    ).staff
    same = GuestFactory(
        partnership=session.partnership, name="Cllr Jean Haldane", email="JEAN.HALDANE@example.org"
    )
    other = GuestFactory(partnership=session.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        invited = briefing_invite(actor=None, session=session, guests=[same, other], site_url=SITE)
    assert [b.guest for b in invited.new] == [other]
    assert invited.refused == [
        (
            same,
            "Cllr Jean Haldane has a place on this session as a member of staff (Jean Haldane, "
            "staff ID DCC-7), with the same e-mail address, so they cannot also be invited as a "
            "guest.",
        )
    ]
    assert not Booking.objects.filter(guest=same).exists()
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert staff.email not in [m.to[0] for m in mail.outbox]


def test_the_invitations_page_says_why_a_guest_was_not_invited(admin, login, session, team):
    BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, email="jean@example.org"),
        status=Booking.Status.WAITLISTED,
    )
    guest = GuestFactory(partnership=session.partnership, name="Jean H", email="jean@example.org")
    url = f"/p/{session.partnership.slug}/sessions/{session.pk}/invitations/"
    html = login(admin).post(url, {"guests": [guest.pk]}, follow=True).content.decode()
    assert "Not invited: Jean H is on this session&#x27;s waiting list as a member of staff" in html
    assert not Booking.objects.filter(guest=guest).exists()


# Several people: an outcome each -----------------------------------------------------------


def test_each_person_gets_their_own_outcome_in_the_order_given(session, team, admin):
    already = BookingFactory(session=session, staff=StaffMemberFactory(team=team)).staff
    gone = StaffMemberFactory(team=team, leaving_date=dt.date(2031, 1, 1))
    placed, waiting = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    outcomes = bookings_create(
        actor=admin.user, session=session, staff=[already, gone, placed, waiting, placed]
    )
    assert [(o.staff, o.outcome) for o in outcomes] == [
        (already, Outcome.ALREADY_BOOKED),
        (gone, Outcome.REFUSED),
        (placed, Outcome.BOOKED),
        (waiting, Outcome.WAITLISTED),
    ]
    assert outcomes[0].reason == f"{already} already has a place on this session."
    assert outcomes[1].reason.endswith("before this session.")
    assert outcomes[2].booking.status == Booking.Status.BOOKED and outcomes[2].reason == ""
    assert Booking.objects.filter(session=session).count() == 3


def test_someone_already_waiting_is_already_booked_with_words_that_say_so(session, team, admin):
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    ).staff
    [outcome] = bookings_create(actor=admin.user, session=session, staff=[waiting])
    assert outcome.outcome == Outcome.ALREADY_BOOKED
    assert outcome.reason == f"{waiting} is already on the waiting list for this session."


def test_a_cancelled_session_refuses_everyone_with_the_reason(session, team, admin):
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    outcomes = bookings_create(
        actor=admin.user, session=session, staff=[StaffMemberFactory(team=team) for _ in range(2)]
    )
    assert {(o.outcome, o.reason) for o in outcomes} == {
        (Outcome.REFUSED, "This session has been cancelled, so it cannot be booked.")
    }


def test_each_persons_booking_is_its_own_transaction(session, team, admin):
    """A failure part-way through undoes only that person's booking: those before keep
    their places (committed already), and nothing of the failed one is written."""
    first, second = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    real = invitations.pre_invitation_for_booking

    def fail_for_second(booking):
        real(booking)
        if booking.staff_id == second.pk:
            raise RuntimeError("the e-mail queue is down")

    with (
        mock.patch.object(invitations, "pre_invitation_for_booking", fail_for_second),
        pytest.raises(RuntimeError),
    ):
        bookings_create(actor=admin.user, session=session, staff=[first, second])
    assert list(Booking.objects.values_list("staff", flat=True)) == [first.pk]


def test_booking_several_emails_each_person_booked(
    session, team, admin, django_capture_on_commit_callbacks
):
    people = [StaffMemberFactory(team=team, email=f"p{n}@example.org") for n in range(2)]
    gone = StaffMemberFactory(team=team, email="gone@example.org", leaving_date=dt.date(2030, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        bookings_create(actor=admin.user, session=session, staff=[*people, gone])
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]


def test_a_past_session_refuses_with_the_reason(partnership, team, admin):
    past = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    [outcome] = bookings_create(
        actor=admin.user, session=past, staff=[StaffMemberFactory(team=team)]
    )
    assert outcome.outcome == Outcome.REFUSED and "already started" in outcome.reason


def test_a_manager_is_not_told_that_their_team_member_is_on_a_guest_list(
    session, team, persona, login
):
    """Guest lists are for those who run training: a manager booking someone invited as a
    guest is told only that they cannot be booked, and to ask L&D."""
    InvitationFactory(
        session=session,
        guest=GuestFactory(partnership=session.partnership, email="jean.haldane@example.org"),
    )
    person = StaffMemberFactory(
        team=team, first_name="Jean", last_name="Haldane", email="jean.haldane@example.org"
    )
    manager = persona(Role.MANAGER, teams=[team])
    url = f"/p/{session.partnership.slug}/sessions/{session.pk}/"
    page = login(manager).post(url, {"action": "book_people", "people": [person.pk]}, follow=True)
    html = page.content.decode()
    assert (
        "Jean Haldane cannot be booked on this session: ask your learning and development team."
        in html
    )
    assert "guest" not in html.split("<main")[1].lower()
    assert not Booking.objects.filter(staff=person).exists()
