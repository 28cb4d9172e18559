import factory

from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.resources.models import Resource


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = Resource.Kind.GUIDANCE
    audience = Resource.Audience.ALL_STAFF
    level = None
    url = ""
