"""The briefings and guests page: the briefings with their replies and attendance, the guest
list sorted by surname, and removing a guest (refused once they have a briefing's record)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.briefings import guest_remove, guest_update
from tiptracker.training.models import Booking, Guest, TrainingSession
from tiptracker.training.names import name_sort_key
from tiptracker.training.selectors import briefings_for, guests_list_for
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    GuestFactory,
    InvitationFactory,
    TrainingSessionFactory,
)

Status, Attendance = Booking.Status, Booking.Attendance


@pytest.fixture
def course(partnership):
    return CourseFactory(partnership=partnership, title="Briefing for board and elected members")


def session_on(course, days: int, **kwargs) -> TrainingSession:
    return TrainingSessionFactory(
        course=course, starts_at=timezone.now() + dt.timedelta(days=days), **kwargs
    )


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Sorting by surname --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Councillor Jean Haldane", "haldane jean"),
        ("Dr Owen Maxwell", "maxwell owen"),
        ("Prof. Ann Lee OBE", "lee ann"),
        ("Jane Smith, MSP", "smith jane"),
        ("Haldane, Jean", "haldane jean"),
        ("Seán Ó Conaill", "conaill sean o"),
        ("Cher", "cher"),
        ("Dr", "dr"),
    ],
)
def test_a_name_sorts_by_its_surname_without_titles_or_letters_after_it(name, key):
    assert name_sort_key(name) == key


def test_the_guest_list_is_sorted_by_surname_not_title(partnership, admin, login):
    for name in ("Mr Quentin Ogilvie", "Councillor Alison Baird", "Dr Owen Maxwell"):
        GuestFactory(partnership=partnership, name=name)
    names = [g.name for g in guests_list_for(admin)]
    assert names == ["Councillor Alison Baird", "Dr Owen Maxwell", "Mr Quentin Ogilvie"]
    html = page(login(admin), f"/p/{partnership.slug}/guests/")
    assert html.index("Baird") < html.index("Maxwell") < html.index("Ogilvie")


def test_renaming_a_guest_moves_them_in_the_list(partnership):
    guest = GuestFactory(partnership=partnership, name="Councillor Alison Baird")
    guest_update(actor=None, guest=guest, name="Councillor Alison Young", email=guest.email,
                 kind=guest.kind)  # fmt: skip
    assert Guest.objects.get(pk=guest.pk).sort_name == "young alison"


def test_the_migration_gives_existing_guests_their_sort_key(partnership):
    guest = GuestFactory(partnership=partnership, name="Ms Tessa Souter")
    Guest.objects.filter(pk=guest.pk).update(sort_name="")
    migration = importlib.import_module("tiptracker.training.migrations.0003_guest_sort_name")
    migration.fill_sort_names(apps, None)
    assert Guest.objects.get(pk=guest.pk).sort_name == "souter tessa"


# The briefings and their counts --------------------------------------------------------------


@pytest.fixture
def past_briefing(course, partnership):
    """A briefing that took place: 4 invited (2 accepted, 1 declined, 1 no reply), one
    withdrawn invitation, one of the two attended; and a member of staff booked."""
    session = session_on(course, -30)
    InvitationFactory(session=session, status=Status.BOOKED, attendance=Attendance.ATTENDED)
    InvitationFactory(session=session, status=Status.BOOKED, attendance=Attendance.PARTLY)
    InvitationFactory(session=session, status=Status.DECLINED)
    InvitationFactory(session=session, status=Status.INVITED)
    InvitationFactory(session=session, status=Status.CANCELLED)
    BookingFactory(session=session, attendance=Attendance.ATTENDED)
    return session


def test_a_briefing_is_a_session_with_guests_invited_counted_in_one_query(
    past_briefing, course, admin, django_assert_num_queries
):
    session_on(course, 10)  # an ordinary session: no guests, not a briefing
    coming = session_on(course, 5)
    InvitationFactory(session=coming, status=Status.WAITLISTED)
    with django_assert_num_queries(1):
        found = {s.pk: s for s in briefings_for(admin)}
    assert set(found) == {past_briefing.pk, coming.pk}
    past = found[past_briefing.pk]
    assert (past.invited, past.accepted, past.declined, past.awaiting) == (4, 2, 1, 1)
    assert (past.attended, past.partly) == (1, 1)
    assert found[coming.pk].accepted == 1
    assert [s.pk for s in briefings_for(admin, past=True)] == [past_briefing.pk]
    assert [s.pk for s in briefings_for(admin, past=False)] == [coming.pk]


def test_another_partnerships_briefings_are_not_listed(admin, other_partnership):
    InvitationFactory(session=TrainingSessionFactory(course__partnership=other_partnership))
    assert not briefings_for(admin).exists()


def test_the_page_lists_the_briefings_with_their_counts_and_links(
    admin, login, partnership, past_briefing
):
    html = page(login(admin), f"/p/{partnership.slug}/guests/")
    assert '<h1 class="govuk-heading-xl">Briefings and guests</h1>' in html
    assert f"/sessions/{past_briefing.pk}/invitations/" in html
    assert f"/sessions/{past_briefing.pk}/attendance/" in html
    assert f"/p/{partnership.slug}/sessions/new/" in html  # how to set up a new one
    assert "and 1 partly" in html


def test_the_briefings_page_shows_those_to_come_and_past_ones(
    admin, login, partnership, past_briefing, course
):
    coming = session_on(course, 3)
    InvitationFactory(session=coming)
    client = login(admin)
    upcoming = page(client, f"/p/{partnership.slug}/briefings/")
    past = page(client, f"/p/{partnership.slug}/briefings/?when=past")
    assert f"/sessions/{coming.pk}/invitations/" in upcoming
    assert f"/sessions/{past_briefing.pk}/" not in upcoming
    assert f"/sessions/{past_briefing.pk}/attendance/" in past
    assert f"/sessions/{coming.pk}/" not in past


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.MANAGER])
def test_only_training_admins_see_the_briefings(persona, login, partnership, role):
    assert login(persona(role)).get(f"/p/{partnership.slug}/briefings/").status_code == 403


def test_an_outsider_is_refused_the_briefings(outsider, login, partnership):
    assert login(outsider).get(f"/p/{partnership.slug}/briefings/").status_code == 404


# Removing a guest ----------------------------------------------------------------------------


def test_a_guest_invited_only_to_briefings_to_come_is_removed_and_their_place_freed(
    partnership, course, django_capture_on_commit_callbacks
):
    guest = GuestFactory(partnership=partnership)
    full = session_on(course, 7, capacity=1)
    InvitationFactory(session=full, guest=guest, status=Status.BOOKED)
    waiting = InvitationFactory(session=full, status=Status.WAITLISTED)
    InvitationFactory(session=session_on(course, 9), guest=guest)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = guest_remove(actor=None, guest=guest)
    assert withdrawn == 2
    assert not Guest.objects.filter(pk=guest.pk).exists()
    assert not Booking.objects.filter(guest_id=guest.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.BOOKED
    assert [m.to for m in mail.outbox] == [[waiting.guest.email]]  # only the promoted one


@pytest.mark.parametrize("status", [Status.BOOKED, Status.DECLINED, Status.INVITED])
def test_a_guest_invited_to_a_briefing_that_took_place_is_kept(partnership, course, status):
    guest = GuestFactory(partnership=partnership, name="Councillor Nicola Laing")
    InvitationFactory(session=session_on(course, -3), guest=guest, status=status)
    upcoming = InvitationFactory(session=session_on(course, 3), guest=guest)
    with pytest.raises(ValidationError, match="Councillor Nicola Laing cannot be removed"):
        guest_remove(actor=None, guest=guest)
    assert Guest.objects.filter(pk=guest.pk).exists()
    assert Booking.objects.filter(pk=upcoming.pk).exists()  # nothing half done


def test_a_withdrawn_invitation_or_a_cancelled_briefing_keeps_no_record(partnership, course):
    guest = GuestFactory(partnership=partnership)
    InvitationFactory(session=session_on(course, -3), guest=guest, status=Status.CANCELLED)
    cancelled = session_on(course, -5, status=TrainingSession.Status.CANCELLED)
    InvitationFactory(session=cancelled, guest=guest)
    guest_remove(actor=None, guest=guest)
    assert not Guest.objects.filter(pk=guest.pk).exists()


def test_an_administrator_confirms_and_removes_a_guest(admin, login, partnership, course):
    guest = GuestFactory(partnership=partnership, name="Mr Victor Thom")
    InvitationFactory(session=session_on(course, 3), guest=guest)
    client = login(admin)
    url = f"/p/{partnership.slug}/guests/{guest.pk}/remove/"
    confirm = page(client, url)
    assert "Remove Mr Victor Thom" in confirm and "will be withdrawn" in confirm
    assert Guest.objects.filter(pk=guest.pk).exists()  # asking changes nothing
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Removed Mr Victor Thom from the guest list. 1 invitation to briefings" in html
    assert not Guest.objects.filter(pk=guest.pk).exists()


def test_removing_a_guest_with_a_record_is_refused_with_the_reason(
    admin, login, partnership, past_briefing
):
    guest = past_briefing.bookings.filter(status=Status.DECLINED).get().guest
    client = login(admin)
    url = f"/p/{partnership.slug}/guests/{guest.pk}/remove/"
    assert "cannot be removed from the guest list" in page(client, url)
    response = client.post(url)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Guest.objects.filter(pk=guest.pk).exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.MANAGER])
def test_only_training_admins_remove_guests(persona, login, partnership, role):
    guest = GuestFactory(partnership=partnership)
    client = login(persona(role))
    assert client.post(f"/p/{partnership.slug}/guests/{guest.pk}/remove/").status_code == 403
    assert Guest.objects.filter(pk=guest.pk).exists()


def test_an_outsider_cannot_remove_a_guest(outsider, login, partnership):
    guest = GuestFactory(partnership=partnership)
    client = login(outsider)
    assert client.post(f"/p/{partnership.slug}/guests/{guest.pk}/remove/").status_code == 404
    assert Guest.objects.filter(pk=guest.pk).exists()


def test_another_partnerships_guest_cannot_be_removed(admin, login, other_partnership):
    theirs = GuestFactory(partnership=other_partnership)
    response = login(admin).post(f"/p/{admin.partnership.slug}/guests/{theirs.pk}/remove/")
    assert response.status_code == 404
    assert Guest.objects.filter(pk=theirs.pk).exists()
