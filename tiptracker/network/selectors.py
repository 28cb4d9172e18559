"""Reads for the champions and ambassadors network: the roster, the coverage of
organisations and teams by current ambassadors, coaching, mentoring and peer networks, and
the figures for the board report."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from tiptracker.lib.dates import months_after
from tiptracker.lib.history import Change, changes_with
from tiptracker.network.access import coaching_groups_for, network_members_for
from tiptracker.network.models import (
    CoachingAttendance,
    CoachingGroup,
    CoachingMeeting,
    CoachingPerson,
    NetworkActivity,
    NetworkMember,
)
from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.workforce.access import staff_for
from tiptracker.workforce.models import StaffMember, Team

CURRENT, PAST = "current", "past"


def current_q(on: dt.date, prefix: str = "") -> Q:
    """In the role on `on`: started on or before it, and not ended before it."""
    return Q(**{f"{prefix}from_date__lte": on}) & (
        Q(**{f"{prefix}to_date__isnull": True}) | Q(**{f"{prefix}to_date__gte": on})
    )


def roster_for(
    membership: Membership,
    *,
    on: dt.date,
    when: str = CURRENT,
    kind: str = "",
    organisation_id: int | None = None,
) -> QuerySet[NetworkMember]:
    """Current members (those who have not yet started included, shown as such), or past
    ones (whose role ended before `on`)."""
    found = network_members_for(membership).select_related("organisation", "team")
    if when == PAST:
        found = found.filter(to_date__lt=on).order_by("-to_date", "name", "id")
    else:
        found = found.filter(Q(to_date__isnull=True) | Q(to_date__gte=on)).order_by(
            "kind", "name", "id"
        )
    if kind:
        found = found.filter(kind=kind)
    if organisation_id:
        found = found.filter(organisation_id=organisation_id)
    return found


def member_activities(member: NetworkMember) -> QuerySet[NetworkActivity]:
    return member.activities.select_related("recorded_by").order_by("-date", "-id")


# Coverage ----------------------------------------------------------------------------------


def _current_ambassadors(partnership_id: int, on: dt.date) -> QuerySet[NetworkMember]:
    return NetworkMember.objects.filter(
        current_q(on), partnership_id=partnership_id, kind=NetworkMember.Kind.AMBASSADOR
    )


def teams_coverage(
    partnership_id: int,
    *,
    on: dt.date,
    covered: bool | None = None,
    organisation_id: int | None = None,
) -> QuerySet[Team]:
    """Each team with `has_ambassador` (a current ambassador represents it) and those
    ambassadors as `current_ambassadors`."""
    teams = (
        Team.objects.filter(partnership_id=partnership_id)
        .select_related("organisation")
        .annotate(
            has_ambassador=Exists(
                _current_ambassadors(partnership_id, on).filter(team_id=OuterRef("pk"))
            )
        )
        .prefetch_related(
            Prefetch(
                "network_members",
                queryset=_current_ambassadors(partnership_id, on).order_by("name", "id"),
                to_attr="current_ambassadors",
            )
        )
        .order_by("organisation__name", "name", "id")
    )
    if organisation_id:
        teams = teams.filter(organisation_id=organisation_id)
    if covered is not None:
        teams = teams.filter(has_ambassador=covered)
    return teams


def organisations_coverage(partnership_id: int, *, on: dt.date) -> QuerySet[Organisation]:
    """Each organisation with `has_ambassador` (a current ambassador belongs to it), its
    number of teams and of teams with a current ambassador."""
    covered_team = _current_ambassadors(partnership_id, on).filter(team_id=OuterRef("pk"))
    return (
        Organisation.objects.filter(partnership_id=partnership_id)
        .annotate(
            has_ambassador=Exists(
                _current_ambassadors(partnership_id, on).filter(organisation_id=OuterRef("pk"))
            ),
            team_count=Count("teams", distinct=True),
            covered_team_count=Count(
                "teams",
                filter=Q(teams__in=Team.objects.filter(Exists(covered_team))),
                distinct=True,
            ),
        )
        .order_by("name", "id")
    )


# The board report --------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSummary:
    on: dt.date
    champions: int  # current trauma champions
    ambassadors: int  # current trauma ambassadors
    organisations: int
    organisations_covered: int  # with at least one current ambassador
    teams: int
    teams_covered: int  # represented by a current ambassador
    activities: int  # activities logged from `since` to `on`, both included
    since: dt.date

    @property
    def teams_uncovered(self) -> int:
        return self.teams - self.teams_covered

    @property
    def organisations_uncovered(self) -> int:
        return self.organisations - self.organisations_covered


def six_months_before(on: dt.date) -> dt.date:
    """The first day of the six months up to `on`: the board's reporting period."""
    return months_after(on, -6) + dt.timedelta(days=1)


def network_summary(
    partnership_id: int, *, on: dt.date, since: dt.date | None = None
) -> NetworkSummary:
    """The network's figures on `on`, with the activities of the period `since`..`on`
    (default: the six months up to `on`)."""
    since = since or six_months_before(on)
    counts = NetworkMember.objects.filter(current_q(on), partnership_id=partnership_id).aggregate(
        champions=Count("id", filter=Q(kind=NetworkMember.Kind.CHAMPION)),
        ambassadors=Count("id", filter=Q(kind=NetworkMember.Kind.AMBASSADOR)),
    )
    ambassadors = _current_ambassadors(partnership_id, on)
    teams = Team.objects.filter(partnership_id=partnership_id)
    organisations = Organisation.objects.filter(partnership_id=partnership_id)
    return NetworkSummary(
        on=on,
        champions=counts["champions"],
        ambassadors=counts["ambassadors"],
        organisations=organisations.count(),
        organisations_covered=organisations.filter(
            Exists(ambassadors.filter(organisation_id=OuterRef("pk")))
        ).count(),
        teams=teams.count(),
        teams_covered=teams.filter(Exists(ambassadors.filter(team_id=OuterRef("pk")))).count(),
        activities=NetworkActivity.objects.filter(
            partnership_id=partnership_id, date__gte=since, date__lte=on
        ).count(),
        since=since,
    )


# Coaching, mentoring and peer networks -----------------------------------------------------

ENDED, ALL = "ended", "all"
# The longest search for a person to add that is looked at.
SEARCH_MAX = 100


def active_q(since: dt.date, on: dt.date, prefix: str = "") -> Q:
    """A group that ran on some day of `since`..`on`: started by its end, not ended before it."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": since})
    )


def _people_with_organisations() -> QuerySet[CoachingPerson]:
    return CoachingPerson.objects.select_related("person__organisation").order_by(
        "role", "person__last_name", "person__first_name", "id"
    )


def coaching_groups(
    membership: Membership, *, on: dt.date, when: str = CURRENT, kind: str = ""
) -> QuerySet[CoachingGroup]:
    """The pairs and groups, current (not ended before `on`, those not yet started included),
    ended, or all; each with `meeting_count`, `last_met` and its people (with their
    organisations) in `people.all()`. Three queries for a page, however many rows."""
    found = coaching_groups_for(membership)
    if when == ENDED:
        found = found.filter(end_date__lt=on).order_by("-end_date", "name", "id")
    elif when == CURRENT:
        found = found.filter(Q(end_date__isnull=True) | Q(end_date__gte=on)).order_by("name", "id")
    else:
        found = found.order_by("name", "id")
    if kind:
        found = found.filter(kind=kind)
    return found.annotate(
        meeting_count=Count("meetings"), last_met=Max("meetings__date")
    ).prefetch_related(Prefetch("people", queryset=_people_with_organisations()))


def coaching_group_people(group: CoachingGroup) -> list[CoachingPerson]:
    return list(_people_with_organisations().filter(group=group))


def coaching_meetings(group: CoachingGroup) -> QuerySet[CoachingMeeting]:
    """A group's meetings, newest first, each with who came in `attendance.all()`."""
    return group.meetings.order_by("-date", "-id").prefetch_related(
        Prefetch(
            "attendance",
            queryset=CoachingAttendance.objects.select_related("attendee__person").order_by(
                "attendee__person__last_name", "attendee__person__first_name", "id"
            ),
        )
    )


def coaching_changes(group: CoachingGroup, *, limit: int = 20) -> list[Change]:
    """Who changed what in a group: the group, its people and its meetings, removed ones
    included."""
    return changes_with(
        [CoachingGroup, CoachingPerson, CoachingMeeting, CoachingAttendance],
        partnership_id=group.partnership_id,
        key="coaching_group",
        value=group.pk,
        limit=limit,
    )


def people_to_add(
    membership: Membership, group: CoachingGroup, *, query: str
) -> QuerySet[StaffMember]:
    """The staff this member may see whose name (every word of the search, in the first or
    last name) or staff ID (its start, in any case) matches, who are not in the group yet,
    by surname, with their team and organisation."""
    query = " ".join(query.split())[:SEARCH_MAX]
    if not query:
        return StaffMember.objects.none()
    name = Q()
    for word in query.split():
        name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return (
        staff_for(membership)
        .filter(name | Q(staff_id__istartswith=query))
        .exclude(coaching__group=group)
        .select_related("team", "organisation")
        .order_by("last_name", "first_name", "staff_id", "id")
    )


# The board report: coaching by organisation


@dataclass(frozen=True)
class CoachingOrganisationRow:
    organisation: str  # its name
    groups: int  # pairs and groups active in the period with someone of the organisation
    meetings: int  # meetings in the period of those pairs and groups
    people: int  # distinct people of the organisation who came to a meeting in the period


@dataclass(frozen=True)
class CoachingSummary:
    since: dt.date
    on: dt.date
    # Pairs and groups active in the period (started by `on`, not ended before `since`).
    coaching_pairs: int
    mentoring_pairs: int
    peer_networks: int
    meetings: int  # held from `since` to `on`, both included
    people: int  # distinct people who came to at least one of those meetings
    # Each organisation with a pair or group active in the period, by name: a group counts
    # under each organisation of its people (so the rows add up to more than the totals).
    by_organisation: tuple[CoachingOrganisationRow, ...]

    @property
    def groups(self) -> int:
        return self.coaching_pairs + self.mentoring_pairs + self.peer_networks


def coaching_summary(partnership_id: int, *, since: dt.date, on: dt.date) -> CoachingSummary:
    """Coaching, mentoring and peer networks in the period `since`..`on`: seven queries,
    however many groups."""
    active = CoachingGroup.objects.filter(active_q(since, on), partnership_id=partnership_id)
    kinds = active.aggregate(
        coaching=Count("id", filter=Q(kind=CoachingGroup.Kind.COACHING)),
        mentoring=Count("id", filter=Q(kind=CoachingGroup.Kind.MENTORING)),
        peer=Count("id", filter=Q(kind=CoachingGroup.Kind.PEER)),
    )
    in_period = {"date__gte": since, "date__lte": on}
    meetings = CoachingMeeting.objects.filter(partnership_id=partnership_id, **in_period)
    came = CoachingAttendance.objects.filter(
        partnership_id=partnership_id,
        meeting__date__gte=since,
        meeting__date__lte=on,
    )
    organisation = "person__organisation_id"
    groups_by = dict(
        CoachingPerson.objects.filter(active_q(since, on, "group__"), partnership_id=partnership_id)
        .values(organisation)
        .annotate(n=Count("group", distinct=True))
        .values_list(organisation, "n")
    )
    # The filter and the count share one join of the meetings: only the period's are counted.
    meetings_by = dict(
        CoachingPerson.objects.filter(
            partnership_id=partnership_id,
            group__meetings__date__gte=since,
            group__meetings__date__lte=on,
        )
        .values(organisation)
        .annotate(n=Count("group__meetings", distinct=True))
        .values_list(organisation, "n")
    )
    people_by = dict(
        came.values(f"attendee__{organisation}")
        .annotate(n=Count("attendee__person", distinct=True))
        .values_list(f"attendee__{organisation}", "n")
    )
    names = Organisation.objects.filter(pk__in=groups_by).order_by("name", "id")
    return CoachingSummary(
        since=since,
        on=on,
        coaching_pairs=kinds["coaching"],
        mentoring_pairs=kinds["mentoring"],
        peer_networks=kinds["peer"],
        meetings=meetings.count(),
        people=came.values("attendee__person").distinct().count(),
        by_organisation=tuple(
            CoachingOrganisationRow(
                organisation=o.name,
                groups=groups_by[o.pk],
                meetings=meetings_by.get(o.pk, 0),
                people=people_by.get(o.pk, 0),
            )
            for o in names.only("id", "name")
        ),
    )
