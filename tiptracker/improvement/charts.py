"""A measure as the pages show it: its chart (drawn by lib.spc_charts from lib.spc's
computation), the words beside it and the table of the same figures."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from tiptracker.improvement.models import Measure, MeasureValue, PdsaCycle, Project, lower_first
from tiptracker.improvement.selectors import (
    annotations_of,
    chart_from,
    charts_of,
    latest_cycles,
    observations_of,
)
from tiptracker.lib.dates import long_date
from tiptracker.lib.spc import Chart, ChartKind, Point
from tiptracker.lib.spc_charts import chart_png, chart_svg
from tiptracker.lib.spc_words import assurance_words, signal_words, variation_words


def number(value: float | None, unit: str = "") -> str:
    """41.2 as 41.2, 41.0 as 41, 12.3456 as 12.35; percentages with their sign."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return f"{text}%" if unit == Measure.Unit.PERCENTAGE else text


@dataclass
class Shown:
    measure: Measure
    chart: Chart
    svg: str
    caption: str
    latest: Point | None
    latest_words: str = ""
    assurance_words: str = ""
    warnings: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    limits: bool = False  # whether any part of the chart has limits to show
    rows: list[dict] = field(default_factory=list)


def _summary(measure: Measure, chart: Chart) -> list[str]:
    unit = measure.unit
    lines = []
    centre = "mean" if chart.kind == ChartKind.XMR else "median"
    for s in chart.segments:
        line = f"From {long_date(s.first)} ({s.size} point{'' if s.size == 1 else 's'}): {centre} {number(s.centre, unit)}"
        if s.trusted:
            line += f", process limits {number(s.lower, unit)} to {number(s.upper, unit)}"
        if s.few_crossings:
            line += "; fewer crossings of the median than chance would give (a signal)"
        lines.append(line + ".")
    found = sorted({signal for p in chart.points for signal in p.signals})
    if found:
        lines.append("Signals found: " + "; ".join(signal_words(s) for s in found) + ".")
    return lines


def _warnings(chart: Chart) -> list[str]:
    many = len(chart.segments) > 1
    out = []
    for s in chart.segments:
        for warning in s.warnings:
            out.append(f"From {long_date(s.first)}: {warning}" if many else warning)
        if s.upper is not None and not s.trusted:
            out.append(
                "So the process limits are not drawn, and the target is not judged against them."
            )
    return out


def shown_from(
    measure: Measure, values: Sequence[MeasureValue], chart: Chart, *, thumbnail: bool = False
) -> Shown:
    latest = chart.latest
    unit = measure.unit
    svg = ""
    if latest is not None:
        svg = chart_svg(
            chart,
            title=f"{'Small chart' if thumbnail else 'Chart'} of {measure.title}",
            unit_label=measure.get_unit_display(),
            target=measure.target,
            annotations=() if thumbnail else annotations_of(measure, values),
            thumbnail=thumbnail,
        )
    assurance = chart.assurance(measure.target)
    shown = Shown(
        measure=measure,
        chart=chart,
        svg=svg,
        caption=(
            f"{measure.title}: the figures are on the measure's page."
            if thumbnail
            else "The chart's figures are in the table below."
        ),
        latest=latest,
        latest_words=lower_first(variation_words(latest.variation)) if latest else "",
        assurance_words=lower_first(assurance_words(assurance)) if assurance else "",
    )
    if thumbnail:
        return shown
    shown.summary = _summary(measure, chart)
    shown.warnings = _warnings(chart)
    trusted = {s.number for s in chart.segments if s.trusted}
    shown.limits = bool(trusted)
    by_date = {v.on: v for v in values}
    for p in chart.points:
        stored = by_date[p.on]
        shown.rows.append(
            {
                "pk": stored.pk,
                "on": p.on,
                "rebase": stored.rebase and p.segment > 1,
                "value": number(p.value, unit),
                "centre": number(p.centre, unit),
                "limits": (
                    f"{number(p.lower, unit)} to {number(p.upper, unit)}"
                    if p.segment in trusted
                    else "Not drawn"
                ),
                "variation": variation_words(p.variation),
                "signals": ", ".join(signal_words(s) for s in p.signals),
                "note": p.note,
            }
        )
    return shown


def measure_chart(measure: Measure, *, thumbnail: bool = False) -> Shown:
    values = list(measure.values.order_by("on"))
    return shown_from(
        measure, values, chart_from(measure, observations_of(values)), thumbnail=thumbnail
    )


def measure_png(measure: Measure) -> bytes:
    values = list(measure.values.order_by("on"))
    chart = chart_from(measure, observations_of(values))
    return chart_png(
        chart,
        title=f"Chart of {measure.title}",
        unit_label=measure.get_unit_display(),
        target=measure.target,
        annotations=annotations_of(measure, values),
    )


@dataclass
class ProgrammeRow:
    project: Project
    shown: Shown | None
    latest_cycle: PdsaCycle | None


def programme_rows(projects: Sequence[Project]) -> list[ProgrammeRow]:
    """Each project with its headline measure's small chart: the values of every headline
    measure are read in one query."""
    headlines = [p.headline_measure for p in projects if p.headline_measure is not None]
    charts = charts_of(headlines)
    cycles = latest_cycles(projects)
    rows = []
    for project in projects:
        measure = project.headline_measure
        shown = None
        if measure is not None:
            shown = shown_from(measure, [], charts[measure.pk], thumbnail=True)
        rows.append(ProgrammeRow(project=project, shown=shown, latest_cycle=cycles.get(project.pk)))
    return rows
