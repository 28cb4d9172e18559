import datetime as dt

import factory

from tiptracker.network.models import CoachingGroup, CoachingPerson, NetworkActivity, NetworkMember
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


class NetworkMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMember

    # For a member without a team, pass team=None, organisation=... and partnership=...
    team = factory.SubFactory(TeamFactory)
    partnership = factory.SelfAttribute("team.partnership")
    organisation = factory.SelfAttribute("team.organisation")
    kind = NetworkMember.Kind.AMBASSADOR
    name = factory.Sequence(lambda n: f"Ambassador {n}")
    job_role = "Social Worker"
    from_date = dt.date(2022, 11, 1)
    to_date = None


class NetworkActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkActivity

    member = factory.SubFactory(NetworkMemberFactory)
    partnership = factory.SelfAttribute("member.partnership")
    date = dt.date(2023, 1, 10)
    kind = NetworkActivity.Kind.MEETING
    summary = "Met the team"


class CoachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingGroup

    partnership = factory.SubFactory(PartnershipFactory)
    kind = CoachingGroup.Kind.COACHING
    name = factory.Sequence(lambda n: f"Pair {n}")
    start_date = dt.date(2023, 1, 9)
    end_date = None


class CoachingPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingPerson

    group = factory.SubFactory(CoachingGroupFactory)
    partnership = factory.SelfAttribute("group.partnership")
    person = factory.SubFactory(
        StaffMemberFactory, team__partnership=factory.SelfAttribute("...partnership")
    )
    role = CoachingPerson.Role.COACH
