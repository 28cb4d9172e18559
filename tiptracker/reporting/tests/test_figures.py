"""The board report's figures for a partnership and a period: the demo's report period
reproduces the reference report's figures, an empty partnership gives empty figures, and
the cost in queries does not grow with the partnership.

The demo (about 5,000 staff) is loaded once for the module, inside a transaction rolled
back when the module ends, as the demo tests do (tiptracker/demo/tests/conftest.py).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.demo.loader import demo_load
from tiptracker.demo.plan import PRIORITIES_2022_23
from tiptracker.engagement.tests.factories import EngagementFactory
from tiptracker.funding.models import Allocation, Commitment
from tiptracker.lib.dates import LONDON
from tiptracker.network.models import NetworkMember
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.partnerships.tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from tiptracker.plan import services as plan_services
from tiptracker.plan.models import Action
from tiptracker.plan.state import ActionFields
from tiptracker.reporting.figures import ReportFigures
from tiptracker.reporting.gather import report_figures
from tiptracker.reporting.gather_training import trend_days
from tiptracker.training.coverage import coverage
from tiptracker.training.models import Booking, Completion, Guest, TrainingSession
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def demo_partnership(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        demo_load(out=io.StringIO())
        yield Partnership.objects.get(slug="dundee")
        transaction.set_rollback(True)


@pytest.fixture
def dundee(demo_partnership, db):
    return demo_partnership


@pytest.fixture
def figures(dundee) -> ReportFigures:
    return report_figures(partnership_id=dundee.pk, start=START, end=END)


# The demo: the reference report's period -----------------------------------------------------


def test_it_names_the_partnership_its_council_and_its_health_board(figures):
    assert figures.partnership == "Dundee Health and Social Care Partnership"
    assert figures.council == "Dundee City Council"
    assert figures.health_board == "NHS Tayside"
    assert (figures.start, figures.end) == (START, END)


def test_it_counts_141_managers_at_the_april_and_may_2022_briefings(figures):
    [briefings] = [c for c in figures.attendance if c.for_managers]
    assert briefings.course == "Trauma-informed manager briefing"
    assert (briefings.sessions, briefings.attended) == (7, 141)
    assert briefings.months == ["April 2022", "May 2022"]


def test_the_launch_webinar_counts_87_attendees(figures):
    [webinar] = [c for c in figures.attendance if "launch webinar" in c.course]
    assert (webinar.sessions, webinar.attended, webinar.months) == (1, 87, ["December 2021"])
    assert webinar.for_managers is False


def test_the_period_takes_in_the_meeting_with_the_minister_in_december_2021(figures):
    # The reference report counts it ("late 2021") in its period from 1 December 2021.
    minister = figures.engagement[0]
    assert (minister.date, minister.kind) == (dt.date(2021, 12, 7), "Meeting")
    assert minister.body == "Minister for Mental Wellbeing and Social Care"


def test_funding_shows_50k_for_each_year_and_the_officer_post(figures):
    years = {year.year: year for year in figures.funding}
    assert list(years) == ["2021/22", "2022/23"]
    assert years["2021/22"].allocated == years["2022/23"].allocated == Decimal("50000.00")
    [officer] = years["2021/22"].commitments
    assert officer.what.startswith("1 FTE Trauma Learning and Development Officer")
    assert officer.partner == "Women's Rape and Sexual Abuse Centre"
    assert officer.amount == Decimal("50000.00")
    assert years["2021/22"].remaining == Decimal("0.00")
    assert (years["2022/23"].committed, years["2022/23"].commitments) == (Decimal("0.00"), [])
    assert years["2022/23"].remaining == Decimal("50000.00")


def test_the_next_steps_are_the_six_priorities_for_2022_23_in_order(figures):
    assert figures.plan is not None
    assert figures.plan.next_year == "2022/23"
    assert figures.plan.next_priorities == list(PRIORITIES_2022_23)


def test_the_actions_completed_do_not_depend_on_the_labels_the_history_shows(dundee):
    """The history keeps codes in each change's state; the labels it shows may be renamed
    (here "Status"/"Complete" become "State"/"Done") without changing the board report."""
    from tiptracker.plan.models import PlanChange

    for change in PlanChange.objects.filter(partnership=dundee, entity="action"):
        change.changes = [
            [
                "State" if label == "Status" else label,
                before,
                "Done" if after == "Complete" else after,
            ]
            for label, before, after in change.changes
        ]
        change.save(update_fields=["changes"])
    plan = report_figures(partnership_id=dundee.pk, start=START, end=END).plan
    assert plan is not None and len(plan.completed_in_period) == 3


def test_the_plan_is_as_it_stood_on_30_june_2022(figures):
    plan = figures.plan
    assert plan is not None
    assert plan.completed_in_period == [
        "Launch event for the 'Becoming Trauma Informed' materials",
        "Map training need at levels one and two",
        "Manager briefings on the plan and the toolkits",
    ]
    assert "Finalise methods to gather feedback and track the impact of training" in (
        plan.at_risk_titles
    )
    assert plan.at_risk_titles == [
        "Finalise methods to gather feedback and track the impact of training",
        "Bespoke level three training resource with NHS Education for Scotland",
    ]
    # Of the 12 actions then (those added later are left out): 5 complete, 3 on track, 2 at
    # risk, 2 not started, none overdue.
    assert (plan.actions, plan.completed, plan.on_track, plan.at_risk) == (12, 5, 3, 2)
    assert (plan.off_track, plan.overdue) == (0, 0)


def test_the_engagement_log_of_the_period_is_listed_by_date(figures):
    assert [(e.date, e.kind) for e in figures.engagement] == [
        (dt.date(2021, 12, 7), "Meeting"),
        (dt.date(2022, 1, 25), "Advisory group"),
        (dt.date(2022, 3, 16), "Visit"),
        (dt.date(2022, 6, 29), "Workshop"),
    ]


def test_coverage_is_the_dashboards_at_the_start_and_the_end_of_the_period(dundee, figures):
    def totals(day):
        found = coverage(partnership_id=dundee.pk, partnership_slug=dundee.slug, as_of=day)
        return [(row.needed, row.met) for row in found.totals]

    assert [c.level for c in figures.coverage] == [1, 2, 3, 4]
    assert [(c.needed_at_start, c.trained_at_start) for c in figures.coverage] == totals(START)
    assert [(c.needed_at_end, c.trained_at_end) for c in figures.coverage] == totals(END)
    informed = figures.coverage[0]
    assert informed.name == "Trauma Informed"
    assert informed.percent_at_end > 3 * informed.percent_at_start


def test_the_coverage_trend_is_the_dashboards_coverage_on_each_day_of_it(dundee, figures):
    days = [
        dt.date(2021, 12, 1),
        dt.date(2021, 12, 31),
        dt.date(2022, 1, 31),
        dt.date(2022, 2, 28),
        dt.date(2022, 3, 31),
        dt.date(2022, 4, 30),
        dt.date(2022, 5, 31),
        dt.date(2022, 6, 30),
    ]
    assert list(dict.fromkeys(p.day for p in figures.coverage_trend)) == days
    for day in days:
        found = coverage(partnership_id=dundee.pk, partnership_slug=dundee.slug, as_of=day)
        assert [(p.level, p.needed, p.trained) for p in figures.coverage_trend if p.day == day] == [
            (row.level.value, row.needed, row.met) for row in found.totals
        ], day
    informed = [p.percent for p in figures.coverage_trend if p.level == 1]
    assert informed == sorted(informed)  # the demo's roll-out only ever adds to it


def test_trend_days_are_the_first_day_the_month_ends_between_and_the_last_day():
    assert trend_days(dt.date(2022, 1, 31), dt.date(2022, 3, 15)) == [
        dt.date(2022, 1, 31),
        dt.date(2022, 2, 28),
        dt.date(2022, 3, 15),
    ]
    assert trend_days(dt.date(2022, 5, 3), dt.date(2022, 5, 3)) == [dt.date(2022, 5, 3)]
    assert trend_days(dt.date(2022, 5, 3), dt.date(2022, 5, 31)) == [
        dt.date(2022, 5, 3),
        dt.date(2022, 5, 31),
    ]


def test_the_impact_chain_counts_the_quarters_the_period_touches(figures):
    assert (figures.impact_start, figures.impact_end) == (dt.date(2021, 10, 1), END)
    chains = {row.course: row for row in figures.impact}
    briefing = chains["Trauma-informed manager briefing"]
    assert briefing.attended.value == 141
    assert briefing.reacted is not None and briefing.reacted.value
    assert briefing.learned is None  # the demo runs no survey of learning for it


def test_the_board_briefing_of_august_2022_is_after_the_period(dundee, figures):
    assert figures.briefings == []
    # ... and planned, as known when the figures are taken: recommendation 2.2.
    [planned] = figures.briefings_planned
    assert planned.date == dt.date(2022, 8, 23)
    later = report_figures(
        partnership_id=dundee.pk, start=dt.date(2022, 7, 1), end=dt.date(2022, 12, 31)
    )
    [briefing] = later.briefings
    assert briefing.date == dt.date(2022, 8, 23)
    assert (briefing.invited, briefing.accepted, briefing.attended) == (18, 14, 12)


def test_the_network_is_counted_at_the_end_of_the_period(figures):
    # Three champions in post on 30 June 2022; the first ambassadors came in November 2022.
    assert figures.network is not None
    assert (figures.network.champions, figures.network.ambassadors) == (3, 0)
    assert (figures.network.teams_with_ambassador, figures.network.teams) == (0, 53)


# No data, and a period the wrong way round ----------------------------------------------------


def test_a_partnership_with_no_data_gives_empty_figures():
    empty = PartnershipFactory(slug="empty", name="Empty Partnership")
    found = report_figures(partnership_id=empty.pk, start=START, end=END)
    assert (found.partnership, found.council, found.health_board) == ("Empty Partnership", "", "")
    assert found.coverage == found.attendance == found.impact == []
    assert found.funding == found.engagement == found.briefings == []
    assert found.plan is None and found.network is None
    assert all(figure.value in (0, None) for _stage, figure in found.lived.entered)
    assert found.lived.at_end_total.value in (0, None)
    assert (found.impact_start, found.impact_end) == (dt.date(2021, 10, 1), dt.date(2022, 6, 30))


def test_a_period_that_ends_before_it_starts_is_refused():
    empty = PartnershipFactory(slug="empty", name="Empty Partnership")
    with pytest.raises(ValueError, match="cannot end"):
        report_figures(partnership_id=empty.pk, start=END, end=START)


# The cost in queries ------------------------------------------------------------------------


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def grow(partnership: Partnership, size: int, *, within: dt.date) -> None:
    """Something of every kind the report reads, `size` of each (in bulk, but the plan through
    its services, which write the history the report rebuilds it from)."""
    council = OrganisationFactory(partnership=partnership, kind=Organisation.Kind.COUNCIL)
    OrganisationFactory(partnership=partnership, kind=Organisation.Kind.NHS_BOARD)
    team = TeamFactory(partnership=partnership, organisation=council)
    course = CourseFactory(partnership=partnership)
    staff = StaffMember.objects.bulk_create(
        StaffMember(
            partnership=partnership,
            organisation=council,
            team=team,
            staff_id=f"G{n:05d}",
            first_name="Pat",
            last_name=f"Person{n}",
        )
        for n in range(size)
    )
    Completion.objects.bulk_create(
        Completion(partnership=partnership, staff=s, course=course, completed_on=within)
        for s in staff
    )
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            partnership=partnership,
            course=course,
            starts_at=_at(within - dt.timedelta(days=n % 60)),
            ends_at=_at(within - dt.timedelta(days=n % 60), 12),
            capacity=size,
            audience="Managers",
        )
        for n in range(size)
    )
    Booking.objects.bulk_create(
        Booking(
            partnership=partnership,
            session=sessions[n],
            staff=s,
            status=Booking.Status.BOOKED,
            attendance=Booking.Attendance.ATTENDED,
        )
        for n, s in enumerate(staff)
    )
    guests = Guest.objects.bulk_create(
        Guest(partnership=partnership, name=f"Guest {n}", email=f"g{n}@example.org", kind="other")
        for n in range(size)
    )
    briefing = TrainingSession.objects.create(
        partnership=partnership,
        course=course,
        starts_at=_at(within),
        ends_at=_at(within, 12),
        capacity=size,
    )
    Booking.objects.bulk_create(
        Booking(partnership=partnership, session=briefing, guest=g, status=Booking.Status.INVITED)
        for g in guests
    )
    for _n in range(size):
        EngagementFactory(partnership=partnership, date=within)
    allocation = Allocation.objects.create(
        partnership=partnership, source="Scottish Government", financial_year="2022/23", amount=100
    )
    Commitment.objects.bulk_create(
        Commitment(
            partnership=partnership,
            allocation=allocation,
            financial_year="2022/23",
            what=f"Post {n}",
            amount=1,
            starts_on=within,
            ends_on=within,
        )
        for n in range(size)
    )
    NetworkMember.objects.bulk_create(
        NetworkMember(
            partnership=partnership,
            kind="ambassador",
            name=f"Ambassador {n}",
            organisation=council,
            team=team,
            from_date=within - dt.timedelta(days=30),
        )
        for n in range(size)
    )
    actor = UserFactory()
    for n in range(min(size, 30)):
        action = plan_services.action_create(
            actor=actor,
            partnership_id=partnership.pk,
            fields=ActionFields(title=f"Action {n}", owner_group="Steering group"),
        )
        plan_services.action_update(
            actor=actor,
            action=action,
            version=action.version,
            fields=ActionFields(
                title=f"Action {n}", owner_group="Steering group", status=Action.Status.COMPLETE
            ),
        )


def test_the_figures_cost_the_same_queries_for_a_small_and_a_larger_partnership():
    today = timezone.localdate()
    start = today - dt.timedelta(days=180)
    counts = []
    for slug, size in (("small", 3), ("larger", 60)):
        partnership = PartnershipFactory(slug=slug, name=slug)
        grow(partnership, size, within=today)
        with CaptureQueriesContext(connection) as queries:
            found = report_figures(partnership_id=partnership.pk, start=start, end=today)
        counts.append(len(queries))
        assert found.attendance[0].attended == size
        assert found.briefings[0].invited == size
        assert len(found.engagement) == size
        assert found.plan is not None and len(found.plan.completed_in_period) == min(size, 30)
    # Partnership 1, organisations 1, impact 8 (9 with a question about change: courses,
    # completions, surveys run, the pairs protected as anonymous 2, responses, questions
    # about change, released cells), coverage and its trend 1, attendance 2, plan 3,
    # funding 5, engagement 1, network 6, lived 2, briefings 2 (held in the period, and
    # planned after it), completions by source 1, resources 1, the previous report 1,
    # improvement projects 1 (3 with one active: their cycles, their headline measures'
    # values) (and plan notes 1 when an action is at risk or off track).
    assert counts == [40, 40]


def test_the_figures_cost_the_same_queries_for_one_month_and_for_twelve():
    # The coverage trend is one query for up to 100 days (eight years of month ends).
    partnership = PartnershipFactory(slug="months", name="months")
    today = timezone.localdate()
    grow(partnership, 5, within=today)
    counts = []
    # (Not longer: the test's funding, in 2022/23, would then come in, and cost its queries.)
    for months in (1, 12, 36):
        start = today - dt.timedelta(days=31 * months)
        with CaptureQueriesContext(connection) as queries:
            found = report_figures(partnership_id=partnership.pk, start=start, end=today)
        counts.append(len(queries))
        assert {p.day for p in found.coverage_trend} == set(trend_days(start, today))
        assert len(trend_days(start, today)) > months
    assert counts == [40, 40, 40]


def test_planned_briefings_are_those_after_the_period_within_the_next_six_months():
    partnership = PartnershipFactory(slug="planned", name="planned")
    course = CourseFactory(partnership=partnership)
    guest = Guest.objects.create(
        partnership=partnership, name="Cllr A", email="a@example.org", kind="other"
    )

    def briefing(day: dt.date, **fields) -> None:
        session = TrainingSession.objects.create(
            partnership=partnership,
            course=course,
            starts_at=_at(day),
            ends_at=_at(day, 12),
            capacity=20,
            **fields,
        )
        Booking.objects.create(
            partnership=partnership, session=session, guest=guest, status=Booking.Status.INVITED
        )

    briefing(dt.date(2022, 6, 30))  # in the period: held, not planned
    briefing(dt.date(2022, 8, 23))
    briefing(dt.date(2022, 9, 6), status=TrainingSession.Status.CANCELLED)
    briefing(dt.date(2022, 12, 31))  # the last day of the next report's period
    briefing(dt.date(2023, 1, 10))  # for the report after that
    found = report_figures(partnership_id=partnership.pk, start=START, end=END)
    assert [b.date for b in found.briefings] == [dt.date(2022, 6, 30)]
    assert [b.date for b in found.briefings_planned] == [
        dt.date(2022, 8, 23),
        dt.date(2022, 12, 31),
    ]
    assert found.briefings_planned[0].invited == 1


def test_route_counts_cover_whole_quarters_so_periods_in_one_quarter_count_alike():
    from tiptracker.lived.models import StageChange
    from tiptracker.lived.tests.factories import coordinator, interest

    actor = coordinator()
    records = [interest(actor, email=f"p{n}@example.org") for n in range(7)]
    changes = StageChange.objects.filter(record__in=records)
    changes.filter(record__in=records[:3]).update(on=dt.date(2022, 4, 5))
    changes.filter(record__in=records[3:]).update(on=dt.date(2022, 5, 20))

    def lived(start: dt.date):
        return report_figures(
            partnership_id=actor.partnership_id, start=start, end=dt.date(2022, 6, 30)
        ).lived

    from_may, from_april = lived(dt.date(2022, 5, 1)), lived(dt.date(2022, 4, 15))
    # Cut at the period's own start, these would be 4 (shown as fewer than 5) and 7: their
    # difference would tell of the 3 who came in early April.
    assert from_may == from_april
    assert (from_may.start, from_may.end) == (dt.date(2022, 4, 1), dt.date(2022, 6, 30))
    assert dict(from_may.entered)["Interest received"].value == 7


def test_the_demo_report_in_word_and_pdf_carries_the_reference_reports_figures(figures):
    """The reference report's figures, read back out of the generated files."""
    import io

    import docx

    from tiptracker.reporting.draft import report_draft
    from tiptracker.reporting.render_html import report_html
    from tiptracker.reporting.render_pdf import report_pdf
    from tiptracker.reporting.render_word import report_docx
    from tiptracker.reporting.tests.test_render import _inflated, _pdf_strings

    report = report_draft(figures)
    document = docx.Document(io.BytesIO(report_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    for needle in (
        "launch webinar (level 1): 1 session in December 2021, attended by 87 people",
        "April and May 2022, with 141 managers having attended",
        "For 2021/22, £50,000 was allocated",
        "For 2022/23, £50,000 was allocated",
        "1 FTE Trauma Learning and Development Officer",
        "key priorities for 2022/23",
    ):
        assert needle in text, needle
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[-6:] == figures.plan.next_priorities
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-2:] == ["8.0 DIRECTIONS", "9.0 BACKGROUND PAPERS"]
    directions = next(t for t in document.tables if "Direction" in t.rows[0].cells[0].text)
    assert [c.text for c in directions.rows[1].cells] == ["1. No Direction Required", "X"]
    assert all(shape._inline.docPr.get("descr") for shape in document.inline_shapes)

    # Recommendation 2.2: the board briefing of 23 August 2022, after the period.
    assert (
        "2.2\tNote that a briefing session for IJB members and Dundee City Council elected "
        "members will be offered on 23 August 2022." in text
    )
    # The engagement paragraph names the meeting with the Minister.
    assert "7 December 2021: Minister for Mental Wellbeing and Social Care (meeting)" in text
    # The coverage trend, the impact chain and the improvement projects' headline measures:
    # each a picture with its alternative text, followed by its data table.
    charts = [c for p in _paragraphs(report) for c in p.charts]
    assert [c.title.split(":")[0] for c in charts] == [
        "Coverage by level over the period, at each month end",
        "The impact chain",
        "Adolescent services review",
        "Trauma-informed first appointments",
    ]
    assert [s._inline.docPr.get("descr") for s in document.inline_shapes] == [c.alt for c in charts]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for chart in charts:
        assert captions[captions.index(chart.title) + 1] == chart.table.caption
    trend = next(t for t in document.tables if t.rows[0].cells[0].text == "Date")
    assert [r.cells[0].text for r in trend.rows[1:]][::7] == ["1 December 2021", "30 June 2022"]

    html = report_html(report)
    for chart in charts:
        assert f'aria-label="{chart.alt}"' in html.replace("&#x27;", "'")
        assert chart.table.caption in html

    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")
    inflated = _inflated(pdf)
    strings = _pdf_strings(inflated)  # the bookmarks: one per heading
    assert "8.0 DIRECTIONS" in strings and "4.2 Progress Update" in strings
    tables = sum(len(p.tables) + len(p.charts) for p in _paragraphs(report))
    assert html.count("<table") == tables  # each chart's data table too
    # Tagged: every table (WeasyPrint tags each page's part of a long table on its own).
    assert inflated.count(b"/S /Table") >= tables
    assert inflated.count(b"/S /Figure") == len(charts)


def _paragraphs(report):
    from tiptracker.reporting.tests.test_draft import paragraphs

    return paragraphs(report)


def test_the_narratives_facts_come_from_the_demos_records(figures):
    # Why level three is at risk: the latest note in the period on each action at risk.
    assert figures.plan is not None
    notes = {n.action: n for n in figures.plan.notes}
    assert len(notes) == figures.plan.at_risk == 2
    level_three = notes["Bespoke level three training resource with NHS Education for Scotland"]
    assert level_three.written_on == dt.date(2022, 5, 25)
    assert level_three.text.startswith("No national level three materials")
    # Completions by where they came from: sessions, and the learning system's import.
    by_source = {c.source: c.completions for c in figures.completions}
    assert by_source["attendance"] == 228 and by_source["import"] > 1000
    assert set(by_source) <= {"attendance", "import", "claim", "manual"}
    assert "Manager toolkit: Trauma Informed" in [r.title for r in figures.resources]
    assert all(START <= r.on <= END for r in figures.resources)
    assert figures.funding[0].purposes[0].startswith("Part of the Scottish Government")
    assert figures.engagement[0].represented_by.startswith("Representatives of the Trauma")
    assert figures.previous_report is None  # the demo's board has no earlier report here
