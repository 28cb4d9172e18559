"""Booking a place: oneself, or others found by name or staff ID, ticked and booked
together; the waiting list when the session is full."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.bookings import booking_create
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.tests.bookings_helpers import (
    detail,
    fill,
)
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

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
    assert "There is a problem" in html and "already has a place on this session" in html
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


# Booking others: searched for by name or staff ID, ticked, and booked together ------------


def search(client, session, q):
    return client.get(detail(session), {"q": q}).content.decode()


def book(client, session, people, q="x"):
    return client.post(
        detail(session),
        {"action": "book_people", "q": q, "people": [p.pk for p in people]},
        follow=True,
    )


def test_an_administrator_finds_people_by_name_with_their_job_team_and_organisation(
    admin, login, session, team
):
    jo = StaffMemberFactory(
        team=team, first_name="Jo", last_name="Rennie", job_title="Support worker"
    )
    StaffMemberFactory(team=team, first_name="Jo", last_name="Baxter")
    html = search(login(admin), session, "jo rennie")
    assert f'value="{jo.pk}"' in html
    assert "Support worker, Housing Options, " + team.organisation.name in html
    assert "Baxter" not in html
    assert "Book the people selected" in html


def test_people_are_found_by_the_start_of_their_staff_id_in_any_case(admin, login, session, team):
    person = StaffMemberFactory(team=team, staff_id="NHS-0042")
    html = search(login(admin), session, "nhs-004")
    assert f'value="{person.pk}"' in html


def test_a_manager_finds_only_the_people_in_their_teams(persona, login, session, team, partnership):
    manager = persona(Role.MANAGER, teams=[team])
    mine = StaffMemberFactory(team=team, last_name="Ogilvie")
    elsewhere = StaffMemberFactory(
        team=TeamFactory(partnership=partnership, name="Elsewhere"), last_name="Ogilvie"
    )
    html = search(login(manager), session, "Ogilvie")
    assert f'value="{mine.pk}"' in html
    assert f'value="{elsewhere.pk}"' not in html and elsewhere.staff_id not in html
    assert "You can find only the people in the teams you manage." in html


def test_a_manager_cannot_book_someone_outside_their_teams_by_posting_their_id(
    persona, login, session, team, partnership
):
    manager = persona(Role.MANAGER, teams=[team])
    mine = StaffMemberFactory(team=team)
    elsewhere = StaffMemberFactory(team=TeamFactory(partnership=partnership, name="Elsewhere"))
    html = book(login(manager), session, [mine, elsewhere]).content.decode()
    assert Booking.objects.get().staff == mine
    assert "There is no such person whom you can book" in html
    assert str(elsewhere) not in html and elsewhere.staff_id not in html


def test_a_search_lists_at_most_50_people_and_says_when_more_match(admin, login, session, team):
    for n in range(51):
        StaffMemberFactory(team=team, last_name=f"Smith{n:02d}")
    html = search(login(admin), session, "smith")
    assert html.count('name="people"') == 50
    assert "More than 50 people match: only the first 50 are shown." in html


def test_a_search_that_finds_no_one_says_so(persona, login, session, team):
    manager = persona(Role.MANAGER, teams=[team])
    html = search(login(manager), session, "Nobody")
    assert "No one in the teams you manage matches ‘Nobody’." in html


def test_people_who_cannot_be_booked_are_listed_without_a_box_and_say_why(
    admin, login, session, team
):
    booked = BookingFactory(session=session, staff=StaffMemberFactory(team=team, last_name="Kerr"))
    gone = StaffMemberFactory(team=team, last_name="Kerr", leaving_date=dt.date(2026, 3, 3))
    html = search(login(admin), session, "kerr")
    assert 'name="people"' not in html
    assert "Already has a place on this session" in html
    assert "Left on 3 March 2026, before this session" in html
    assert booked.staff.staff_id in html and gone.staff_id in html


def test_a_manager_books_two_people_and_is_told_what_happened_to_each(
    persona, login, session, team
):
    manager = persona(Role.MANAGER, teams=[team])
    first, second = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    response = book(login(manager), session, [first, second])
    assert response.redirect_chain[-1][0].endswith(f"/sessions/{session.pk}/booked/")
    html = response.content.decode()
    assert "2 people have a place" in html
    assert f"{first} has a place on this session" in html
    assert f"{second} has a place on this session" in html
    assert {b.staff for b in Booking.objects.all()} == {first, second}
    assert all(b.booked_by == manager.user for b in Booking.objects.all())


def test_booking_several_gives_each_their_own_outcome_and_one_refusal_stops_no_one(
    admin, login, session, team
):
    # Two places: one taken already by `already`, one left.
    already = BookingFactory(session=session, staff=StaffMemberFactory(team=team)).staff
    gone = StaffMemberFactory(team=team, first_name="Ann", last_name="Gone")
    gone.leaving_date = (timezone.localtime(session.starts_at) - dt.timedelta(days=3)).date()
    gone.save()
    placed, waiting = StaffMemberFactory(team=team), StaffMemberFactory(team=team)
    html = book(login(admin), session, [already, gone, placed, waiting]).content.decode()
    assert f"{already} already has a place on this session." in html
    assert "Ann Gone left on" in html and "before this session." in html
    assert f"{placed} has a place on this session" in html
    assert f"The session is full, so {waiting} is on the waiting list: position 1." in html
    assert "1 person has a place" in html and "1 person is on the waiting list" in html
    assert "1 person was booked already" in html and "1 person was not booked" in html
    assert not Booking.objects.filter(staff=gone).exists()
    assert Booking.objects.get(staff=waiting).status == Booking.Status.WAITLISTED


def test_the_results_say_who_was_emailed_and_who_must_be_told_another_way(
    admin, login, session, team
):
    emailed = StaffMemberFactory(team=team, email="emailed@example.org")
    unreachable = StaffMemberFactory(team=team, email="")
    html = book(login(admin), session, [emailed, unreachable]).content.decode()
    assert f"{emailed} has a place on this session. They have been sent an e-mail." in html
    assert (
        f"{unreachable} has a place on this session. They have no e-mail address on record, "
        "so tell them yourself."
    ) in html


def test_the_results_are_shown_once_then_the_page_goes_back_to_the_session(
    admin, login, session, team
):
    client = login(admin)
    book(client, session, [StaffMemberFactory(team=team)])
    again = client.get(f"{detail(session)}booked/")
    assert again.status_code == 302 and again["Location"] == detail(session)


def test_booking_with_no_one_ticked_is_explained_and_keeps_the_search(admin, login, session, team):
    StaffMemberFactory(team=team, last_name="Duncan")
    response = login(admin).post(detail(session), {"action": "book_people", "q": "duncan"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Choose at least one person to book" in html
    assert "Duncan" in html
    assert not Booking.objects.exists()


def test_a_tampered_choice_is_refused_plainly(admin, login, session):
    response = login(admin).post(
        detail(session), {"action": "book_people", "q": "x", "people": ["abc"]}
    )
    assert response.status_code == 200
    assert "Choose people from the list." in response.content.decode()


def test_a_staff_member_cannot_book_someone_else(member, login, session, team):
    other = StaffMemberFactory(team=team)
    response = login(member).post(detail(session), {"action": "book_people", "people": [other.pk]})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_only_roles_that_book_others_see_the_search(member, admin, login, session, team):
    StaffMemberFactory(team=team, last_name="Findme")
    html = login(member).get(detail(session), {"q": "Findme"}).content.decode()
    assert "Book other people" not in html and "Findme" not in html
    assert "Book other people" in login(admin).get(detail(session)).content.decode()


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
