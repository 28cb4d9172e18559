"""A report's frozen figures and document: JSON that reads back exactly, refuses a format it
does not know, and the plain lines "Refresh figures" shows for each kind of change."""

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from tiptracker.demo.loader import demo_load
from tiptracker.lib.suppression import Figure
from tiptracker.lived.selectors import StageCounts
from tiptracker.partnerships.models import Partnership
from tiptracker.reporting import frozen
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table
from tiptracker.reporting.draft import report_draft
from tiptracker.reporting.figures import (
    Briefing,
    CoachingOrganisation,
    Commitment,
    CourseAttendance,
    CoverageOnDay,
    Engagement,
    FundingYear,
    ImpactRow,
    LevelCoverage,
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
from tiptracker.reporting.tests.test_draft import empty, full


def through_json(data: dict) -> dict:
    """What the database gives back: the JSON as text and read again."""
    return json.loads(json.dumps(data))


def with_(figures: ReportFigures, **changes) -> ReportFigures:
    return dataclasses.replace(figures, **changes)


# Round trips -----------------------------------------------------------------------------------


@pytest.mark.parametrize("figures", [full(), empty()], ids=["full", "empty"])
def test_figures_read_back_exactly_after_a_trip_through_json_text(figures):
    assert figures_from_json(through_json(figures_to_json(figures))) == figures


def test_the_json_is_versioned_with_dates_and_money_as_text():
    data = figures_to_json(full())
    assert data["version"] == 4
    stored = data["figures"]
    assert stored["start"] == "2021-12-01"
    assert stored["funding"][0]["allocated"] == "50000"
    assert stored["impact"][0]["learned"] is None
    assert stored["impact"][0]["attended"] == {"value": 87, "threshold": 5, "rounded": False}
    assert stored["lived"]["entered"][0] == [
        "Interest received",
        {"value": None, "threshold": 5, "rounded": False},
    ]
    assert "percent_at_end" not in stored["coverage"][0]  # a property, worked out again
    assert stored["coverage_trend"][1] == {
        "day": "2022-03-31",
        "level": 1,
        "needed": 3000,
        "trained": 1000,
    }
    assert stored["briefings_planned"][0]["date"] == "2022-08-23"


def test_money_keeps_its_pence_exactly():
    year = FundingYear("2022/23", Decimal("50000.00"), Decimal("0.10"), Decimal("49999.90"), [], [])
    back = figures_from_json(through_json(figures_to_json(with_(full(), funding=[year]))))
    assert back.funding[0].allocated.as_tuple() == Decimal("50000.00").as_tuple()
    assert back.funding[0].committed == Decimal("0.10")


figures_ = st.builds(
    Figure,
    st.none() | st.integers(min_value=0, max_value=10**9),
    st.integers(1, 100),
    st.booleans(),
)
money = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@given(
    figure=figures_,
    amount=money,
    day=days,
    optional=st.none() | figures_,
    label=st.text(),
)
def test_any_figure_amount_and_date_reads_back_exactly(figure, amount, day, optional, label):
    figures = with_(
        full(),
        start=day,
        impact=[ImpactRow(label, 2, figure, optional, None, figure)],
        funding=[FundingYear("2022/23", amount, amount, amount, [label], [])],
        engagement=[Engagement(day, label, "Meeting", label)],
        lived=StageCounts(day, day, [(label, figure)], [(label, figure)], figure),
        coverage_trend=[CoverageOnDay(day, 3, 10, 0)],
        briefings_planned=[Briefing(day, label, 2, 1, 0)],
    )
    assert figures_from_json(through_json(figures_to_json(figures))) == figures


def a_document() -> BoardReport:
    table = Table("Coverage", ["Level", "Start", "End"], [["1", "20%", "50%"]])
    return BoardReport(
        reference="DIJB42-2022",
        title="Trauma-informed practice: progress",
        partnership="Dundee Health and Social Care Partnership",
        period_start=dt.date(2021, 12, 1),
        period_end=dt.date(2022, 6, 30),
        sections=[
            Section("1", "PURPOSE OF REPORT", [Paragraph("1.1", "To update the board.")]),
            Section(
                "4",
                "MAIN TEXT",
                subsections=[
                    Section(
                        "4.2",
                        "Progress Update",
                        [
                            Paragraph(
                                "4.2.1",
                                "Coverage rose.",
                                bullets=["one", "two"],
                                tables=[table],
                                charts=[
                                    Chart(
                                        title="Coverage",
                                        alt="Coverage by level",
                                        kind="line",
                                        labels=["1 Dec 2021", "30 Jun 2022"],
                                        series={"Level 1": [20.0, None], "Level 2": [1, 2.5]},
                                        unit="%",
                                        table=table,
                                    )
                                ],
                            )
                        ],
                        subsections=[Section("4.2.9", "Deeper", [Paragraph("", "Unnumbered")])],
                    )
                ],
            ),
        ],
        author="Steering group",
        date=dt.date(2022, 8, 1),
    )


def test_a_document_reads_back_exactly_with_nested_sections_and_charts_with_gaps():
    document = a_document()
    data = through_json(document_to_json(document))
    assert data["version"] == 4
    back = document_from_json(data)
    assert back == document
    assert back.sections[1].subsections[0].paragraphs[0].charts[0].series["Level 1"] == [20.0, None]


def test_the_drafted_document_reads_back_exactly():
    document = report_draft(full())
    assert document_from_json(through_json(document_to_json(document))) == document


def test_a_document_without_a_date_reads_back_exactly():
    document = dataclasses.replace(a_document(), date=None, author="")
    assert document_from_json(through_json(document_to_json(document))) == document


# Refusals --------------------------------------------------------------------------------------


def test_a_format_it_does_not_know_is_refused_plainly():
    data = figures_to_json(full()) | {"version": 5}
    with pytest.raises(ValueError, match="saved in format 5, which this version of TIP Tracker"):
        figures_from_json(data)
    with pytest.raises(ValueError, match="format 5"):
        document_from_json(document_to_json(a_document()) | {"version": 5})
    with pytest.raises(ValueError, match="format True"):
        figures_from_json(data | {"version": True})


def format_1(figures: ReportFigures) -> dict:
    """The figures as format 1 stored them: without the trend and the planned briefings."""
    data = through_json(figures_to_json(figures))
    del data["figures"]["coverage_trend"], data["figures"]["briefings_planned"]
    return data | {"version": 1}


def test_figures_stored_in_format_1_still_open_as_they_were():
    old = format_1(full())
    back = figures_from_json(old)
    # Their trend is the coverage they held, at the start and the end; no briefing planned.
    assert back.coverage_trend == [
        CoverageOnDay(dt.date(2021, 12, 1), 1, 3000, 600),
        CoverageOnDay(dt.date(2022, 6, 30), 1, 3000, 1500),
    ]
    assert back.briefings_planned == []
    assert back.coverage == full().coverage and back.lived == full().lived
    # So the report drafted from them says what it said, with no recommendation 2.2.
    report = report_draft(back)
    assert [p.number for p in report.sections[1].paragraphs] == ["", "2.1"]
    assert report.sections[3].subsections[1].paragraphs  # 4.2 drafted, charts and all


def test_format_1_figures_of_a_one_day_period_give_one_point_and_empty_ones_none():
    one_day = format_1(with_(full(), end=full().start))
    assert [p.day for p in figures_from_json(one_day).coverage_trend] == [dt.date(2021, 12, 1)]
    assert figures_from_json(format_1(empty())).coverage_trend == []


def test_figures_stored_before_counts_were_marked_rounded_read_as_not_rounded():
    # Reports frozen before anonymous answers were published rounded kept no "rounded" in
    # their figures: none of theirs was rounded, and they still open as they were.
    data = through_json(figures_to_json(full()))
    data["figures"]["impact"][0]["attended"].pop("rounded")
    data["figures"]["lived"]["entered"][0][1].pop("rounded")
    assert figures_from_json(data) == full()
    impact = dataclasses.replace(full().impact[0], reacted=Figure(15, 5, rounded=True))
    rounded = with_(full(), impact=[impact])
    back = figures_from_json(through_json(figures_to_json(rounded)))
    assert back.impact[0].reacted == Figure(15, 5, rounded=True)


def test_a_document_stored_in_format_1_still_opens():
    old = through_json(document_to_json(a_document())) | {"version": 1}
    assert document_from_json(old) == a_document()


def test_damaged_format_1_figures_are_refused_naming_the_place():
    old = format_1(full())
    old["figures"]["coverage"][0]["trained_at_end"] = "1500"
    with pytest.raises(ValueError, match=r"figures.coverage\[0\].trained_at_end"):
        figures_from_json(old)


@pytest.mark.parametrize("data", [{}, {"figures": {}}, {"version": 1}, []])
def test_json_without_a_version_or_figures_is_refused(data):
    with pytest.raises(ValueError, match="not in a form TIP Tracker can read"):
        figures_from_json(data)


def test_damaged_figures_are_refused_naming_the_place():
    data = through_json(figures_to_json(full()))
    data["figures"]["coverage"][0]["trained_at_end"] = "1500"
    with pytest.raises(ValueError, match=r"figures.coverage\[0\].trained_at_end"):
        figures_from_json(data)
    data = through_json(figures_to_json(full()))
    del data["figures"]["plan"]["at_risk"]
    with pytest.raises(ValueError, match="figures.plan has no at_risk"):
        figures_from_json(data)
    data = through_json(figures_to_json(full()))
    data["figures"]["end"] = "30 June 2022"
    with pytest.raises(ValueError, match="figures.end should be a date"):
        figures_from_json(data)


# What changed ----------------------------------------------------------------------------------


def test_nothing_changed_gives_no_lines():
    assert figures_changes(full(), full()) == []
    assert figures_changes(empty(), empty()) == []
    assert figures_changes(full(), figures_from_json(through_json(figures_to_json(full())))) == []


def test_a_coverage_figure_that_changed():
    new = with_(full(), coverage=[LevelCoverage(1, "Trauma Informed", 3000, 600, 3000, 1530)])
    assert figures_changes(full(), new) == [
        "Coverage, level 1 (Trauma Informed), trained at the end: 1,500 → 1,530"
    ]


def test_a_level_added_to_coverage():
    extra = LevelCoverage(3, "Trauma Enhanced", 0, 0, 120, 40)
    new = with_(full(), coverage=[*full().coverage, extra])
    assert figures_changes(full(), new) == [
        "Coverage: 1 added (level 3, Trauma Enhanced: 40 of 120 trained at the end)"
    ]


def test_attendance_at_a_course_that_changed():
    webinar, briefing = full().attendance
    new = with_(
        full(),
        attendance=[
            webinar,
            dataclasses.replace(
                briefing, attended=143, sessions=7, months=["April 2022", "May 2022", "June 2022"]
            ),
        ],
    )
    assert figures_changes(full(), new) == [
        "Attendance, Manager briefing: 6 → 7 sessions",
        "Attendance, Manager briefing: 141 → 143 attended",
        "Attendance, Manager briefing, months held: 1 added (June 2022)",
    ]


def test_a_course_added_and_one_removed():
    webinar, briefing = full().attendance
    course = CourseAttendance("Trauma skilled practice", 2, 1, 12, ["June 2022"], False)
    assert figures_changes(full(), with_(full(), attendance=[briefing, course])) == [
        "Attendance: 1 added (Trauma skilled practice: 1 session, 12 attended)",
        "Attendance: 1 removed (Launch webinar: 1 session, 87 attended)",
    ]


def test_impact_says_fewer_than_and_not_measured():
    row = ImpactRow("Launch webinar", 1, Figure(87, 5), Figure(None, 5), Figure(12, 5), None)
    assert figures_changes(full(), with_(full(), impact=[row])) == [
        "Impact, Launch webinar, reacted: 52 → fewer than 5",
        "Impact, Launch webinar, learned: not measured → 12",
        "Impact, Launch webinar, changed practice: fewer than 5 → not measured",
    ]


def test_plan_counts_and_lists_that_changed():
    plan = full().plan
    assert plan is not None
    new = dataclasses.replace(
        plan,
        at_risk=2,
        completed_in_period=["Launch event", "Feedback methods"],
        next_priorities=list(reversed(plan.next_priorities)),
    )
    assert figures_changes(full(), with_(full(), plan=new)) == [
        "Plan: at risk 1 → 2",
        "Plan, completed in the period: 1 added (Feedback methods)",
        "Plan, next priorities: the same, in another order",
    ]


def test_a_plan_that_appeared_or_went():
    assert figures_changes(empty(), with_(empty(), plan=full().plan)) == [
        "Plan: added (14 actions, 3 completed)"
    ]
    assert figures_changes(full(), with_(full(), plan=None)) == [
        "Plan: none now (was 14 actions, 3 completed)"
    ]


def test_funding_committed_and_a_commitment_added():
    years = full().funding
    commitment = Commitment("Training materials", "NHS Tayside", Decimal("10000.00"))
    new = with_(
        full(),
        funding=[
            years[0],
            dataclasses.replace(
                years[1],
                committed=Decimal("10000.00"),
                remaining=Decimal("40000.00"),
                commitments=[commitment],
            ),
        ],
    )
    assert figures_changes(full(), new) == [
        "Funding 2022/23 committed: £0.00 → £10,000.00",
        "Funding 2022/23 remaining: £50,000.00 → £40,000.00",
        "Funding 2022/23, commitments: 1 added (Training materials, NHS Tayside: £10,000.00)",
    ]


def test_the_amount_of_a_commitment_that_changed():
    years = full().funding
    [officer] = years[0].commitments
    cheaper = dataclasses.replace(officer, amount=Decimal("45000"))
    new = with_(full(), funding=[dataclasses.replace(years[0], commitments=[cheaper]), years[1]])
    assert figures_changes(full(), new) == [
        "Funding 2021/22, 1 FTE Trauma Learning and Development Officer "
        "(Women's Rape and Sexual Abuse Centre): £50,000.00 → £45,000.00"
    ]


def test_engagement_added_and_a_summary_edited():
    [minister] = full().engagement
    added = Engagement(dt.date(2022, 6, 29), "Scottish Government", "Presentation", "Shared")
    new = with_(full(), engagement=[dataclasses.replace(minister, summary="Met again"), added])
    assert figures_changes(full(), new) == [
        "Engagement, 30 November 2021 (Meeting, Minister for Mental Wellbeing): summary edited",
        "Engagement: 1 added (29 June 2022: Presentation, Scottish Government)",
    ]


def test_two_items_known_by_the_same_name_are_added_and_removed_whole():
    twice = Engagement(dt.date(2022, 6, 29), "Scottish Government", "Meeting", "Morning")
    old = with_(full(), engagement=[twice, twice])
    new = with_(full(), engagement=[twice, dataclasses.replace(twice, summary="Afternoon")])
    assert figures_changes(old, new) == [
        "Engagement: 1 added (29 June 2022: Meeting, Scottish Government)",
        "Engagement: 1 removed (29 June 2022: Meeting, Scottish Government)",
    ]


def test_lived_experience_counts_stay_suppressed_in_the_lines():
    old = full().lived
    entered = [(label, Figure(6, 5) if n == 0 else f) for n, (label, f) in enumerate(old.entered)]
    new = with_(full(), lived=dataclasses.replace(old, entered=entered, at_end_total=Figure(9, 5)))
    assert figures_changes(full(), new) == [
        "Lived experience, Interest received, reached in the period: fewer than 5 → 6",
        "Lived experience, all stages at the end of the period: fewer than 5 → 9",
    ]


def test_network_and_briefings_that_changed():
    network = full().network
    assert network is not None
    [briefing] = full().briefings
    new = with_(
        full(),
        network=dataclasses.replace(network, champions=5),
        briefings=[
            dataclasses.replace(briefing, attended=13),
            Briefing(dt.date(2022, 9, 1), "Elected members", 30, 0, 0),
        ],
    )
    assert figures_changes(full(), new) == [
        "Network: champions 4 → 5",
        "Briefings, Trauma-informed leadership on 23 August 2022: 12 → 13 attended",
        "Briefings: 1 added (1 September 2022: Elected members)",
    ]


def test_names_and_the_period_that_changed():
    new = with_(full(), council="", end=dt.date(2022, 7, 31))
    assert figures_changes(full(), new) == [
        "Council: Dundee City Council → none",
        "Period end: 30 June 2022 → 31 July 2022",
    ]


def test_every_figure_has_a_label_unless_it_names_its_item():
    # A field added to figures.py without a label here would read as its Python name.
    for cls, part in frozen._PARTS.items():
        unlabelled = {f.name for f in dataclasses.fields(cls)} - set(part.labels)
        if part.key is None:
            assert unlabelled == set(), cls
        else:
            for name in unlabelled:  # a key field: changing it changes the item's key
                item = next(i for i in _examples() if type(i) is cls)
                changed = dataclasses.replace(item, **{name: _other(getattr(item, name))})
                assert part.key(changed) != part.key(item), (cls, name)


def _examples() -> list:
    figures = full()
    assert figures.plan is not None
    return [
        *figures.coverage,
        *figures.coverage_trend,
        *figures.attendance,
        *figures.impact,
        *figures.funding,
        *figures.funding[0].commitments,
        *figures.engagement,
        *figures.briefings,
        *figures.completions,
        *figures.resources,
        *figures.plan.notes,
        *figures.improvement,
        *(n for p in figures.improvement if p.headline for n in p.headline.notes),
        *(v for p in figures.improvement if p.headline for v in p.headline.values),
        CoachingOrganisation("Dundee City Council", groups=3, meetings=10, people=6),
    ]


def _other(value):
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return value + (1 if isinstance(value, int) else "x")


# The demo's figures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_figures(django_db_setup, django_db_blocker):
    """The demo loaded once (about 8 seconds), its figures gathered, then rolled back."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        demo_load(out=io.StringIO())
        dundee = Partnership.objects.get(slug="dundee")
        yield report_figures(
            partnership_id=dundee.pk, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30)
        )
        transaction.set_rollback(True)


@pytest.mark.django_db  # also tells pytest-django the test database is needed at all
def test_the_demo_reports_figures_and_draft_freeze_and_read_back_exactly(demo_figures):
    assert figures_from_json(through_json(figures_to_json(demo_figures))) == demo_figures
    document = report_draft(demo_figures)
    assert document_from_json(through_json(document_to_json(document))) == document
    assert figures_changes(demo_figures, demo_figures) == []


@pytest.mark.django_db
def test_refreshing_the_demo_after_more_managers_attended_says_so(demo_figures):
    attendance = [
        dataclasses.replace(c, attended=c.attended + 2) if c.for_managers else c
        for c in demo_figures.attendance
    ]
    assert figures_changes(demo_figures, with_(demo_figures, attendance=attendance)) == [
        "Attendance, Trauma-informed manager briefing: 141 → 143 attended"
    ]


def test_a_point_of_the_coverage_trend_and_a_planned_briefing_that_changed():
    trend = [
        dataclasses.replace(p, trained=1100) if p.day == dt.date(2022, 3, 31) else p
        for p in full().coverage_trend
    ]
    changed = with_(
        full(),
        coverage_trend=trend,
        briefings_planned=[Briefing(dt.date(2022, 8, 30), "IJB briefing", 18, 14, 0)],
    )
    assert figures_changes(full(), changed) == [
        "Coverage trend, 31 March 2022, level 1: 1,000 → 1,100 trained",
        "Briefings planned after the period: 1 added (30 August 2022: IJB briefing)",
        "Briefings planned after the period: 1 removed (23 August 2022: IJB briefing)",
    ]


# The improvement programme (format 4) ------------------------------------------------------


def test_figures_stored_in_format_3_have_no_improvement_projects_and_say_nothing_of_them():
    data = through_json(figures_to_json(full()))
    del data["figures"]["improvement"]
    back = figures_from_json(data | {"version": 3})
    assert back == with_(full(), improvement=[])
    progress = report_draft(back).sections[3].subsections[1].paragraphs
    assert "improvement" not in [p.key for p in progress]


def test_the_headline_measures_values_are_kept_exactly():
    stored = figures_to_json(full())["figures"]["improvement"][0]
    assert stored["headline"]["values"][-1] == {
        "on": "2022-06-30",
        "value": 70.0,
        "rebase": False,
        "note": "",
    }
    assert stored["headline"]["notes"] == [
        {"on": "2022-04-15", "text": "PDSA 3, The service: adopt"}
    ]


def test_an_improvement_project_and_its_headline_measure_that_changed():
    review, letters = full().improvement
    assert review.headline is not None
    values = [
        dataclasses.replace(v, value=72.5, note="Checked") if v.on == dt.date(2022, 6, 30) else v
        for v in review.headline.values
    ]
    changed = with_(
        full(),
        improvement=[
            dataclasses.replace(
                review,
                cycles=4,
                adopted=[*review.adopted, "One named worker"],
                headline=dataclasses.replace(review.headline, values=values[1:], baseline=6),
            ),
            dataclasses.replace(letters, stage="Implementing"),
        ],
    )
    assert figures_changes(full(), changed) == [
        "Improvement projects, Adolescent services review: 3 → 4 PDSA cycles run",
        "Improvement projects, Adolescent services review, changes adopted: 1 added "
        "(One named worker)",
        "Improvement projects, Adolescent services review, headline measure: baseline points "
        "12 → 6",
        "Improvement projects, Adolescent services review, headline measure, values on "
        "30 June 2022: 70 → 72.5",
        "Improvement projects, Adolescent services review, headline measure, values on "
        "30 June 2022: note none → Checked",
        "Improvement projects, Adolescent services review, headline measure, values: 1 removed "
        "(31 January 2021: 50)",
        "Improvement projects, First appointments, stage: Testing → Implementing",
    ]


@pytest.mark.django_db
def test_the_demos_report_drafts_its_improvement_programme(demo_figures):
    # Both demo projects were under way from December 2021 to June 2022, each adopting a
    # change in the spring; their charts were rebased on it, so neither new centre had a
    # signal by the end of June.
    assert [(p.title, p.cycles, p.adopted) for p in demo_figures.improvement] == [
        ("Adolescent services review", 3, ["Young people's panel co-designs the first meeting"]),
        (
            "Trauma-informed first appointments",
            2,
            ["A co-produced invitation letter with a choice of where to meet"],
        ),
    ]
    progress = report_draft(demo_figures).sections[3].subsections[1].paragraphs
    [paragraph] = [p for p in progress if p.key == "improvement"]
    assert paragraph.text.startswith("In the period, 2 improvement projects were active")
    assert [c.kind for c in paragraph.charts] == ["spc", "spc"]
