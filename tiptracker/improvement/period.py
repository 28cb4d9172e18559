"""The improvement programme over a period, for the board report's section 4 (issue 17): the
projects active in it, the PDSA cycles each ran and the changes it adopted in it, and its
headline measure as it stood at the period's end, with whether that shows special-cause
improvement.

Read in three queries whatever the number of projects (the projects, their cycles, their
headline measures' values); each chart is computed by selectors.chart_from, as on the
measure's page, from the values dated on or before the period's end only, so that a special
cause that shows after the period is not counted in it.

Decided here (docs/improvement.md has no period of its own):
- a project is active in the period when it had started by the period's end (its start date,
  or the day it was recorded when it has none) and had not ended before the period began (its
  end date; a closed project without one is taken to have ended when it was last changed);
- a PDSA cycle ran in the period when its dates overlap it (from its start to its end, or
  its start alone while it has no end date);
- a change was adopted in the period when a cycle of it ended in "adopt" on a day of the
  period (its end date, or its start date when it has none: the day its chart marks);
- a project's stage is its stage when the figures are taken: stages keep no dated history.

Computed measures are read as stored: their pages work them out again when they are due.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from tiptracker.improvement.models import Measure, MeasureValue, PdsaCycle, Project
from tiptracker.improvement.selectors import chart_from
from tiptracker.lib.dates import LONDON
from tiptracker.lib.spc import Chart, Observation, Variation


@dataclass(frozen=True)
class HeadlineAtEnd:
    """A project's headline measure as it stood at the end of the period: its settings and
    every value dated on or before that day, from which its chart is drawn again (`chart`)."""

    title: str
    unit: str  # Measure.Unit: "percentage", "count", "rate", "days"
    unit_label: str  # its label, above the chart's axis: "Percentage"
    chart: str  # Measure.Chart: "xmr" or "run"
    rules: str  # Measure.Rules: "ihi" or "anhoej"
    improvement: str  # Measure.Direction: "up", "down" or "neutral"
    baseline: int | None  # Measure.baseline_points
    target: float | None
    values: list[Observation]
    # What its chart marks, as on the measure's page (selectors.annotations_of): each value's
    # note and each PDSA cycle of the project decided by the end of the period.
    notes: list[tuple[dt.date, str]] = field(default_factory=list)

    def spc(self) -> Chart:
        return series_chart(
            chart=self.chart,
            rules=self.rules,
            improvement=self.improvement,
            baseline=self.baseline,
            values=self.values,
        )


@dataclass(frozen=True)
class ProjectInPeriod:
    title: str
    stage: str  # its label: "Testing", ...
    cycles: int  # PDSA cycles run in the period
    adopted: list[str]  # the change ideas adopted in the period, by title
    headline: HeadlineAtEnd | None  # None: no headline measure chosen
    # Whether the headline measure's latest point by the end of the period shows
    # special-cause improvement.
    improving: bool


@dataclass(frozen=True)
class ProgrammeInPeriod:
    projects: list[ProjectInPeriod]

    @property
    def cycles(self) -> int:
        return sum(p.cycles for p in self.projects)

    @property
    def adopted(self) -> int:
        return sum(len(p.adopted) for p in self.projects)

    @property
    def measured(self) -> int:
        """Projects whose headline measure has a value by the end of the period."""
        return sum(bool(p.headline and p.headline.values) for p in self.projects)

    @property
    def improving(self) -> int:
        return sum(p.improving for p in self.projects)


def series_chart(
    *, chart: str, rules: str, improvement: str, baseline: int | None, values: Sequence[Observation]
) -> Chart:
    """The chart of `values` with a measure's settings, computed as the measure's page
    computes it (selectors.chart_from): for a chart drawn again from values kept elsewhere
    (a board report's frozen figures), whatever the measure holds now."""
    settings = Measure(chart=chart, rules=rules, improvement=improvement, baseline_points=baseline)
    return chart_from(settings, list(values))


def _decided_on(starts_on: dt.date, ends_on: dt.date | None) -> dt.date:
    return ends_on or starts_on


def programme_in_period(*, partnership_id: int, start: dt.date, end: dt.date) -> ProgrammeInPeriod:
    """The partnership's projects active from `start` to `end` (both included), by title."""
    begins = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    projects = list(
        Project.objects.filter(partnership_id=partnership_id)
        .filter(Q(starts_on__lte=end) | Q(starts_on__isnull=True, created_at__lt=after))
        .exclude(ends_on__lt=start)
        .exclude(status=Project.Status.CLOSED, ends_on__isnull=True, updated_at__lt=begins)
        .select_related("headline_measure")
        .order_by("title", "id")
    )
    if not projects:
        return ProgrammeInPeriod(projects=[])
    ran: dict[int, int] = defaultdict(int)
    adopted: dict[int, dict[int, str]] = defaultdict(dict)  # project -> idea -> its title
    decisions: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for project_id, idea_id, idea, number, title, starts_on, ends_on, act in (
        PdsaCycle.objects.filter(project_id__in=[p.pk for p in projects], starts_on__lte=end)
        .order_by("project_id", "starts_on", "change_idea_id", "number")
        .values_list(
            "project_id",
            "change_idea_id",
            "change_idea__title",
            "number",
            "title",
            "starts_on",
            "ends_on",
            "act",
        )
    ):
        decided = _decided_on(starts_on, ends_on)
        if decided >= start:
            ran[project_id] += 1
        if act and decided <= end:
            # As the measure's page marks it (selectors.annotations_of).
            verb = PdsaCycle.Act(act).label.split(":")[0].lower()
            decisions[project_id].append((decided, f"PDSA {number}, {title}: {verb}"))
            if act == PdsaCycle.Act.ADOPT and decided >= start:
                adopted[project_id].setdefault(idea_id, idea)
    headlines = {p.headline_measure_id: p.headline_measure for p in projects}
    values: dict[int, list[Observation]] = defaultdict(list)
    for measure_id, on, value, rebase, note in (
        MeasureValue.objects.filter(measure_id__in=[pk for pk in headlines if pk], on__lte=end)
        .order_by("measure_id", "on")
        .values_list("measure_id", "on", "value", "rebase", "note")
    ):
        values[measure_id].append(Observation(on=on, value=value, rebase=rebase, note=note))
    found = []
    for project in projects:
        measure, headline, improving = project.headline_measure, None, False
        if measure is not None:
            observations = values[measure.pk]
            notes = [(o.on, o.note) for o in observations if o.note]
            headline = HeadlineAtEnd(
                title=measure.title,
                unit=measure.unit,
                unit_label=measure.get_unit_display(),
                chart=measure.chart,
                rules=measure.rules,
                improvement=measure.improvement,
                baseline=measure.baseline_points,
                target=measure.target,
                values=observations,
                notes=sorted(notes + decisions[project.pk], key=lambda note: note[0]),
            )
            latest = chart_from(measure, observations).latest
            improving = latest is not None and latest.variation == Variation.IMPROVEMENT
        found.append(
            ProjectInPeriod(
                title=project.title,
                stage=project.get_status_display(),
                cycles=ran[project.pk],
                adopted=list(adopted[project.pk].values()),
                headline=headline,
                improving=improving,
            )
        )
    return ProgrammeInPeriod(projects=found)
