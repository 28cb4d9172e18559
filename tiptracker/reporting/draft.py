"""The first draft of a board report from the period's figures, in the board's structure:
1 Purpose, 2 Recommendations, 3 Financial implications, 4 Main text (4.1 Background,
4.2 Progress update, 4.3 Next steps), 5 Policy implications, 6 Risk assessment,
7 Consultations, 8 Directions, 9 Background papers; paragraphs numbered the board's way.

Every module of the product has its paragraph in 4.2; where it has nothing for the period,
the paragraph says so rather than disappearing (but for the improvement programme, which a
partnership may never run: without a project active in the period it has no paragraph). The words are a draft for the steering
group to edit; the figures are the period's.

This module puts the sections together and writes the fixed ones; the paragraphs drawn from
the figures are drafted by topic in draft_plan.py, draft_training.py, draft_improvement.py,
draft_funding.py and draft_partnership.py, in the shared phrasing of draft_words.py.
"""

from dataclasses import replace

from tiptracker.lib.dates import long_date
from tiptracker.reporting import (
    draft_funding,
    draft_improvement,
    draft_partnership,
    draft_plan,
    draft_training,
)
from tiptracker.reporting.document import NOT_NUMBERED, BoardReport, Paragraph, Section, Table
from tiptracker.reporting.draft_words import Numbers
from tiptracker.reporting.figures import ReportFigures

_day = long_date

# 4.2: one function per module of the product, each giving its paragraphs (or the one saying
# "none"). A function's name is its paragraphs' key (see report_draft), which edited words
# are stored against: renaming one would part a report from its steering group's words.
PROGRESS = (
    draft_plan.plan,
    draft_training.training,
    draft_training.coverage,
    draft_partnership.resources,
    draft_training.impact,
    # The improvement programme follows the training's impact: practice changing, tested.
    draft_improvement.improvement,
    draft_funding.funding,
    draft_partnership.engagement,
    draft_partnership.network,
    draft_partnership.lived,
    draft_partnership.briefings,
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

    progress = Numbers("4.2")
    progress_paragraphs = []
    for part in PROGRESS:
        # Each paragraph says what it is about, so that edited words stay with it when a
        # refresh of the figures renumbers the paragraphs around it.
        name = part.__name__
        for n, para in enumerate(part(f, progress)):
            progress_paragraphs.append(
                para if para.key else replace(para, key=name if n == 0 else f"{name}:{n}")
            )

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
                *draft_partnership.planned_briefing(f),
            ],
        ),
        Section(
            "3",
            "FINANCIAL IMPLICATIONS",
            [Paragraph("3.1", draft_funding.financial_implications(f))],
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
                            "drawn from the partnership's records." + _previously(f),
                        ),
                    ],
                ),
                Section("4.2", "Progress Update", progress_paragraphs),
                Section("4.3", "Next Steps", draft_plan.next_steps(f)),
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
