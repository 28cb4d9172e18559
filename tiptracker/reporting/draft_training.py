"""Drafting 4.2's paragraphs on training: the sessions held and who attended them, the
completions recorded by where they came from, coverage of the workforce by level (with its
trend as a line chart), and the impact chain of the training's feedback (as grouped bars).
Every chart is followed by its data table.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from tiptracker.lib.dates import long_date
from tiptracker.lib.suppression import Figure
from tiptracker.reporting.document import Chart, Paragraph, Table
from tiptracker.reporting.draft_words import and_list, count, months_listed, percent
from tiptracker.reporting.figures import CoverageOnDay, ImpactRow, ReportFigures

_day = long_date


# How each source of completions is named (training.models.Completion.Source).
SOURCE_WORDS = {
    "attendance": "from sessions attended",
    "import": "imported from learning records (such as the national learning system)",
    "claim": "from approved claims for learning done elsewhere",
    "manual": "recorded by hand",
}


def _completions(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    """Every completion of the period by where it came from, so that coverage rising with no
    session held is explained (learning-system imports count as much as sessions)."""
    total = sum(c.completions for c in f.completions)
    if not total:
        return [p("No training completions were recorded in the period.", key="completions")]
    parts = [f"{c.completions:,} {SOURCE_WORDS.get(c.source, c.source)}" for c in f.completions]
    text = f"In the period {count(total, 'training completion')} {'was' if total == 1 else 'were'} recorded"
    text += f": {and_list(parts)}." if len(parts) > 1 else f", {parts[0].split(' ', 1)[1]}."
    return [p(text, key="completions")]


def training(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.attendance:
        return [p("No training sessions were held in the period."), *_completions(f, p)]
    paragraphs = []
    managers = [a for a in f.attendance if a.for_managers]
    others = [a for a in f.attendance if not a.for_managers]
    for course in others:
        paragraphs.append(
            p(
                key=f"training:{course.course}",
                text=f"{course.course} (level {course.level}): {count(course.sessions, 'session')} "
                f"in {months_listed(course.months)}, attended by {count(course.attended, 'person', 'people')}.",
            )
        )
    if managers:
        attended = sum(a.attended for a in managers)
        months = months_listed(dict.fromkeys(m for a in managers for m in a.months))
        paragraphs.append(
            p(
                key="training:managers",
                text=f"A series of manager briefings was offered over {months}, with "
                f"{count(attended, 'manager')} having attended.",
            )
        )
    table = Table(
        caption="Training sessions held in the period",
        header=["Course", "Level", "Sessions", "Attended"],
        rows=[[a.course, str(a.level), f"{a.sessions:,}", f"{a.attended:,}"] for a in f.attendance],
    )
    paragraphs[-1] = replace(paragraphs[-1], tables=[table])
    return paragraphs + _completions(f, p)


def coverage(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.coverage:
        return [p("No workforce or training needs are recorded yet, so coverage is not known.")]
    changes = [
        f"level {c.level} ({c.name}) from {percent(c.percent_at_start)} to "
        f"{percent(c.percent_at_end)}"
        for c in f.coverage
    ]
    table = Table(
        caption=f"Coverage by level, {_day(f.start)} and {_day(f.end)}",
        header=["Level", "Needed at start", "Trained at start", "Needed at end", "Trained at end"],
        rows=[
            [
                f"{c.level} {c.name}",
                f"{c.needed_at_start:,}",
                f"{c.trained_at_start:,} ({percent(c.percent_at_start)})",
                f"{c.needed_at_end:,}",
                f"{c.trained_at_end:,} ({percent(c.percent_at_end)})",
            ]
            for c in f.coverage
        ],
    )
    return [
        p(
            "Coverage of the workforce against the training each person needs, by level of "
            f"the national framework, changed over the period: {and_list(changes)}.",
            tables=[table],
            charts=[_coverage_trend(f)],
        )
    ]


def _rounded(percent: float | None) -> float | None:
    return None if percent is None else round(percent, 1)


def _coverage_trend(f: ReportFigures) -> Chart:
    """Coverage by level on the first day, at each month end and on the last day, as a line
    per level, with a table of who needed and who had each level on each day. Coverage is
    not suppressed (the dashboard shows it whole): it counts the workforce, not answers."""
    days = list(dict.fromkeys(point.day for point in f.coverage_trend))
    on: dict[tuple[dt.date, int], CoverageOnDay] = {
        (point.day, point.level): point for point in f.coverage_trend
    }
    levels = [c.level for c in f.coverage]
    table = Table(
        caption=(
            f"Coverage by level from {_day(f.start)} to {_day(f.end)}: trained of those who need it"
        ),
        header=["Date", *(f"Level {c.level} {c.name}" for c in f.coverage)],
        rows=[
            [
                _day(day),
                *(
                    f"{on[(day, level)].trained:,} of {on[(day, level)].needed:,} "
                    f"({percent(on[(day, level)].percent)})"
                    for level in levels
                ),
            ]
            for day in days
        ],
    )
    trend = "; ".join(
        f"level {level} from {percent(on[(days[0], level)].percent)} to "
        f"{percent(on[(days[-1], level)].percent)}"
        for level in levels
    )
    return Chart(
        title="Coverage by level over the period, at each month end",
        alt=(
            f"Line chart of coverage by level at {count(len(days), 'point')} from "
            f"{_day(f.start)} to {_day(f.end)}: {trend}. The table below gives every point."
        ),
        kind="line",
        labels=[f"{day.day} {day:%b %Y}" for day in days],
        # The key names each level, not just its number.
        series={
            f"Level {c.level} {c.name}": [_rounded(on[(day, c.level)].percent) for day in days]
            for c in f.coverage
        },
        unit="%",
        table=table,
    )


def impact(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.impact:
        return [p("No feedback on training was gathered in the period.")]

    def shown(figure: object) -> str:
        return "not measured" if figure is None else str(figure)

    table = Table(
        caption=(
            f"The impact of training held from {_day(f.impact_start)} to {_day(f.impact_end)} "
            "(fewer than 5 is not shown; answers to anonymous surveys rounded to the nearest 5)"
        ),
        header=["Course", "Attended", "Gave feedback", "Reported learning", "Changed practice"],
        rows=[
            [
                row.course,
                shown(row.attended),
                shown(row.reacted),
                shown(row.learned),
                shown(row.changed),
            ]
            for row in f.impact
        ],
    )
    charted = any(_charted(row) for row in f.impact)
    return [
        p(
            "Feedback from people who attended training, from their reaction straight after "
            "a session to changes in their practice some weeks later, is summarised below, "
            "for training in the whole quarters the period touches. Answers to anonymous "
            "surveys are published a quarter at a time, once that quarter's surveys have "
            "closed, with counts rounded to the nearest 5; other figures from fewer than 5 "
            "people are not shown. Both protect those who answered.",
            # One table per figure: with a chart, its data table (every course) is the table.
            tables=[] if charted else [table],
            charts=[_impact_chart(f, caption=table.caption)] if charted else [],
        )
    ]


# The chain's steps as the table heads them; the chart draws the steps after attending, each
# as a share of those who attended.
_STEPS = ("Attended", "Gave feedback", "Reported learning", "Changed practice")
_FIELDS = ("reacted", "learned", "changed")  # ImpactRow's, for the steps after attending
_CHARTED_COURSES = 5  # one group of bars each: more would not fit a page


def _charted(row: ImpactRow) -> bool:
    """A course can be drawn when its attendance is shown: every share is of that."""
    return bool(row.attended.value)


def _share(figure: Figure | None, attended: int) -> float | None:
    """The step as a share of those who attended; None where it is not measured, suppressed,
    or larger than attendance (anonymous answers need not come from the same people: a
    share above 100% would be no share, and the chart's axis stops at 100)."""
    if figure is None or figure.value is None or figure.value > attended:
        return None
    return round(100 * figure.value / attended, 1)


def _impact_chart(f: ReportFigures, *, caption: str) -> Chart:
    """The impact chain of the most attended courses (up to five) as bars: a group per
    course, a bar for each step after attending that is measured, as a share of those who
    attended. A step not measured for any of them has no bar; one whose count is suppressed
    or larger than attendance draws none, and the text alternative says which. The shares
    come only from counts the table shows, so they reveal nothing it hides. The data table
    is the section's only table: every course, in the order of the figures."""
    rows = sorted((r for r in f.impact if _charted(r)), key=lambda r: -(r.attended.value or 0))
    rows = rows[:_CHARTED_COURSES]
    shares = {
        row.course: [
            _share(figure, row.attended.value or 0)
            for figure in (row.reacted, row.learned, row.changed)
        ]
        for row in rows
    }
    measured = [n for n in range(3) if any(getattr(r, _FIELDS[n]) is not None for r in rows)]
    series: dict[str, list[float | None]] = {
        _STEPS[n + 1]: [shares[row.course][n] for row in rows] for n in measured
    }
    described, gaps = [], []
    for row in rows:
        attended = row.attended.value
        assert attended  # _charted
        steps = (row.reacted, row.learned, row.changed)
        drawn = [
            f"{name.lower()} {share:.1f}%"
            for name, share in zip(_STEPS[1:], shares[row.course], strict=True)
            if share is not None
        ]
        described.append(f"{row.course}: {', '.join(drawn) or 'no step after attending drawn'}")
        for name, figure in zip(_STEPS[1:], steps, strict=True):
            if figure is None:
                gaps.append(f"{row.course}, {name.lower()}: not measured")
            elif figure.value is None:
                gaps.append(f"{row.course}, {name.lower()}: {figure}, not drawn")
            elif figure.value > attended:
                gaps.append(
                    f"{row.course}, {name.lower()}: {figure.value:,}, more than attended "
                    "(anonymous answers), not drawn as a share"
                )
    left_out = [r.course for r in f.impact if r not in rows]
    alt = (
        "Bar chart of the impact chain, each step as a share of those who attended: "
        + "; ".join(described)
        + "."
        + (f" Not drawn: {'; '.join(gaps)}." if gaps else "")
        + (f" Not in the chart, but in the table below: {and_list(left_out)}." if left_out else "")
    )

    def cell(figure: Figure | None, attended: int) -> str:
        if figure is None:
            return "not measured"
        share = _share(figure, attended)
        return str(figure) if share is None else f"{figure} ({share:.1f}%)"

    table = Table(
        caption=caption.replace(
            " (fewer than 5", ", as a share of those who attended (fewer than 5", 1
        ),
        header=["Course", *_STEPS],
        rows=[
            [
                row.course,
                *(
                    cell(figure, row.attended.value or 0)
                    for figure in (row.attended, row.reacted, row.learned, row.changed)
                ),
            ]
            for row in f.impact
        ],
    )
    return Chart(
        title=(
            "The impact chain: the share of those who attended who gave feedback, reported "
            "learning and changed their practice"
            + (f", for the {len(rows)} courses attended most" if left_out else "")
        ),
        alt=alt,
        kind="bars",
        labels=[row.course for row in rows],
        series=series,
        unit="%",
        table=table,
        axis="Percentage of those who attended",
    )
