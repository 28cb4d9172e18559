"""The demo partnership's roll-out around the training: the steering group's plan, the
resources and the champions network, the funding and the engagement log, the import log, the
board report, invitations, the calendar, and its anonymous survey answers under attack.

The full demo (about 5,000 staff) loads in a few seconds, so it is loaded once for this
module (the `demo` fixture in conftest.py), at full size, inside a transaction that is rolled
back when the module ends.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.demo import data
from tiptracker.demo.loader import LOGIN_EMAILS
from tiptracker.engagement.models import Engagement
from tiptracker.engagement.selectors import counts_by_kind, engagement_in_period
from tiptracker.feedback.invitations import survey_answer
from tiptracker.feedback.models import Invitation, ReleasedCell, Timepoint
from tiptracker.feedback.release import fewest_answering, release_due
from tiptracker.feedback.services import current_version
from tiptracker.feedback.tests.factories import invited
from tiptracker.funding.models import Commitment
from tiptracker.funding.selectors import funding_summary
from tiptracker.lib.dates import financial_year, today
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import network_summary
from tiptracker.partnerships.models import Membership, Organisation, Role
from tiptracker.reporting.gather import report_figures
from tiptracker.resources.models import Resource, ResourceFile
from tiptracker.training.models import Completion, Course, TrainingSession
from tiptracker.workforce.models import StaffMember

# Every test shares the module's one load, so none may be ordered apart from the others.
pytestmark = pytest.mark.django_db


# The steering group's implementation plan ------------------------------------------------------


def test_the_plan_has_the_reports_phases_and_six_priorities_for_2022_23(dundee, demo):
    from tiptracker.plan.models import Phase, Priority

    assert Phase.objects.filter(partnership=dundee).first().title == (
        "Foundations, leadership development and buy-in"
    )
    priorities = list(
        Priority.objects.filter(partnership=dundee, financial_year="2022/23").order_by("number")
    )
    assert len(priorities) == 6
    assert "level one and two" in priorities[0].title
    assert "NHS Education for Scotland" in priorities[1].title
    assert "organisational development" in priorities[2].title
    assert "lived experience" in priorities[3].title
    assert "national performance indicators" in priorities[4].title
    assert "trauma ambassadors" in priorities[5].title
    assert "Implementation plan: 3 phases, 6 priorities for 2022/23" in demo.output


def test_the_plan_as_it_stood_at_the_end_of_june_2022_tells_the_reports_story(dundee):
    from tiptracker.plan.selectors import plan_as_it_stood, plan_summary

    past = plan_as_it_stood(dundee.pk, dt.date(2022, 6, 30))
    states = {a.state["title"]: a.state for _phase, actions in past.phases for a in actions}
    assert states["Manager briefings on the plan and the toolkits"]["status"] == "complete"
    assert (
        states["Finalise methods to gather feedback and track the impact of training"]["status"]
        == "at_risk"
    )
    assert "Establish a network of trauma ambassadors" in states  # planned in June 2022
    assert "Refresh the manager toolkits for the new financial year" not in states  # added later
    summary = plan_summary(dundee.pk, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30))
    assert summary["completed_in_period"] == 3  # launch event, mapping, manager briefings


def test_the_officer_has_one_overdue_and_one_due_soon_action_today(dundee, demo):
    from tiptracker.plan.models import Action
    from tiptracker.plan.services import is_due_soon, is_overdue

    officer = Membership.objects.get(partnership=dundee, role=Role.LD_OFFICER)
    mine = list(Action.objects.filter(owner=officer))
    assert sum(is_overdue(a, today()) for a in mine) == 1
    assert sum(is_due_soon(a, today()) for a in mine) == 1


# The resources and the champions network -------------------------------------


def test_the_library_holds_the_reports_resources(demo):
    partnership, output = demo.partnership, demo.output
    resources = Resource.objects.filter(partnership=partnership)
    assert resources.count() == 9
    assert resources.filter(kind=Resource.Kind.MANAGER_TOOLKIT).count() == 2
    webinar = resources.get(kind=Resource.Kind.WEBINAR)
    assert webinar.url == "https://rise.articulate.com/share/BAg21Wro9oAko-80RznHOABDaH2rt329"
    assert resources.filter(title__startswith="Opening Doors").exists()
    assert resources.filter(title__contains="Turas").exists()
    assert resources.filter(kind=Resource.Kind.COMMUNICATIONS).exists()
    assert "Resources: 9, of which 2 manager toolkits; 3 with a file" in output


def test_the_toolkits_and_briefing_slides_are_word_documents(demo):
    partnership = demo.partnership
    stored = ResourceFile.objects.filter(resource__partnership=partnership)
    assert sorted(f.resource.title for f in stored) == [
        "Manager briefing slides (April and May 2022)",
        "Manager toolkit: Trauma Informed",
        "Manager toolkit: Trauma Skilled",
    ]
    for one in stored:
        assert one.name.endswith(".docx") and one.summary.startswith("Word document, ")
        document = Document(io.BytesIO(bytes(one.data)))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert len(headings) >= 5
    skilled = stored.get(resource__title="Manager toolkit: Trauma Skilled")
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(skilled.data))).paragraphs)
    assert "Where to find the Turas module" in text and "Questions for supervision" in text
    # Every resource has a file or a link, or says what it is.
    for resource in Resource.objects.filter(partnership=partnership):
        assert resource.url or resource.attached_file() or resource.description


def test_each_resource_was_last_updated_in_2021_or_2022(demo):
    partnership = demo.partnership
    dates = Resource.objects.filter(partnership=partnership).values_list("updated_on", flat=True)
    assert all(dt.date(2021, 1, 1) <= d <= dt.date(2022, 12, 31) for d in dates)
    assert len(set(dates)) == 9


def test_the_network_has_champions_since_2021_and_ambassadors_since_late_2022(demo):
    partnership, output = demo.partnership, demo.output
    members = NetworkMember.objects.filter(partnership=partnership)
    champions = members.filter(kind=NetworkMember.Kind.CHAMPION)
    ambassadors = members.filter(kind=NetworkMember.Kind.AMBASSADOR)
    assert champions.count() == 4
    assert champions.filter(job_role="Chief Social Work Officer").exists()
    assert ambassadors.count() == 9
    assert min(a.from_date for a in ambassadors) == dt.date(2022, 11, 14)
    # Each ambassador is a named member of the team they represent.
    assert all(a.person and a.person.team_id == a.team_id and a.name for a in ambassadors)
    assert NetworkActivity.objects.filter(partnership=partnership).count() == 7
    assert "Network: 4 trauma champions, 9 ambassadors" in output


def test_most_teams_have_no_ambassador_yet(demo):
    partnership = demo.partnership
    summary = network_summary(partnership.pk, on=dt.date(2023, 3, 31))
    assert (summary.champions, summary.ambassadors) == (3, 9)
    assert summary.teams_covered == 9
    assert summary.teams > 40
    assert summary.organisations_covered == 3
    assert summary.activities == 5  # October 2022 to March 2023
    later = network_summary(partnership.pk, on=dt.date(2023, 9, 30))
    assert later.ambassadors == 8


# The funding and the engagement log ------------------------------------------


def test_the_scottish_government_allocated_50k_a_year_from_2021_22_to_the_current_year(demo):
    partnership, output = demo.partnership, demo.output
    years = {y.financial_year: y for y in funding_summary(partnership.id)}
    current = financial_year(today())
    assert list(years)[:3] == ["2021/22", "2022/23", "2023/24"] and list(years)[-1] == current
    assert {y.allocated for y in years.values()} == {Decimal("50000.00")}
    # The officer is paid from 2021/22; partners were still deciding on 2022/23 (section 4.3).
    assert (years["2021/22"].committed, years["2021/22"].remaining) == (
        Decimal("50000.00"),
        Decimal("0.00"),
    )
    assert years["2022/23"].remaining == Decimal("50000.00")
    # From 2023/24 each year's money keeps the officer in post for that year.
    assert all(years[y].remaining == Decimal("0.00") for y in list(years)[2:])
    assert not any(year.warnings for year in years.values())
    assert (
        f"Funding: {len(years)} allocations (£{50_000 * len(years):,}.00, 2021/22 to {current})"
        in output
    )


def test_the_commitment_is_the_officer_with_the_womens_rape_and_sexual_abuse_centre(demo):
    partnership = demo.partnership
    officer = Commitment.objects.filter(partnership=partnership).order_by("starts_on").first()
    assert officer.what.startswith("1 FTE Trauma Learning and Development Officer")
    assert officer.partner == "Women's Rape and Sexual Abuse Centre"
    assert officer.allocation.source == "Scottish Government"
    assert (officer.starts_on, officer.ends_on) == (dt.date(2022, 3, 1), dt.date(2023, 2, 28))
    later = Commitment.objects.filter(partnership=partnership, starts_on__gt=officer.starts_on)
    assert {c.partner for c in later} == {officer.partner}
    assert later.order_by("-starts_on").first().ends_on >= today()


def test_the_engagement_log_holds_the_reports_four_contributions(demo):
    partnership, output = demo.partnership, demo.output
    log = list(engagement_in_period(partnership.id, dt.date(2021, 10, 1), dt.date(2022, 6, 30)))
    assert [(e.date, e.body_kind, e.kind) for e in log] == [
        (dt.date(2021, 12, 7), "minister", "meeting"),
        (dt.date(2022, 1, 25), "national-advisory-group", "advisory-group"),
        (dt.date(2022, 3, 16), "local-authority", "visit"),
        (dt.date(2022, 6, 29), "national-programme", "workshop"),
    ]
    assert "Minister for Mental Wellbeing and Social Care" in log[0].body
    assert "Quality Indicator Framework" in log[1].body
    assert "Authentic Voice" in log[3].body
    counts = {
        row.kind: row.count
        for row in counts_by_kind(Engagement.objects.filter(partnership=partnership))
    }
    assert (
        counts["meeting"] == counts["visit"] == counts["workshop"] == counts["advisory-group"] == 1
    )
    assert "Engagement log: 4 records, from December 2021 to June 2022" in output


# The roll-out: the import log, the board report, invitations, the calendar ---------------


def test_the_import_log_holds_the_learning_systems_quarterly_extracts(dundee, demo):
    from tiptracker.imports.models import ImportRun

    runs = list(ImportRun.objects.filter(partnership=dundee).order_by("created_at"))
    assert runs and {r.kind for r in runs} == {"completions"}
    assert {r.status for r in runs} == {ImportRun.Status.DONE}
    assert runs[0].filename == "learning-system-completions-before-2021.csv"
    assert "learning-system-completions-2022-q2.csv" in [r.filename for r in runs]
    assert all(r.user.username == LOGIN_EMAILS[Role.LD_OFFICER] for r in runs)
    # Every completion the learning system gave is in one of the files; none twice.
    imported = Completion.objects.filter(partnership=dundee, source=Completion.Source.IMPORT)
    assert sum(r.created for r in runs) == imported.count()
    assert runs[-1].created_at.date() <= today()
    # Each quarter's extract was imported after the quarter ended, or today for this one.
    q2 = next(r for r in runs if r.filename.endswith("2022-q2.csv"))
    assert q2.created_at.date() == dt.date(2022, 7, 6)


def test_a_board_report_is_drafted_for_the_reference_period(dundee, demo, login):
    from tiptracker.reporting.models import Report

    report = Report.objects.get(partnership=dundee)
    assert (report.period_start, report.period_end) == (dt.date(2021, 12, 1), dt.date(2022, 6, 30))
    assert report.state == "draft" and report.consultations.count() == 3
    assert "Board report: a draft for 1 December 2021 to 30 June 2022" in demo.output
    board = Membership.objects.get(partnership=dundee, role=Role.BOARD)
    html = login(board).get(f"/p/{dundee.slug}/reports/{report.pk}/").content.decode()
    assert report.title in html


def test_the_members_page_has_invitations_in_every_state(dundee, demo):
    from tiptracker.accounts.invitations import statuses
    from tiptracker.accounts.models import AccountInvitation

    counts: dict[str, int] = {}
    for _invitation, status in statuses(AccountInvitation.objects.filter(partnership=dundee)):
        counts[status] = counts.get(status, 0) + 1
    assert counts["accepted"] == 3 and counts["expired"] == 2 and counts["revoked"] == 1
    assert counts["invited"] == 4 and counts["queued"] > 50
    accepted = AccountInvitation.objects.filter(partnership=dundee, accepted_at__isnull=False)
    assert all(
        Membership.objects.filter(partnership=dundee, user__username=i.email, staff=i.staff_id)
        .exclude(staff=None)
        .exists()
        for i in accepted
    )


def test_no_upcoming_session_falls_on_a_bank_holiday_whatever_day_the_demo_is_loaded(dundee):
    from tiptracker.demo.days import weekday_on_or_after
    from tiptracker.lib.dates import is_scottish_bank_holiday

    for offset in range(3 * 366):
        day = weekday_on_or_after(dt.date(2026, 1, 1) + dt.timedelta(days=offset))
        assert day.weekday() in (1, 2, 3) and not is_scottish_bank_holiday(day)
    for session in TrainingSession.objects.filter(partnership=dundee):
        assert not is_scottish_bank_holiday(session.starts_at.date())


def test_a_claim_of_learning_done_elsewhere_waits_for_the_ld_officer(dundee, demo, login):
    from tiptracker.training.models import LearningClaim

    claim = LearningClaim.objects.get(partnership=dundee)
    staff = Membership.objects.get(partnership=dundee, user__username=LOGIN_EMAILS[Role.STAFF])
    assert claim.staff_id == staff.staff_id and claim.status == LearningClaim.Status.PENDING
    officer = Membership.objects.get(partnership=dundee, role=Role.LD_OFFICER)
    html = login(officer).get(f"/p/{dundee.slug}/claims/").content.decode()
    assert str(claim.staff) in html


# Anonymous survey answers: the attacks of issue 19, through the API as a board member ------
# The attacks of issue 19 on the demo's anonymous surveys (the launch webinar and the manager
# briefings, reaction and follow-up), through the API as a board member would make them: every
# figure released and rounded, nothing for one session or organisation, the same figures
# whichever way they are asked for, the results, the impact page and the board report agreeing,
# and a late answer moving nothing.


@pytest.fixture
def board_api(dundee):
    member = Membership.objects.get(partnership=dundee, role=Role.BOARD)
    client: Client = signed_in(member.user)

    def get(path: str, **query: object) -> dict:
        response = client.get(f"/api/partnerships/{dundee.slug}/{path}", query)
        assert response.status_code == 200, response.content
        return response.json()

    return get


def _counts(body: dict) -> list[dict]:
    found = []
    for result in body["results"]:
        found.append(result["answered"])
        for question in result["questions"]:
            found += [answer["people"] for answer in question["answers"]]
            found.append(question["total"])
    return found


def test_every_anonymous_figure_is_released_rounded_and_says_what_it_adds_up(board_api):
    body = board_api("feedback/results/")
    courses = {(r["course"], r["timepoint"]) for r in body["results"]}
    assert len(courses) == 4  # the webinar and the briefings, reaction and follow-up
    assert all(r["released"] and r["periods"] for r in body["results"])
    counts = _counts(body)
    assert counts and all(c["rounded"] and c["value"] % 5 == 0 for c in counts)
    webinar = next(r for r in body["results"] if "webinar" in r["course"])
    assert webinar["periods"] == ["2021-22-q3"]  # one session, 8 December 2021


def test_one_session_or_organisation_shows_no_anonymous_figure(board_api, dundee):
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    sessions = TrainingSession.objects.filter(course=briefing)
    assert sessions.filter(starts_at__year=2022).count() == 7  # and one to come
    for session in sessions:
        body = board_api("feedback/results/", course=briefing.pk, session=session.pk)
        assert body["results"] == [] and body["anonymous_left_out"]
    for organisation in Organisation.objects.filter(partnership=dundee):
        body = board_api("feedback/results/", organisation=organisation.pk)
        assert body["anonymous_left_out"]
        assert not [r for r in body["results"] if r["released"]]


def test_a_quarter_its_year_and_all_time_give_the_same_cells(board_api, dundee):
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    everything = board_api("feedback/results/", course=briefing.pk)
    year = board_api("feedback/results/", course=briefing.pk, period="2022-23")
    quarter = board_api("feedback/results/", course=briefing.pk, period="2022-23-q1")
    assert everything["results"] == year["results"] == quarter["results"]
    level = board_api("feedback/results/", level=1)
    assert [r for r in level["results"] if r["course"] == briefing.title] == everything["results"]


def test_the_results_the_impact_page_and_the_board_report_agree(board_api, dundee):
    results = board_api("feedback/results/")
    changed = {}
    for result in results["results"]:
        if result["timepoint"] == "follow_up":
            question = next(q for q in result["questions"] if q["change_answer"])
            yes = next(a for a in question["answers"] if a["answer"] == "Yes")
            changed[result["course"]] = yes["people"]["value"]
    impact = board_api("feedback/impact/")
    level = next(lv for lv in impact["levels"] if lv["level"] == 1)
    for course in level["courses"]:
        if course["title"] in changed:
            step = next(s for s in course["steps"] if s["step"] == "changed")
            assert step["people"]["value"] == changed[course["title"]]
            assert step["people"]["rounded"]
    figures = report_figures(
        partnership_id=dundee.pk, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30)
    )
    assert {row.course: row.changed.value for row in figures.impact} == changed
    # Two overlapping report periods differ by whole quarters, never by a person.
    shorter = report_figures(
        partnership_id=dundee.pk, start=dt.date(2022, 4, 1), end=dt.date(2022, 6, 30)
    )
    assert {row.course: row.changed.value for row in shorter.impact} == {
        course: value for course, value in changed.items() if "webinar" not in course
    }


def test_every_released_cell_leaves_open_who_answered(dundee):
    cells = ReleasedCell.objects.filter(partnership=dundee, withheld=False)
    assert cells.count() == 4
    for cell in cells:
        assert fewest_answering(cell.answered, cell.questions, at=5) < cell.invited


def test_one_more_answer_moves_nothing(board_api, dundee):
    before = board_api("feedback/results/")
    briefing = Course.objects.get(partnership=dundee, code=data.BRIEFING)
    late = (
        Invitation.objects.filter(course=briefing, timepoint=Timepoint.FOLLOW_UP)
        .values_list("completed_on", flat=True)
        .first()
    )
    invitation = invited(
        staff=StaffMember.objects.filter(partnership=dundee).exclude(
            survey_invitations__course=briefing
        )[0],
        course=briefing,
        timepoint=Timepoint.FOLLOW_UP,
        survey=Invitation.objects.filter(course=briefing, timepoint=Timepoint.FOLLOW_UP)[0].survey,
        completed_on=late,
    )
    version = current_version(invitation.survey)
    first = version.questions.get(position=1)
    survey_answer(invitation=invitation, version=version, answers={first.pk: 1})
    release_due(partnership_id=dundee.pk)
    assert board_api("feedback/results/") == before
