import datetime as dt

import factory

from tiptracker.improvement.models import Measure, MeasureValue, Project
from tiptracker.partnerships.tests.factories import PartnershipFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Test of change {n}")
    aim_what = "More young people attend their first appointment"
    aim_for_whom = "Young people referred to the adolescent service"
    aim_how_much = "From 55% to 80%"
    aim_by = dt.date(2023, 3, 31)
    status = Project.Status.TESTING


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    partnership = factory.SelfAttribute("project.partnership")
    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Measure {n}")
    kind = Measure.Kind.OUTCOME
    definition = "First appointments attended, of those offered, each month"
    unit = Measure.Unit.PERCENTAGE
    improvement = Measure.Direction.UP
    chart = Measure.Chart.XMR


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    partnership = factory.SelfAttribute("measure.partnership")
    measure = factory.SubFactory(MeasureFactory)
    on = dt.date(2022, 1, 31)
    value = 50.0
