import datetime as dt
from decimal import Decimal

import factory

from tiptracker.funding.models import Allocation, Commitment
from tiptracker.partnerships.tests.factories import PartnershipFactory


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    partnership = factory.SubFactory(PartnershipFactory)
    source = "Scottish Government"
    financial_year = "2022/23"
    amount = Decimal("50000.00")


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    allocation = factory.SubFactory(AllocationFactory)
    # Without an allocation, pass the partnership (and the year, unless 2022/23).
    partnership = factory.LazyAttribute(lambda c: c.allocation.partnership)
    financial_year = factory.LazyAttribute(
        lambda c: c.allocation.financial_year if c.allocation else "2022/23"
    )
    what = "1 FTE Trauma Learning and Development Officer"
    partner = "Women's Rape and Sexual Abuse Centre"
    amount = Decimal("20000.00")
    starts_on = dt.date(2022, 6, 1)
    ends_on = dt.date(2023, 5, 31)
