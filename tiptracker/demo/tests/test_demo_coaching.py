"""The demo's coaching, mentoring and peer networks: four pairs and two peer networks across
the partners, meeting over the last year (the demo partnership is loaded once for the
module, see conftest.py)."""

import datetime as dt

import pytest

from tiptracker.demo.coaching import AMBASSADORS_NETWORK, PILOT
from tiptracker.lib.dates import today as today_in_london
from tiptracker.network.models import CoachingGroup, CoachingMeeting, NetworkMember
from tiptracker.network.selectors import coaching_summary

pytestmark = pytest.mark.django_db


def test_there_are_four_pairs_and_two_peer_networks_meeting_over_the_last_year(demo):
    partnership = demo.partnership
    pilot = [name for name, *_ in PILOT]
    everything = CoachingGroup.objects.filter(partnership=partnership)
    groups = everything.exclude(name__in=pilot)
    kinds = sorted(groups.values_list("kind", flat=True))
    assert kinds == ["coaching", "coaching", "mentoring", "mentoring", "peer", "peer"]
    assert groups.filter(end_date__isnull=False).count() == 1
    meetings = CoachingMeeting.objects.filter(group__in=groups)
    today = today_in_london()
    days = list(meetings.values_list("date", flat=True))
    assert min(days) >= today - dt.timedelta(days=366) and max(days) <= today
    for group in everything:
        people = group.people.count()
        assert people == 2 if group.is_pair else people > 2
        assert group.meetings.exists()
        assert not group.meetings.exclude(date__gte=group.start_date).exists()
        if group.end_date:
            assert not group.meetings.exclude(date__lte=group.end_date).exists()
    every = CoachingMeeting.objects.filter(partnership=partnership).count()
    assert f"Coaching: 5 pairs and 3 peer networks, {every} meetings" in demo.output


def test_the_2022_pilot_is_in_the_demo_board_reports_period(demo):
    """The demo's board report (December 2021 to June 2022) has the pilot's pair and
    managers' peer network to count."""
    summary = coaching_summary(
        demo.partnership.pk, since=dt.date(2021, 12, 1), on=dt.date(2022, 6, 30)
    )
    assert (summary.coaching_pairs, summary.mentoring_pairs, summary.peer_networks) == (1, 0, 1)
    assert summary.meetings > 5 and summary.people == 6


def test_the_current_ambassadors_meet_as_a_peer_network(demo):
    partnership = demo.partnership
    network = CoachingGroup.objects.get(partnership=partnership, name=AMBASSADORS_NETWORK)
    ambassadors = set(
        NetworkMember.objects.filter(
            partnership=partnership, kind="ambassador", to_date__isnull=True
        ).values_list("person", flat=True)
    )
    members = set(network.people.filter(role="member").values_list("person", flat=True))
    assert members == ambassadors and len(members) == 8


def test_the_summary_of_the_last_six_months_spans_the_partners(demo):
    today = today_in_london()
    summary = coaching_summary(demo.partnership.pk, since=today - dt.timedelta(days=182), on=today)
    assert summary.groups == 6 and summary.meetings > 20
    names = [row.organisation for row in summary.by_organisation]
    assert names == sorted(names) and len(names) >= 5
    assert {"NHS Tayside", "Dundee City Council", "Tay Recovery Community"} <= set(names)
    assert all(row.groups and row.meetings for row in summary.by_organisation)
