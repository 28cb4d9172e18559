"""Booking several people onto a session through the API: an outcome per person, scoped
exactly like the page (a manager only their teams), unknown people refused one by one
without saying whether they exist."""

import datetime as dt

from tiptracker.partnerships.models import Role
from tiptracker.training.models import Booking
from tiptracker.training.tests.factories import BookingFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory


def url(session):
    return f"/api/partnerships/{session.partnership.slug}/sessions/{session.pk}/bookings/"


def test_an_administrator_books_several_people_with_an_outcome_each(api, admin, ours):
    session = TrainingSessionFactory(course=ours.course, capacity=1)
    gone = StaffMemberFactory(team=ours.team, staff_id="GONE-1", leaving_date=dt.date(2020, 1, 1))
    waiting = StaffMemberFactory(team=ours.team, staff_id="W-1")
    response = api(admin).post(
        url(session),
        {
            "staff_ids": [
                ours.person.staff_id,
                gone.staff_id,
                waiting.staff_id,
                ours.person.staff_id,
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    booked = Booking.objects.get(staff=ours.person)
    queued = Booking.objects.get(staff=waiting)
    assert response.json() == {
        "outcomes": [
            {
                "staff_id": ours.person.staff_id,
                "outcome": "booked",
                "reason": "",
                "booking": booked.pk,
            },
            {
                "staff_id": "GONE-1",
                "outcome": "refused",
                "reason": f"{gone} left on 1 January 2020, before this session.",
                "booking": None,
            },
            {"staff_id": "W-1", "outcome": "waitlisted", "reason": "", "booking": queued.pk},
        ]
    }
    assert queued.status == Booking.Status.WAITLISTED and booked.booked_by == admin.user


def test_someone_booked_already_is_already_booked(api, admin, ours):
    # ours.session's one place is held by ours.other_person.
    response = api(admin).post(
        url(ours.session), {"staff_ids": [ours.other_person.staff_id]}, format="json"
    )
    [outcome] = response.json()["outcomes"]
    assert outcome["outcome"] == "already_booked"
    assert outcome["reason"] == f"{ours.other_person} already has a place on this session."


def test_a_manager_books_their_team_and_others_are_not_found_without_a_leak(
    api, persona, ours, theirs
):
    manager = persona(Role.MANAGER, teams=[ours.team])
    session = TrainingSessionFactory(course=ours.course, capacity=5)
    ids = [ours.person.staff_id, ours.other_person.staff_id, theirs.person.staff_id, "NO-SUCH"]
    response = api(manager).post(url(session), {"staff_ids": ids}, format="json")
    assert response.status_code == 200
    outcomes = response.json()["outcomes"]
    assert [o["outcome"] for o in outcomes] == ["booked", "refused", "refused", "refused"]
    # Another team's person, another partnership's, and no one at all: the same words.
    for outcome in outcomes[1:]:
        assert outcome["reason"] == (
            f"Not found: there is no one with staff ID '{outcome['staff_id']}' whom you can book."
        )
    assert list(Booking.objects.filter(session=session).values_list("staff", flat=True)) == [
        ours.person.pk
    ]


def test_a_staff_member_may_not_book_others_here(api, member, ours):
    session = TrainingSessionFactory(course=ours.course)
    response = api(member).post(url(session), {"staff_ids": [member.staff.staff_id]}, format="json")
    assert response.status_code == 403
    assert not Booking.objects.filter(session=session).exists()


def test_another_partnerships_session_is_not_found(api, admin, theirs):
    response = api(admin).post(
        url(theirs.session).replace(theirs.partnership.slug, admin.partnership.slug),
        {"staff_ids": ["x"]},
        format="json",
    )
    assert response.status_code == 404


def test_a_bad_body_is_400_with_the_fields_errors(api, admin, ours):
    client = api(admin)
    session = TrainingSessionFactory(course=ours.course)
    assert client.post(url(session), {}, format="json").json() == {
        "detail": "staff_ids: This field is required.",
        "errors": {"staff_ids": ["This field is required."]},
    }
    assert client.post(url(session), {"staff_ids": []}, format="json").status_code == 400
    errors = client.post(url(session), {"staff_ids": ["x" * 65, ""]}, format="json").json()
    assert set(errors["errors"]) == {"staff_ids.0", "staff_ids.1"}
    too_many = client.post(url(session), {"staff_ids": [str(n) for n in range(101)]}, format="json")
    assert too_many.status_code == 400 and "staff_ids" in too_many.json()["errors"]
    assert client.post(url(session), {"staff_ids": "S1"}, format="json").status_code == 400
    assert not Booking.objects.filter(session=session).exists()


def test_the_schema_documents_the_operation(api, admin):
    schema = api(admin).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/partnerships/{slug}/sessions/{id}/bookings/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "staff_ids" in schema["components"]["schemas"][body.rsplit("/", 1)[1]]["required"]
    assert "200" in operation["responses"] and "400" in operation["responses"]
    outcome = schema["components"]["schemas"]["BookingOutcome"]
    assert outcome["enum"] == ["booked", "waitlisted", "already_booked", "refused"]


def test_an_unchanged_booking_keeps_its_place_when_booked_again(api, admin, ours):
    session = TrainingSessionFactory(course=ours.course, capacity=3)
    first = BookingFactory(session=session, staff=ours.person)
    api(admin).post(url(session), {"staff_ids": [ours.person.staff_id]}, format="json")
    assert list(Booking.objects.filter(session=session)) == [first]
