"""A staff member books a session that is full and lands on the waiting list; when a
place frees, they are moved into it and told by e-mail. A manager finds two people of
their team by name and books them together; cancelling a place asks to confirm, naming
who will get it from the waiting list."""

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible, reflow_problems, sign_in, visit
from tiptracker.partnerships.models import Role
from tiptracker.training.bookings import booking_cancel
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_booking_a_full_session_puts_me_on_the_waiting_list(page, member, partnership, team):
    course = CourseFactory(partnership=partnership, title="Safety and Stabilisation")
    session = TrainingSessionFactory(course=course, capacity=1)
    first = BookingFactory(session=session, staff=StaffMemberFactory(team=team))

    sign_in(page, member)
    visit(page, f"/p/{partnership.slug}/sessions/")
    page.get_by_role("link", name="Safety and Stabilisation").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "The session is full" in page.content()

    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "on the waiting list: position 1" in page.content()
    mine = Booking.objects.get(session=session, staff=member.staff)
    assert mine.status == Booking.Status.WAITLISTED

    # The person with the place cancels: I am promoted and told.
    booking_cancel(actor=None, booking=first)
    mine.refresh_from_db()
    assert mine.status == Booking.Status.BOOKED
    # Told twice: the waiting list confirmed, then the place.
    assert [message.to for message in mail.outbox] == [[member.staff.email]] * 2
    assert mail.outbox[-1].subject == "A place is yours: Safety and Stabilisation"
    visit(page, f"/p/{partnership.slug}/bookings/")
    assert "Safety and Stabilisation" in page.content()


def test_a_manager_finds_two_people_by_name_and_books_them_together(
    page, persona, partnership, team
):
    manager = persona(Role.MANAGER, teams=[team])
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    session = TrainingSessionFactory(course=course, capacity=5)
    ailsa = StaffMemberFactory(
        team=team, first_name="Ailsa", last_name="Moncur", job_title="Housing officer"
    )
    fraser = StaffMemberFactory(
        team=team, first_name="Fraser", last_name="Moncur", job_title="Support worker"
    )
    # Of another team: the manager does not find them.
    StaffMemberFactory(
        team=TeamFactory(partnership=partnership, name="Elsewhere"),
        first_name="Iona",
        last_name="Moncur",
    )

    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, manager)
    visit(page, f"/p/{partnership.slug}/sessions/{session.pk}/")
    page.get_by_label("Name or staff ID").fill("moncur")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not reflow_problems(page), reflow_problems(page)
    assert "Housing officer, Housing Options" in page.content()
    assert "Iona" not in page.content()

    page.get_by_label(f"Ailsa Moncur ({ailsa.staff_id})").check()
    page.get_by_label(f"Fraser Moncur ({fraser.staff_id})").check()
    page.get_by_role("button", name="Book the people selected").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not reflow_problems(page), reflow_problems(page)
    assert page.get_by_role("heading", name="Who was booked").is_visible()
    assert "2 people have a place" in page.content()
    assert "Ailsa Moncur has a place on this session" in page.content()
    assert {b.staff for b in Booking.objects.filter(session=session)} == {ailsa, fraser}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ailsa.email, fraser.email])


def test_cancelling_asks_to_confirm_and_names_who_gets_the_place(page, admin, partnership, team):
    course = CourseFactory(partnership=partnership, title="Safety and Stabilisation")
    session = TrainingSessionFactory(course=course, capacity=1)
    placed = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team, first_name="Rory", last_name="Bain")
    )
    waiting = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, first_name="Morag", last_name="Keith"),
        status=Booking.Status.WAITLISTED,
    )

    sign_in(page, admin)
    visit(page, f"/p/{partnership.slug}/sessions/{session.pk}/")
    page.get_by_role("link", name="Cancel the booking of Rory Bain").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "Are you sure you want to cancel Rory Bain’s place" in page.content()
    assert "The place will go to Morag Keith" in page.content()

    page.get_by_role("button", name="Yes, cancel the booking").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.url.endswith(f"/sessions/{session.pk}/")
    assert "The place has gone to Morag Keith, who has been told by e-mail." in page.content()
    placed.refresh_from_db(), waiting.refresh_from_db()
    assert (placed.status, waiting.status) == (Booking.Status.CANCELLED, Booking.Status.BOOKED)
