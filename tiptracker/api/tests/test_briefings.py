"""Briefing guests and invitations through the API: training admins only, the same
services as the pages, refusals as 400 answers naming the field."""

from django.core import mail

from tiptracker.partnerships.models import Role
from tiptracker.training.models import Booking, Guest
from tiptracker.training.tests.factories import (
    BookingFactory,
    GuestFactory,
    InvitationFactory,
    TrainingSessionFactory,
)


def url(partnership, path):
    return f"/api/partnerships/{partnership.slug}/{path}"


def test_a_training_admin_lists_and_reads_guests(api, admin, ours):
    guest = GuestFactory(partnership=ours.partnership, name="Councillor Ann Muir")
    listed = api(admin).get(url(ours.partnership, "guests/"))
    assert listed.status_code == 200
    assert listed.json()["results"] == [
        {
            "id": guest.pk,
            "name": "Councillor Ann Muir",
            "email": guest.email,
            "kind": "elected_member",
            "organisation": guest.organisation,
        }
    ]
    assert api(admin).get(url(ours.partnership, f"guests/{guest.pk}/")).json()["id"] == guest.pk


def test_members_who_do_not_run_training_cannot_see_guests(api, persona, ours):
    guest = GuestFactory(partnership=ours.partnership)
    for role in (Role.STAFF, Role.BOARD, Role.MANAGER):
        client = api(persona(role))
        assert client.get(url(ours.partnership, "guests/")).status_code == 403
        assert client.get(url(ours.partnership, f"guests/{guest.pk}/")).status_code == 403


def test_an_outsider_gets_404_and_another_partnerships_guest_is_404(api, outsider, admin, ours):
    theirs = GuestFactory(partnership=outsider.partnership)
    assert api(outsider).get(url(ours.partnership, "guests/")).status_code == 404
    assert api(admin).get(url(ours.partnership, f"guests/{theirs.pk}/")).status_code == 404


def test_a_training_admin_adds_a_guest_and_a_bad_address_is_400(api, admin, ours):
    client = api(admin)
    created = client.post(
        url(ours.partnership, "guests/"),
        {"name": "Mr Tom Reid", "email": "tom.reid@example.org", "kind": "board_member"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["kind"] == "board_member"
    bad = client.post(
        url(ours.partnership, "guests/"),
        {"name": "Mr Tom Reid", "email": "tom.reid", "kind": "board_member"},
        format="json",
    )
    assert bad.status_code == 409 and "email" in bad.json()["errors"]
    wrong_kind = client.post(
        url(ours.partnership, "guests/"),
        {"name": "X", "email": "x@example.org", "kind": "king"},
        format="json",
    )
    assert wrong_kind.status_code == 409 and "kind" in wrong_kind.json()["errors"]
    assert Guest.objects.count() == 1


def test_a_training_admin_invites_guests_and_reinviting_changes_nothing(
    api, admin, ours, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(course=ours.course, capacity=5)
    guest = GuestFactory(partnership=ours.partnership)
    path = url(ours.partnership, f"sessions/{session.pk}/invitations/")
    client = api(admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(path, {"guests": [guest.pk]}, format="json")
    assert first.status_code == 201
    assert [i["guest"]["id"] for i in first.json()["invited"]] == [guest.pk]
    assert first.json()["invited"][0]["status"] == "invited"
    assert [m.to for m in mail.outbox] == [[guest.email]]
    again = client.post(path, {"guests": [guest.pk]}, format="json")
    assert again.json() == {
        "invited": [],
        "already_invited": [{"id": guest.pk, "name": guest.name}],
        "refused": [],
    }
    listed = client.get(path).json()["results"]
    assert [(i["guest"]["id"], i["status"]) for i in listed] == [(guest.pk, "invited")]


def test_a_guest_booked_already_as_staff_is_refused_with_the_reason(api, admin, ours):
    session = TrainingSessionFactory(course=ours.course, capacity=5)
    ours.person.email = "person@example.org"
    ours.person.save()
    BookingFactory(session=session, staff=ours.person)
    guest = GuestFactory(partnership=ours.partnership, email="Person@Example.org")
    path = url(ours.partnership, f"sessions/{session.pk}/invitations/")
    body = api(admin).post(path, {"guests": [guest.pk]}, format="json").json()
    assert body["invited"] == [] and body["already_invited"] == []
    assert body["refused"] == [
        {
            "guest": {"id": guest.pk, "name": guest.name},
            "reason": f"{guest.name} has a place on this session as a member of staff "
            f"({ours.person}, staff ID {ours.person.staff_id}), with the same e-mail address, "
            "so they cannot also be invited as a guest.",
        }
    ]


def test_inviting_a_guest_you_cannot_see_is_400_and_sends_nothing(api, admin, ours, outsider):
    session = TrainingSessionFactory(course=ours.course)
    theirs = GuestFactory(partnership=outsider.partnership)
    response = api(admin).post(
        url(ours.partnership, f"sessions/{session.pk}/invitations/"),
        {"guests": [theirs.pk]},
        format="json",
    )
    assert response.status_code == 409 and "guests" in response.json()["errors"]
    assert not Booking.objects.filter(guest__isnull=False).exists()


def test_a_training_admin_records_a_reply(api, admin, ours):
    invitation = InvitationFactory(session=TrainingSessionFactory(course=ours.course))
    path = url(ours.partnership, f"invitations/{invitation.pk}/reply/")
    client = api(admin)
    assert client.post(path, {"answer": "maybe"}, format="json").status_code == 409
    response = client.post(path, {"answer": "accept"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "booked"


def test_a_guests_booking_in_the_bookings_list_has_no_staff(api, admin, member, ours):
    invitation = InvitationFactory(session=ours.session, status=Booking.Status.DECLINED)
    rows = api(admin).get(url(ours.partnership, "bookings/")).json()["results"]
    row = next(r for r in rows if r["id"] == invitation.pk)
    assert row["staff"] is None
    assert row["guest"] == {"id": invitation.guest_id, "name": invitation.guest.name}
    assert row["status"] == "declined"
    # A staff member sees only their own bookings: never a guest's.
    own = api(member).get(url(ours.partnership, "bookings/")).json()["results"]
    assert all(r["guest"] is None for r in own)


def test_a_guests_details_are_changed_through_the_api_and_checked(api, admin, member, partnership):
    from tiptracker.training.tests.factories import GuestFactory

    guest = GuestFactory(partnership=partnership, name="Cllr Old Name")
    other = GuestFactory(partnership=partnership)
    path = f"/api/partnerships/{partnership.slug}/guests/{guest.pk}/"
    assert api(member).patch(path, {"name": "x"}, format="json").status_code == 403
    response = api(admin).patch(path, {"name": "Councillor New Name"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Councillor New Name"
    guest.refresh_from_db()
    assert guest.email and guest.name == "Councillor New Name"
    taken = api(admin).patch(path, {"email": other.email.upper()}, format="json")
    assert taken.status_code == 409 and "email" in taken.json()["errors"]
