import factory

from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.resources.models import Resource, ResourceFile


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = Resource.Kind.GUIDANCE
    audience = Resource.Audience.ALL_STAFF
    level = None
    url = ""


class ResourceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceFile

    resource = factory.SubFactory(ResourceFactory)
    name = "toolkit.pdf"
    content_type = "application/pdf"
    data = b"%PDF-1.4\n%%EOF\n"
    size = factory.LazyAttribute(lambda f: len(f.data))
