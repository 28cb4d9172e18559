"""The impact page and its API, as the steering group reads them: for each level and course,
from attending to changing practice with the drop-off at each step, and the same by
quarter; small numbers hidden, nothing linking an anonymous answer to a person, another
partnership's training never counted."""

import datetime as dt
import secrets
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.feedback.impact import CHANGED, LEARNED, REACTED, impact_for
from tiptracker.feedback.invitations import OPEN_DAYS, check_answer, survey_answer
from tiptracker.feedback.models import CourseSurvey, Invitation, Timepoint
from tiptracker.feedback.services import course_survey_set, current_version
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.models import Completion
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

MAY_2022 = dt.date(2022, 5, 10)


# Building the world: courses that run surveys, people who attend, and what they answer ------


@pytest.fixture
def surveys(admin):
    return {
        s.name: s
        for s in surveys_starter_set(actor=admin.user, partnership_id=admin.partnership_id)
    }


def running(admin, surveys, *, title, level=Level.INFORMED, **timepoints):
    """A course running the starter surveys at the timepoints named (reaction=REACTION ...)."""
    course = CourseFactory(partnership=admin.partnership, title=title, level=level)
    for timepoint, name in timepoints.items():
        course_survey_set(
            actor=admin.user, course=course, timepoint=timepoint, survey=surveys[name]
        )
    return course


def attended(course, team, *, people, on=MAY_2022, **who):
    """`people` new staff of `team` who completed `course` on `on`, each invited at every
    timepoint the course runs, as send-due does. Returns {timepoint: [invitation, ...]}."""
    staff = [StaffMemberFactory(team=team, **who) for _ in range(people)]
    Completion.objects.bulk_create(
        Completion(partnership=course.partnership, staff=s, course=course, completed_on=on)
        for s in staff
    )
    invited = {}
    for run in CourseSurvey.objects.filter(course=course):
        opens_on = on + dt.timedelta(days=run.delay_days)
        invited[run.timepoint] = Invitation.objects.bulk_create(
            Invitation(
                partnership=course.partnership,
                staff=s,
                course=course,
                timepoint=run.timepoint,
                survey=run.survey,
                completed_on=on,
                opens_on=opens_on,
                expires_on=opens_on + dt.timedelta(days=OPEN_DAYS),
                nonce=secrets.token_urlsafe(8),
                status=Invitation.Status.SENT,
            )
            for s in staff
        )
    return invited


def answer(invitation, **by_position):
    """Answer an invitation through the service, the day it opened (answers by question
    position, as the page sends them: q1=4, q1="Yes")."""
    version = current_version(invitation.survey)
    questions = {f"q{q.position}": q for q in version.questions.all()}
    opened = timezone.make_aware(dt.datetime.combine(invitation.opens_on, dt.time(12)))
    return survey_answer(
        invitation=invitation,
        version=version,
        answers={questions[p].pk: check_answer(questions[p], v) for p, v in by_position.items()},
        started_at=opened,
        on=invitation.opens_on,
    )


def react(invitations, count):
    for invitation in invitations[:count]:
        answer(invitation, q1=4, q2=5)


def follow_up(invitations, *, yes=0, not_yet=0, skipped=0):
    """Follow-up answers: `yes` changed practice, `not_yet` did not, `skipped` left the
    question blank (answering only another)."""
    for invitation in invitations[:yes]:
        answer(invitation, q1="Yes", q3=4)
    for invitation in invitations[yes : yes + not_yet]:
        answer(invitation, q1="Not yet", q3=2)
    for invitation in invitations[yes + not_yet : yes + not_yet + skipped]:
        answer(invitation, q3=3)


# Reading it: the page's tables as rows of cell text -------------------------------------------


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._in_table, self._rows = True, []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._in_table:
            self._rows.append([])
        elif tag in ("td", "th") and self._in_table:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self._title = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._title] = self._rows
            self._in_table = False

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def row_of(table: list[list[str]], first: str) -> list[str]:
    return next(row for row in table if row and row[0].startswith(first))


def page(login, membership) -> str:
    response = login(membership).get(f"/p/{membership.partnership.slug}/feedback/impact/")
    assert response.status_code == 200
    return response.content.decode()


def api(login, membership) -> dict:
    response = login(membership).get(
        f"/api/partnerships/{membership.partnership.slug}/feedback/impact/"
    )
    assert response.status_code == 200
    return response.json()


def api_course(body, title):
    return next(
        course
        for level in body["levels"]
        for course in level["courses"]
        if course["title"] == title
    )


def figures(node):
    """Every {value, suppressed, shown} in an API answer."""
    if isinstance(node, dict):
        if set(node) == {"value", "suppressed", "shown"}:
            yield node
        for value in node.values():
            yield from figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from figures(value)


INFORMED = "Trauma Informed courses: from attending to changing practice"
INFORMED_OVER_TIME = (
    "Trauma Informed: share of those who attended reaching each step, by quarter of the training"
)


# The chain ----------------------------------------------------------------------------------------


def test_the_chain_counts_each_step_and_the_drop_off_from_the_step_before(
    login, admin, team, surveys
):
    webinar = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(webinar, team, people=20)
    react(invited[Timepoint.REACTION], 12)
    follow_up(invited[Timepoint.FOLLOW_UP], yes=7, not_yet=3, skipped=1)

    html = page(login, admin)
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    # Attended, reacted (60%), drop-off 8 (40% of 20), learned not measured, changed practice
    # 7 (35% of 20), drop-off from the reaction (the last measured step): 5, 42% of 12.
    assert row == [
        "Launch webinar",
        "20",
        "12 60% of those who attended",
        "8 (40%)",
        "not measured",
        "– not measured",
        "7 35% of those who attended",
        "5 (42%)",
    ]
    assert "Changed practice" in html and "whose answer to the question about practice" in html


def test_learning_counts_the_answers_after_the_course(login, admin, team, surveys):
    course = running(admin, surveys, title="Safety and Stabilisation", post=CONFIDENCE)
    invited = attended(course, team, people=20)
    for invitation in invited[Timepoint.POST][:14]:
        answer(invitation, q1=7, q2=6)

    found = impact_for(admin.partnership_id, at=5)
    [chain] = found.levels[0].courses
    steps = {s.step: s for s in chain.steps}
    assert steps[LEARNED].people.value == 14 and steps[LEARNED].drop_off.value == 6
    assert str(steps[LEARNED].share) == "70%"
    assert not steps[REACTED].measured and not steps[CHANGED].measured


def test_a_course_measuring_only_the_follow_up_drops_off_from_attending(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Manager briefing", follow_up=PRACTICE)
    follow_up(attended(course, team, people=30)[Timepoint.FOLLOW_UP], yes=10, not_yet=5)
    row = row_of(tables(page(login, admin))[INFORMED], "Manager briefing")
    assert row[1:] == [
        "30",
        "not measured",
        "– not measured",
        "not measured",
        "– not measured",
        "10 33% of those who attended",
        "20 (67%)",
    ]


def test_a_course_without_surveys_shows_attendance_and_every_other_step_not_measured(
    login, admin, team
):
    course = CourseFactory(partnership=admin.partnership, title="Opening Doors")
    attended(course, team, people=40)
    html = page(login, admin)
    row = row_of(tables(html)[INFORMED], "Opening Doors")
    assert row[1] == "40" and row.count("not measured") == 3
    assert "None of these courses runs a survey yet" in html


def test_a_follow_up_without_a_question_about_practice_measures_no_change(admin, team, surveys):
    reaction_only = surveys[REACTION]  # asks nothing about practice
    course = running(admin, surveys, title="Sowing Seeds")
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.FOLLOW_UP, survey=reaction_only
    )
    attended(course, team, people=8)
    [chain] = impact_for(admin.partnership_id, at=5).levels[0].courses
    assert not next(s for s in chain.steps if s.step == CHANGED).measured


def test_nobody_trained_yet_says_so(login, admin):
    assert "Nobody has completed a course yet" in page(login, admin)


# Over time ----------------------------------------------------------------------------------------


def test_each_level_shows_the_share_reaching_each_step_by_quarter_with_a_chart(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    first = attended(course, team, people=20, on=dt.date(2021, 11, 25))
    react(first[Timepoint.REACTION], 10)
    follow_up(first[Timepoint.FOLLOW_UP], yes=5)
    later = attended(course, team, people=25, on=dt.date(2022, 5, 12))
    react(later[Timepoint.REACTION], 20)
    follow_up(later[Timepoint.FOLLOW_UP], yes=10)

    html = page(login, admin)
    over_time = tables(html)[INFORMED_OVER_TIME]
    assert over_time[0] == ["Quarter", "Reacted", "Changed practice"]
    assert over_time[1:] == [
        ["2021/22 quarter 3: October to December", "50% 10 of 20", "25% 5 of 20"],
        ["2022/23 quarter 1: April to June", "80% 20 of 25", "40% 10 of 25"],
    ]
    assert '<svg role="img" aria-label="Trauma Informed: share of those who attended' in html


def test_answers_dated_only_by_their_financial_year_are_not_put_in_its_first_quarter(
    login, admin, team, surveys
):
    # Three people in April and four in October: too few for a month or a quarter of their
    # own, so their anonymous answers carry only the financial year (1 April 2022).
    course = running(admin, surveys, title="Small course", reaction=REACTION)
    april = attended(course, team, people=3, on=dt.date(2022, 4, 20))
    october = attended(course, team, people=4, on=dt.date(2022, 10, 5))
    react(april[Timepoint.REACTION], 3)
    react(october[Timepoint.REACTION], 3)

    level = impact_for(admin.partnership_id, at=5).levels[0]
    labels = [row.period.label for row in level.periods]
    assert labels == [
        "2022/23 quarter 1: April to June",
        "2022/23 quarter 3: October to December",
        "2022/23, quarter not recorded",
    ]
    html = page(login, admin)
    over_time = tables(html)[INFORMED_OVER_TIME]
    assert row_of(over_time, "2022/23, quarter not recorded")[1] == "6"
    # April's quarter had 3 trained and no answers dated to it.
    assert row_of(over_time, "2022/23 quarter 1")[1] == "fewer than 5 of fewer than 5"
    assert "dated only by the financial year" in html


def test_when_the_first_quarters_answers_cannot_be_told_from_the_years_they_count_for_the_year(
    admin, team, surveys
):
    # April's 20 answer under their month (1 April); October's 3 are too few for a month or
    # a quarter, so theirs carry the financial year: 1 April too. Which is which cannot be
    # known, so none is put in the first quarter.
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION)
    april = attended(course, team, people=20, on=dt.date(2022, 4, 20))
    october = attended(course, team, people=3, on=dt.date(2022, 10, 5))
    react(april[Timepoint.REACTION], 10)
    react(october[Timepoint.REACTION], 2)

    level = impact_for(admin.partnership_id, at=5).levels[0]
    people = {
        row.period.short_label: next(c for c in row.cells if c.step == REACTED).people
        for row in level.periods
    }
    assert people["2022/23"].value == 12
    assert people["2022/23 Q1"].suppressed and people["2022/23 Q3"].suppressed


# Small numbers --------------------------------------------------------------------------------------


def test_a_small_step_is_hidden_and_so_is_the_drop_off_that_would_give_it_away(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(course, team, people=20)
    react(invited[Timepoint.REACTION], 17)  # a drop-off of 3: small
    follow_up(invited[Timepoint.FOLLOW_UP], yes=3)  # 3 changed practice: small

    html = page(login, admin)
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    assert row[1] == "20"
    # The drop-off of 3 is hidden, and with it the 17 (20 - 17 would give it away); the 3
    # who changed practice are hidden, and so at least one more of 17 = 3 + 14.
    assert row[2] == "fewer than 5" and row[3] == "fewer than 5"
    assert row[6] == "fewer than 5"
    # Nor does the quarter (its only one) give the 17 away.
    assert row_of(tables(html)[INFORMED_OVER_TIME], "2022/23")[1] == "fewer than 5 of 20"
    body = api(login, admin)
    shown = [f["value"] for f in figures(body) if not f["suppressed"]]
    assert not {3, 17} & set(shown)


def test_a_small_quarter_hides_another_so_the_course_total_cannot_give_it_away(
    admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION)
    react(attended(course, team, people=20, on=dt.date(2022, 5, 4))[Timepoint.REACTION], 12)
    react(attended(course, team, people=10, on=dt.date(2022, 8, 3))[Timepoint.REACTION], 2)

    level = impact_for(admin.partnership_id, at=5).levels[0]
    [chain] = level.courses
    assert next(s for s in chain.steps if s.step == REACTED).people.value == 14
    cells = [next(c for c in row.cells if c.step == REACTED) for row in level.periods]
    # 14 - 12 = 2: the 12 of the first quarter is hidden as well as the 2 of the second.
    assert [c.people.value for c in cells] == [None, None]
    assert [c.share.suppressed for c in cells] == [True, True]


def test_the_threshold_comes_from_the_setting(login, admin, team, surveys, settings):
    settings.SMALL_NUMBER_THRESHOLD = 10
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION)
    react(attended(course, team, people=30)[Timepoint.REACTION], 8)
    html = page(login, admin)
    assert row_of(tables(html)[INFORMED], "Launch webinar")[2] == "fewer than 10"
    assert api(login, admin)["threshold"] == 10


def test_one_follow_up_answer_from_an_organisation_cannot_be_traced_to_its_giver(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", follow_up=PRACTICE)
    attended(course, team, people=8)
    refuge = OrganisationFactory(partnership=admin.partnership, name="Tay Women's Aid Collective")
    lone = attended(
        course,
        TeamFactory(partnership=admin.partnership, organisation=refuge),
        people=1,
        first_name="Morag",
        last_name="Quatermain-Lindsay",
    )
    # The only follow-up answer comes from the only person in the refuge.
    [invitation] = lone[Timepoint.FOLLOW_UP]
    response = answer(invitation, q1="Yes", q3=5)
    assert response.staff_id is None and response.organisation_id is None

    html = page(login, admin)
    body = api(login, admin)
    person = invitation.staff
    for text in (html, str(body)):
        assert refuge.name not in text and team.organisation.name not in text
        assert person.last_name not in text and person.staff_id not in text
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    assert row[1] == "9" and row[6] == "fewer than 5" and row[7] == "fewer than 5"
    shown = [f["value"] for f in figures(body) if not f["suppressed"]]
    assert 1 not in shown and 8 not in shown  # 9 attended - 8 who did not answer = 1


# Scope and cost -----------------------------------------------------------------------------------


def test_another_partnerships_training_and_answers_are_never_counted(
    login, admin, team, surveys, persona, other_partnership
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION)
    react(attended(course, team, people=12)[Timepoint.REACTION], 6)
    theirs = persona(Role.ADMIN, of=other_partnership)
    their_surveys = {
        s.name: s
        for s in surveys_starter_set(actor=theirs.user, partnership_id=other_partnership.pk)
    }
    their_course = running(theirs, their_surveys, title="Angus launch webinar", reaction=REACTION)
    their_team = TeamFactory(partnership=other_partnership)
    react(attended(their_course, their_team, people=50)[Timepoint.REACTION], 40)

    html = page(login, admin)
    assert "Angus launch webinar" not in html
    assert row_of(tables(html)[INFORMED], "Launch webinar")[1:3] == [
        "12",
        "6 50% of those who attended",
    ]
    body = api(login, admin)
    assert [c["title"] for level in body["levels"] for c in level["courses"]] == ["Launch webinar"]


def test_the_page_and_the_api_cost_the_same_queries_however_many_answers(
    login, admin, team, surveys
):
    def cost(url):
        client = login(admin)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        f"/p/{admin.partnership.slug}/feedback/impact/",
        f"/api/partnerships/{admin.partnership.slug}/feedback/impact/",
    ]
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    react(attended(course, team, people=6)[Timepoint.REACTION], 5)
    small = [cost(url) for url in urls]

    for n, level in enumerate(Level):
        more = running(
            admin,
            surveys,
            title=f"Course {n}",
            level=level,
            reaction=REACTION,
            post=CONFIDENCE,
            follow_up=PRACTICE,
        )
        for month in (1, 4, 7, 10):
            invited = attended(more, team, people=6, on=dt.date(2023, month, 3))
            react(invited[Timepoint.REACTION], 5)
            follow_up(invited[Timepoint.FOLLOW_UP], yes=3, not_yet=2)
            for invitation in invited[Timepoint.POST][:5]:
                answer(invitation, q1=8)
    assert [cost(url) for url in urls] == small


# Who may see it -----------------------------------------------------------------------------------


def test_the_board_reads_it_and_a_manager_or_an_outsider_cannot(
    login, persona, partnership, outsider
):
    url = f"/p/{partnership.slug}/feedback/impact/"
    api_url = f"/api/partnerships/{partnership.slug}/feedback/impact/"
    board = persona(Role.BOARD)
    assert login(board).get(url).status_code == 200
    assert login(board).get(api_url).status_code == 200
    manager = persona(Role.MANAGER)
    assert login(manager).get(url).status_code == 403
    assert login(manager).get(api_url).status_code == 403
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(api_url).status_code == 404


def test_the_steering_group_workspace_links_to_it_for_those_who_may_read_it(
    login, admin, persona, partnership
):
    link = f'href="/p/{partnership.slug}/feedback/impact/"'
    assert link in login(admin).get(f"/p/{partnership.slug}/workspace/").content.decode()
    staff = persona(Role.STAFF)
    assert link not in login(staff).get(f"/p/{partnership.slug}/workspace/").content.decode()


def test_the_api_gives_each_figure_as_value_suppressed_and_shown(login, admin, team, surveys):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(course, team, people=20)
    react(invited[Timepoint.REACTION], 12)
    follow_up(invited[Timepoint.FOLLOW_UP], yes=2)

    body = api(login, admin)
    assert body["threshold"] == 5 and body["definitions"][0]["term"] == "Attended"
    [level] = body["levels"]
    assert level["level"] == 1 and level["label"] == "Trauma Informed"
    steps = {s["step"]: s for s in api_course(body, "Launch webinar")["steps"]}
    assert steps["attended"]["people"] == {"value": 20, "suppressed": False, "shown": "20"}
    assert steps["reacted"]["share_of_attended"] == {
        "percent": 60.0,
        "suppressed": False,
        "shown": "60%",
    }
    assert steps["reacted"]["drop_off"]["value"] == 8
    assert steps["learned"] == {
        "step": "learned",
        "measured": False,
        "people": None,
        "share_of_attended": None,
        "drop_off": None,
        "drop_off_rate": None,
    }
    assert steps["changed"]["people"] == {
        "value": None,
        "suppressed": True,
        "shown": "fewer than 5",
    }
    [period] = level["periods"]
    assert period["period"] == "2022-23-q1" and period["starts_on"] == "2022-04-01"
    assert [s["step"] for s in period["steps"]] == ["reacted", "changed"]


def test_the_chain_within_given_years_counts_each_quarter_as_over_every_year(admin, surveys):
    # The board report asks for its years only (quarters by plain date comparisons); the
    # impact page for every quarter (by the database's quarter function). Each day on
    # either side of a quarter's edge lands in the same quarter both ways.
    from tiptracker.feedback.impact import chain_counts
    from tiptracker.lib.money import FinancialYear

    course = running(admin, surveys, title="Edges", reaction=REACTION)
    team = TeamFactory(partnership=admin.partnership)
    edges = [(2021, 3, 31), (2021, 4, 1), (2021, 6, 30), (2021, 7, 1), (2021, 12, 31)]
    edges += [(2022, 1, 1), (2022, 3, 31), (2022, 4, 1), (2023, 3, 31), (2023, 4, 1)]
    for people, day in enumerate(edges, start=1):
        attended(course, team, people=people, on=dt.date(*day))
    years = (FinancialYear(2021).starts_on, FinancialYear(2022).ends_on)
    everything = chain_counts(admin.partnership_id, at=1)
    within = chain_counts(admin.partnership_id, at=1, years=years)
    inside = {
        key: people
        for key, people in everything.attended.items()
        if years[0] <= key[1].starts_on <= years[1]
    }
    assert within.attended == inside
    assert sorted((p.short_label, n) for (_c, p), n in within.attended.items()) == [
        ("2021/22 Q1", 2 + 3),
        ("2021/22 Q2", 4),
        ("2021/22 Q3", 5),
        ("2021/22 Q4", 6 + 7),
        ("2022/23 Q1", 8),
        ("2022/23 Q4", 9),
    ]
