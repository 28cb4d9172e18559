"""What the board report's renderers share: the outline every format walks, and its charts.

The renderers (render_html.py, render_pdf.py, render_word.py) each take one BoardReport and
give HTML, PDF or Word. All three walk the same outline (`outline`), so a heading, a
paragraph number or a table reads the same in every format. Charts come from lib/charts
(cached by their figures): SVG in HTML and PDF, PNG in Word, which cannot be relied on to
show SVG. Every chart is followed by its data table, the accessible version of the same
figures.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from tiptracker.improvement.period import series_chart
from tiptracker.lib import spc_charts
from tiptracker.lib.charts import (
    bar_chart_png,
    bar_chart_svg,
    grouped_bar_chart_png,
    grouped_bar_chart_svg,
    line_chart_png,
    line_chart_svg,
    svg_ids_prefixed,
)
from tiptracker.lib.spc import Chart as SpcChart
from tiptracker.reporting.document import BoardReport, Chart, Section, SpcSeries


@dataclass(frozen=True)
class Heading:
    """One section or subsection in reading order, flattened so that no renderer recurses
    and every renderer agrees on the levels: 1 for "1.0 PURPOSE OF REPORT", 2 for
    "4.1 Background", 3 below that."""

    level: int
    text: str
    anchor: str
    section: Section


def outline(report: BoardReport) -> list[Heading]:
    headings: list[Heading] = []

    def visit(section: Section, level: int) -> None:
        headings.append(
            Heading(
                level=level,
                text=heading_text(section),
                anchor="section-" + section.number.replace(".", "-"),
                section=section,
            )
        )
        for subsection in section.subsections:
            visit(subsection, level + 1)

    for section in report.sections:
        visit(section, 1)
    return headings


def heading_text(section: Section) -> str:
    """The board writes a top-level section number as "1.0" and a subsection's as it is."""
    number = section.number if "." in section.number else f"{section.number}.0"
    return f"{number} {section.title}"


def period_text(report: BoardReport) -> str:
    return f"{report.period_start:%-d %B %Y} to {report.period_end:%-d %B %Y}"


def chart_svg(chart: Chart, prefix: str) -> SafeString:
    # Our own matplotlib output, with the text alternative stripped of markup by lib/charts.
    # The aria-label is the chart's `alt`: the visible title is the figure's caption.
    if chart.kind == "spc":
        series = _spc(chart)
        svg = spc_charts.chart_svg(
            _computed(series),
            title=chart.alt,
            unit_label=series.unit_label,
            target=series.target,
            annotations=series.notes,
        )
    elif chart.kind == "bar":
        svg = bar_chart_svg(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
        )
    elif chart.kind == "bars":
        svg = grouped_bar_chart_svg(
            title=chart.alt, labels=chart.labels, series=dict(chart.series), axis_label=chart.axis
        )
    else:
        svg = line_chart_svg(title=chart.alt, x_labels=chart.labels, series=_lines(chart))
    return mark_safe(svg_ids_prefixed(svg, prefix))  # noqa: S308


def _spc(chart: Chart) -> SpcSeries:
    if chart.spc is None:
        raise ValueError(f"The SPC chart {chart.title!r} has no measure to draw.")
    return chart.spc


def _computed(series: SpcSeries) -> SpcChart:
    """The chart computed from the values kept, with the settings kept, as the measure's
    page computes it."""
    return series_chart(
        chart=series.chart,
        rules=series.rules,
        improvement=series.improvement,
        baseline=series.baseline,
        values=series.values,
    )


def _only_series(chart: Chart) -> list[float | None]:
    """A bar chart has one series (one bar per label); an empty chart draws no bars."""
    return next(iter(chart.series.values()), [])


def _lines(chart: Chart) -> dict[str, Sequence[float | None]]:
    """A line chart's series; a kind we cannot draw is a drafting mistake, said loudly
    rather than drawn as the wrong chart."""
    if chart.kind != "line":
        raise ValueError(f"A chart is a bar, bars, line or SPC chart, not {chart.kind!r}.")
    return dict(chart.series)


def chart_png(chart: Chart) -> bytes:
    if chart.kind == "spc":
        series = _spc(chart)
        return spc_charts.chart_png(
            _computed(series),
            title=chart.alt,
            unit_label=series.unit_label,
            target=series.target,
            annotations=series.notes,
        )
    if chart.kind == "bar":
        return bar_chart_png(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
        )
    if chart.kind == "bars":
        return grouped_bar_chart_png(
            title=chart.alt, labels=chart.labels, series=dict(chart.series), axis_label=chart.axis
        )
    return line_chart_png(title=chart.alt, x_labels=chart.labels, series=_lines(chart))
