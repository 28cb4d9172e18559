"""The coaching, mentoring and peer network pages: who reads, who writes, the errors beside
their fields, and the same number of queries however many rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.network.coaching import (
    coaching_group_create,
    coaching_meeting_record,
    coaching_person_add,
)
from tiptracker.network.models import (
    CoachingAttendance,
    CoachingGroup,
    CoachingMeeting,
    CoachingPerson,
)
from tiptracker.partnerships.models import Role
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

Kind = CoachingGroup.Kind
# The list (current, then all) and a group's page: the session, user and membership (and an
# administrator's second factor), the count, the rows and the people of the page's groups; a
# group, its people, its meetings and their count, who came, its history.
EXPECTED_QUERIES = {Role.ADMIN: [7, 7, 10], Role.STAFF: [6, 6, 9]}
BASE = "/p/dundee-test/network/coaching/"


def a_pair(partnership, *, name="Ann and Bob", meetings=1):
    group = coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.COACHING,
        name=name,
        start_date=dt.date(2023, 1, 9),
    )
    team = TeamFactory(partnership=partnership)
    for role, first in ((CoachingPerson.Role.COACH, "Ann"), (CoachingPerson.Role.COACHEE, "Bob")):
        coaching_person_add(
            actor=None,
            group=group,
            person=StaffMemberFactory(team=team, first_name=first, last_name="Reid"),
            role=role,
        )
    for n in range(meetings):
        coaching_meeting_record(
            actor=None,
            group=group,
            on=dt.date(2023, 2, 1) + dt.timedelta(days=n),
            attendees=list(group.people.all()),
            themes=["safety", "reflective-practice"],
        )
    return group


def date(name: str, day: dt.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# Reading -----------------------------------------------------------------------------------


def test_every_member_reads_the_pairs_and_their_meetings_but_cannot_change_them(
    login, member, partnership
):
    group = a_pair(partnership)
    client = login(member)
    listed = client.get(BASE).content.decode()
    assert "Ann and Bob" in listed and "Coaching pair" in listed
    assert "Add a pair or group" not in listed
    page = client.get(f"{BASE}{group.pk}/").content.decode()
    assert "1 February 2023" in page and "Safety, Reflective practice" in page
    assert "Ann Reid" in page and "Coach" in page
    assert "Record a meeting" not in page and "/edit/" not in page
    # Staff IDs stay with those who see the staff records.
    assert group.people.first().person.staff_id not in page
    assert client.post(f"{BASE}new/", {"kind": "peer"}).status_code == 403
    assert client.get(f"{BASE}{group.pk}/meetings/new/").status_code == 403


def test_the_list_shows_current_or_ended_groups_of_one_kind(login, member, partnership):
    a_pair(partnership, name="Running pair")
    ended = a_pair(partnership, name="Finished pair")
    CoachingGroup.objects.filter(pk=ended.pk).update(end_date=dt.date(2023, 6, 30))
    client = login(member)
    current = client.get(BASE).content.decode()
    assert "Running pair" in current and "Finished pair" not in current
    past = client.get(f"{BASE}?when=ended").content.decode()
    assert "Finished pair" in past and "Running pair" not in past
    peers = client.get(f"{BASE}?when=all&kind=peer").content.decode()
    assert "Running pair" not in peers and "No pairs or groups match" in peers


def test_the_network_page_links_to_coaching(login, member):
    assert BASE in login(member).get("/p/dundee-test/network/").content.decode()


# Writing -----------------------------------------------------------------------------------


def test_an_ld_officer_sets_up_a_pair_finds_its_people_and_records_a_meeting(
    login, ld, partnership, team
):
    ann = StaffMemberFactory(team=team, first_name="Ann", last_name="Ogilvie", staff_id="A1")
    bob = StaffMemberFactory(team=team, first_name="Bob", last_name="Ogilvie", staff_id="B1")
    client = login(ld)
    response = client.post(
        f"{BASE}new/",
        {"kind": "mentoring", "name": "Ann mentors Bob", **date("start_date", dt.date(2023, 3, 1))},
    )
    group = CoachingGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{group.pk}/"
    found = client.get(f"{BASE}{group.pk}/people/add/?q=ogilvie").content.decode()
    assert "Ann Ogilvie (A1)" in found and "Bob Ogilvie (B1)" in found
    for person, role in ((ann, "mentor"), (bob, "mentee")):
        response = client.post(
            f"{BASE}{group.pk}/people/add/", {"q": "ogilvie", "person": person.pk, "role": role}
        )
        assert response.status_code == 302
    # Someone in the group is not offered again.
    again = client.get(f"{BASE}{group.pk}/people/add/?q=ogilvie").content.decode()
    assert "Ann Ogilvie (A1)" not in again
    people = list(group.people.order_by("role"))
    response = client.post(
        f"{BASE}{group.pk}/meetings/new/",
        {
            **date("date", dt.date(2023, 3, 8)),
            "attendees": [p.pk for p in people],
            "themes": ["trust", "leadership"],
        },
    )
    assert response.status_code == 302
    meeting = CoachingMeeting.objects.get()
    assert meeting.themes == ["trust", "leadership"] and meeting.recorded_by == ld.user
    assert set(meeting.attendees.all()) == set(people)
    page = client.get(f"{BASE}{group.pk}/").content.decode()
    assert "8 March 2023" in page and "Trust, Leadership" in page
    assert "Who changed what, when" in page and "Added: Meeting on 8 March 2023" in page


def test_a_meeting_with_bad_input_shows_each_error_beside_its_field_and_saves_nothing(
    login, admin, partnership
):
    group = a_pair(partnership, meetings=0)
    coach = group.people.first()
    response = login(admin).post(
        f"{BASE}{group.pk}/meetings/new/",
        {**date("date", dt.date.today() + dt.timedelta(days=2)), "attendees": [coach.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_date-error"' in page and "cannot be in the future" in page
    assert 'id="id_themes-error"' in page and "Choose at least one theme" in page
    assert 'id="id_attendees-error"' in page and "at least two people who came" in page
    assert "There is a problem" in page
    assert not CoachingMeeting.objects.exists() and not CoachingAttendance.objects.exists()
    response = login(admin).post(
        f"{BASE}{group.pk}/meetings/new/",
        {**date("date", dt.date(2023, 3, 1)), "attendees": [coach.pk], "themes": ["safety"]},
    )
    page = response.content.decode()
    assert 'id="id_attendees-error"' in page and "at least two people" in page
    assert not CoachingMeeting.objects.exists()


def test_a_meeting_is_edited_and_deleted(login, admin, partnership):
    group = a_pair(partnership)
    meeting = group.meetings.get()
    client = login(admin)
    response = client.post(
        f"{BASE}{group.pk}/meetings/{meeting.pk}/edit/",
        {
            **date("date", dt.date(2023, 2, 3)),
            "attendees": [p.pk for p in group.people.all()],
            "themes": ["empowerment"],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.themes) == (dt.date(2023, 2, 3), ["empowerment"])
    # A stray POST without the button's word deletes nothing.
    assert client.post(f"{BASE}{group.pk}/meetings/{meeting.pk}/delete/").status_code == 200
    assert CoachingMeeting.objects.exists()
    response = client.post(f"{BASE}{group.pk}/meetings/{meeting.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302 and not CoachingMeeting.objects.exists()


def test_the_group_form_shows_an_end_before_the_start_on_the_end_date(login, admin):
    response = login(admin).post(
        f"{BASE}new/",
        {
            "kind": "peer",
            "name": "Reflective practice group",
            **date("start_date", dt.date(2023, 3, 1)),
            **date("end_date", dt.date(2023, 2, 1)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_end_date-error"' in page
    assert "The end date must be the same as or after the start date" in page
    assert not CoachingGroup.objects.exists()


def test_a_wrong_role_or_a_person_from_elsewhere_is_refused_beside_its_field(
    login, admin, partnership, other_partnership
):
    group = a_pair(partnership, meetings=0)
    peers = coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.PEER,
        name="Peers",
        start_date=dt.date(2023, 1, 1),
    )
    stranger = StaffMemberFactory(team=TeamFactory(partnership=other_partnership))
    ours = StaffMemberFactory(team=TeamFactory(partnership=partnership), last_name="Ours")
    client = login(admin)
    response = client.post(
        f"{BASE}{peers.pk}/people/add/", {"q": "x", "person": stranger.pk, "role": "member"}
    )
    assert 'id="id_person-error"' in response.content.decode()
    response = client.post(
        f"{BASE}{peers.pk}/people/add/", {"q": "ours", "person": ours.pk, "role": "coach"}
    )
    assert 'id="id_role-error"' in response.content.decode()
    # The pair has both its people: a third is refused by the service, on the person.
    response = client.post(
        f"{BASE}{group.pk}/people/add/", {"q": "ours", "person": ours.pk, "role": "coach"}
    )
    page = response.content.decode()
    assert 'id="id_person-error"' in page and "this one has both" in page
    assert not peers.people.exists() and group.people.count() == 2


def test_removing_someone_who_came_to_a_meeting_is_refused_with_the_reason(
    login, admin, partnership
):
    group = a_pair(partnership)
    coach = group.people.first()
    response = login(admin).post(f"{BASE}{group.pk}/people/{coach.pk}/remove/", {"confirm": "yes"})
    assert response.status_code == 200
    assert "came to 1 meeting of this group" in response.content.decode()
    assert group.people.count() == 2


def test_ending_a_group(login, admin, partnership):
    group = a_pair(partnership)
    response = login(admin).post(f"{BASE}{group.pk}/end/", date("end_date", dt.date(2023, 6, 30)))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.end_date == dt.date(2023, 6, 30)


# Refusals ----------------------------------------------------------------------------------


def _urls(group: CoachingGroup) -> list[str]:
    person, meeting = group.people.first(), group.meetings.first()
    return [
        BASE,
        f"{BASE}new/",
        f"{BASE}{group.pk}/",
        f"{BASE}{group.pk}/edit/",
        f"{BASE}{group.pk}/end/",
        f"{BASE}{group.pk}/people/add/",
        f"{BASE}{group.pk}/people/{person.pk}/remove/",
        f"{BASE}{group.pk}/meetings/new/",
        f"{BASE}{group.pk}/meetings/{meeting.pk}/edit/",
        f"{BASE}{group.pk}/meetings/{meeting.pk}/delete/",
    ]


def test_the_outsider_is_refused(login, outsider, partnership):
    client = login(outsider)
    for url in _urls(a_pair(partnership)):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "yes"}).status_code == 404, url
    assert CoachingMeeting.objects.count() == 1 and CoachingPerson.objects.count() == 2


def test_another_partnerships_groups_people_and_meetings_are_not_found(
    login, admin, partnership, other_partnership
):
    theirs = a_pair(other_partnership)
    ours = a_pair(partnership, name="Ours")
    client = login(admin)
    for url in _urls(theirs)[2:]:
        assert client.get(url).status_code == 404, url
    # Their person and meeting under our group's address.
    person, meeting = theirs.people.first(), theirs.meetings.first()
    for url in (
        f"{BASE}{ours.pk}/people/{person.pk}/remove/",
        f"{BASE}{ours.pk}/meetings/{meeting.pk}/edit/",
        f"{BASE}{ours.pk}/meetings/{meeting.pk}/delete/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "yes"}).status_code == 404, url
    assert CoachingMeeting.objects.count() == 2


# Query counts ------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)  # the session row and caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _grow(partnership, size: int) -> CoachingGroup:
    """`size` pairs, and one peer network of `size` people with `size` meetings."""
    for n in range(CoachingGroup.objects.filter(kind=Kind.COACHING).count(), size):
        a_pair(partnership, name=f"Pair {n:03d}", meetings=1)
    peers = CoachingGroup.objects.filter(kind=Kind.PEER).first() or coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.PEER,
        name="Peers",
        start_date=dt.date(2022, 1, 1),
    )
    team = TeamFactory(partnership=partnership)
    CoachingPerson.objects.bulk_create(
        CoachingPerson(
            partnership=partnership,
            group=peers,
            person=StaffMemberFactory(team=team),
            role=CoachingPerson.Role.MEMBER,
        )
        for _ in range(peers.people.count(), size)
    )
    people = list(peers.people.all())
    for n in range(peers.meetings.count(), size):
        coaching_meeting_record(
            actor=None,
            group=peers,
            on=dt.date(2022, 1, 1) + dt.timedelta(days=n),
            attendees=people[:2] + people[2 + n % (size - 2) :][:3],
            themes=["collaboration"],
        )
    return peers


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF])
def test_the_list_and_the_group_page_cost_the_same_queries_at_10_and_100_rows(
    login, persona, partnership, role
):
    client = login(persona(role))
    peers = _grow(partnership, 10)
    pages = [BASE, f"{BASE}?when=all", f"{BASE}{peers.pk}/"]
    small = [_queries(client, url) for url in pages]
    _grow(partnership, 100)
    assert CoachingGroup.objects.count() == 101 and peers.meetings.count() == 100
    large = [_queries(client, url) for url in pages]
    assert small == large
    assert small == EXPECTED_QUERIES[role]


def test_a_person_with_no_name_is_never_shown_by_their_staff_id(login, member, partnership):
    group = a_pair(partnership, meetings=0)
    nameless = StaffMemberFactory(
        team=TeamFactory(partnership=partnership), first_name="", last_name="", staff_id="HR-123"
    )
    peers = coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.PEER,
        name="Reflective practice group",
        start_date=dt.date(2023, 1, 9),
    )
    for person in (nameless, group.people.first().person):
        coaching_person_add(actor=None, group=peers, person=person, role=CoachingPerson.Role.MEMBER)
    coaching_meeting_record(
        actor=None,
        group=peers,
        on=dt.date(2023, 2, 1),
        attendees=list(peers.people.all()),
        themes=["safety"],
    )
    client = login(member)  # a staff member: staff IDs are not theirs to see
    for page in (BASE, f"{BASE}?when=all", f"{BASE}{peers.pk}/"):
        html = client.get(page).content.decode()
        assert "HR-123" not in html, page
    assert (
        "A staff member with no name recorded" in client.get(f"{BASE}{peers.pk}/").content.decode()
    )
