"""After booking: one's bookings, cancelling (the place going to the longest waiting), the
calendar file, and the booking pages' scope and query counts."""

import datetime as dt
import re

from django.core import mail
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.ics import booking_calendar, escape_text, fold
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.tests.bookings_helpers import (
    bookings_page,
    cancel_url,
    detail,
    fill,
    ics_url,
)
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

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
    # Cancelling goes first to a page that asks to confirm.
    assert f'href="{cancel_url(booking)}"' in html and f'href="{ics_url(booking)}"' in html
    assert f'href="{cancel_url(waiting)}"' in html


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


def waiting_behind(session, team, *names):
    """Fill the session's places, then put people with these last names on its waiting list."""
    fill(session, team, session.capacity - Booking.objects.filter(session=session).count())
    return [
        BookingFactory(
            session=session,
            staff=StaffMemberFactory(team=team, first_name="Wendy", last_name=name),
            status=Booking.Status.WAITLISTED,
        )
        for name in names
    ]


def test_the_confirmation_names_who_gets_the_place_to_a_training_admin(admin, login, session, team):
    booking = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    first, _second = waiting_behind(session, team, "Longest", "Later")
    client = login(admin)
    html = client.get(cancel_url(booking) + "?next=session").content.decode()
    assert f"Are you sure you want to cancel {booking.staff}’s place" in html
    assert "The place will go to Wendy Longest, who has waited longest" in html
    assert "Later" not in html
    response = client.post(cancel_url(booking), {"next": "session"}, follow=True)
    assert response.redirect_chain[-1][0] == detail(session)
    assert "The place has gone to Wendy Longest, who has been told by e-mail." in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert first.status == Booking.Status.BOOKED


def test_a_staff_member_cancelling_their_own_place_is_not_told_who_is_next(
    member, login, session, team
):
    mine = BookingFactory(session=session, staff=member.staff)
    waiting_behind(session, team, "Secretname")
    client = login(member)
    html = client.get(cancel_url(mine)).content.decode()
    assert "Are you sure you want to cancel your place" in html
    assert "The next person on the waiting list will be offered the place" in html
    assert "Secretname" not in html
    html = client.post(cancel_url(mine), follow=True).content.decode()
    assert "The place has gone to the next person on the waiting list" in html
    assert "Secretname" not in html


def test_a_manager_sees_the_name_only_of_someone_in_their_teams(
    persona, login, session, team, partnership
):
    manager = persona(Role.MANAGER, teams=[team])
    booking = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    fill(session, team, 1)
    outside = BookingFactory(
        session=session,
        staff=StaffMemberFactory(
            team=TeamFactory(partnership=partnership, name="Elsewhere"), last_name="Hidden"
        ),
        status=Booking.Status.WAITLISTED,
    )
    html = login(manager).get(cancel_url(booking)).content.decode()
    assert "The next person on the waiting list will be offered the place" in html
    assert outside.staff.last_name not in html


def test_the_confirmation_says_when_no_one_is_waiting(member, login, session):
    mine = BookingFactory(session=session, staff=member.staff)
    html = login(member).get(cancel_url(mine)).content.decode()
    assert "No one is waiting, so the place becomes free for anyone to book." in html


def test_a_manager_sees_their_teams_bookings_on_the_session_with_a_way_to_cancel(
    persona, login, session, team, partnership
):
    manager = persona(Role.MANAGER, teams=[team])
    mine = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    theirs = BookingFactory(
        session=session, staff=StaffMemberFactory(team=TeamFactory(partnership=partnership))
    )
    html = login(manager).get(detail(session)).content.decode()
    assert "Your teams' bookings" in html
    assert f'href="{cancel_url(mine)}?next=session"' in html
    assert theirs.staff.staff_id not in html


def test_someone_cannot_cancel_another_persons_booking(member, login, session, team):
    theirs = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    assert login(member).get(cancel_url(theirs)).status_code == 404
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
    assert client.get(detail(session), {"q": member.staff.staff_id}).status_code == 404
    assert (
        client.post(
            detail(session), {"action": "book_people", "people": [member.staff.pk]}
        ).status_code
        == 404
    )
    assert client.get(f"{detail(session)}booked/").status_code == 404
    assert client.get(bookings_page(session.partnership)).status_code == 404
    assert client.get(cancel_url(booking)).status_code == 404
    assert client.post(cancel_url(booking)).status_code == 404
    assert client.get(ics_url(booking)).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_an_outsider_cannot_book_a_session_of_another_partnership_through_their_own(
    outsider, login, session, member
):
    url = f"/p/{outsider.partnership.slug}/sessions/{session.pk}/"
    client = login(outsider)
    assert client.get(url, {"q": "a"}).status_code == 404
    assert (
        client.post(url, {"action": "book_people", "people": [member.staff.pk]}).status_code == 404
    )
    assert client.get(f"{url}booked/").status_code == 404
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


def test_a_form_from_before_booking_by_name_books_no_one(persona, login, session, team):
    manager = persona(Role.MANAGER, teams=[team], staff=StaffMemberFactory(team=team))
    person = StaffMemberFactory(team=team)
    response = login(manager).post(
        detail(session), {"action": "book_other", "staff_id": person.staff_id}, follow=True
    )
    assert "Nothing was booked: the page has changed." in response.content.decode()
    assert not Booking.objects.exists()


def test_an_error_in_the_choice_links_to_the_list_of_people(admin, login, session, team):
    StaffMemberFactory(team=team, last_name="Duncan")
    html = (
        login(admin)
        .post(detail(session), {"action": "book_people", "q": "duncan"})
        .content.decode()
    )
    assert 'href="#id_people"' in html and 'id="id_people"' in html
