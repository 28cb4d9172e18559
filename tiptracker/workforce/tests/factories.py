import factory

from tiptracker.partnerships.tests.factories import OrganisationFactory, PartnershipFactory
from tiptracker.workforce.models import StaffMember, Team


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..partnership")
    )
    name = factory.Sequence(lambda n: f"Team {n}")
    required_level = None


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    # For another partnership, pass team=... or team__partnership=...
    team = factory.SubFactory(TeamFactory)
    partnership = factory.SelfAttribute("team.partnership")
    organisation = factory.SelfAttribute("team.organisation")
    staff_id = factory.Sequence(lambda n: f"S{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda s: f"{s.staff_id.lower()}@example.org")
