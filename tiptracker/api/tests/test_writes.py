"""Bookings, cancellations and completions through the API: the same services as the
pages, their refusals as 400 answers naming what was wrong."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Booking, Completion
from tiptracker.training.tests.factories import BookingFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory


def url(partnership, path):
    return f"/api/partnerships/{partnership.slug}/{path}"


# Booking ------------------------------------------------------------------------------------


def test_a_staff_member_books_themselves_onto_a_session_with_places(api, member, ours):
    session = TrainingSessionFactory(course=ours.course, capacity=5)
    response = api(member).post(
        url(ours.partnership, "bookings/"), {"session": session.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "booked"
    assert body["staff"]["staff_id"] == member.staff.staff_id
    assert body["session"]["id"] == session.pk and body["session"]["course"]["code"] == "TI-1"
    assert Booking.objects.get(pk=body["id"]).booked_by == member.user


def test_it_puts_a_booking_on_the_waiting_list_when_the_session_is_full(api, member, ours):
    # ours.session has one place, already taken.
    response = api(member).post(
        url(ours.partnership, "bookings/"),
        {"session": ours.session.pk, "staff_id": member.staff.staff_id},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"


def test_booking_the_same_session_twice_is_400_with_a_message(api, member, ours):
    client = api(member)
    session = TrainingSessionFactory(course=ours.course)
    assert (
        client.post(
            url(ours.partnership, "bookings/"), {"session": session.pk}, format="json"
        ).status_code
        == 201
    )
    response = client.post(
        url(ours.partnership, "bookings/"), {"session": session.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == f"{member.staff} already has a place on this session."
    assert Booking.objects.filter(session=session).count() == 1


def test_booking_a_past_session_is_400_and_writes_nothing(api, member, ours):
    past = TrainingSessionFactory(
        course=ours.course, starts_at=timezone.now() - dt.timedelta(days=1)
    )
    response = api(member).post(
        url(ours.partnership, "bookings/"), {"session": past.pk}, format="json"
    )
    assert response.status_code == 409
    assert "already started" in response.json()["detail"]
    assert not Booking.objects.filter(session=past).exists()


def test_a_staff_member_may_not_book_someone_else(api, member, ours):
    response = api(member).post(
        url(ours.partnership, "bookings/"),
        {"session": ours.session.pk, "staff_id": ours.person.staff_id},
        format="json",
    )
    assert response.status_code == 403
    assert not Booking.objects.filter(staff=ours.person).exists()


def test_a_manager_books_someone_in_their_team_but_not_in_another(api, persona, ours):
    manager = persona(Role.MANAGER, teams=[ours.team])
    client = api(manager)
    session = TrainingSessionFactory(course=ours.course)
    mine = client.post(
        url(ours.partnership, "bookings/"),
        {"session": session.pk, "staff_id": ours.person.staff_id},
        format="json",
    )
    assert mine.status_code == 201
    theirs = client.post(
        url(ours.partnership, "bookings/"),
        {"session": session.pk, "staff_id": ours.other_person.staff_id},
        format="json",
    )
    assert theirs.status_code == 409
    assert list(theirs.json()["errors"]) == ["staff_id"]


def test_booking_needs_a_session_and_says_so(api, member, ours):
    response = api(member).post(
        url(ours.partnership, "bookings/"), {"session": "next tuesday"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "session: A valid integer is required.",
        "errors": {"session": ["A valid integer is required."]},
    }


def test_booking_another_partnerships_session_is_refused_like_one_that_does_not_exist(
    api, member, ours, theirs
):
    response = api(member).post(
        url(ours.partnership, "bookings/"), {"session": theirs.session.pk}, format="json"
    )
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["session"]
    assert theirs.partnership.name not in response.content.decode()


def test_someone_without_a_staff_record_must_say_whom_to_book(api, admin, ours):
    response = api(admin).post(
        url(ours.partnership, "bookings/"), {"session": ours.session.pk}, format="json"
    )
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["staff_id"]


# Cancelling ----------------------------------------------------------------------------------


def test_cancelling_a_place_promotes_the_longest_waiting_person_and_tells_them(
    api, admin, ours, django_capture_on_commit_callbacks
):
    waiting = BookingFactory(
        session=ours.session, staff=ours.person, status=Booking.Status.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api(admin).post(url(ours.partnership, f"bookings/{ours.booking.pk}/cancel/"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.BOOKED
    assert [m.to for m in mail.outbox] == [[ours.person.email]]


def test_a_staff_member_cancels_their_own_booking(api, member, ours):
    booking = BookingFactory(
        session=ours.session, staff=member.staff, status=Booking.Status.WAITLISTED
    )
    response = api(member).post(url(ours.partnership, f"bookings/{booking.pk}/cancel/"))
    assert response.status_code == 200
    assert (
        api(member).get(url(ours.partnership, f"bookings/{booking.pk}/")).json()["status"]
        == "cancelled"
    )


def test_cancelling_twice_is_400(api, admin, ours):
    client = api(admin)
    client.post(url(ours.partnership, f"bookings/{ours.booking.pk}/cancel/"))
    response = client.post(url(ours.partnership, f"bookings/{ours.booking.pk}/cancel/"))
    assert response.status_code == 409
    assert response.json()["detail"] == "This booking is already cancelled."


# Completions -----------------------------------------------------------------------------------


def test_a_training_admin_records_a_completion(api, persona, ours):
    officer = persona(Role.LD_OFFICER)
    response = api(officer).post(
        url(ours.partnership, "completions/"),
        {
            "staff_id": ours.other_person.staff_id,
            "course_code": "TI-1",
            "completed_on": "2022-05-04",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["staff"]["staff_id"] == ours.other_person.staff_id
    assert body["course"] == {
        "id": ours.course.pk,
        "code": "TI-1",
        "title": ours.course.title,
        "level": "informed",
    }
    assert body["completed_on"] == "2022-05-04" and body["source"] == "manual"


def test_recording_the_same_completion_twice_keeps_one(api, admin, ours):
    data = {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": "2022-03-01"}
    assert (
        api(admin).post(url(ours.partnership, "completions/"), data, format="json").status_code
        == 201
    )
    assert Completion.objects.filter(staff=ours.person).count() == 1


def test_a_completion_in_the_future_is_400_naming_the_date(api, admin, ours):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = api(admin).post(
        url(ours.partnership, "completions/"),
        {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": tomorrow},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["errors"] == {"completed_on": ["A completion cannot be in the future."]}


def test_a_completion_names_each_missing_or_unknown_field(api, admin, ours, theirs):
    client = api(admin)
    missing = client.post(
        url(ours.partnership, "completions/"), {"staff_id": ours.person.staff_id}, format="json"
    )
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"course_code", "completed_on"}
    bad_date = client.post(
        url(ours.partnership, "completions/"),
        {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": "2022-02-30"},
        format="json",
    )
    assert list(bad_date.json()["errors"]) == ["completed_on"]
    # Another partnership's person is "no such person", exactly like a made-up one.
    elsewhere = client.post(
        url(ours.partnership, "completions/"),
        {"staff_id": theirs.person.staff_id, "course_code": "TI-1", "completed_on": "2022-02-03"},
        format="json",
    )
    made_up = client.post(
        url(ours.partnership, "completions/"),
        {"staff_id": "nobody", "course_code": "TI-1", "completed_on": "2022-02-03"},
        format="json",
    )
    assert elsewhere.status_code == made_up.status_code == 409
    assert elsewhere.json() == made_up.json() and list(made_up.json()["errors"]) == ["staff_id"]
    unknown_course = client.post(
        url(ours.partnership, "completions/"),
        {"staff_id": ours.person.staff_id, "course_code": "NOPE", "completed_on": "2022-02-03"},
        format="json",
    )
    assert unknown_course.status_code == 409
    assert list(unknown_course.json()["errors"]) == ["course_code"]
    assert Completion.objects.filter(partnership=ours.partnership).count() == 1


def test_a_new_person_can_be_booked_after_they_are_added(api, admin, ours):
    # The API reads the same rows the pages and imports write: nothing is cached.
    newcomer = StaffMemberFactory(team=ours.team)
    session = TrainingSessionFactory(course=ours.course)
    response = api(admin).post(
        url(ours.partnership, "bookings/"),
        {"session": session.pk, "staff_id": newcomer.staff_id},
        format="json",
    )
    assert response.status_code == 201
