"""Reads for the improvement programme: each measure's chart, computed from its values by
tiptracker.lib.spc (the one computation for the pages, documents, the API and the command)."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from tiptracker.improvement.models import Measure, MeasureValue, PdsaCycle, Project
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
    """Each measure's chart, its values read in one query for all of them (as plain columns:
    fifty measures of three years are 1,800 rows, and model objects cost more than the rest)."""
    wanted = {m.pk: m for m in measures}
    by_measure: dict[int, list[Observation]] = defaultdict(list)
    rows = (
        MeasureValue.objects.filter(measure_id__in=wanted)
        .order_by("measure_id", "on")
        .values_list("measure_id", "on", "value", "rebase", "note")
    )
    for measure_id, on, value, rebase, note in rows:
        by_measure[measure_id].append(Observation(on=on, value=value, rebase=rebase, note=note))
    return {pk: chart_from(m, by_measure[pk]) for pk, m in wanted.items()}


def latest_cycles(projects: Iterable[Project]) -> dict[int, PdsaCycle]:
    """Each project's latest PDSA cycle (by start), in one query."""
    found: dict[int, PdsaCycle] = {}
    cycles = (
        PdsaCycle.objects.filter(project_id__in=[p.pk for p in projects])
        .select_related("change_idea")
        .order_by("project_id", "-starts_on", "-id")
    )
    for cycle in cycles:
        found.setdefault(cycle.project_id, cycle)
    return found


def annotations_of(measure: Measure, values: Iterable[MeasureValue]) -> list[tuple]:
    """What the chart marks: each value's note, and each PDSA cycle of the project that ended
    in a decision (adopt, adapt, abandon), on the day it ended (or started)."""
    marks = [(v.on, v.note) for v in values if v.note]
    for cycle in PdsaCycle.objects.filter(project_id=measure.project_id).exclude(act=""):
        act = cycle.get_act_display().split(":")[0].lower()
        marks.append(
            (cycle.ends_on or cycle.starts_on, f"PDSA {cycle.number}, {cycle.title}: {act}")
        )
    return sorted(marks, key=lambda mark: mark[0])


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
