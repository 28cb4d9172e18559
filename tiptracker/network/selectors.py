"""Reads for the champions and ambassadors network: the roster, the coverage of
organisations and teams by current ambassadors, and the figures for the board report."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tiptracker.lib.dates import months_after
from tiptracker.network.access import network_members_for
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.partnerships.models import Membership, Organisation
from tiptracker.workforce.models import Team

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
