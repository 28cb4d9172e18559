"""Sessions: the list, adding and editing them, the session page and cancelling."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.models import Booking, TrainingSession
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory

NEXT_YEAR = timezone.now().year + 1


def base(partnership):
    return f"/p/{partnership.slug}/sessions/"


def detail(session):
    return f"{base(session.partnership)}{session.pk}/"


@pytest.fixture
def course(partnership):
    return CourseFactory(partnership=partnership, title="Opening Doors", code="OD1")


@pytest.fixture
def session(course):
    return TrainingSessionFactory(course=course, capacity=5)


def on_the_minute(days: int = 7) -> dt.datetime:
    """Ten in the morning, UK time, `days` from now: the session and its two hours
    stay within one day whenever the tests run (one starting at 23:00 would end tomorrow)."""
    day = timezone.localtime() + dt.timedelta(days=days)
    return day.replace(hour=10, minute=0, second=0, microsecond=0)


def form_as_saved(session, **changes):
    """The edit form with the session's own date and times, then `changes`."""
    local = timezone.localtime(session.starts_at)
    return form_data(
        session.course,
        start_date_0=str(local.day),
        start_date_1=str(local.month),
        start_date_2=str(local.year),
        start_time=f"{local:%H:%M}",
        end_time=f"{timezone.localtime(session.ends_at):%H:%M}",
        **changes,
    )


def form_data(for_course, **changes):
    data = {
        "course": for_course.pk,
        "start_date_0": "1",
        "start_date_1": "7",
        "start_date_2": str(NEXT_YEAR),
        "start_time": "10:00",
        "end_time": "12:30",
        "end_date_0": "",
        "end_date_1": "",
        "end_date_2": "",
        "venue": "Dundee House",
        "online_url": "",
        "capacity": "20",
        "facilitator": "Ann Smith",
        "audience": "Managers",
    }
    data.update(changes)
    return data


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_capacity_minus_booked_as_the_places_left(member, login, session, team):
    for _ in range(3):
        BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.CANCELLED
    )
    html = login(member).get(base(session.partnership)).content.decode()
    assert ">2 of 5<" in html


def test_a_full_session_says_full_and_shows_how_many_wait(member, login, session, team):
    for _ in range(5):
        BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    for _ in range(2):
        BookingFactory(
            session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
        )
    html = login(member).get(base(session.partnership)).content.decode()
    assert ">Full<" in html and ">2<" in html


def test_upcoming_and_past_sessions_are_listed_apart(member, login, course):
    TrainingSessionFactory(
        course=course, starts_at=timezone.now() + dt.timedelta(days=3), venue="Future Hall"
    )
    TrainingSessionFactory(
        course=course, starts_at=timezone.now() - dt.timedelta(days=3), venue="Past Hall"
    )
    client = login(member)
    upcoming = client.get(base(course.partnership)).content.decode()
    past = client.get(base(course.partnership), {"when": "past"}).content.decode()
    assert "Future Hall" in upcoming and "Past Hall" not in upcoming
    assert "Past Hall" in past and "Future Hall" not in past


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_sessions(
    member, login, course, team, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            session = TrainingSessionFactory(course=CourseFactory(partnership=course.partnership))
            BookingFactory(session=session, staff=StaffMemberFactory(team=team))

    client = login(member)
    add(2)
    client.get(base(course.partnership))
    with CaptureQueriesContext(connection) as few:
        assert client.get(base(course.partnership)).status_code == 200
    add(18)
    with django_assert_num_queries(len(few)):
        html = client.get(base(course.partnership)).content.decode()
    assert html.count(">9 of 10<") == 20


# Adding and editing --------------------------------------------------------------------------


def test_an_ld_officer_adds_a_session_entered_in_uk_time(persona, login, course):
    officer = persona(Role.LD_OFFICER)
    response = login(officer).post(f"{base(course.partnership)}new/", form_data(course))
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(session)
    # 1 July is in British Summer Time, an hour ahead of UTC.
    assert session.starts_at == dt.datetime(NEXT_YEAR, 7, 1, 9, 0, tzinfo=dt.UTC)
    assert session.ends_at == dt.datetime(NEXT_YEAR, 7, 1, 11, 30, tzinfo=dt.UTC)
    assert (session.venue, session.capacity, session.facilitator, session.audience) == (
        "Dundee House",
        20,
        "Ann Smith",
        "Managers",
    )


def test_a_session_may_end_on_a_later_day(admin, login, course):
    login(admin).post(
        f"{base(course.partnership)}new/",
        form_data(
            course,
            start_time="2pm",
            end_time="11:00",
            end_date_0="2",
            end_date_1="7",
            end_date_2=str(NEXT_YEAR),
        ),
    )
    session = TrainingSession.objects.get()
    assert session.starts_at == dt.datetime(NEXT_YEAR, 7, 1, 13, 0, tzinfo=dt.UTC)
    assert session.ends_at == dt.datetime(NEXT_YEAR, 7, 2, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "message", "anchor"),
    [
        ({"end_time": "09:00"}, "The end must be after the start", "id_end_time"),
        ({"venue": "", "online_url": ""}, "Enter a venue or an online link (or both)", "id_venue"),
        ({"capacity": "0"}, "There must be at least 1 place", "id_capacity"),
        ({"capacity": "lots"}, "Enter the number of places as a whole number", "id_capacity"),
        ({"start_time": "25:00"}, "Enter the start time as a real time", "id_start_time"),
        ({"start_time": "soon"}, "Enter the start time as hours and minutes", "id_start_time"),
        (
            {"start_date_0": "31", "start_date_1": "2"},
            "The date must be a real date",
            "id_start_date_0",
        ),
        ({"start_date_1": ""}, "The date must include a month", "id_start_date_0"),
        (
            {"start_date_0": "", "start_date_1": "", "start_date_2": ""},
            "Enter the date",
            "id_start_date_0",
        ),
        (
            {"online_url": "not a link", "venue": ""},
            "Enter the online link as a full web address",
            "id_online_url",
        ),
        ({"course": ""}, "Choose the course", "id_course"),
    ],
)
def test_bad_session_details_are_explained_on_the_field_and_nothing_is_saved(
    admin, login, course, changes, message, anchor
):
    response = login(admin).post(f"{base(course.partnership)}new/", form_data(course, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert f'href="#{anchor}"' in html
    assert "govuk-error-message" in html
    assert not TrainingSession.objects.exists()


def test_a_time_the_clocks_skip_is_refused(admin, login, course):
    # The clocks go forward at 01:00 on the last Sunday of March.
    day = max(
        dt.date(NEXT_YEAR, 3, d) for d in range(25, 32) if dt.date(NEXT_YEAR, 3, d).weekday() == 6
    )
    html = (
        login(admin)
        .post(
            f"{base(course.partnership)}new/",
            form_data(
                course,
                start_date_0=str(day.day),
                start_date_1="3",
                start_time="01:30",
                end_time="03:00",
            ),
        )
        .content.decode()
    )
    assert "01:30 does not exist on" in html
    assert not TrainingSession.objects.exists()


def test_a_course_of_another_partnership_cannot_be_chosen(admin, login, course, other_partnership):
    theirs = CourseFactory(partnership=other_partnership)
    html = login(admin).post(f"{base(course.partnership)}new/", form_data(theirs)).content.decode()
    assert "Choose one of the courses in the list" in html
    assert not TrainingSession.objects.exists()


def test_the_edit_page_shows_the_session_in_uk_time_and_saves_changes(admin, login, course):
    start = dt.datetime(NEXT_YEAR, 1, 10, 14, 0, tzinfo=dt.UTC)  # winter: UK time is UTC
    session = TrainingSessionFactory(
        course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=5
    )
    client = login(admin)
    html = client.get(f"{detail(session)}edit/").content.decode()
    assert 'value="14:00"' in html and 'value="16:00"' in html and f'value="{NEXT_YEAR}"' in html
    response = client.post(
        f"{detail(session)}edit/",
        form_data(course, start_date_1="1", start_date_0="10", capacity="8", venue="Caird Hall"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (8, "Caird Hall")
    assert session.starts_at == dt.datetime(NEXT_YEAR, 1, 10, 10, 0, tzinfo=dt.UTC)


def test_more_places_go_to_the_waiting_list_in_order_and_they_are_told(
    admin, login, course, team, django_capture_on_commit_callbacks
):
    # Times on the minute, as the form gives them: otherwise saving "changes" the seconds.
    session = TrainingSessionFactory(course=course, capacity=1, starts_at=on_the_minute())
    BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    first = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    second = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    data = form_as_saved(session, capacity="2", venue=session.venue)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(f"{detail(session)}edit/", data, follow=True)
    assert "1 person moved from the waiting list to a place" in response.content.decode()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (Booking.Status.BOOKED, Booking.Status.WAITLISTED)
    assert [m.to for m in mail.outbox] == [[first.staff.email]]


def test_capacity_cannot_go_below_the_places_already_taken(admin, login, course, team):
    session = TrainingSessionFactory(course=course, capacity=5)
    for _ in range(3):
        BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    html = (
        login(admin)
        .post(f"{detail(session)}edit/", form_data(course, capacity="2"))
        .content.decode()
    )
    assert "3 people have places, so there must be at least 3 places" in html
    assert 'href="#id_capacity"' in html
    session.refresh_from_db()
    assert session.capacity == 5 and session.venue == "Dundee House"


def test_a_cancelled_session_cannot_be_edited(admin, login, session):
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    html = (
        login(admin)
        .post(f"{detail(session)}edit/", form_data(session.course, capacity="9"))
        .content.decode()
    )
    assert "This session has been cancelled, so it cannot be changed." in html
    session.refresh_from_db()
    assert session.capacity == 5


# The session page ----------------------------------------------------------------------------


def test_the_session_page_shows_what_a_person_needs_to_know(member, login, course, team):
    session = TrainingSessionFactory(
        course=course,
        capacity=4,
        venue="Dundee House",
        online_url="https://meet.example.org/x",
        facilitator="Ann Smith",
        audience="Social work managers",
    )
    BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    html = login(member).get(detail(session)).content.decode()
    for text in (
        "Opening Doors",
        "Dundee House",
        "https://meet.example.org/x",
        "Ann Smith",
        "Social work managers",
        "3 of 4",
        "No one waiting",
        "Book a place",
    ):
        assert text in html, text
    assert "Edit the session" not in html


def test_a_cancelled_session_says_so_and_offers_no_booking(member, login, session):
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    html = login(member).get(detail(session)).content.decode()
    assert "This session has been cancelled." in html and "Book a place" not in html


# Cancelling ----------------------------------------------------------------------------------


def test_cancelling_asks_to_confirm_then_tells_everyone_booked_by_email(
    admin, login, session, team, django_capture_on_commit_callbacks
):
    booked = [
        BookingFactory(session=session, staff=StaffMemberFactory(team=team)) for _ in range(2)
    ]
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    gone = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.CANCELLED
    )
    client = login(admin)
    page = client.get(f"{detail(session)}cancel/").content.decode()
    assert "2 people have places and 1 is on the waiting list" in page
    assert TrainingSession.objects.get().status == TrainingSession.Status.SCHEDULED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{detail(session)}cancel/", follow=True)
    assert "The session is cancelled. 3 people were told by e-mail." in response.content.decode()
    assert TrainingSession.objects.get().status == TrainingSession.Status.CANCELLED
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted([b.staff.email for b in booked] + [waiting.staff.email])
    assert gone.staff.email not in told
    assert all("Cancelled: Opening Doors" in m.subject for m in mail.outbox)


def test_a_session_that_has_started_cannot_be_cancelled(admin, login, course):
    past = TrainingSessionFactory(course=course, starts_at=timezone.now() - dt.timedelta(hours=1))
    client = login(admin)
    assert "it cannot be cancelled" in client.get(f"{detail(past)}cancel/").content.decode()
    html = client.post(f"{detail(past)}cancel/").content.decode()
    assert "There is a problem" in html and "already started, so it cannot be cancelled" in html
    assert TrainingSession.objects.get().status == TrainingSession.Status.SCHEDULED


def test_cancelling_twice_is_explained(admin, login, session):
    client = login(admin)
    client.post(f"{detail(session)}cancel/")
    assert (
        "This session is already cancelled."
        in client.post(f"{detail(session)}cancel/").content.decode()
    )


# Who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD, Role.LE_COORDINATOR])
def test_only_training_admins_may_add_edit_or_cancel_sessions(persona, login, session, role):
    client = login(persona(role))
    assert client.get(f"{base(session.partnership)}new/").status_code == 403
    assert (
        client.post(f"{base(session.partnership)}new/", form_data(session.course)).status_code
        == 403
    )
    assert client.get(f"{detail(session)}edit/").status_code == 403
    assert client.post(f"{detail(session)}cancel/").status_code == 403
    assert TrainingSession.objects.get().status == TrainingSession.Status.SCHEDULED
    assert TrainingSession.objects.count() == 1


def test_an_outsider_gets_not_found_on_every_session_page(outsider, login, session):
    client = login(outsider)
    for url in (
        base(session.partnership),
        f"{base(session.partnership)}new/",
        detail(session),
        f"{detail(session)}edit/",
        f"{detail(session)}cancel/",
        f"{detail(session)}attendance/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{detail(session)}cancel/").status_code == 404
    assert TrainingSession.objects.get().status == TrainingSession.Status.SCHEDULED


def test_a_session_of_another_partnership_is_not_found_through_ones_own(outsider, login, session):
    url = f"/p/{outsider.partnership.slug}/sessions/{session.pk}/"
    client = login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}edit/").status_code == 404
    assert client.post(f"{url}cancel/").status_code == 404


def test_people_booked_are_told_when_the_time_or_place_changes(
    admin, login, course, team, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(
        course=course, capacity=1, venue="Dundee House", starts_at=on_the_minute()
    )
    booked = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.CANCELLED
    )
    data = form_as_saved(session, capacity="1", venue="Caird Hall")
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(f"{detail(session)}edit/", data)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booked.staff.email, waiting.staff.email])
    assert all("Caird Hall" in m.body and m.subject.startswith("Changed:") for m in mail.outbox)


def test_nobody_is_told_when_only_the_facilitator_changes(
    admin, login, course, team, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(
        course=course, capacity=5, venue="Dundee House", starts_at=on_the_minute()
    )
    BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    data = form_as_saved(session, capacity="5", venue="Dundee House", facilitator="Someone else")
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(f"{detail(session)}edit/", data)
    assert mail.outbox == []
