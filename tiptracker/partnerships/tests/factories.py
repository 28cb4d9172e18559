import factory
from django.contrib.auth import get_user_model

from tiptracker.partnerships.models import ManagedTeam, Membership, Organisation, Partnership, Role


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COUNCIL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username)
    # A fast hasher is configured for tests; the password is the same for every persona.
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.STAFF


class ManagedTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagedTeam

    membership = factory.SubFactory(MembershipFactory)
    partnership = factory.SelfAttribute("membership.partnership")
    team = None
