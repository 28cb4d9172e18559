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

from tiptracker.lib.money import format_pounds
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table
from tiptracker.reporting.figures import ReportFigures


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _and(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]


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
    text = (
        f"The Trauma Steering Group implementation plan is a collaborative and evolving "
        f"document. On {_day(f.end)} it held {_count(plan.actions, 'action')}: "
        f"{plan.completed:,} complete, {plan.on_track:,} on track, {plan.at_risk:,} at risk and "
        f"{plan.off_track:,} off track; {_count(plan.overdue, 'action was', 'actions were')} "
        "overdue."
    )
    if plan.completed_in_period:
        text += f" Completed during the period: {_and(plan.completed_in_period)}."
    if plan.at_risk_titles:
        text += f" At risk: {_and(plan.at_risk_titles)}."
    return [p(text)]


def _training(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.attendance:
        return [p("No training sessions were held in the period.")]
    paragraphs = []
    managers = [a for a in f.attendance if a.for_managers]
    others = [a for a in f.attendance if not a.for_managers]
    for course in others:
        paragraphs.append(
            p(
                key=f"training:{course.course}",
                text=f"{course.course} (level {course.level}): {_count(course.sessions, 'session')} "
                f"in {_and(course.months)}, attended by {_count(course.attended, 'person', 'people')}.",
            )
        )
    if managers:
        attended = sum(a.attended for a in managers)
        months = _and(dict.fromkeys(m for a in managers for m in a.months))
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
    return paragraphs


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
    chart = Chart(
        title="Coverage by level at the start and end of the period",
        alt=f"Coverage by level: {'; '.join(changes)}.",
        kind="line",
        labels=[_day(f.start), _day(f.end)],
        series={f"Level {c.level}": [c.percent_at_start, c.percent_at_end] for c in f.coverage},
        unit="%",
        table=table,
    )
    return [
        p(
            "Coverage of the workforce against the training each person needs, by level of "
            f"the national framework, changed over the period: {_and(changes)}.",
            charts=[chart],
        )
    ]


def _impact(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.impact:
        return [p("No feedback on training was gathered in the period.")]

    def shown(figure: object) -> str:
        return "not measured" if figure is None else str(figure)

    table = Table(
        caption=(
            f"The impact of training held from {_day(f.impact_start)} to {_day(f.impact_end)} "
            "(fewer than 5 is not shown)"
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
    return [
        p(
            "Feedback from people who attended training, from their reaction straight after "
            "a session to changes in their practice some weeks later, is summarised below, "
            "for training in the whole quarters the period touches (anonymous answers are "
            "dated by quarter). Figures from fewer than 5 people are not shown, to protect "
            "those who answered.",
            tables=[table],
        )
    ]


def _funding(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.funding:
        return [p("No funding is recorded for the financial years of the period.")]
    paragraphs = []
    for year in f.funding:
        text = f"For {year.year}, {format_pounds(year.allocated)} was allocated"
        text += f" ({_and(year.sources)})" if year.sources else ""
        text += f"; {format_pounds(year.committed)} is committed"
        if year.commitments:
            text += ": " + _and(
                f"{c.what} with {c.partner} ({format_pounds(c.amount)})"
                if c.partner
                else f"{c.what} ({format_pounds(c.amount)})"
                for c in year.commitments
            )
        text += f"; {format_pounds(year.remaining)} remains."
        paragraphs.append(p(text, key=f"funding:{year.year}"))
    return paragraphs


def _engagement(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.engagement:
        return [p("No engagement with national work was recorded in the period.")]
    return [
        p(
            "Over the period the partnership contributed to national developments in "
            "trauma-informed practice and leadership:",
            bullets=[f"{_day(e.date)}: {e.body} ({e.kind.lower()})" for e in f.engagement],
        )
    ]


def _network(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    n = f.network
    if n is None:
        return [p("No trauma champions or ambassadors are recorded yet.")]
    return [
        p(
            f"On {_day(f.end)} the partnership had {_count(n.champions, 'trauma champion')} and "
            f"{_count(n.ambassadors, 'trauma ambassador')}; {n.teams_with_ambassador:,} of "
            f"{_count(n.teams, 'team')} had an ambassador."
        )
    ]


def _lived(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    counts = f.lived
    table = Table(
        caption="The professionals with lived experience route (fewer than 5 is not shown)",
        header=["Stage", "Reached it in the period", "At it on the last day"],
        rows=[
            [label, str(entered), str(standing)]
            for (label, entered), (_same, standing) in zip(
                counts.entered, counts.at_end, strict=True
            )
        ]
        + [["Total", "", str(counts.at_end_total)]],
    )
    return [
        p(
            "A safe process for professionals within the workforce with lived experience of "
            "trauma to contribute to services and strategy runs from an expression of "
            "interest, through detailed information and a screening and consent discussion, "
            "to involvement. Only counts by stage are reported; none names anyone.",
            tables=[table],
        )
    ]


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


PROGRESS = (
    _plan,
    _training,
    _coverage,
    _impact,
    _funding,
    _engagement,
    _network,
    _lived,
    _briefings,
)


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
                Paragraph(
                    "2.1",
                    "It is recommended that the Integration Joint Board (IJB) note the content "
                    "of this report, including progress to date and planned next steps.",
                )
            ],
        ),
        Section(
            "3",
            "FINANCIAL IMPLICATIONS",
            [Paragraph("3.1", "None: this report asks for no financial decision.")],
        ),
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
                            "drawn from the partnership's records.",
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
                Paragraph(
                    "7.1",
                    "The members of the Trauma Steering Group have been consulted in the "
                    "preparation of this report.",
                )
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
        reference=reference or "To be given by the board's clerk",
        title=title,
        partnership=f.partnership,
        period_start=f.start,
        period_end=f.end,
        sections=sections,
    )
