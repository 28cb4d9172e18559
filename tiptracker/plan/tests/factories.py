import datetime as dt

import factory

from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.plan.models import Action, Phase, Priority


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Phase title {n}")


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    partnership = factory.SubFactory(PartnershipFactory)
    financial_year = "2022/23"
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_group = "Trauma Steering Group"
    start_date = dt.date(2022, 4, 1)
    due_date = dt.date(2023, 3, 31)
