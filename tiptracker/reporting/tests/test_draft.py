"""The first draft of a board report: the board's sections in order, paragraphs numbered the
board's way, each module's paragraph from its figures, and a plain "none" where a module
has nothing for the period (it never disappears)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from tiptracker.lib.dates import month_end, months_after
from tiptracker.lib.spc import Observation
from tiptracker.lib.suppression import Figure
from tiptracker.lived.models import Stage
from tiptracker.lived.selectors import StageCounts
from tiptracker.reporting.document import BoardReport, Paragraph, Section
from tiptracker.reporting.draft import report_draft
from tiptracker.reporting.figures import (
    ActionNote,
    Briefing,
    ChartNote,
    Commitment,
    CourseAttendance,
    CoverageOnDay,
    Engagement,
    FundingYear,
    HeadlineMeasure,
    ImpactRow,
    ImprovementProject,
    LevelCoverage,
    Network,
    PlanProgress,
    PreviousReport,
    Published,
    ReportFigures,
    SourceCount,
)

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


def lived(value: int | None) -> StageCounts:
    figure = Figure(value, 5)
    return StageCounts(
        start=START,
        end=END,
        entered=[(s.label, figure) for s in Stage],
        at_end=[(s.label, figure) for s in Stage],
        at_end_total=figure,
    )


def monthly(
    first: dt.date, levels: list[float], *, rebase_at: int | None = None
) -> list[Observation]:
    """A value at each month end from `first`'s (a float, as the database gives it)."""
    return [
        Observation(on=month_end(months_after(first, i)), value=float(value), rebase=i == rebase_at)
        for i, value in enumerate(levels)
    ]


def headline(
    title: str = "Young people who felt listened to (%)",
    values: list[Observation] | None = None,
    *,
    chart: str = "xmr",
    baseline: int | None = 12,
    notes: list[ChartNote] | None = None,
) -> HeadlineMeasure:
    """A percentage measure, better up, target 75%. By default twelve months around 51
    (limits 45.68 to 56.32) then six at 70 to 30 June 2022: special-cause improvement."""
    return HeadlineMeasure(
        title=title,
        unit="percentage",
        unit_label="Percentage",
        chart=chart,
        rules="ihi",
        improvement="up",
        baseline=baseline,
        target=75.0,
        values=monthly(dt.date(2021, 1, 31), [50, 52] * 6 + [70] * 6) if values is None else values,
        notes=[] if notes is None else notes,
    )


def empty() -> ReportFigures:
    return ReportFigures(
        partnership="Nowhere Partnership",
        council="",
        health_board="",
        start=START,
        end=END,
        coverage=[],
        coverage_trend=[],
        attendance=[],
        impact=[],
        impact_start=dt.date(2021, 10, 1),
        impact_end=END,
        plan=None,
        funding=[],
        engagement=[],
        network=None,
        lived=lived(None),
        briefings=[],
        briefings_planned=[],
    )


def full() -> ReportFigures:
    return ReportFigures(
        partnership="Dundee Health and Social Care Partnership",
        council="Dundee City Council",
        health_board="NHS Tayside",
        start=START,
        end=END,
        coverage=[LevelCoverage(1, "Trauma Informed", 3000, 600, 3000, 1500)],
        coverage_trend=[
            CoverageOnDay(START, 1, 3000, 600),
            CoverageOnDay(dt.date(2022, 3, 31), 1, 3000, 1000),
            CoverageOnDay(END, 1, 3000, 1500),
        ],
        attendance=[
            CourseAttendance("Launch webinar", 1, 1, 87, ["December 2021"], False),
            CourseAttendance("Manager briefing", 2, 6, 141, ["April 2022", "May 2022"], True),
        ],
        impact=[
            ImpactRow("Launch webinar", 1, Figure(87, 5), Figure(52, 5), None, Figure(None, 5))
        ],
        impact_start=dt.date(2021, 10, 1),
        impact_end=END,
        plan=PlanProgress(
            actions=14,
            completed=3,
            on_track=8,
            at_risk=1,
            off_track=0,
            overdue=2,
            completed_in_period=["Launch event"],
            at_risk_titles=["Feedback methods"],
            next_year="2022/23",
            next_priorities=[f"Priority {n}" for n in range(1, 7)],
            notes=[
                ActionNote(
                    "Feedback methods",
                    "at risk",
                    dt.date(2022, 6, 1),
                    "Survey tool not yet approved by information governance.",
                )
            ],
        ),
        funding=[
            FundingYear(
                "2021/22",
                Decimal("50000"),
                Decimal("50000"),
                Decimal("0"),
                ["Scottish Government"],
                [
                    Commitment(
                        "1 FTE Trauma Learning and Development Officer",
                        "Women's Rape and Sexual Abuse Centre",
                        Decimal("50000"),
                    )
                ],
                ["To fund a trauma learning and development officer."],
            ),
            FundingYear(
                "2022/23",
                Decimal("50000"),
                Decimal("0"),
                Decimal("50000"),
                ["Scottish Government"],
                [],
            ),
        ],
        engagement=[
            Engagement(
                dt.date(2021, 11, 30),
                "Minister for Mental Wellbeing",
                "Meeting",
                "Met the Minister.",
                "The Chief Social Work Officer",
            )
        ],
        network=Network(champions=4, ambassadors=9, teams_with_ambassador=8, teams=53),
        lived=lived(None),
        briefings=[Briefing(dt.date(2022, 8, 23), "Trauma-informed leadership", 18, 14, 12)],
        briefings_planned=[Briefing(dt.date(2022, 8, 23), "IJB briefing", 18, 14, 0)],
        completions=[SourceCount("attendance", 228), SourceCount("import", 1210)],
        resources=[Published("Manager toolkit", "Manager toolkit", dt.date(2022, 5, 3))],
        previous_report=PreviousReport(
            "Trauma-informed practice: progress report",
            "DIJB12-2021",
            dt.date(2021, 4, 1),
            dt.date(2021, 11, 30),
            dt.date(2021, 12, 15),
        ),
        improvement=[
            ImprovementProject(
                "Adolescent services review",
                "Implementing",
                3,
                ["Young people's panel"],
                headline(notes=[ChartNote(dt.date(2022, 4, 15), "PDSA 3, The service: adopt")]),
            ),
            ImprovementProject("First appointments", "Testing", 1, [], None),
        ],
    )


def walk(report: BoardReport):
    def sections(items: list[Section]):
        for section in items:
            yield section
            yield from sections(section.subsections)

    return list(sections(report.sections))


def paragraphs(report: BoardReport) -> list[Paragraph]:
    return [p for s in walk(report) for p in s.paragraphs]


def text_of(report: BoardReport) -> str:
    return "\n".join(
        " ".join(
            [
                p.text,
                *p.bullets,
                *(
                    c
                    for t in [*p.tables, *(ch.table for ch in p.charts)]
                    for r in t.rows
                    for c in r
                ),
            ]
        )
        for p in paragraphs(report)
    )


def test_the_sections_are_the_boards_in_order():
    report = report_draft(full())
    assert [(s.number, s.title) for s in walk(report)] == [
        ("1", "PURPOSE OF REPORT"),
        ("2", "RECOMMENDATIONS"),
        ("3", "FINANCIAL IMPLICATIONS"),
        ("4", "MAIN TEXT"),
        ("4.1", "Background"),
        ("4.2", "Progress Update"),
        ("4.3", "Next Steps"),
        ("5", "POLICY IMPLICATIONS"),
        ("6", "RISK ASSESSMENT"),
        ("7", "CONSULTATIONS"),
        ("8", "DIRECTIONS"),
        ("9", "BACKGROUND PAPERS"),
    ]


def test_paragraphs_are_numbered_the_boards_way_without_gaps():
    report = report_draft(full())
    progress = next(s for s in walk(report) if s.number == "4.2").paragraphs
    assert [p.number for p in progress] == [f"4.2.{n}" for n in range(1, len(progress) + 1)]
    # Every paragraph numbered but the recommendations' lead-in, which the list follows.
    assert [p.ident for p in paragraphs(report) if not p.number] == ["recommend"]


def test_the_draft_carries_the_periods_figures():
    text = text_of(report_draft(full()))
    assert "attended by 87 people" in text
    assert "April and May 2022, with 141 managers having attended" in text
    assert "For 2021/22, £50,000 was allocated (Scottish Government)" in text
    assert "1 FTE Trauma Learning and Development Officer with the Women's Rape and Sexual" in text
    assert "For 2022/23, £50,000 was allocated" in text
    assert "4 trauma champions and 9 trauma ambassadors; 8 of its 53 teams" in text
    assert "14 actions: 3 complete" in text and "At risk: Feedback methods" in text
    assert "level 1 (Trauma Informed) from 20.0% to 50.0%" in text


def test_next_steps_list_the_priorities_for_the_coming_year():
    report = report_draft(full())
    steps = next(s for s in walk(report) if s.number == "4.3").paragraphs
    assert "priorities for 2022/23" in steps[0].text
    assert steps[0].bullets == [f"Priority {n}" for n in range(1, 7)]


def test_small_numbers_stay_suppressed_and_unmeasured_steps_say_so():
    text = text_of(report_draft(full()))
    assert "fewer than 5" in text and "not measured" in text


def test_no_direction_is_marked_by_default_naming_the_partners():
    report = report_draft(full())
    directions = next(s for s in walk(report) if s.number == "8").paragraphs[0].tables[0]
    assert directions.caption == "Direction Required to Dundee City Council, NHS Tayside or Both"
    assert directions.rows[0] == ["1. No Direction Required", "X"]
    assert [row[1] for row in directions.rows[1:]] == ["", "", ""]
    assert directions.rows[3][0] == "4. Dundee City Council and NHS Tayside"


def test_a_partnership_with_no_data_gets_a_report_that_says_so():
    report = report_draft(empty())
    text = text_of(report)
    for says in (
        "No implementation plan is recorded",
        "No training sessions were held in the period",
        "coverage is not known",
        "No feedback on training was gathered",
        "No funding is recorded",
        "No engagement with national work was recorded",
        "No trauma champions or ambassadors are recorded",
        "No briefing for board or elected members",
        "No priorities are recorded",
    ):
        assert says in text, says
    assert "fewer than 5" in text  # the route's counts: none, shown suppressed
    assert [s.number for s in walk(report)][-1] == "9"


def test_the_title_names_the_period():
    assert report_draft(full()).title.endswith("1 December 2021 to 30 June 2022")


# Charts and the recommendation about the next briefing ----------------------------------------


def progress_paragraph(report: BoardReport, key: str) -> Paragraph:
    return next(p for p in paragraphs(report) if p.key == key)


def test_coverage_has_a_line_chart_of_its_trend_with_every_point_in_its_table():
    coverage = progress_paragraph(report_draft(full()), "coverage")
    [chart] = coverage.charts
    assert chart.kind == "line" and chart.unit == "%"
    assert chart.labels == ["1 Dec 2021", "31 Mar 2022", "30 Jun 2022"]
    assert chart.series == {"Level 1 Trauma Informed": [20.0, 33.3, 50.0]}
    assert chart.table.header == ["Date", "Level 1 Trauma Informed"]
    assert chart.table.rows == [
        ["1 December 2021", "600 of 3,000 (20.0%)"],
        ["31 March 2022", "1,000 of 3,000 (33.3%)"],
        ["30 June 2022", "1,500 of 3,000 (50.0%)"],
    ]
    assert "3 points" in chart.alt and "level 1 from 20.0% to 50.0%" in chart.alt
    # The figures at both ends stay in a table of their own.
    assert coverage.tables[0].caption == "Coverage by level, 1 December 2021 and 30 June 2022"


def test_the_impact_chain_is_charted_without_drawing_a_suppressed_or_unmeasured_step():
    impact = progress_paragraph(report_draft(full()), "impact")
    [chart] = impact.charts
    assert chart.kind == "bars" and chart.axis == "Percentage of those who attended"
    assert chart.labels == ["Launch webinar"]
    # 52 of 87 gave feedback; learning is not measured (no bar for it at all); fewer than 5
    # changed their practice: not drawn.
    assert chart.series == {"Gave feedback": [59.8], "Changed practice": [None]}
    assert "Launch webinar, reported learning: not measured" in chart.alt
    assert "Launch webinar, changed practice: fewer than 5, not drawn" in chart.alt
    assert chart.table.rows == [
        ["Launch webinar", "87 (100.0%)", "52 (59.8%)", "not measured", "fewer than 5"]
    ]
    assert impact.tables == []  # one table for the figures: the chart's


def test_the_impact_chart_draws_the_five_courses_attended_most_and_names_the_rest():
    rows = [
        ImpactRow(f"Course {n}", 1, Figure(10 * n, 5), Figure(5 * n, 5), None, None)
        for n in range(1, 8)
    ] + [ImpactRow("Tiny", 1, Figure(None, 5), Figure(None, 5), None, None)]
    impact = progress_paragraph(report_draft(replace(full(), impact=rows)), "impact")
    [chart] = impact.charts
    assert chart.labels == [f"Course {n}" for n in (7, 6, 5, 4, 3)]
    assert chart.series == {"Gave feedback": [50.0] * 5}
    assert "Course 1, Course 2 and Tiny" in chart.alt
    assert chart.title.endswith("for the 5 courses attended most")
    # The table keeps every course, in the figures' order.
    assert [row[0] for row in chart.table.rows] == [r.course for r in rows]
    assert chart.table.rows[-1] == [
        "Tiny",
        "fewer than 5",
        "fewer than 5",
        "not measured",
        "not measured",
    ]


def test_more_answers_than_attendees_are_not_drawn_as_a_share_above_100():
    # Anonymous surveys need not be answered by the same people who attended.
    rows = [ImpactRow("Webinar", 1, Figure(20, 5), Figure(25, 5), None, Figure(6, 5))]
    impact = progress_paragraph(report_draft(replace(full(), impact=rows)), "impact")
    [chart] = impact.charts
    assert chart.series == {"Gave feedback": [None], "Changed practice": [30.0]}
    assert "Webinar, gave feedback: 25, more than attended (anonymous answers)" in chart.alt
    assert chart.table.rows == [["Webinar", "20 (100.0%)", "25", "not measured", "6 (30.0%)"]]


def test_no_impact_chart_when_no_course_shows_its_attendance():
    rows = [ImpactRow("Tiny", 1, Figure(None, 5), Figure(None, 5), None, None)]
    impact = progress_paragraph(report_draft(replace(full(), impact=rows)), "impact")
    assert impact.charts == [] and impact.tables[0].rows[0][1] == "fewer than 5"


def test_a_briefing_planned_after_the_period_is_recommendation_2_2():
    recommendations = next(s for s in walk(report_draft(full())) if s.number == "2")
    assert [p.number for p in recommendations.paragraphs] == ["", "2.1", "2.2"]
    lead_in, first, _ = recommendations.paragraphs
    assert lead_in.text == "It is recommended that the Integration Joint Board (IJB):"
    assert first.text.startswith("Note the content of this report")
    assert recommendations.paragraphs[2].text == (
        "Note that a briefing session for IJB members and Dundee City Council elected "
        "members will be offered on 23 August 2022."
    )
    none_planned = report_draft(replace(full(), briefings_planned=[]))
    recommendations = next(s for s in walk(none_planned) if s.number == "2")
    assert [p.number for p in recommendations.paragraphs] == ["", "2.1"]


def test_the_route_counts_say_which_days_they_cover():
    quarters = replace(lived(7), start=dt.date(2021, 10, 1), end=dt.date(2022, 6, 30))
    lived_paragraph = progress_paragraph(report_draft(replace(full(), lived=quarters)), "lived")
    assert "cover 1 October 2021 to 30 June 2022, the whole financial-year quarters" in (
        lived_paragraph.text
    )
    assert lived_paragraph.tables[0].header[1:] == [
        "Reached it from 1 October 2021",
        "At it on 30 June 2022",
    ]


# Wording a board paper can go out with (issue 15) -------------------------------------------


def test_every_action_is_counted_by_its_status_and_zeros_are_left_out():
    plan = replace(
        full().plan, actions=12, completed=5, on_track=3, at_risk=2, off_track=0, not_started=2
    )
    text = text_of(report_draft(replace(full(), plan=plan)))
    assert "it held 12 actions: 5 complete, 3 on track, 2 at risk and 2 not started;" in text
    assert "off track" not in text and " 0 " not in text
    done = replace(plan, completed=12, on_track=0, at_risk=0, not_started=0, overdue=0)
    text = text_of(report_draft(replace(full(), plan=done)))
    assert "it held 12 actions: all complete; none was overdue." in text


def test_amounts_are_written_as_boards_write_them():
    text = text_of(report_draft(full()))
    assert "£50,000.00" not in text and "£0" not in text
    assert (
        "For 2021/22, £50,000 was allocated (Scottish Government); all of it is committed: "
        "1 FTE Trauma Learning and Development Officer with the Women's Rape and Sexual Abuse "
        "Centre (£50,000)." in text
    )
    assert (
        "For 2022/23, £50,000 was allocated (Scottish Government); none of it is committed yet."
        in text
    )
    partly = replace(
        full().funding[1],
        allocated=Decimal("1600000"),
        committed=Decimal("250000.50"),
        remaining=Decimal("1349999.50"),
        commitments=[Commitment("Coaching", "", Decimal("250000.50"))],
    )
    text = text_of(report_draft(replace(full(), funding=[partly])))
    assert (
        "For 2022/23, £1.6m was allocated (Scottish Government); £250,000.50 is committed: "
        "Coaching (£250,000.50); £1.3m remains." in text
    )


def test_months_of_one_year_name_the_year_once():
    text = text_of(report_draft(full()))
    assert "offered over April and May 2022," in text
    winter = replace(
        full().attendance[0], months=["November 2021", "December 2021", "January 2022"]
    )
    text = text_of(report_draft(replace(full(), attendance=[winter])))
    assert "in November, December 2021 and January 2022," in text


def test_no_network_member_is_said_in_words():
    network = Network(champions=3, ambassadors=0, teams_with_ambassador=0, teams=53)
    text = text_of(report_draft(replace(full(), network=network)))
    assert (
        "the partnership had 3 trauma champions and no trauma ambassadors; none of its 53 teams "
        "had an ambassador yet." in text
    )


def test_titles_with_their_own_and_are_listed_apart():
    plan = replace(
        full().plan,
        completed_in_period=[
            "Launch event",
            "Map training need at levels one and two",
            "Manager briefings",
        ],
    )
    text = text_of(report_draft(replace(full(), plan=plan)))
    assert (
        "Completed during the period: Launch event; Map training need at levels one and two; "
        "and Manager briefings." in text
    )


def test_the_route_is_one_sentence_when_no_stage_can_be_shown():
    paragraph = progress_paragraph(report_draft(replace(full(), lived=lived(None))), "lived")
    assert paragraph.tables == []
    assert paragraph.text.endswith(
        "On 30 June 2022 fewer than 5 people were on the route; no stage had 5 or more "
        "people, so none is shown apart."
    )


def test_the_route_table_keeps_only_the_stages_it_can_show():
    stages = [s.label for s in Stage]
    shown = Figure(7, 5)
    counts = replace(
        lived(None),
        entered=[(label, shown if n == 0 else Figure(None, 5)) for n, label in enumerate(stages)],
        at_end=[(label, shown if n == 1 else Figure(0, 5)) for n, label in enumerate(stages)],
        at_end_total=Figure(12, 5),
    )
    paragraph = progress_paragraph(report_draft(replace(full(), lived=counts)), "lived")
    assert "On 30 June 2022 12 people were on the route; the stages with a figure" in paragraph.text
    [table] = paragraph.tables
    assert table.rows == [
        [stages[0], "7", "0"],
        [stages[1], "fewer than 5", "7"],
        ["Total", "", "12"],
    ]


def test_the_narrative_carries_what_the_system_holds():
    text = text_of(report_draft(full()))
    # Why the action is at risk: its latest note in the period.
    assert (
        "Feedback methods (at risk, 1 June 2022): Survey tool not yet approved by information "
        "governance." in text
    )
    # Who represented the partnership, and what came of it.
    assert (
        "30 November 2021: Minister for Mental Wellbeing (meeting). Taking part for the "
        "partnership: The Chief Social Work Officer. Met the Minister." in text
    )
    assert "About the allocation: To fund a trauma learning and development officer." in text
    assert "Manager toolkit (manager toolkit, 3 May 2022)" in text
    # Completions by source explain coverage even when no session was held.
    assert (
        "In the period 1,438 training completions were recorded: 228 from sessions attended "
        "and 1,210 imported from learning records" in text
    )
    assert (
        "The board last received a report on this work, Trauma-informed practice: progress "
        "report (DIJB12-2021), covering 1 April 2021 to 30 November 2021, approved on "
        "15 December 2021." in text
    )


def test_completions_from_one_source_and_none_read_plainly():
    one = text_of(
        report_draft(replace(full(), attendance=[], completions=[SourceCount("import", 1)]))
    )
    assert "No training sessions were held in the period." in one
    assert "In the period 1 training completion was recorded, imported from learning records" in one
    none = text_of(
        report_draft(replace(full(), completions=[], resources=[], previous_report=None))
    )
    assert "No training completions were recorded in the period." in none
    assert "No resources or toolkits were published in the period." in none
    assert "last received" not in none


def test_financial_implications_say_what_is_funded_or_none():
    section = next(s for s in walk(report_draft(full())) if s.number == "3")
    assert section.paragraphs[0].text == (
        "The work reported is funded from the allocations set out in the progress update: "
        "£50,000 for 2021/22 (all of it committed) and £50,000 for 2022/23 (none of it "
        "committed yet). This report asks for no further financial decision."
    )
    none = next(s for s in walk(report_draft(replace(full(), funding=[]))) if s.number == "3")
    assert none.paragraphs[0].text == "None: this report asks for no financial decision."


def test_a_body_named_by_what_it_is_takes_the():
    funding = [
        replace(
            full().funding[0],
            commitments=[
                replace(full().funding[0].commitments[0], partner="Dundee City Council"),
            ],
        )
    ]
    text = text_of(report_draft(replace(full(), funding=funding)))
    assert "with Dundee City Council (£50,000)" in text
    assert "with the Women's Rape" in text_of(report_draft(full()))
