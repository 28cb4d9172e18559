"""Coaching, mentoring and peer networks: the rules of the services, and the figures for
the board report worked out by hand."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tiptracker.lib.history import acting
from tiptracker.network.coaching import (
    coaching_group_create,
    coaching_group_end,
    coaching_group_update,
    coaching_meeting_delete,
    coaching_meeting_record,
    coaching_meeting_update,
    coaching_person_add,
    coaching_person_remove,
)
from tiptracker.network.models import (
    CoachingAttendance,
    CoachingGroup,
    CoachingMeeting,
    CoachingPerson,
)
from tiptracker.network.selectors import (
    CoachingOrganisationRow,
    coaching_changes,
    coaching_summary,
)
from tiptracker.partnerships.tests.factories import OrganisationFactory, PartnershipFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

Kind, Role = CoachingGroup.Kind, CoachingPerson.Role
START = dt.date(2023, 1, 9)


def staff(partnership, organisation=None, **names):
    given = {"organisation": organisation} if organisation else {}
    return StaffMemberFactory(team=TeamFactory(partnership=partnership, **given), **names)


def group(partnership, kind=Kind.COACHING, *, start=START, end=None, name="Pair"):
    return coaching_group_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=kind,
        name=name,
        start_date=start,
        end_date=end,
    )


def add(group_, person, role):
    return coaching_person_add(actor=None, group=group_, person=person, role=role)


def pair(partnership, kind=Kind.COACHING, *, first=None, second=None, **dates):
    made = group(partnership, kind, **dates)
    roles = (Role.COACH, Role.COACHEE) if kind == Kind.COACHING else (Role.MENTOR, Role.MENTEE)
    add(made, first or staff(partnership), roles[0])
    add(made, second or staff(partnership), roles[1])
    return made


def meet(group_, on, attendees=None, themes=("safety",)):
    return coaching_meeting_record(
        actor=None,
        group=group_,
        on=on,
        attendees=attendees if attendees is not None else list(group_.people.all()),
        themes=list(themes),
    )


def errors_of(call, **kwargs) -> set[str]:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return set(error.value.message_dict)


# Pairs and groups --------------------------------------------------------------------------


def test_a_group_needs_a_known_kind_a_name_and_a_start(partnership):
    assert errors_of(
        coaching_group_create,
        actor=None,
        partnership_id=partnership.pk,
        kind="book club",
        name="   ",
        start_date=None,
    ) == {"kind", "name", "start_date"}
    assert errors_of(
        coaching_group_create,
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.PEER,
        name="x" * 201,
        start_date=START,
    ) == {"name"}
    assert not CoachingGroup.objects.exists()


def test_it_refuses_an_end_before_the_start_and_so_does_the_database(partnership):
    assert errors_of(
        coaching_group_create,
        actor=None,
        partnership_id=partnership.pk,
        kind=Kind.PEER,
        name="Reflective practice",
        start_date=START,
        end_date=START - dt.timedelta(days=1),
    ) == {"end_date"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CoachingGroup.objects.create(
            partnership=partnership,
            kind=Kind.PEER,
            name="x",
            start_date=START,
            end_date=START - dt.timedelta(days=1),
        )
    # The same day is a group that met once.
    assert group(partnership, Kind.PEER, end=START).end_date == START


def test_the_name_is_tidied(partnership):
    made = group(partnership, name="  Ann   and Bob ")
    assert made.name == "Ann and Bob"


def test_a_pair_has_one_person_in_each_of_its_two_roles(partnership):
    made = group(partnership)
    coach = add(made, staff(partnership), Role.COACH)
    assert errors_of(
        coaching_person_add, actor=None, group=made, person=staff(partnership), role=Role.COACH
    ) == {"role"}
    assert errors_of(
        coaching_person_add, actor=None, group=made, person=staff(partnership), role=Role.MEMBER
    ) == {"role"}
    add(made, staff(partnership), Role.COACHEE)
    assert errors_of(
        coaching_person_add, actor=None, group=made, person=staff(partnership), role=Role.COACHEE
    ) == {"person"}
    assert made.people.count() == 2
    # A mentoring pair has a mentor and a mentee, not a coach.
    mentoring = group(partnership, Kind.MENTORING)
    assert errors_of(
        coaching_person_add, actor=None, group=mentoring, person=coach.person, role=Role.COACH
    ) == {"role"}


def test_a_peer_network_has_members_and_facilitators_however_many(partnership):
    peers = group(partnership, Kind.PEER)
    add(peers, staff(partnership), Role.FACILITATOR)
    for _ in range(4):
        add(peers, staff(partnership), Role.MEMBER)
    assert peers.people.count() == 5
    assert errors_of(
        coaching_person_add, actor=None, group=peers, person=staff(partnership), role=Role.MENTEE
    ) == {"role"}


def test_no_one_joins_twice_and_no_one_from_elsewhere_joins(partnership, other_partnership):
    peers = group(partnership, Kind.PEER)
    ann = staff(partnership)
    add(peers, ann, Role.MEMBER)
    assert errors_of(
        coaching_person_add, actor=None, group=peers, person=ann, role=Role.MEMBER
    ) == {"person"}
    stranger = staff(other_partnership)
    assert errors_of(
        coaching_person_add, actor=None, group=peers, person=stranger, role=Role.MEMBER
    ) == {"person"}
    assert errors_of(
        coaching_person_add, actor=None, group=peers, person=None, role=Role.MEMBER
    ) == {"person"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CoachingPerson.objects.create(
            partnership=partnership, group=peers, person=ann, role=Role.FACILITATOR
        )
    assert list(peers.people.values_list("person", flat=True)) == [ann.pk]


def test_a_group_keeps_its_meetings_inside_its_dates(partnership):
    made = pair(partnership)
    meet(made, dt.date(2023, 2, 1))
    meet(made, dt.date(2023, 6, 1))

    def update(**changes):
        values = {"kind": made.kind, "name": made.name, "start_date": START, "end_date": None}
        return coaching_group_update(actor=None, group=made, **{**values, **changes})

    assert errors_of(update, start_date=dt.date(2023, 2, 2)) == {"start_date"}
    assert errors_of(update, end_date=dt.date(2023, 5, 31)) == {"end_date"}
    update(start_date=dt.date(2023, 2, 1), end_date=dt.date(2023, 6, 1))  # the days themselves
    made.refresh_from_db()
    assert (made.start_date, made.end_date) == (dt.date(2023, 2, 1), dt.date(2023, 6, 1))


def test_a_group_changes_kind_only_when_its_people_fit(partnership):
    made = pair(partnership)
    assert errors_of(
        coaching_group_update,
        actor=None,
        group=made,
        kind=Kind.MENTORING,
        name=made.name,
        start_date=START,
    ) == {"kind"}
    peers = group(partnership, Kind.PEER)
    for _ in range(3):
        add(peers, staff(partnership), Role.MEMBER)
    assert errors_of(
        coaching_group_update,
        actor=None,
        group=peers,
        kind=Kind.COACHING,
        name=peers.name,
        start_date=START,
    ) == {"kind"}
    empty = group(partnership, Kind.PEER)
    coaching_group_update(
        actor=None, group=empty, kind=Kind.MENTORING, name=empty.name, start_date=START
    )
    assert CoachingGroup.objects.get(pk=empty.pk).kind == Kind.MENTORING


def test_ending_a_group_needs_a_date_not_in_the_future_nor_before_its_last_meeting(partnership):
    made = pair(partnership)
    meet(made, dt.date(2023, 3, 1))
    for wrong in (None, dt.date.today() + dt.timedelta(days=1), dt.date(2023, 2, 28)):
        assert errors_of(coaching_group_end, actor=None, group=made, end_date=wrong) == {"end_date"}
    coaching_group_end(actor=None, group=made, end_date=dt.date(2023, 3, 1))
    assert CoachingGroup.objects.get(pk=made.pk).end_date == dt.date(2023, 3, 1)


def test_someone_who_came_to_a_meeting_stays_in_the_group(partnership):
    peers = group(partnership, Kind.PEER)
    came, also, never = (add(peers, staff(partnership), Role.MEMBER) for _ in range(3))
    meet(peers, dt.date(2023, 2, 1), attendees=[came, also])
    assert errors_of(coaching_person_remove, actor=None, member=came) == {"person"}
    coaching_person_remove(actor=None, member=never)
    assert set(peers.people.all()) == {came, also}


# Meetings ----------------------------------------------------------------------------------


def test_a_meeting_needs_a_date_in_the_groups_dates_and_not_in_the_future(partnership):
    made = pair(partnership, end=dt.date(2023, 6, 30))
    too_late = dt.date(2023, 7, 1)
    for wrong in (None, START - dt.timedelta(days=1), too_late):
        assert errors_of(meet, group_=made, on=wrong) == {"date"}
    running = pair(partnership)
    assert errors_of(meet, group_=running, on=dt.date.today() + dt.timedelta(days=1)) == {"date"}
    assert not CoachingMeeting.objects.exists()
    # The first and last days are the group's own.
    meet(made, START)
    meet(made, dt.date(2023, 6, 30))
    assert made.meetings.count() == 2


def test_only_the_groups_people_attend_and_at_least_two_of_them(partnership):
    made = pair(partnership)
    other = pair(partnership)
    coach, coachee = made.people.all()
    stranger = other.people.first()
    assert errors_of(meet, group_=made, on=dt.date(2023, 2, 1), attendees=[coach, stranger]) == {
        "attendees"
    }
    assert errors_of(meet, group_=made, on=dt.date(2023, 2, 1), attendees=[coach]) == {"attendees"}
    assert errors_of(meet, group_=made, on=dt.date(2023, 2, 1), attendees=[coach, coach]) == {
        "attendees"
    }
    assert not CoachingAttendance.objects.exists()


def test_a_pair_meets_only_once_it_has_both_its_people(partnership):
    made = group(partnership)
    coach = add(made, staff(partnership), Role.COACH)
    with pytest.raises(ValidationError) as error:
        meet(made, dt.date(2023, 2, 1), attendees=[coach])
    assert "add the coach or coachee" in error.value.message_dict["attendees"][0]
    peers = group(partnership, Kind.PEER)
    alone = add(peers, staff(partnership), Role.FACILITATOR)
    assert errors_of(meet, group_=peers, on=dt.date(2023, 2, 1), attendees=[alone]) == {"attendees"}


def test_a_meeting_has_at_least_one_theme_from_the_list(partnership):
    made = pair(partnership)
    assert errors_of(meet, group_=made, on=dt.date(2023, 2, 1), themes=()) == {"themes"}
    assert errors_of(meet, group_=made, on=dt.date(2023, 2, 1), themes=("gossip",)) == {"themes"}
    meeting = meet(made, dt.date(2023, 2, 1), themes=("wellbeing", "safety", "safety"))
    assert meeting.themes == ["safety", "wellbeing"]  # the list's order, once each
    assert meeting.theme_labels() == ["Safety", "Wellbeing of staff"]


def test_a_meeting_has_no_field_for_what_was_said():
    fields = {f.name for f in CoachingMeeting._meta.get_fields()}
    assert fields <= {
        "id",
        "partnership",
        "group",
        "date",
        "themes",
        "attendees",
        "attendance",
        "recorded_by",
        "created_at",
    }


def test_editing_a_meeting_changes_who_came_and_deleting_it_removes_them(partnership):
    peers = group(partnership, Kind.PEER)
    ann, bob, cat = (add(peers, staff(partnership), Role.MEMBER) for _ in range(3))
    meeting = meet(peers, dt.date(2023, 3, 1), attendees=[ann, bob])
    coaching_meeting_update(
        actor=None,
        meeting=meeting,
        on=dt.date(2023, 3, 2),
        attendees=[bob, cat],
        themes=["choice"],
    )
    meeting.refresh_from_db()
    assert meeting.date == dt.date(2023, 3, 2) and meeting.themes == ["choice"]
    assert set(meeting.attendees.all()) == {bob, cat}
    with pytest.raises(ValidationError):
        coaching_meeting_update(
            actor=None, meeting=meeting, on=dt.date(2023, 3, 2), attendees=[bob], themes=["x"]
        )
    assert set(meeting.attendees.all()) == {bob, cat}
    coaching_meeting_delete(actor=None, meeting=meeting)
    assert not CoachingMeeting.objects.exists() and not CoachingAttendance.objects.exists()
    coaching_person_remove(actor=None, member=bob)  # no meeting of theirs is left


def test_the_history_names_the_changes_to_the_group_its_people_and_meetings(partnership, admin):
    made = pair(partnership)
    with acting(admin.user):
        meeting = meet(made, dt.date(2023, 2, 1), themes=("trust", "choice"))
        coaching_meeting_delete(actor=admin.user, meeting=meeting)
    other = pair(partnership)
    changes = coaching_changes(made)
    said = [(c.verb, c.what) for c in changes]
    assert ("Deleted", "Meeting on 1 February 2023") in said
    assert ("Added", "Meeting on 1 February 2023") in said
    assert sum(1 for verb, what in said if "at the meeting on 1 February 2023" in what) == 4
    added = next(c for c in changes if c.what == "Meeting on 1 February 2023" and c.verb == "Added")
    assert ("Themes", "", "Trust, Choice") in [(f, "", a) for f, _b, a in added.fields]
    assert any(c.what.endswith("(coach)") for c in changes)
    assert not set(c.what for c in coaching_changes(other)) & {"Meeting on 1 February 2023"}


# The board report's figures ----------------------------------------------------------------

SINCE, ON = dt.date(2023, 4, 1), dt.date(2023, 9, 30)


def test_the_summary_counts_groups_meetings_and_people_by_organisation(partnership):
    """Worked by hand (the period is April to September 2023):

    pair 1, coaching, running: coach of NHS Tayside, coachee Ann of Angus Council; meetings
      in March (before the period), May and July
    pair 2, mentoring, ended on the period's first day: both of Angus Council; a meeting
      that day
    peer network, from June: Ann, and two people of Voluntary Action; meetings in June (Ann
      and one of them) and August (the two of them)
    pair 3, mentoring, ended before the period (NHS Tayside, Voluntary Action): not counted
    pair 4, coaching, starting after the period (Carers Centre): not counted
    another partnership's pair, meeting in the period: not counted
    """
    angus, tayside, voluntary, carers = (
        OrganisationFactory(partnership=partnership, name=name)
        for name in ("Angus Council", "NHS Tayside", "Voluntary Action", "Carers Centre")
    )
    ann = staff(partnership, angus)
    one = pair(partnership, first=staff(partnership, tayside), second=ann)
    for day in (dt.date(2023, 3, 15), dt.date(2023, 5, 10), dt.date(2023, 7, 12)):
        meet(one, day)
    two = pair(
        partnership,
        Kind.MENTORING,
        first=staff(partnership, angus),
        second=staff(partnership, angus),
        start=dt.date(2022, 6, 1),
        end=SINCE,
    )
    meet(two, SINCE)
    peers = group(partnership, Kind.PEER, start=dt.date(2023, 6, 1))
    ann_there = add(peers, ann, Role.MEMBER)
    cal, dee = (add(peers, staff(partnership, voluntary), Role.MEMBER) for _ in range(2))
    meet(peers, dt.date(2023, 6, 15), attendees=[ann_there, cal])
    meet(peers, dt.date(2023, 8, 1), attendees=[cal, dee])
    three = pair(
        partnership,
        Kind.MENTORING,
        first=staff(partnership, tayside),
        second=staff(partnership, voluntary),
        start=dt.date(2022, 9, 1),
        end=dt.date(2023, 3, 31),
    )
    meet(three, dt.date(2023, 2, 1))
    pair(
        partnership,
        first=staff(partnership, carers),
        second=staff(partnership, carers),
        start=dt.date(2023, 10, 2),
    )
    elsewhere = PartnershipFactory(slug="elsewhere")
    meet(pair(elsewhere), dt.date(2023, 6, 1))

    summary = coaching_summary(partnership.pk, since=SINCE, on=ON)

    assert (summary.since, summary.on) == (SINCE, ON)
    assert (summary.coaching_pairs, summary.mentoring_pairs, summary.peer_networks) == (1, 1, 1)
    assert summary.groups == 3
    assert summary.meetings == 5  # May, July; April the 1st; June, August
    assert summary.people == 6  # Ann once, though she met in two groups
    assert summary.by_organisation == (
        CoachingOrganisationRow("Angus Council", groups=3, meetings=5, people=3),
        CoachingOrganisationRow("NHS Tayside", groups=1, meetings=2, people=1),
        CoachingOrganisationRow("Voluntary Action", groups=1, meetings=2, people=2),
    )


def test_the_summary_of_a_quiet_period_is_all_noughts(partnership):
    pair(partnership, start=dt.date(2024, 1, 1))
    summary = coaching_summary(partnership.pk, since=SINCE, on=ON)
    assert (summary.groups, summary.meetings, summary.people) == (0, 0, 0)
    assert summary.by_organisation == ()


def test_the_summary_costs_the_same_queries_however_many_groups(
    partnership, django_assert_num_queries
):
    for n in range(3):
        meet(pair(partnership, name=f"Pair {n}"), dt.date(2023, 5, 1))
    with django_assert_num_queries(7):
        small = coaching_summary(partnership.pk, since=SINCE, on=ON)
    for n in range(12):
        meet(pair(partnership, name=f"More {n}"), dt.date(2023, 5, 1))
    with django_assert_num_queries(7):
        large = coaching_summary(partnership.pk, since=SINCE, on=ON)
    assert (small.coaching_pairs, large.coaching_pairs) == (3, 15)
