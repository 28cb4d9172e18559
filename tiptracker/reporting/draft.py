"""The first draft of a board report from the period's figures, in the board's structure:
1 Purpose, 2 Recommendations, 3 Financial implications, 4 Main text (4.1 Background,
4.2 Progress update, 4.3 Next steps), 5 Policy implications, 6 Risk assessment,
7 Consultations, 8 Directions, 9 Background papers; paragraphs numbered the board's way.

Every module of the product has its paragraph in 4.2; where it has nothing for the period,
the paragraph says so rather than disappearing. The words are a draft for the steering
group to edit; the figures are the period's.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace

from tiptracker.lib.dates import long_date
from tiptracker.lib.money import board_pounds
from tiptracker.lib.suppression import Figure
from tiptracker.reporting.document import (
    NOT_NUMBERED,
    BoardReport,
    Chart,
    Paragraph,
    Section,
    Table,
)
from tiptracker.reporting.figures import CoverageOnDay, Engagement, ImpactRow, ReportFigures

_day = long_date


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _and(items: Iterable[str]) -> str:
    """ "A, B and C"; where an item has its own comma or "and" ("Map training need at levels
    one and two"), "A; B; and C", so that no two items read as one."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    if any(", " in item or " and " in item for item in listed):
        return "; ".join(listed[:-1]) + "; and " + listed[-1]
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def _count_or_no(n: int, one: str, many: str | None = None) -> str:
    """ "3 trauma champions", "1 trauma champion", "no trauma champions": a zero in words."""
    return f"no {many or one + 's'}" if n == 0 else _count(n, one, many)


def _months(months: Iterable[str]) -> str:
    """["April 2022", "May 2022"] as "April and May 2022": the year once for each run of
    months in the same year ("December 2021, January and February 2022")."""
    listed = [m.rsplit(" ", 1) for m in months]
    return _and(
        name if n + 1 < len(listed) and listed[n + 1][1] == year else f"{name} {year}"
        for n, (name, year) in enumerate(listed)
    )


# A body named by what it is ("... Sexual Abuse Centre") takes "the" in a sentence; one named
# like a place ("Dundee City Council", "NHS Tayside") does not.
_THE_NOUNS = frozenset(
    "Centre Center Trust Foundation Association Alliance Project Network Service Services "
    "Group Collective Forum Society Consortium Charity".split()
)


def _the(name: str) -> str:
    words = name.split()
    if words and words[0].lower() != "the" and words[-1] in _THE_NOUNS:
        return f"the {name}"
    return name


def _percent(value: float | None) -> str:
    return "not needed" if value is None else f"{value:.1f}%"


class _Numbers:
    """Hands out a section's paragraph numbers in order: 4.2.1, 4.2.2, ..."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.n = 0

    def __call__(self, text: str = "", **parts: object) -> Paragraph:
        self.n += 1
        return Paragraph(number=f"{self.prefix}.{self.n}", text=text, **parts)  # type: ignore[arg-type]


# 4.2: one function per module, each giving its paragraphs (or the one saying "none").


def _plan(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    plan = f.plan
    if plan is None or not plan.actions:
        return [p("No implementation plan is recorded for the partnership yet.")]
    # Every action counted once, by its status; a status no action has is left out.
    statuses = [
        (plan.completed, "complete"),
        (plan.on_track, "on track"),
        (plan.at_risk, "at risk"),
        (plan.off_track, "off track"),
        (plan.not_started, "not started"),
        (plan.cancelled, "cancelled"),
    ]
    held = [f"{n:,} {label}" for n, label in statuses if n]
    if len(held) == 1:
        held = [f"all {held[0].split(' ', 1)[1]}"] if plan.actions > 1 else held
    overdue = (
        "none was overdue"
        if plan.overdue == 0
        else f"{_count(plan.overdue, 'action was', 'actions were')} overdue"
    )
    text = (
        f"The Trauma Steering Group implementation plan is a collaborative and evolving "
        f"document. On {_day(f.end)} it held {_count(plan.actions, 'action')}: "
        f"{_and(held)}; {overdue}."
    )
    if plan.completed_in_period:
        text += f" Completed during the period: {_and(plan.completed_in_period)}."
    if plan.at_risk_titles:
        text += f" At risk: {_and(plan.at_risk_titles)}."
    if not plan.notes:
        return [p(text)]
    # Why: the latest note in the period on each action at risk or off track.
    troubled = " or ".join(dict.fromkeys(sorted(n.status for n in plan.notes)))
    text += (
        f" The latest progress note on the action {troubled}:"
        if len(plan.notes) == 1
        else f" The latest progress notes on the actions {troubled}:"
    )
    return [
        p(
            text,
            bullets=[
                f"{n.action} ({n.status}, {_day(n.written_on)}): {n.text}" for n in plan.notes
            ],
        )
    ]


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
    text = f"In the period {_count(total, 'training completion')} {'was' if total == 1 else 'were'} recorded"
    text += f": {_and(parts)}." if len(parts) > 1 else f", {parts[0].split(' ', 1)[1]}."
    return [p(text, key="completions")]


def _training(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.attendance:
        return [p("No training sessions were held in the period."), *_completions(f, p)]
    paragraphs = []
    managers = [a for a in f.attendance if a.for_managers]
    others = [a for a in f.attendance if not a.for_managers]
    for course in others:
        paragraphs.append(
            p(
                key=f"training:{course.course}",
                text=f"{course.course} (level {course.level}): {_count(course.sessions, 'session')} "
                f"in {_months(course.months)}, attended by {_count(course.attended, 'person', 'people')}.",
            )
        )
    if managers:
        attended = sum(a.attended for a in managers)
        months = _months(dict.fromkeys(m for a in managers for m in a.months))
        paragraphs.append(
            p(
                key="training:managers",
                text=f"A series of manager briefings was offered over {months}, with "
                f"{_count(attended, 'manager')} having attended.",
            )
        )
    table = Table(
        caption="Training sessions held in the period",
        header=["Course", "Level", "Sessions", "Attended"],
        rows=[[a.course, str(a.level), f"{a.sessions:,}", f"{a.attended:,}"] for a in f.attendance],
    )
    paragraphs[-1] = replace(paragraphs[-1], tables=[table])
    return paragraphs + _completions(f, p)


def _coverage(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.coverage:
        return [p("No workforce or training needs are recorded yet, so coverage is not known.")]
    changes = [
        f"level {c.level} ({c.name}) from {_percent(c.percent_at_start)} to "
        f"{_percent(c.percent_at_end)}"
        for c in f.coverage
    ]
    table = Table(
        caption=f"Coverage by level, {_day(f.start)} and {_day(f.end)}",
        header=["Level", "Needed at start", "Trained at start", "Needed at end", "Trained at end"],
        rows=[
            [
                f"{c.level} {c.name}",
                f"{c.needed_at_start:,}",
                f"{c.trained_at_start:,} ({_percent(c.percent_at_start)})",
                f"{c.needed_at_end:,}",
                f"{c.trained_at_end:,} ({_percent(c.percent_at_end)})",
            ]
            for c in f.coverage
        ],
    )
    return [
        p(
            "Coverage of the workforce against the training each person needs, by level of "
            f"the national framework, changed over the period: {_and(changes)}.",
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
                    f"({_percent(on[(day, level)].percent)})"
                    for level in levels
                ),
            ]
            for day in days
        ],
    )
    trend = "; ".join(
        f"level {level} from {_percent(on[(days[0], level)].percent)} to "
        f"{_percent(on[(days[-1], level)].percent)}"
        for level in levels
    )
    return Chart(
        title="Coverage by level over the period, at each month end",
        alt=(
            f"Line chart of coverage by level at {_count(len(days), 'point')} from "
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


def _impact(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
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
        + (f" Not in the chart, but in the table below: {_and(left_out)}." if left_out else "")
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


def _funding(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.funding:
        return [p("No funding is recorded for the financial years of the period.")]
    paragraphs, said = [], set()
    for year in f.funding:
        if year.allocated:
            text = f"For {year.year}, {board_pounds(year.allocated)} was allocated"
            text += f" ({_and(year.sources)})" if year.sources else ""
        else:
            text = f"For {year.year}, no allocation is recorded"
        if not year.committed:
            text += "; none of it is committed yet." if year.allocated else "."
        else:
            text += (
                "; all of it is committed"
                if year.allocated and year.remaining == 0
                else f"; {board_pounds(year.committed)} is committed"
            )
            if year.commitments:
                text += ": " + _and(
                    f"{c.what} with {_the(c.partner)} ({board_pounds(c.amount)})"
                    if c.partner
                    else f"{c.what} ({board_pounds(c.amount)})"
                    for c in year.commitments
                )
            if year.remaining > 0:
                text += f"; {board_pounds(year.remaining)} remains."
            elif year.remaining < 0:
                text += f"; {board_pounds(-year.remaining)} more than was allocated."
            else:
                text += "."
        # What the allocation is for, in its own words; said once when years share it.
        purposes = [u.rstrip(".") for u in year.purposes if u not in said]
        said.update(year.purposes)
        if purposes:
            about = "About the allocation" if len(purposes) == 1 else "About the allocations"
            text += f" {about}: {'; '.join(purposes)}."
        paragraphs.append(p(text, key=f"funding:{year.year}"))
    return paragraphs


def _engagement(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.engagement:
        return [p("No engagement with national work was recorded in the period.")]
    return [
        p(
            "Over the period the partnership contributed to national developments in "
            "trauma-informed practice and leadership:",
            bullets=[_engaged(e) for e in f.engagement],
        )
    ]


def _engaged(e: Engagement) -> str:
    """ "7 December 2021: Minister for ... (meeting). Taking part for the partnership: ...
    Invited to speak ...": who represented the partnership and what came of it."""
    text = f"{_day(e.date)}: {e.body} ({e.kind.lower()})."
    if e.represented_by:
        text += f" Taking part for the partnership: {e.represented_by.rstrip('.')}."
    summary = " ".join(e.summary.split())
    return f"{text} {summary}" if summary else text


def _resources(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.resources:
        return [p("No resources or toolkits were published in the period.")]
    return [
        p(
            f"{_count(len(f.resources), 'resource was', 'resources were')} published or "
            "updated for the workforce in the period:",
            bullets=[f"{r.title} ({r.kind.lower()}, {_day(r.on)})" for r in f.resources],
        )
    ]


def _network(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    n = f.network
    if n is None:
        return [p("No trauma champions or ambassadors are recorded yet.")]
    text = (
        f"On {_day(f.end)} the partnership had {_count_or_no(n.champions, 'trauma champion')} "
        f"and {_count_or_no(n.ambassadors, 'trauma ambassador')}"
    )
    teams = _count(n.teams, "team")
    if not n.teams:
        text += "."
    elif not n.teams_with_ambassador:
        text += f"; none of its {teams} had an ambassador yet."
    else:
        text += f"; {n.teams_with_ambassador:,} of its {teams} had an ambassador."
    return [p(text)]


def _lived(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    """The route in one sentence with its total (suppressed below the threshold), and a
    table only of the stages with a figure to show: eleven rows of "fewer than 5" tell a
    board nothing the sentence does not."""
    counts = f.lived
    rows = [
        [label, str(entered), str(standing)]
        for (label, entered), (_same, standing) in zip(counts.entered, counts.at_end, strict=True)
        if entered.value or standing.value
    ]
    total = counts.at_end_total
    if total.value is None:
        on_route = f"{total} people were on the route"
    elif total.value == 0:
        on_route = "no one was on the route"
    else:
        on_route = f"{_count(total.value, 'person was', 'people were')} on the route"
    text = (
        "A safe process for professionals within the workforce with lived experience of "
        "trauma to contribute to services and strategy runs from an expression of "
        "interest, through detailed information and a screening and consent discussion, "
        "to involvement. Only counts by stage are reported; none names anyone. They "
        f"cover {_day(counts.start)} to {_day(counts.end)}, the whole financial-year "
        "quarters the period touches, so that reports for overlapping periods count "
        "the same people and no small number can be worked out from the difference. "
        f"On {_day(counts.end)} {on_route}"
        + (
            "; the stages with a figure to show are in the table below."
            if rows
            else f"; no stage had {total.threshold} or more people, so none is shown apart."
        )
    )
    if not rows:
        return [p(text)]
    table = Table(
        caption=(
            "The professionals with lived experience route, "
            f"{_day(counts.start)} to {_day(counts.end)}: the stages with a figure to show "
            f"(fewer than {total.threshold} is not shown)"
        ),
        header=["Stage", f"Reached it from {_day(counts.start)}", f"At it on {_day(counts.end)}"],
        rows=[*rows, ["Total", "", str(total)]],
    )
    return [p(text, tables=[table])]


def _briefings(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.briefings:
        return [p("No briefing for board or elected members was held in the period.")]
    return [
        p(
            f"A briefing for board and elected members, {b.title}, on {_day(b.date)}: "
            f"{_count(b.invited, 'member')} invited, {b.accepted:,} accepted"
            + (f", {b.attended:,} attended." if b.attended else "."),
            key=f"briefing:{b.date}:{b.title}",
        )
        for b in f.briefings
    ]


def _planned_briefing(f: ReportFigures) -> list[Paragraph]:
    """2.2, when a briefing for board and elected members is planned after the period (as
    the reference report's "will be offered by the end of the summer"); none otherwise."""
    if not f.briefings_planned:
        return []
    council = f.council or "the council"
    dates = _and(dict.fromkeys(_day(b.date) for b in f.briefings_planned))
    one = len(f.briefings_planned) == 1
    return [
        Paragraph(
            "2.2",
            f"Note that {'a briefing session' if one else 'briefing sessions'} for IJB members "
            f"and {council} elected members will be offered on {dates}.",
            key="briefing-planned",
        )
    ]


PROGRESS = (
    _plan,
    _training,
    _coverage,
    _resources,
    _impact,
    _funding,
    _engagement,
    _network,
    _lived,
    _briefings,
)


def _financial(f: ReportFigures) -> str:
    """3.1: "None" when the period has no money recorded; otherwise what is allocated and
    committed for the years it touches (set out in 4.2), and that no decision is asked."""
    years = [y for y in f.funding if y.allocated or y.committed]
    if not years:
        return "None: this report asks for no financial decision."
    held = []
    for year in years:
        if not year.committed:
            state = "none of it committed yet"
        elif year.allocated and year.remaining == 0:
            state = "all of it committed"
        else:
            state = f"{board_pounds(year.committed)} committed"
        held.append(
            f"{board_pounds(year.allocated)} for {year.year} ({state})"
            if year.allocated
            else f"{board_pounds(year.committed)} committed for {year.year}, with no allocation "
            "recorded"
        )
    return (
        f"The work reported is funded from the allocations set out in the progress update: "
        f"{_and(held)}. This report asks for no further financial decision."
    )


def _previously(f: ReportFigures) -> str:
    """What the board last received, so the report reads on from it."""
    before = f.previous_report
    if before is None:
        return ""
    named = f"{before.title} ({before.reference})" if before.reference else before.title
    text = f" The board last received a report on this work, {named}, covering "
    text += f"{_day(before.period_start)} to {_day(before.period_end)}"
    return text + (f", approved on {_day(before.approved_on)}." if before.approved_on else ".")


def consultations_sentence(consultees: list[str]) -> str:
    """Paragraph 7.1 drafted from the consultations, the way the reference report puts it:
    "A, B and C have been consulted in the preparation of this report." One consultee may be
    a group or a person ("the Clerk"), so one is named in words that fit either."""
    if not consultees:
        return "No consultations have been recorded for this report yet."
    if len(consultees) == 1:
        return f"This report was prepared in consultation with {consultees[0]}."
    named = f"{', '.join(consultees[:-1])} and {consultees[-1]}"
    return f"{named[0].upper()}{named[1:]} have been consulted in the preparation of this report."


def report_draft(figures: ReportFigures, *, reference: str = "", title: str = "") -> BoardReport:
    f = figures
    period = f"{_day(f.start)} to {_day(f.end)}"
    title = title or f"Trauma-informed practice and leadership: progress report, {period}"

    progress = _Numbers("4.2")
    progress_paragraphs = []
    for part in PROGRESS:
        # Each paragraph says what it is about, so that edited words stay with it when a
        # refresh of the figures renumbers the paragraphs around it.
        name = part.__name__.lstrip("_")
        for n, para in enumerate(part(f, progress)):
            progress_paragraphs.append(
                para if para.key else replace(para, key=name if n == 0 else f"{name}:{n}")
            )

    next_steps = _Numbers("4.3")
    if f.plan is not None and f.plan.next_priorities:
        steps = [
            next_steps(
                "As described in the implementation plan, the Trauma Steering Group has "
                f"identified key priorities for {f.plan.next_year}:",
                key="next-steps",
                bullets=list(f.plan.next_priorities),
            )
        ]
    else:
        steps = [next_steps("No priorities are recorded in the plan for the coming year.")]

    council, board = f.council or "the council", f.health_board or "the NHS board"
    directions = Table(
        caption=f"Direction Required to {council}, {board} or Both",
        header=["Direction to", "Chosen"],
        rows=[
            ["1. No Direction Required", "X"],
            [f"2. {council}", ""],
            [f"3. {board}", ""],
            [f"4. {council} and {board}", ""],
        ],
    )
    sections = [
        Section(
            "1",
            "PURPOSE OF REPORT",
            [
                Paragraph(
                    "1.1",
                    "To update the Integration Joint Board on continued progress in embedding "
                    f"trauma-informed practice and leadership across {f.partnership}.",
                )
            ],
        ),
        Section(
            "2",
            "RECOMMENDATIONS",
            [
                # The board's way: a lead-in, then each recommendation numbered as a list.
                Paragraph(
                    "", "It is recommended that the Integration Joint Board (IJB):", key="recommend"
                ),
                Paragraph(
                    "2.1",
                    "Note the content of this report, including progress to date and planned "
                    "next steps.",
                ),
                *_planned_briefing(f),
            ],
        ),
        Section("3", "FINANCIAL IMPLICATIONS", [Paragraph("3.1", _financial(f))]),
        Section(
            "4",
            "MAIN TEXT",
            subsections=[
                Section(
                    "4.1",
                    "Background",
                    [
                        Paragraph(
                            "4.1.1",
                            "Trauma-informed practice is grounded in an understanding of how "
                            "trauma affects people's development and their sense of safety. "
                            "Trauma-informed organisations assume that people, both using "
                            "and working in services, may have had traumatic experiences, "
                            "and organise services in ways that promote safety and trust and "
                            "prevent re-traumatisation, while supporting their own workforce.",
                        ),
                        Paragraph(
                            "4.1.2",
                            f"This report covers {period}: the progress of the Trauma Steering "
                            "Group and its implementation plan, with the figures of the period "
                            "drawn from the partnership's records." + _previously(f),
                        ),
                    ],
                ),
                Section("4.2", "Progress Update", progress_paragraphs),
                Section("4.3", "Next Steps", steps),
            ],
        ),
        Section(
            "5",
            "POLICY IMPLICATIONS",
            [
                Paragraph(
                    "5.1",
                    "This report has been screened for any policy implications in respect of "
                    "Equality Impact Assessment. There are no major issues.",
                )
            ],
        ),
        Section(
            "6",
            "RISK ASSESSMENT",
            [
                Paragraph(
                    "6.1",
                    "This report has not been subject to a risk assessment as it does not "
                    "require any policy or financial decisions at this time.",
                )
            ],
        ),
        Section(
            "7",
            "CONSULTATIONS",
            [
                # Who was consulted is recorded on a report kept in the system
                # (consultations.with_consultations); a draft from the figures alone has none.
                Paragraph("7.1", consultations_sentence([]))
            ],
        ),
        Section(
            "8",
            "DIRECTIONS",
            [
                Paragraph(
                    "8.1",
                    "The Integration Joint Board requires a mechanism to action its strategic "
                    "commissioning plans and this is provided for in sections 26 to 28 of the "
                    "Public Bodies (Joint Working) (Scotland) Act 2014. This mechanism takes "
                    f"the form of binding directions from the Integration Joint Board to one "
                    f"or both of {council} and {board}.",
                    tables=[directions],
                )
            ],
        ),
        Section("9", "BACKGROUND PAPERS", [Paragraph("9.1", "None.")]),
    ]
    return BoardReport(
        # The board's clerk gives the number (DIJBnn-YYYY); a draft has none yet.
        reference=reference or NOT_NUMBERED,
        title=title,
        partnership=f.partnership,
        period_start=f.start,
        period_end=f.end,
        sections=sections,
    )
