"""Reads for the improvement programme: each measure's chart, computed from its values by
tiptracker.lib.spc (the one computation for the pages, documents, the API and the command)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from tiptracker.improvement.models import Measure, MeasureValue, Project
from tiptracker.lib.spc import Chart, ChartKind, Improvement, Observation, RuleSet, compute


def observations_of(values: Iterable[MeasureValue]) -> list[Observation]:
    return [Observation(on=v.on, value=v.value, rebase=v.rebase, note=v.note) for v in values]


def chart_from(measure: Measure, observations: list[Observation]) -> Chart:
    return compute(
        observations,
        kind=ChartKind(measure.chart),
        baseline=measure.baseline_points,
        improvement=Improvement(measure.improvement),
        rules=RuleSet(measure.rules),
    )


def chart_of(measure: Measure) -> Chart:
    return chart_from(measure, observations_of(measure.values.order_by("on")))


def charts_of(measures: Iterable[Measure]) -> dict[int, Chart]:
    """Each measure's chart, its values read in one query for all of them."""
    wanted = {m.pk: m for m in measures}
    by_measure: dict[int, list[MeasureValue]] = defaultdict(list)
    for value in MeasureValue.objects.filter(measure_id__in=wanted).order_by("measure_id", "on"):
        by_measure[value.measure_id].append(value)
    return {pk: chart_from(m, observations_of(by_measure[pk])) for pk, m in wanted.items()}


def programme(
    projects: QuerySet[Project], *, status: str = "", organisation_id: int | None = None
) -> QuerySet[Project]:
    """The projects for the programme page, with what each row shows, in a fixed number of
    queries."""
    if status:
        projects = projects.filter(status=status)
    if organisation_id:
        projects = projects.filter(organisations__organisation_id=organisation_id)
    return (
        projects.select_related("headline_measure", "lead__user")
        .prefetch_related("organisations__organisation")
        .distinct()
        .order_by("title", "id")
    )
