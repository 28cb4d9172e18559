"""4.2's paragraph on the improvement programme: the projects, cycles and changes of the period
in words, a table of the projects, at most three headline measures' SPC charts (the ones
showing special-cause improvement first, then the longest), nothing at all without a
project; the charts kept in the frozen document and drawn in HTML, PDF and Word as on the
measure's page."""

import dataclasses
import datetime as dt
import io
import json

import pytest
from docx import Document

from tiptracker.improvement.models import MeasureValue
from tiptracker.improvement.period import series_chart
from tiptracker.improvement.selectors import chart_of
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.lib import spc_charts
from tiptracker.lib.dates import month_end, months_after
from tiptracker.network.coaching import coaching_meeting_record
from tiptracker.network.selectors import coaching_summary
from tiptracker.reporting import lifecycle, paper
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Table
from tiptracker.reporting.draft import report_draft
from tiptracker.reporting.figures import (
    ChartNote,
    Coaching,
    CoachingOrganisation,
    ImprovementProject,
    ReportFigures,
)
from tiptracker.reporting.frozen import (
    document_from_json,
    document_to_json,
    figures_changes,
    figures_from_json,
    figures_to_json,
)
from tiptracker.reporting.gather import report_figures
from tiptracker.reporting.render import chart_png
from tiptracker.reporting.render_html import report_html
from tiptracker.reporting.render_pdf import report_pdf
from tiptracker.reporting.render_word import report_docx
from tiptracker.reporting.tests.reading import pdf_figures
from tiptracker.reporting.tests.test_draft import (
    END,
    START,
    empty,
    full,
    headline,
    monthly,
    paragraphs,
)

COMMON = [50, 52]  # around 51, limits 45.68 to 56.32 from a baseline of them


def with_projects(*projects: ImprovementProject, figures: ReportFigures | None = None):
    return dataclasses.replace(figures or empty(), improvement=list(projects))


def drafted(figures: ReportFigures) -> Paragraph | None:
    return next((p for p in paragraphs(report_draft(figures)) if p.key == "improvement"), None)


def series(levels: list[float], *, first: dt.date = dt.date(2021, 1, 31), **settings):
    return headline(values=monthly(first, levels), **settings)


def improving(points: int):
    """`points` values to 30 June 2022 whose last two are far above a steady baseline."""
    first = month_end(months_after(END, -(points - 1)))
    return series(COMMON * ((points - 2) // 2) + [70, 70], first=first, baseline=points - 2)


def steady(points: int):
    first = month_end(months_after(END, -(points - 1)))
    return series((COMMON * points)[:points], first=first, baseline=min(points, 12))


TWO = (
    ImprovementProject(
        "Adolescent services review",
        "Implementing",
        3,
        ["Young people's panel", "One named worker"],
        headline(notes=[ChartNote(dt.date(2022, 4, 15), "PDSA 3, The service: adopt")]),
    ),
    ImprovementProject(
        "First appointments",
        "Testing",
        4,
        ["New letter"],
        series(COMMON * 9, title="First appointments attended (%)"),
    ),
)


def test_the_paragraph_says_what_the_programme_did_in_the_period():
    paragraph = drafted(with_projects(*TWO))
    assert paragraph is not None
    assert paragraph.text == (
        "In the period, 2 improvement projects were active, running 7 PDSA cycles; 3 changes "
        "were adopted (Young people's panel, One named worker and New letter). 1 of the 2 "
        "projects' headline measures showed special-cause improvement at their latest point "
        "by the end of the period. The chart of each project's headline measure follows, "
        "with a table of its figures."
    )


def test_the_table_gives_each_project_with_its_stage_its_counts_and_what_its_chart_shows():
    [table] = drafted(with_projects(*TWO)).tables
    assert table.caption.startswith(
        "Improvement projects active from 1 December 2021 to 30 June 2022: PDSA cycles run"
    )
    assert table.header == [
        "Project (stage)",
        "PDSA cycles run",
        "Changes adopted",
        "Headline measure",
        "What its chart shows",
    ]
    assert table.rows == [
        [
            "Adolescent services review (implementing)",
            "3",
            "2",
            "Young people who felt listened to (%)",
            "Special cause variation: improvement (latest 70%, 30 June 2022)",
        ],
        [
            "First appointments (testing)",
            "4",
            "1",
            "First appointments attended (%)",
            "Common cause variation: no signal of change (latest 52%, 30 June 2022)",
        ],
    ]


def test_one_of_everything_reads_in_the_singular():
    one = ImprovementProject("Letters", "Testing", 1, ["New letter"], series(COMMON * 6))
    assert drafted(with_projects(one)).text == (
        "In the period, 1 improvement project was active, running 1 PDSA cycle; 1 change was "
        "adopted (New letter). The headline measure of Letters did not show special-cause "
        "improvement at its latest point by the end of the period. The chart of Letters's "
        "headline measure follows, with a table of its figures."
    )


def test_a_quiet_period_says_so_and_draws_nothing():
    quiet = (
        ImprovementProject("Planning a review", "Planning", 0, [], None),
        ImprovementProject("Letters", "Testing", 0, [], series([])),
    )
    paragraph = drafted(with_projects(*quiet))
    assert paragraph.text == (
        "In the period, 2 improvement projects were active, with no PDSA cycle run; no change "
        "was adopted. No project's headline measure had a value by the end of the period."
    )
    assert [row[1:] for row in paragraph.tables[0].rows] == [
        ["None", "None", "None chosen", "No headline measure chosen"],
        [
            "None",
            "None",
            "Young people who felt listened to (%)",
            "No values by the end of the period",
        ],
    ]
    assert paragraph.charts == []


def test_both_and_neither_for_two_measures():
    both = with_projects(
        ImprovementProject("A", "Testing", 1, [], improving(8)),
        ImprovementProject("B", "Testing", 1, [], improving(10)),
    )
    assert "Both projects' headline measures showed special-cause improvement at their" in (
        drafted(both).text
    )
    neither = with_projects(
        ImprovementProject("A", "Testing", 1, [], steady(8)),
        ImprovementProject("B", "Testing", 1, [], steady(10)),
    )
    assert "Neither project's headline measure showed special-cause improvement at its" in (
        drafted(neither).text
    )


def test_at_most_three_charts_those_improving_first_then_the_longest():
    projects = [
        ImprovementProject("Common, 18 points", "Testing", 1, [], steady(18)),
        ImprovementProject("Improving, 8 points", "Testing", 1, [], improving(8)),
        ImprovementProject("Common, 24 points", "Testing", 1, [], steady(24)),
        ImprovementProject("Improving, 12 points", "Testing", 1, [], improving(12)),
        ImprovementProject("Common, 6 points", "Testing", 1, [], steady(6)),
        ImprovementProject("No values", "Planning", 0, [], series([])),
    ]
    paragraph = drafted(with_projects(*projects))
    assert [c.title.split(":")[0] for c in paragraph.charts] == [
        "Improving, 12 points",
        "Improving, 8 points",
        "Common, 24 points",
    ]
    assert paragraph.text.endswith(
        "2 of the 5 projects' headline measures showed special-cause improvement at their "
        "latest point by the end of the period; 1 project had no headline measure with a "
        "value by then. The charts of 3 of the 5 headline measures follow, each with a table "
        "of its figures: those showing special-cause improvement first, then those with the "
        "most points (Improving, 12 points; Improving, 8 points; and Common, 24 points). The "
        "table below gives every project."
    )
    assert len(paragraph.tables[0].rows) == 6  # every project in the table


def test_many_changes_are_counted_not_named():
    busy = ImprovementProject("Busy", "Testing", 9, [f"Change {n}" for n in range(6)], None)
    assert "; 6 changes were adopted. No project's" in drafted(with_projects(busy)).text


def test_no_project_no_paragraph_and_the_numbers_close_up():
    report = report_draft(empty())
    assert "improvement" not in [p.key for p in paragraphs(report)]
    progress = report.sections[3].subsections[1].paragraphs
    assert [p.number for p in progress] == [f"4.2.{n}" for n in range(1, len(progress) + 1)]


def test_the_paragraph_follows_the_trainings_impact():
    keys = [p.key for p in report_draft(full()).sections[3].subsections[1].paragraphs]
    assert keys[keys.index("impact") + 1] == "improvement"
    assert keys[keys.index("improvement") + 1] == "funding:2021/22"


def test_each_chart_keeps_its_measure_and_values_and_has_its_data_table():
    [chart, _] = drafted(with_projects(*TWO)).charts
    measure = TWO[0].headline
    assert chart.kind == "spc" and chart.unit == "%"
    assert chart.title == (
        "Adolescent services review: Young people who felt listened to (%), to 30 June 2022"
    )
    assert chart.spc is not None
    assert (chart.spc.chart, chart.spc.rules, chart.spc.improvement) == ("xmr", "ihi", "up")
    assert (chart.spc.baseline, chart.spc.target, chart.spc.unit_label) == (12, 75, "Percentage")
    assert chart.spc.values == measure.values
    assert chart.spc.notes == [(dt.date(2022, 4, 15), "PDSA 3, The service: adopt")]
    assert chart.labels[0] == "31 Jan 2021" and chart.series[measure.title][-1] == 70
    assert chart.alt == (
        "SPC chart (XmR) of Young people who felt listened to (%), the headline measure of "
        "Adolescent services review: 18 points from 31 January 2021 to 30 June 2022; from 31 "
        "January 2021, mean 51%, process limits 45.68% to 56.32%. The latest point, 70% "
        "on 30 June 2022, shows special cause variation: improvement. Target 75%. Marked on "
        "it: 15 April 2022, PDSA 3, The service: adopt. The table below gives every point."
    )
    table = chart.table
    assert table.header == ["Date", "Value", "Mean", "Process limits", "What it shows"]
    assert len(table.rows) == 18
    assert table.rows[-1] == [
        "30 June 2022",
        "70%",
        "51%",
        "45.68% to 56.32%",
        "Special cause variation: improvement",
    ]


def test_a_run_chart_has_a_median_and_no_limits_in_its_table():
    run = ImprovementProject("Letters", "Testing", 1, [], series(COMMON * 4, chart="run"))
    [chart] = drafted(with_projects(run)).charts
    assert chart.table.header == ["Date", "Value", "Median", "What it shows"]
    assert chart.alt.startswith("Run chart of ")


# Frozen and drawn --------------------------------------------------------------------------


def test_the_frozen_document_draws_the_same_chart_after_a_trip_through_json():
    document = report_draft(with_projects(*TWO, figures=full()))
    back = document_from_json(json.loads(json.dumps(document_to_json(document))))
    assert back == document
    [before, after] = (
        next(p for p in paragraphs(d) if p.key == "improvement").charts[0] for d in (document, back)
    )
    assert chart_png(before) == chart_png(after)


def test_an_spc_chart_without_its_measure_is_refused():
    bare = Chart("Bare", "A bare chart", "spc", [], {}, "", Table("Bare", ["a"], []))
    with pytest.raises(ValueError, match="has no measure to draw"):
        chart_png(bare)


def _report_with(chart: Chart) -> BoardReport:
    report = report_draft(empty())
    progress = report.sections[3].subsections[1]
    progress.paragraphs.append(Paragraph("4.2.99", "The programme.", charts=[chart]))
    return report


def test_html_pdf_and_word_draw_the_chart_with_its_alternative_text_and_table():
    [chart] = drafted(with_projects(TWO[0])).charts
    report = _report_with(chart)
    page = report_html(report)
    assert page.count(f'aria-label="{chart.alt}"') == 2  # the narrow and the wide drawing
    assert 'class="tip-chart tip-chart--wide"' in page
    assert chart.table.caption in page and "45.68% to 56.32%" in page
    assert pdf_figures(report_pdf(report)) == [chart.alt]
    word = Document(io.BytesIO(report_docx(report)))
    [picture] = word.inline_shapes
    assert picture._inline.docPr.get("descr") == chart.alt
    blip = picture._inline.graphic.graphicData.pic.blipFill.blip
    image = word.part.related_parts[blip.embed].blob
    # The measure page's drawing (lib/spc_charts), of the chart the measure page computes.
    assert image == spc_charts.chart_png(
        chart_from_figures(TWO[0]),
        title=chart.alt,
        unit_label="Percentage",
        target=75.0,
        annotations=[(dt.date(2022, 4, 15), "PDSA 3, The service: adopt")],
    )
    data = next(t for t in word.tables if t.rows[0].cells[0].text == "Date")
    assert [[c.text for c in row.cells] for row in data.rows] == [
        chart.table.header,
        *chart.table.rows,
    ]


def chart_from_figures(project: ImprovementProject):
    measure = project.headline
    assert measure is not None
    return series_chart(
        chart=measure.chart,
        rules=measure.rules,
        improvement=measure.improvement,
        baseline=measure.baseline,
        values=measure.values,
    )


@pytest.mark.django_db
def test_a_frozen_report_is_unchanged_when_the_values_change_later(ld):
    project = ProjectFactory(partnership=ld.partnership, title="Letters", starts_on=START)
    measure = MeasureFactory(project=project, title="Attended (%)", baseline_points=12)
    project.headline_measure = measure
    project.save()
    for i, value in enumerate(COMMON * 6 + [70] * 6):
        MeasureValueFactory(
            measure=measure, on=month_end(months_after(dt.date(2021, 7, 31), i)), value=value
        )
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    before = report_html(paper.report_document(report))
    assert 'aria-label="SPC chart (XmR) of Attended (%)' in before

    MeasureValue.objects.filter(measure=measure, on=END).update(value=40, note="Corrected")
    MeasureValueFactory(measure=measure, on=dt.date(2022, 5, 15), value=99)
    measure.chart = "run"
    measure.save()
    report.refresh_from_db()
    assert report_html(paper.report_document(report)) == before
    # Drafted afresh, the same period would read the changed values: the freeze is what
    # keeps the report as it was.
    fresh = report_draft(report_figures(partnership_id=ld.partnership_id, start=START, end=END))
    assert report_html(fresh) != before
    assert chart_of(measure).kind == "run"


# Coaching, mentoring and peer networks ---------------------------------------------------------

COACHING = Coaching(
    coaching_pairs=2,
    mentoring_pairs=1,
    peer_networks=1,
    meetings=14,
    people=9,
    by_organisation=[
        CoachingOrganisation("Dundee City Council", groups=3, meetings=10, people=6),
        CoachingOrganisation("NHS Tayside", groups=2, meetings=6, people=3),
    ],
)


def test_coaching_and_peer_networks_are_said_after_the_projects_with_a_table_by_organisation():
    found = drafted(dataclasses.replace(with_projects(*TWO), coaching=COACHING))
    assert found is not None
    said = found.text
    assert (
        "For coaching, mentoring and peer support, 2 coaching pairs, 1 mentoring pair and 1 "
        "peer network were active: 9 people from 2 organisations came to 14 meetings in the "
        "period."
    ) in said
    assert said.index("special-cause improvement") < said.index("For coaching")
    projects, coaching = found.tables
    assert projects.header[0] == "Project (stage)"
    assert coaching.header == ["Organisation", "Pairs and groups", "Meetings", "People who met"]
    assert coaching.rows == [
        ["Dundee City Council", "3", "10", "6"],
        ["NHS Tayside", "2", "6", "3"],
        ["Whole partnership", "4", "14", "9"],
    ]


def test_coaching_without_a_project_drafts_the_paragraph_with_its_table_only():
    quiet = dataclasses.replace(
        COACHING, coaching_pairs=1, mentoring_pairs=0, peer_networks=0, meetings=0, people=0
    )
    found = drafted(dataclasses.replace(empty(), coaching=quiet))
    assert found is not None
    assert found.text == (
        "For coaching, mentoring and peer support, 1 coaching pair was active, with no "
        "meeting recorded in the period."
    )
    assert [t.header[0] for t in found.tables] == ["Organisation"] and not found.charts
    assert drafted(empty()) is None  # neither a project nor coaching: nothing


def test_the_period_gathers_coaching_as_the_network_app_counts_it(partnership):
    from tiptracker.network.tests.factories import CoachingGroupFactory, CoachingPersonFactory

    group = CoachingGroupFactory(partnership=partnership, start_date=dt.date(2022, 1, 10))
    coach = CoachingPersonFactory(group=group, role="coach")
    coachee = CoachingPersonFactory(group=group, role="coachee")
    coaching_meeting_record(
        actor=None,
        group=group,
        on=dt.date(2022, 3, 1),
        attendees=[coach, coachee],
        themes=["safety"],
    )
    coaching_meeting_record(  # after the period: not counted
        actor=None,
        group=group,
        on=dt.date(2022, 7, 5),
        attendees=[coach, coachee],
        themes=["safety"],
    )
    figures = report_figures(partnership_id=partnership.pk, start=START, end=END)
    summary = coaching_summary(partnership.pk, since=START, on=END)
    assert figures.coaching is not None
    assert (figures.coaching.coaching_pairs, figures.coaching.meetings) == (1, 1)
    assert figures.coaching.people == summary.people == 2
    assert [row.organisation for row in figures.coaching.by_organisation] == [
        row.organisation for row in summary.by_organisation
    ]
    # Frozen and read back, the same figures.
    assert figures_from_json(figures_to_json(figures)).coaching == figures.coaching
    before = dataclasses.replace(figures, coaching=None)
    # Before the pair started: nothing to say.
    before_it = dt.date(2022, 1, 9)
    assert (
        report_figures(partnership_id=partnership.pk, start=START, end=before_it).coaching is None
    )
    assert "Coaching, mentoring and peer networks" in " ".join(figures_changes(before, figures))
