"""What a security review found, each pinned by a test."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tiptracker.lib.exports import neutralise
from tiptracker.partnerships.models import Role
from tiptracker.training.bookings import booking_cancel
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory

PASSWORD = "correct horse battery staple"


def attempt(client, membership, password, forwarded_for):
    return client.post(
        "/login/",
        {"username": membership.user.username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_trusted_proxy_one_persons_failures_do_not_lock_out_another_address(
    admin, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _ in range(2):
        attempt(client, admin, "wrong", "203.0.113.9")
    assert attempt(client, admin, PASSWORD, "203.0.113.9").status_code == 429
    assert attempt(Client(), admin, PASSWORD, "198.51.100.7").status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_header_changes_nothing(admin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for _ in range(2):
        attempt(client, admin, "wrong", "203.0.113.9")
    assert attempt(Client(), admin, PASSWORD, "198.51.100.7").status_code == 429


def test_a_line_break_in_a_course_title_neither_breaks_the_page_nor_the_e_mail(
    member, login, partnership, team, django_capture_on_commit_callbacks
):
    course = CourseFactory(partnership=partnership, title="Intro\nBcc: someone@example.org")
    session = TrainingSessionFactory(course=course, capacity=1)
    mine = BookingFactory(session=session, staff=member.staff)
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(member).post(f"/p/{partnership.slug}/bookings/{mine.pk}/cancel/")
    assert response.status_code in (200, 302)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.BOOKED
    assert [m.subject for m in mail.outbox] == ["A place is yours: Intro Bcc: someone@example.org"]
    assert mail.outbox[0].to == [waiting.staff.email] and not mail.outbox[0].bcc


def test_a_mail_server_failure_is_logged_and_the_change_stands(
    member, partnership, team, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(course=CourseFactory(partnership=partnership), capacity=1)
    mine = BookingFactory(session=session, staff=member.staff)
    waiting = BookingFactory(
        session=session, staff=StaffMemberFactory(team=team), status=Booking.Status.WAITLISTED
    )

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=None, booking=mine)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.BOOKED
    assert "could not send the e-mail 'A place is yours" in caplog.text


def test_the_members_page_messages_are_not_kept_in_a_cookie(admin, login, partnership):
    client = login(admin)
    client.post(f"/p/{partnership.slug}/members/", {"email": "new@example.org", "role": "staff"})
    assert "messages" not in client.cookies


def test_adding_someone_who_is_already_a_member_is_refused_and_changes_nothing(
    admin, login, partnership
):
    response = login(admin).post(
        f"/p/{partnership.slug}/members/", {"email": admin.user.email, "role": "staff"}
    )
    assert "is already a member" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_a_garbled_authorization_header_is_refused_not_a_server_error(db):
    response = Client().get(
        "/api/partnerships/", HTTP_AUTHORIZATION=b"\xff\xfe x".decode("latin-1")
    )
    assert response.status_code == 401


def test_cells_that_a_spreadsheet_would_run_after_spaces_or_line_breaks_are_neutralised():
    assert neutralise(" =1+1") == "' =1+1"
    assert neutralise("\n=1+1") == "'\n=1+1"
    assert neutralise("-5") == "'-5"
    assert neutralise("Opening Doors") == "Opening Doors"
    assert neutralise(12) == 12


def test_the_admin_site_needs_a_second_factor_not_just_a_password(db):
    get_user_model().objects.create_superuser("root@example.org", "root@example.org", PASSWORD)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again: no one-time code
    assert client.get("/admin/").status_code == 302
