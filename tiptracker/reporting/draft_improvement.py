"""Drafting 4.2's paragraph on the improvement programme (issue 17): the projects active in the
period, the PDSA cycles they ran and the changes they adopted, how many headline measures
show special-cause improvement at the period's end, a table of the projects, and the charts
of at most three headline measures, each followed by its data table.

Each chart is computed from the values the figures keep (up to the period's end) with the
measure's settings, as the measure's page computes it (improvement.period.series_chart), and
the document keeps the same values (document.SpcSeries), so a frozen report draws the same
chart whatever is entered later.

The paragraph also says what coaching, mentoring and peer networks did in the period (the
network app's coaching_summary), with a table by organisation.

Unlike the other parts of 4.2, nothing is drafted for a partnership with neither a project
nor a coaching pair or group active in the period: the programme is optional, and a board
need not read of one it never had.
"""

from collections.abc import Callable

from tiptracker.improvement.charts import number
from tiptracker.improvement.period import series_chart
from tiptracker.lib.dates import long_date
from tiptracker.lib.spc import Chart as SpcChart
from tiptracker.lib.spc import ChartKind, Variation
from tiptracker.lib.spc_words import variation_words
from tiptracker.reporting.document import Chart, Paragraph, SpcSeries, Table
from tiptracker.reporting.draft_words import and_list, count
from tiptracker.reporting.figures import (
    Coaching,
    HeadlineMeasure,
    ImprovementProject,
    ReportFigures,
)

_day = long_date

# A chart and its table take most of a page: more than three would bury the paragraph.
CHARTED = 3
# The changes adopted are named in the text up to this many.
NAMED = 5


def improvement(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.improvement and f.coaching is None:
        return []
    # Each project with its headline measure's chart (None: no measure, or no value yet).
    projects = [
        (pr, _computed(pr.headline) if pr.headline and pr.headline.values else None)
        for pr in f.improvement
    ]
    chosen = _chosen(projects)
    parts, tables = [], []
    if projects:
        parts += [_activity(f.improvement), _measures(projects)]
        tables.append(_projects_table(f, projects))
    if f.coaching is not None:
        parts.append(coaching_and_peer_network(f.coaching))
        tables.append(_coaching_table(f, f.coaching))
    parts.append(_charted(projects, chosen))
    text = " ".join(part for part in parts if part)
    return [p(text, tables=tables, charts=[_chart(f, pr, chart) for pr, chart in chosen])]


def _projects_table(
    f: ReportFigures, projects: list[tuple[ImprovementProject, SpcChart | None]]
) -> Table:
    return Table(
        caption=(
            f"Improvement projects active from {_day(f.start)} to {_day(f.end)}: PDSA cycles "
            "run and changes adopted in the period, and what each headline measure's chart "
            f"shows at its latest point by {_day(f.end)} (the stage is as it was when the "
            "figures were taken)"
        ),
        # Each project's stage beside its name: six columns would not fit a Word page's
        # width with their longest words whole.
        header=[
            "Project (stage)",
            "PDSA cycles run",
            "Changes adopted",
            "Headline measure",
            "What its chart shows",
        ],
        rows=[
            [
                f"{pr.title} ({pr.stage.lower()})",
                _none_or(pr.cycles),
                _none_or(len(pr.adopted)),
                pr.headline.title if pr.headline else "None chosen",
                _shows(pr.headline, chart),
            ]
            for pr, chart in projects
        ],
    )


def coaching_and_peer_network(c: Coaching) -> str:
    """Coaching, mentoring and peer networks in the period: the pairs and groups active, and
    who met how often (their meetings' content is never recorded)."""
    kinds = [
        count(n, one)
        for n, one in (
            (c.coaching_pairs, "coaching pair"),
            (c.mentoring_pairs, "mentoring pair"),
            (c.peer_networks, "peer network"),
        )
        if n
    ]
    groups = c.coaching_pairs + c.mentoring_pairs + c.peer_networks
    text = (
        f"For coaching, mentoring and peer support, {and_list(kinds)} "
        f"{'was' if groups == 1 else 'were'} active"
    )
    if not c.meetings:
        return text + ", with no meeting recorded in the period."
    places = len(c.by_organisation)
    return (
        f"{text}: {count(c.people, 'person', 'people')} from "
        f"{count(places, 'organisation')} came to {count(c.meetings, 'meeting')} in the "
        "period."
    )


def _coaching_table(f: ReportFigures, c: Coaching) -> Table:
    return Table(
        caption=(
            f"Coaching, mentoring and peer networks active from {_day(f.start)} to "
            f"{_day(f.end)}, by organisation: a pair or group counts under each organisation "
            "of its people, so the organisations add up to more than the whole partnership"
        ),
        header=["Organisation", "Pairs and groups", "Meetings", "People who met"],
        rows=[
            *(
                [row.organisation, f"{row.groups:,}", _none_or(row.meetings), _none_or(row.people)]
                for row in c.by_organisation
            ),
            [
                "Whole partnership",
                f"{c.coaching_pairs + c.mentoring_pairs + c.peer_networks:,}",
                _none_or(c.meetings),
                _none_or(c.people),
            ],
        ],
    )


def _computed(headline: HeadlineMeasure) -> SpcChart:
    return series_chart(
        chart=headline.chart,
        rules=headline.rules,
        improvement=headline.improvement,
        baseline=headline.baseline,
        values=headline.values,
    )


def _improving(chart: SpcChart | None) -> bool:
    latest = chart.latest if chart else None
    return latest is not None and latest.variation == Variation.IMPROVEMENT


def _activity(projects: list[ImprovementProject]) -> str:
    cycles = sum(pr.cycles for pr in projects)
    adopted = [change for pr in projects for change in pr.adopted]
    active = count(len(projects), "improvement project was", "improvement projects were")
    text = f"In the period, {active} active"
    text += f", running {count(cycles, 'PDSA cycle')}" if cycles else ", with no PDSA cycle run"
    if not adopted:
        return text + "; no change was adopted."
    text += f"; {count(len(adopted), 'change was', 'changes were')} adopted"
    # Named while the names read as a list; the table counts them by project.
    return text + (f" ({and_list(adopted)})." if len(adopted) <= NAMED else ".")


def _measures(projects: list[tuple[ImprovementProject, SpcChart | None]]) -> str:
    measured = [(pr, chart) for pr, chart in projects if chart is not None]
    if not measured:
        return "No project's headline measure had a value by the end of the period."
    improving = sum(_improving(chart) for _pr, chart in measured)
    if len(measured) == 1:
        [(only, _chart)] = measured
        text = (
            f"The headline measure of {only.title} "
            f"{'showed' if improving else 'did not show'} special-cause improvement at its "
            "latest point by the end of the period"
        )
    else:
        many = len(measured)
        if not improving:
            who = (
                "Neither project's headline measure"
                if many == 2
                else f"None of the {many:,} projects' headline measures"
            )
        elif improving == many:
            who = (
                "Both projects' headline measures"
                if many == 2
                else f"All {many:,} projects' headline measures"
            )
        else:
            who = f"{improving:,} of the {many:,} projects' headline measures"
        its = "its" if who.startswith("Neither") else "their"
        text = (
            f"{who} showed special-cause improvement at {its} latest point by the end of the period"
        )
    others = len(projects) - len(measured)
    if others:
        text += f"; {count(others, 'project')} had no headline measure with a value by then"
    return text + "."


def _chosen(
    projects: list[tuple[ImprovementProject, SpcChart | None]],
) -> list[tuple[ImprovementProject, SpcChart]]:
    """The headline measures charted: at most three of those with values, those showing
    special-cause improvement first, then those with the most points (in the table's order
    among equals)."""
    measured = [(pr, chart) for pr, chart in projects if chart is not None]
    ranked = sorted(measured, key=lambda item: (not _improving(item[1]), -len(item[1].points)))
    return ranked[:CHARTED]


def _charted(
    projects: list[tuple[ImprovementProject, SpcChart | None]],
    chosen: list[tuple[ImprovementProject, SpcChart]],
) -> str:
    measured = sum(chart is not None for _pr, chart in projects)
    if not chosen:
        return ""
    if measured == 1:
        [(only, _chart)] = chosen
        return f"The chart of {only.title}'s headline measure follows, with a table of its figures."
    if len(chosen) == measured:
        return "The chart of each project's headline measure follows, with a table of its figures."
    return (
        f"The charts of {len(chosen)} of the {measured} headline measures follow, each with a "
        "table of its figures: those showing special-cause improvement first, then those "
        f"with the most points ({and_list(pr.title for pr, _chart in chosen)}). The table "
        "below gives every project."
    )


def _none_or(n: int) -> str:
    return f"{n:,}" if n else "None"


def _shows(headline: HeadlineMeasure | None, chart: SpcChart | None) -> str:
    """What the headline measure's chart shows at its latest point, in the measure page's
    words, with that point."""
    if headline is None:
        return "No headline measure chosen"
    latest = chart.latest if chart else None
    if latest is None:
        return "No values by the end of the period"
    return (
        f"{variation_words(latest.variation)} (latest {number(latest.value, headline.unit)}, "
        f"{_day(latest.on)})"
    )


def _chart(f: ReportFigures, project: ImprovementProject, chart: SpcChart) -> Chart:
    """The headline measure's chart as on its page, with a text alternative that says what
    it shows and a table of every point."""
    measure = project.headline
    assert measure is not None
    unit = measure.unit
    xmr = chart.kind == ChartKind.XMR
    centre = "Mean" if xmr else "Median"
    trusted = {s.number for s in chart.segments if s.trusted}
    latest = chart.points[-1]
    segments = "; ".join(
        f"from {_day(s.first)}, {centre.lower()} {number(s.centre, unit)}"
        + (
            f", process limits {number(s.lower, unit)} to {number(s.upper, unit)}"
            if s.trusted
            else ""
        )
        for s in chart.segments
    )
    kind = "SPC chart (XmR)" if xmr else "Run chart"
    alt = (
        f"{kind} of {measure.title}, the headline measure of {project.title}: "
        f"{count(len(chart.points), 'point')} from {_day(chart.points[0].on)} to "
        f"{_day(latest.on)}; {segments}. The latest point, {number(latest.value, unit)} on "
        f"{_day(latest.on)}, shows {variation_words(latest.variation)[:1].lower()}"
        f"{variation_words(latest.variation)[1:]}."
        + (f" Target {number(measure.target, unit)}." if measure.target is not None else "")
        + (
            " Marked on it: " + "; ".join(f"{_day(n.on)}, {n.text}" for n in measure.notes) + "."
            if measure.notes
            else ""
        )
        + " The table below gives every point."
    )
    header = ["Date", "Value", centre]
    if xmr:
        header.append("Process limits")
    header.append("What it shows")
    rows = []
    for point in chart.points:
        row = [_day(point.on), number(point.value, unit), number(point.centre, unit)]
        if xmr:
            row.append(
                f"{number(point.lower, unit)} to {number(point.upper, unit)}"
                if point.segment in trusted
                else "Not drawn"
            )
        row.append(variation_words(point.variation))
        rows.append(row)
    return Chart(
        title=f"{project.title}: {measure.title}, to {_day(f.end)}",
        alt=alt,
        kind="spc",
        labels=[f"{point.on.day} {point.on:%b %Y}" for point in chart.points],
        series={measure.title: [point.value for point in chart.points]},
        unit="%" if unit == "percentage" else "",
        table=Table(
            caption=(
                f"{measure.title} ({project.title}): every value to {_day(f.end)}, with its "
                f"{centre.lower()}{' and process limits' if xmr else ''} and what it shows"
            ),
            header=header,
            rows=rows,
        ),
        spc=SpcSeries(
            chart=measure.chart,
            rules=measure.rules,
            improvement=measure.improvement,
            baseline=measure.baseline,
            target=measure.target,
            unit_label=measure.unit_label,
            values=measure.values,
            notes=[(n.on, n.text) for n in measure.notes],
        ),
    )
