"""Writes for coaching, mentoring and peer networks (issue 17): the pairs and groups, their
people and their meetings (who met, when, and on which themes: never what was said).

The rules: a pair (coaching or mentoring) has exactly two people, one in each of its two
roles; a peer network has members and facilitators, two or more people in all; its meetings
fall between its start and its end, never in the future, and only its people attend them.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min

from tiptracker.lib.dates import today
from tiptracker.lib.history import acting
from tiptracker.network.models import (
    CoachingAttendance,
    CoachingGroup,
    CoachingMeeting,
    CoachingPerson,
    Theme,
)
from tiptracker.partnerships.actors import Actor
from tiptracker.workforce.models import StaffMember

Kind, Role = CoachingGroup.Kind, CoachingPerson.Role

# The roles each kind of group has; a pair has one person in each of its two.
ROLES: dict[str, tuple[str, ...]] = {
    Kind.COACHING: (Role.COACH, Role.COACHEE),
    Kind.MENTORING: (Role.MENTOR, Role.MENTEE),
    Kind.PEER: (Role.MEMBER, Role.FACILITATOR),
}
NAME_MAX = 200
# A meeting is two or more of the group's people.
FEWEST_AT_A_MEETING = 2


def _date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _roles_in_words(kind: str) -> str:
    labels = dict(Role.choices)
    first, second = ROLES[kind]
    return f"{labels[first].lower()} or {labels[second].lower()}"


def _clean_group(
    *,
    group: CoachingGroup | None,
    kind: str,
    name: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
) -> dict:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose coaching pair, mentoring pair or peer network"
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "Enter a name for the pair or group"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be {NAME_MAX} characters or fewer"
    if start_date is None:
        errors["start_date"] = "Enter the date the pair or group started"
    elif end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if group is not None and group.pk:
        # Its meetings stay inside its dates, and its people's roles fit its kind.
        held = group.meetings.aggregate(first=Min("date"), last=Max("date"))
        if start_date and held["first"] and start_date > held["first"]:
            errors["start_date"] = (
                f"The group met on {_date(held['first'])}: the start date must be on or before it"
            )
        if end_date and held["last"] and end_date < held["last"]:
            errors["end_date"] = (
                f"The group met on {_date(held['last'])}: the end date must be on or after it"
            )
        if kind in Kind.values and kind != group.kind:
            roles = set(group.people.values_list("role", flat=True))
            if not roles <= set(ROLES[kind]):
                errors["kind"] = (
                    f"Its people's roles do not fit a {Kind(kind).label.lower()}: "
                    f"remove them or change their roles first"
                )
            elif kind != Kind.PEER and group.people.count() > 2:
                errors["kind"] = "A pair has two people: this group has more"
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "name": name, "start_date": start_date, "end_date": end_date}


@transaction.atomic
def coaching_group_create(
    *,
    actor: Actor,
    partnership_id: int,
    kind: str,
    name: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
) -> CoachingGroup:
    """A new pair or group, without people yet: they are added one at a time."""
    with acting(actor):
        values = _clean_group(
            group=None, kind=kind, name=name, start_date=start_date, end_date=end_date
        )
        return CoachingGroup.objects.create(partnership_id=partnership_id, **values)


@transaction.atomic
def coaching_group_update(
    *,
    actor: Actor,
    group: CoachingGroup,
    kind: str,
    name: str,
    start_date: dt.date | None,
    end_date: dt.date | None = None,
) -> CoachingGroup:
    with acting(actor):
        values = _clean_group(
            group=group, kind=kind, name=name, start_date=start_date, end_date=end_date
        )
        for field, value in values.items():
            setattr(group, field, value)
        group.save()
        return group


@transaction.atomic
def coaching_group_end(
    *, actor: Actor, group: CoachingGroup, end_date: dt.date | None
) -> CoachingGroup:
    """The pair or group has stopped meeting: on `end_date`, today or before."""
    if end_date is None:
        raise ValidationError({"end_date": "Enter the date the pair or group ended"})
    if end_date > today():
        raise ValidationError(
            {"end_date": "The end date cannot be in the future: end the group once it has ended"}
        )
    return coaching_group_update(
        actor=actor,
        group=group,
        kind=group.kind,
        name=group.name,
        start_date=group.start_date,
        end_date=end_date,
    )


@transaction.atomic
def coaching_person_add(
    *, actor: Actor, group: CoachingGroup, person: StaffMember | None, role: str
) -> CoachingPerson:
    # One addition at a time per group: two at once could each find a pair's place free.
    CoachingGroup.objects.select_for_update().filter(pk=group.pk).first()
    errors: dict[str, str] = {}
    if person is None:
        errors["person"] = "Choose the person from the staff records"
    elif person.partnership_id != group.partnership_id:
        errors["person"] = "There is no such person in this partnership's staff records"
    elif group.people.filter(person=person).exists():
        errors["person"] = f"{person} is in this {group.get_kind_display().lower()} already"
    allowed = ROLES[group.kind]
    if role not in allowed:
        errors["role"] = f"Choose {_roles_in_words(group.kind)}"
    elif group.is_pair:
        taken = group.people.filter(role=role).select_related("person").first()
        if group.people.count() >= 2:
            errors["person"] = (
                "A pair has two people, and this one has both: remove one of them first"
            )
        elif taken is not None:
            errors["role"] = (
                f"The pair's {Role(role).label.lower()} is {taken.person}: a pair has one "
                f"{Role(allowed[0]).label.lower()} and one {Role(allowed[1]).label.lower()}"
            )
    if errors or person is None:
        raise ValidationError(errors)
    with acting(actor):
        return CoachingPerson.objects.create(
            partnership_id=group.partnership_id, group=group, person=person, role=role
        )


@transaction.atomic
def coaching_person_remove(*, actor: Actor, member: CoachingPerson) -> None:
    """Take someone out of a pair or group they were added to by mistake. Someone who came
    to one of its meetings stays: the meeting's record (and the report's figures) need them."""
    attended = CoachingAttendance.objects.filter(attendee=member).count()
    if attended:
        raise ValidationError(
            {
                "person": (
                    f"{member.person} came to {attended} meeting{'s' if attended != 1 else ''} "
                    "of this group, so they stay on its record: end the group instead, or "
                    "take them off those meetings first"
                )
            }
        )
    with acting(actor):
        member.delete()


def _clean_meeting(
    *,
    group: CoachingGroup,
    on: dt.date | None,
    attendees: Iterable[CoachingPerson],
    themes: Iterable[str],
) -> tuple[dt.date, list[CoachingPerson], list[str]]:
    errors: dict[str, str] = {}
    if on is None:
        errors["date"] = "Enter the date of the meeting"
    elif on > today():
        errors["date"] = "A meeting cannot be in the future: record it once it has happened"
    elif on < group.start_date:
        errors["date"] = (
            f"The meeting must be on or after the day the group started, {_date(group.start_date)}"
        )
    elif group.end_date is not None and on > group.end_date:
        errors["date"] = (
            f"The meeting must be on or before the day the group ended, {_date(group.end_date)}"
        )
    people = {p.pk: p for p in group.people.select_related("person")}
    chosen = list(dict.fromkeys(attendees))
    strangers = [p for p in chosen if p.pk not in people]
    if group.is_pair and len(people) != 2:
        errors["attendees"] = (
            f"A pair has two people: add the {_roles_in_words(group.kind)} before recording "
            "its meetings"
        )
    elif len(people) < FEWEST_AT_A_MEETING:
        errors["attendees"] = "Add at least two people to the group before recording its meetings"
    elif strangers:
        errors["attendees"] = "Choose only people of this pair or group"
    elif len(chosen) < FEWEST_AT_A_MEETING:
        errors["attendees"] = "Choose at least two people who came: a meeting is of two or more"
    codes = list(dict.fromkeys(themes))
    if not codes:
        errors["themes"] = "Choose at least one theme, or Other"
    elif any(code not in Theme.values for code in codes):
        errors["themes"] = "Choose themes from the list"
    if errors or on is None:
        raise ValidationError(errors)
    # In the list's order, whatever order they were ticked in.
    return on, [people[p.pk] for p in chosen], [c for c in Theme.values if c in codes]


def _attend(meeting: CoachingMeeting, attendees: list[CoachingPerson]) -> None:
    for attendee in attendees:  # one at a time: each is a line in the group's history
        CoachingAttendance.objects.create(
            partnership_id=meeting.partnership_id,
            meeting=meeting,
            attendee=attendee,
            group_id=meeting.group_id,
        )


@transaction.atomic
def coaching_meeting_record(
    *,
    actor: Actor,
    group: CoachingGroup,
    on: dt.date | None,
    attendees: Iterable[CoachingPerson],
    themes: Iterable[str],
) -> CoachingMeeting:
    """A meeting that took place: its date, who came and its themes."""
    day, people, codes = _clean_meeting(group=group, on=on, attendees=attendees, themes=themes)
    with acting(actor):
        meeting = CoachingMeeting.objects.create(
            partnership_id=group.partnership_id,
            group=group,
            date=day,
            themes=codes,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _attend(meeting, people)
        return meeting


@transaction.atomic
def coaching_meeting_update(
    *,
    actor: Actor,
    meeting: CoachingMeeting,
    on: dt.date | None,
    attendees: Iterable[CoachingPerson],
    themes: Iterable[str],
) -> CoachingMeeting:
    group = meeting.group
    day, people, codes = _clean_meeting(group=group, on=on, attendees=attendees, themes=themes)
    with acting(actor):
        meeting.date, meeting.themes = day, codes
        meeting.save()
        wanted = {p.pk for p in people}
        came = {
            a.attendee_id: a
            for a in meeting.attendance.select_related("attendee__person", "meeting")
        }
        for attendee_id, row in came.items():
            if attendee_id not in wanted:
                row.delete()
        _attend(meeting, [p for p in people if p.pk not in came])
        return meeting


@transaction.atomic
def coaching_meeting_delete(*, actor: Actor, meeting: CoachingMeeting) -> None:
    with acting(actor):
        for row in meeting.attendance.select_related("attendee__person", "meeting"):
            row.delete()
        meeting.delete()
