import datetime as dt

import factory

from tiptracker.engagement.models import Engagement
from tiptracker.partnerships.tests.factories import PartnershipFactory


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    partnership = factory.SubFactory(PartnershipFactory)
    date = dt.date(2022, 1, 25)
    body = "National short-life advisory group: quality indicator framework"
    body_kind = Engagement.BodyKind.NATIONAL_ADVISORY_GROUP
    kind = Engagement.Kind.ADVISORY_GROUP
    represented_by = "Trauma Steering Group"
    summary = "Dundee is represented on the group."
