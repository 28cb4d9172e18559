"""Booking a place: oneself, someone else, the waiting list, cancelling, and the calendar file."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.ics import booking_calendar, escape_text, fold
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.services import booking_create
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def detail(session):
    return f"/p/{session.partnership.slug}/sessions/{session.pk}/"


def bookings_page(partnership):
    return f"/p/{partnership.slug}/bookings/"


def cancel_url(booking):
    return f"/p/{booking.partnership.slug}/bookings/{booking.pk}/cancel/"


def ics_url(booking):
    return f"/p/{booking.partnership.slug}/bookings/{booking.pk}/calendar.ics"


@pytest.fixture
def session(partnership):
    return TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Opening Doors"), capacity=2
    )


def fill(session, team, count):
    return [
        BookingFactory(session=session, staff=StaffMemberFactory(team=team)) for _ in range(count)
    ]


# Booking oneself ---------------------------------------------------------------------------


def test_a_staff_member_books_a_place_for_themselves(member, login, session):
    response = login(member).post(detail(session), {"action": "book_self"}, follow=True)
    assert "You have a place on this session." in response.content.decode()
    booking = Booking.objects.get()
    assert (booking.staff, booking.status, booking.booked_by) == (
        member.staff,
        Booking.Status.BOOKED,
        member.user,
    )


def test_it_puts_a_booking_on_the_waiting_list_when_the_session_is_full(
    member, login, session, team
):
    fill(session, team, 2)
    BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    response = login(member).post(detail(session), {"action": "book_self"}, follow=True)
    html = response.content.decode()
    assert "The session is full, so you are on the waiting list: position 2." in html
    assert "You are on the waiting list: position 2." in html
    assert Booking.objects.get(staff=member.staff).status == Booking.Status.WAITLISTED


def test_booking_twice_is_refused_and_nothing_is_written(member, login, session):
    client = login(member)
    client.post(detail(session), {"action": "book_self"})
    response = client.post(detail(session), {"action": "book_self"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "is already booked on this session" in html
    assert Booking.objects.count() == 1


def test_booking_a_cancelled_session_is_refused(member, login, session):
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    html = login(member).post(detail(session), {"action": "book_self"}).content.decode()
    assert "This session has been cancelled, so it cannot be booked." in html
    assert not Booking.objects.exists()


def test_booking_a_past_session_is_refused(member, login, partnership):
    past = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    html = login(member).post(detail(past), {"action": "book_self"}).content.decode()
    assert "This session has already started, so it cannot be booked." in html
    assert not Booking.objects.exists()


def test_someone_without_a_staff_record_is_told_plainly_they_cannot_book_themselves(
    persona, login, session
):
    board = persona(Role.BOARD)
    client = login(board)
    html = client.get(detail(session)).content.decode()
    assert "Your account is not linked to a staff record" in html
    assert "Book a place" not in html
    html = client.post(detail(session), {"action": "book_self"}).content.decode()
    assert "There is a problem" in html and "not linked to a staff record" in html
    assert not Booking.objects.exists()


def test_the_service_refuses_a_person_from_another_partnership(session, other_partnership, admin):
    stranger = StaffMemberFactory(team=TeamFactory(partnership=other_partnership))
    with pytest.raises(ValidationError, match="another partnership"):
        booking_create(actor=admin.user, session=session, staff=stranger)
    assert not Booking.objects.exists()


# Booking others ----------------------------------------------------------------------------


def test_an_administrator_books_someone_by_staff_id(admin, login, session, team):
    person = StaffMemberFactory(team=team, staff_id="NHS-0042")
    html = (
        login(admin)
        .post(detail(session), {"action": "book_other", "staff_id": "nhs-0042"}, follow=True)
        .content.decode()
    )
    assert f"{person} has a place on this session." in html
    assert Booking.objects.get().staff == person


def test_booking_someone_onto_a_full_session_names_them_and_their_place_in_the_queue(
    admin, login, session, team
):
    fill(session, team, 2)
    person = StaffMemberFactory(team=team)
    html = (
        login(admin)
        .post(detail(session), {"action": "book_other", "staff_id": person.staff_id}, follow=True)
        .content.decode()
    )
    assert f"The session is full, so {person} is on the waiting list: position 1." in html


def test_an_unknown_staff_id_is_explained_and_nothing_is_written(admin, login, session):
    html = (
        login(admin)
        .post(detail(session), {"action": "book_other", "staff_id": "NOPE-1"})
        .content.decode()
    )
    assert "There is no one with staff ID &#x27;NOPE-1&#x27; whom you can book" in html
    assert 'href="#id_staff_id"' in html and "govuk-error-message" in html
    assert not Booking.objects.exists()


def test_a_manager_books_someone_in_their_own_team(persona, login, session, team):
    manager = persona(Role.MANAGER, teams=[team])
    person = StaffMemberFactory(team=team)
    login(manager).post(detail(session), {"action": "book_other", "staff_id": person.staff_id})
    assert Booking.objects.get().staff == person


def test_a_manager_cannot_book_someone_from_another_team(
    persona, login, session, team, partnership
):
    manager = persona(Role.MANAGER, teams=[team])
    elsewhere = StaffMemberFactory(team=TeamFactory(partnership=partnership, name="Elsewhere"))
    response = login(manager).post(
        detail(session), {"action": "book_other", "staff_id": elsewhere.staff_id}
    )
    assert response.status_code == 200
    assert "you can book only people in the teams you manage" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_staff_member_cannot_book_someone_else(member, login, session, team):
    other = StaffMemberFactory(team=team)
    response = login(member).post(
        detail(session), {"action": "book_other", "staff_id": other.staff_id}
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_only_roles_that_book_others_see_the_form(member, admin, login, session):
    assert "Book someone else" not in login(member).get(detail(session)).content.decode()
    assert "Book someone else" in login(admin).get(detail(session)).content.decode()


def test_training_admins_see_the_bookings_and_the_waiting_list_in_order(
    admin, member, login, session, team
):
    placed = fill(session, team, 2)
    first = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, last_name="Firstwaiting"),
        status=Booking.Status.WAITLISTED,
    )
    second = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, last_name="Secondwaiting"),
        status=Booking.Status.WAITLISTED,
    )
    html = login(admin).get(detail(session)).content.decode()
    waiting_table = html[html.index("Waiting list, in the order") :]
    assert waiting_table.index(first.staff.staff_id) < waiting_table.index(second.staff.staff_id)
    assert all(b.staff.staff_id in html for b in placed)
    assert 'Places left</dt><dd class="govuk-summary-list__value">None: the session is full' in html
    assert "2 people waiting" in html
    assert first.staff.staff_id not in login(member).get(detail(session)).content.decode()


# My bookings and cancelling ------------------------------------------------------------------


def test_my_bookings_lists_each_booking_with_its_status_and_actions(
    member, login, session, partnership
):
    booking = BookingFactory(session=session, staff=member.staff)
    waiting = BookingFactory(
        session=TrainingSessionFactory(
            course=CourseFactory(partnership=partnership, title="Safety and Stabilisation")
        ),
        staff=member.staff,
        status=Booking.Status.WAITLISTED,
    )
    html = login(member).get(bookings_page(partnership)).content.decode()
    assert "Your bookings" in html
    assert "Opening Doors" in html and "Booked" in html
    assert "Safety and Stabilisation" in html and "Waiting list</strong> position 1" in html
    assert f'action="{cancel_url(booking)}"' in html and f'href="{ics_url(booking)}"' in html
    assert f'action="{cancel_url(waiting)}"' in html


def test_cancelling_a_place_gives_it_to_the_oldest_on_the_waiting_list_and_emails_them(
    member, login, session, team, django_capture_on_commit_callbacks
):
    mine = BookingFactory(session=session, staff=member.staff)
    fill(session, team, 1)
    oldest = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, email="oldest@example.org"),
        status=Booking.Status.WAITLISTED,
    )
    newer = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(member).post(cancel_url(mine), follow=True)
    assert "Your booking on Opening Doors is cancelled." in response.content.decode()
    mine.refresh_from_db(), oldest.refresh_from_db(), newer.refresh_from_db()
    assert mine.status == Booking.Status.CANCELLED
    assert oldest.status == Booking.Status.BOOKED
    assert newer.status == Booking.Status.WAITLISTED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["oldest@example.org"]
    assert "Opening Doors" in mail.outbox[0].subject


def test_cancelling_a_waiting_list_place_promotes_no_one(
    member, login, session, team, django_capture_on_commit_callbacks
):
    fill(session, team, 2)
    mine = BookingFactory(session=session, staff=member.staff, status=Booking.Status.WAITLISTED)
    behind = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(member).post(cancel_url(mine))
    behind.refresh_from_db()
    assert behind.status == Booking.Status.WAITLISTED
    assert not mail.outbox


def test_the_cancel_page_asks_to_confirm_and_cancelling_twice_is_explained(member, login, session):
    booking = BookingFactory(session=session, staff=member.staff)
    client = login(member)
    assert "Cancel your booking" in client.get(cancel_url(booking)).content.decode()
    client.post(cancel_url(booking))
    response = client.post(cancel_url(booking))
    assert response.status_code == 200
    assert "This booking is already cancelled." in response.content.decode()


def test_someone_cannot_cancel_another_persons_booking(member, login, session, team):
    theirs = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    assert login(member).post(cancel_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.BOOKED


def test_a_manager_may_cancel_a_booking_in_their_team_but_not_another(
    persona, login, session, team, partnership
):
    manager = persona(Role.MANAGER, teams=[team])
    mine = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    elsewhere = BookingFactory(
        session=session, staff=StaffMemberFactory(team=TeamFactory(partnership=partnership))
    )
    client = login(manager)
    assert client.post(cancel_url(mine)).status_code == 302
    assert client.post(cancel_url(elsewhere)).status_code == 404


# The calendar file -------------------------------------------------------------------------


def test_the_calendar_file_is_a_valid_icalendar_event(member, login, partnership):
    course = CourseFactory(
        partnership=partnership,
        title="Trauma Skilled; part 1, with a very long title that must be folded over lines",
    )
    start = dt.datetime(2030, 7, 1, 9, 30, tzinfo=dt.UTC)
    session = TrainingSessionFactory(
        course=course,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue="Room 2, Dundee House\nNorth Lindsay Street",
        online_url="",
    )
    booking = BookingFactory(session=session, staff=member.staff)
    response = login(member).get(ics_url(booking))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="trauma-skilled-part-1')
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    unfolded = raw.decode().replace("\r\n ", "")
    props = dict(line.split(":", 1) for line in unfolded.split("\r\n") if line)
    assert unfolded.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert unfolded.rstrip().endswith("END:VEVENT\r\nEND:VCALENDAR")
    assert props["UID"] == f"booking-{booking.pk}-{partnership.pk}@tiptracker"
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"])
    assert props["DTSTART"] == "20300701T093000Z"
    assert props["DTEND"] == "20300701T123000Z"
    assert (
        props["SUMMARY"]
        == "Trauma Skilled\\; part 1\\, with a very long title that must be folded over lines"
    )
    assert props["LOCATION"] == "Room 2\\, Dundee House\\nNorth Lindsay Street"
    assert props["STATUS"] == "CONFIRMED"


def test_an_online_session_gives_its_link_in_the_calendar_file(member, login, partnership):
    session = TrainingSessionFactory(
        course=CourseFactory(partnership=partnership),
        venue="",
        online_url="https://meet.example.org/abc?x=1,2",
    )
    booking = BookingFactory(session=session, staff=member.staff, status=Booking.Status.WAITLISTED)
    text = login(member).get(ics_url(booking)).content.decode().replace("\r\n ", "")
    assert "\r\nURL:https://meet.example.org/abc?x=1,2\r\n" in text
    assert "\r\nLOCATION:Online: https://meet.example.org/abc?x=1\\,2\r\n" in text
    assert "\r\nSTATUS:TENTATIVE\r\n" in text


def test_folding_never_splits_a_character_and_escaping_covers_the_special_characters():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    pieces = folded.encode().split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line
    for piece in pieces:
        piece.decode("utf-8")  # each folded line is whole UTF-8
    assert escape_text("a\\b;c,d\r\ne") == "a\\\\b\\;c\\,d\\ne"


def test_a_cancelled_session_shows_as_cancelled_in_the_calendar(session, member):
    booking = BookingFactory(session=session, staff=member.staff)
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    assert "\r\nSTATUS:CANCELLED\r\n" in booking_calendar(booking, now=timezone.now())


def test_someone_cannot_download_another_persons_calendar_file(member, login, session, team):
    theirs = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    assert login(member).get(ics_url(theirs)).status_code == 404


# Scope and query counts ------------------------------------------------------------------------


def test_an_outsider_gets_not_found_on_every_booking_page(outsider, login, session, member):
    booking = BookingFactory(session=session, staff=member.staff)
    client = login(outsider)
    assert client.get(detail(session)).status_code == 404
    assert client.post(detail(session), {"action": "book_self"}).status_code == 404
    assert client.get(bookings_page(session.partnership)).status_code == 404
    assert client.get(cancel_url(booking)).status_code == 404
    assert client.post(cancel_url(booking)).status_code == 404
    assert client.get(ics_url(booking)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_an_outsider_cannot_book_a_session_of_another_partnership_through_their_own(
    outsider, login, session
):
    url = f"/p/{outsider.partnership.slug}/sessions/{session.pk}/"
    assert (
        login(outsider).post(url, {"action": "book_other", "staff_id": "S00001"}).status_code == 404
    )
    assert not Booking.objects.exists()


def test_my_bookings_takes_the_same_number_of_queries_for_2_and_20_bookings(
    admin, login, partnership, team, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(admin)
    url = bookings_page(partnership)

    def add(count):
        for _ in range(count):
            session = TrainingSessionFactory(
                course=CourseFactory(partnership=partnership), capacity=1
            )
            BookingFactory(session=session, staff=StaffMemberFactory(team=team))
            BookingFactory(
                session=session,
                staff=StaffMemberFactory(team=team),
                status=Booking.Status.WAITLISTED,
            )

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(9)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count("Waiting list</strong> position 1") == 10


def test_the_session_page_takes_the_same_number_of_queries_for_2_and_20_bookings(
    admin, login, session, team, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session.capacity = 10
    session.save()
    client = login(admin)
    fill(session, team, 2)
    client.get(detail(session))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(session)).status_code == 200
    fill(session, team, 8)
    for _ in range(10):
        BookingFactory(
            session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
        )
    with django_assert_num_queries(len(few)):
        html = client.get(detail(session)).content.decode()
    assert "10 people waiting" in html
