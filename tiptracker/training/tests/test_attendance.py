"""Marking attendance: the history is kept, and attending records a completion."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Role
from tiptracker.training.completions import attendance_mark
from tiptracker.training.coverage import coverage
from tiptracker.training.models import AttendanceMark, Booking, Completion, TrainingSession
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory


def url(session):
    return f"/p/{session.partnership.slug}/sessions/{session.pk}/attendance/"


@pytest.fixture
def session(partnership):
    start = timezone.now() - dt.timedelta(hours=3)
    return TrainingSessionFactory(
        course=CourseFactory(partnership=partnership, title="Opening Doors"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


@pytest.fixture
def booking(session, team):
    return BookingFactory(
        session=session, staff=StaffMemberFactory(team=team, first_name="Ailsa", last_name="Craig")
    )


def informed(partnership):
    totals = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=today()
    ).totals
    row = next(r for r in totals if r.level == 1)
    return row.needed, row.met


def test_the_page_lists_people_with_a_place_with_a_choice_each(
    admin, login, session, booking, team
):
    waiting = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, last_name="Waitingperson"),
        status=Booking.Status.WAITLISTED,
    )
    html = login(admin).get(url(session)).content.decode()
    assert "Ailsa Craig" in html
    assert f'name="attendance-{booking.pk}" type="radio" value="attended"' in html
    assert f'name="attendance-{booking.pk}" type="radio" value="partly"' in html
    assert f'name="attendance-{booking.pk}" type="radio" value="no_show"' in html
    assert "Waitingperson" not in html and f"attendance-{waiting.pk}" not in html


def test_attending_records_a_completion_that_coverage_counts(
    admin, login, session, booking, partnership
):
    assert informed(partnership) == (1, 0)
    response = login(admin).post(
        url(session), {f"attendance-{booking.pk}": "attended"}, follow=True
    )
    assert "Attendance saved: 1 change." in response.content.decode()
    completion = Completion.objects.get()
    assert (completion.staff, completion.course, completion.source, completion.booking) == (
        booking.staff,
        session.course,
        Completion.Source.ATTENDANCE,
        booking,
    )
    assert completion.completed_on == timezone.localtime(session.ends_at).date()
    assert informed(partnership) == (1, 1)


def test_correcting_to_did_not_attend_removes_the_completion_and_keeps_the_history(
    admin, login, session, booking, partnership
):
    client = login(admin)
    client.post(url(session), {f"attendance-{booking.pk}": "attended"})
    client.post(url(session), {f"attendance-{booking.pk}": "no_show"})
    assert not Completion.objects.exists()
    assert informed(partnership) == (1, 0)
    assert list(AttendanceMark.objects.order_by("id").values_list("attendance", flat=True)) == [
        "attended",
        "no_show",
    ]
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.NO_SHOW
    html = client.get(url(session)).content.decode()
    who = admin.user.email
    assert f"Marked attended by {who} at " in html
    assert f"Changed from attended to did not attend by {who} at " in html


def test_partly_attended_records_no_completion(admin, login, session, booking):
    login(admin).post(url(session), {f"attendance-{booking.pk}": "partly"})
    assert not Completion.objects.exists()
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.PARTLY


def test_saving_the_same_mark_again_adds_no_history(admin, login, session, booking):
    client = login(admin)
    client.post(url(session), {f"attendance-{booking.pk}": "attended"})
    response = client.post(url(session), {f"attendance-{booking.pk}": "attended"}, follow=True)
    assert "Attendance saved: 0 changes." in response.content.decode()
    assert AttendanceMark.objects.count() == 1 and Completion.objects.count() == 1


def test_people_left_unmarked_stay_unmarked(admin, login, session, booking, team):
    other = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
    login(admin).post(url(session), {f"attendance-{booking.pk}": "attended"})
    other.refresh_from_db()
    assert other.attendance == "" and not other.marks.exists()


@pytest.mark.parametrize("status", [Booking.Status.WAITLISTED, Booking.Status.CANCELLED])
def test_marking_someone_not_booked_is_refused_and_nothing_is_saved(
    admin, login, session, booking, team, status
):
    not_booked = BookingFactory(
        session=session,
        staff=StaffMemberFactory(team=team, first_name="Not", last_name="Booked"),
        status=status,
    )
    response = login(admin).post(
        url(session),
        {f"attendance-{booking.pk}": "attended", f"attendance-{not_booked.pk}": "attended"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        "Not Booked is" in html
        and "not booked on this session, so attendance cannot be marked for them" in html
    )
    assert not AttendanceMark.objects.exists() and not Completion.objects.exists()
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_marking_a_booking_of_another_session_is_refused(
    admin, login, session, booking, partnership, team
):
    elsewhere = BookingFactory(
        session=TrainingSessionFactory(course=session.course, starts_at=session.starts_at),
        staff=StaffMemberFactory(team=team),
    )
    html = (
        login(admin).post(url(session), {f"attendance-{elsewhere.pk}": "attended"}).content.decode()
    )
    assert "is not booked on this session, so nothing was saved" in html
    assert not AttendanceMark.objects.exists()


def test_a_mark_that_is_not_one_of_the_choices_is_refused(admin, login, session, booking):
    html = login(admin).post(url(session), {f"attendance-{booking.pk}": "asleep"}).content.decode()
    assert "Choose attended, partly attended or did not attend for Ailsa Craig" in html
    assert f'href="#id_attendance-{booking.pk}_0"' in html
    assert not AttendanceMark.objects.exists()


def test_attendance_waits_until_the_session_has_started(admin, login, partnership, team):
    upcoming = TrainingSessionFactory(course=CourseFactory(partnership=partnership))
    booking = BookingFactory(session=upcoming, staff=StaffMemberFactory(team=team))
    client = login(admin)
    assert (
        "Attendance can be marked once the session has started."
        in client.get(url(upcoming)).content.decode()
    )
    html = client.post(url(upcoming), {f"attendance-{booking.pk}": "attended"}).content.decode()
    assert "Attendance can be marked once the session has started." in html
    assert not AttendanceMark.objects.exists()


def test_the_service_refuses_a_waiting_list_booking(session, team, admin):
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    with pytest.raises(ValidationError, match="not booked on this session"):
        attendance_mark(actor=admin.user, booking=waiting, attendance=Booking.Attendance.ATTENDED)


def test_a_cancelled_session_has_no_attendance_to_mark(admin, login, session, booking):
    session.status = TrainingSession.Status.CANCELLED
    session.save()
    client = login(admin)
    assert "This session was cancelled" in client.get(url(session)).content.decode()
    client.post(url(session), {f"attendance-{booking.pk}": "attended"})
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD, Role.LE_COORDINATOR])
def test_only_training_admins_mark_attendance(persona, login, session, booking, role):
    client = login(persona(role))
    assert client.get(url(session)).status_code == 403
    assert client.post(url(session), {f"attendance-{booking.pk}": "attended"}).status_code == 403
    assert not AttendanceMark.objects.exists()


def test_an_outsider_gets_not_found(outsider, login, session, booking):
    client = login(outsider)
    assert client.get(url(session)).status_code == 404
    assert client.post(url(session), {f"attendance-{booking.pk}": "attended"}).status_code == 404
    assert (
        client.post(
            f"/p/{outsider.partnership.slug}/sessions/{session.pk}/attendance/",
            {f"attendance-{booking.pk}": "attended"},
        ).status_code
        == 404
    )
    assert not AttendanceMark.objects.exists()


def test_the_page_takes_the_same_number_of_queries_for_2_and_20_people(
    admin, login, session, team, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            b = BookingFactory(session=session, staff=StaffMemberFactory(team=team))
            AttendanceMark.objects.create(
                partnership=session.partnership,
                booking=b,
                attendance="partly",
                marked_by=admin.user,
            )

    client = login(admin)
    add(2)
    client.get(url(session))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(session)).status_code == 200
    add(18)
    with django_assert_num_queries(len(few)):
        html = client.get(url(session)).content.decode()
    assert html.count("Marked partly attended by") == 20
