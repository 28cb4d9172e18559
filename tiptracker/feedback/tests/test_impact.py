"""The impact page and its API, as the steering group reads them: for each level and course,
from attending to changing practice with the drop-off at each step, and the same by
quarter; small numbers hidden, nothing linking an anonymous answer to a person, another
partnership's training never counted.

The starter reaction and follow-up surveys are anonymous: their answers count only once
released (release.release_due, after the quarter's surveys have closed), rounded to the
nearest five, a quarter with too few answers pooled into the rest of its year."""

import datetime as dt
import secrets
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.feedback.impact import CHANGED, LEARNED, REACTED, impact_for
from tiptracker.feedback.invitations import OPEN_DAYS, check_answer, survey_answer
from tiptracker.feedback.models import CourseSurvey, Invitation, ReleasedCell, Timepoint
from tiptracker.feedback.release import release_due
from tiptracker.feedback.services import course_survey_set, current_version
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import attributable
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.models import Completion
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

MAY_2022 = dt.date(2022, 5, 10)
# Training in 2022/23's first quarter (to 30 June): its reaction cells are due on 5 August
# (the quarter's end, a link's 28 days and a week's grace), its follow-up's (84 days later)
# on 28 October. The rest of 2022/23 follows its fourth quarter's: reaction on 6 May 2023,
# follow-up on 29 July 2023.
AFTER_Q1_2022 = dt.date(2022, 10, 29)
AFTER_2022_23 = dt.date(2023, 7, 30)


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


def release(membership, on):
    """Publish what is due on `on`, as the worker does each day."""
    return release_due(on=on, partnership_id=membership.partnership_id)


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
    """Every {value, suppressed, rounded, shown} in an API answer."""
    if isinstance(node, dict):
        if set(node) == {"value", "suppressed", "rounded", "shown"}:
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
    react(invited[Timepoint.REACTION], 13)
    follow_up(invited[Timepoint.FOLLOW_UP], yes=8, not_yet=3, skipped=1)

    # The surveys are anonymous: nothing of theirs is counted until it is released.
    before = row_of(tables(page(login, admin))[INFORMED], "Launch webinar")
    assert before[2] == "fewer than 5" and before[6] == "fewer than 5"

    release(admin, AFTER_Q1_2022)
    html = page(login, admin)
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    # Attended 20 (exact: who attended is not anonymous); reacted 13, published as 15 (75%),
    # drop-off 5 (25% of 20); learned not measured; 8 changed practice, published as 10 (50%
    # of 20), drop-off from the reaction (the last measured step): 5, 33% of 15.
    assert row == [
        "Launch webinar",
        "20",
        "15 75% of those who attended",
        "5 (25%)",
        "not measured",
        "– not measured",
        "10 50% of those who attended",
        "5 (33%)",
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
    follow_up(attended(course, team, people=30)[Timepoint.FOLLOW_UP], yes=11, not_yet=5)
    release(admin, AFTER_Q1_2022)
    row = row_of(tables(page(login, admin))[INFORMED], "Manager briefing")
    # 11 changed practice, published as 10: the drop-off is from the 30 who attended.
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
    react(first[Timepoint.REACTION], 11)
    follow_up(first[Timepoint.FOLLOW_UP], yes=6)
    later = attended(course, team, people=25, on=dt.date(2022, 5, 12))
    react(later[Timepoint.REACTION], 19)
    follow_up(later[Timepoint.FOLLOW_UP], yes=9)
    release(admin, AFTER_Q1_2022)

    html = page(login, admin)
    # Each quarter's counts as released, rounded (11 -> 10, 6 -> 5, 19 -> 20, 9 -> 10), and
    # the shares worked out from the rounded counts.
    over_time = tables(html)[INFORMED_OVER_TIME]
    assert over_time[0] == ["Quarter", "Reacted", "Changed practice"]
    assert over_time[1:] == [
        ["2021/22 quarter 3: October to December", "50% 10 of 20", "25% 5 of 20"],
        ["2022/23 quarter 1: April to June", "80% 20 of 25", "40% 10 of 25"],
    ]
    assert '<svg role="img" aria-label="Trauma Informed: share of those who attended' in html


def test_quarters_with_too_few_answers_are_withheld_and_pooled_into_the_rest_of_the_year(
    login, admin, team, surveys
):
    # Three answers from April's training and four from October's: too few for either
    # quarter to be published alone, so both are withheld, and pooled into the rest of the
    # year once its last quarter's surveys have closed: 7 answers, published as 5.
    course = running(admin, surveys, title="Small course", reaction=REACTION)
    april = attended(course, team, people=6, on=dt.date(2022, 4, 20))
    october = attended(course, team, people=6, on=dt.date(2022, 10, 5))
    react(april[Timepoint.REACTION], 3)
    react(october[Timepoint.REACTION], 4)

    # Both quarters are due (October's on 5 February 2023), the year's last is not: both
    # withheld, so nothing of theirs is shown, in a quarter or a row for the year.
    release(admin, dt.date(2023, 3, 1))
    level = impact_for(admin.partnership_id, at=5).levels[0]
    assert [row.period.label for row in level.periods] == [
        "2022/23 quarter 1: April to June",
        "2022/23 quarter 3: October to December",
    ]
    assert all(
        next(c for c in row.cells if c.step == REACTED).people.suppressed for row in level.periods
    )

    release(admin, AFTER_2022_23)
    level = impact_for(admin.partnership_id, at=5).levels[0]
    assert [row.period.label for row in level.periods] == [
        "2022/23 quarter 1: April to June",
        "2022/23 quarter 3: October to December",
        "2022/23, the rest of the year (quarters too small to show alone)",
    ]
    html = page(login, admin)
    over_time = tables(html)[INFORMED_OVER_TIME]
    assert row_of(over_time, "2022/23, the rest of the year")[1] == "5"
    # The quarters had people trained, and none of their answers published alone.
    assert row_of(over_time, "2022/23 quarter 1")[1] == "fewer than 5 of 6"
    assert row_of(over_time, "2022/23 quarter 3")[1] == "fewer than 5 of 6"
    assert row_of(tables(html)[INFORMED], "Small course")[1:4] == [
        "12",
        "5 42% of those who attended",
        "7 (58%)",
    ]
    # And the page says what that row is.
    assert "in a row for the rest of that year" in html


def test_the_rest_of_the_year_counts_only_the_withheld_quarters_and_a_released_one_never_changes(
    admin, team, surveys
):
    # April's 11 answers are enough for their quarter (published as 10); October's 3 and
    # January's 3 are not, and are published together as the rest of the year (6, as 5).
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION)
    april = attended(course, team, people=20, on=dt.date(2022, 4, 20))
    october = attended(course, team, people=6, on=dt.date(2022, 10, 5))
    january = attended(course, team, people=6, on=dt.date(2023, 1, 12))
    react(april[Timepoint.REACTION], 11)
    react(october[Timepoint.REACTION], 3)
    react(january[Timepoint.REACTION], 3)

    def reacted():
        level = impact_for(admin.partnership_id, at=5).levels[0]
        [chain] = level.courses
        people = {
            row.period.short_label: next(c for c in row.cells if c.step == REACTED).people.value
            for row in level.periods
        }
        return next(s for s in chain.steps if s.step == REACTED).people.value, people

    release(admin, dt.date(2023, 3, 1))  # April's and October's quarters are due; not the year
    assert reacted() == (10, {"2022/23 Q1": 10, "2022/23 Q3": None, "2022/23 Q4": None})
    release(admin, AFTER_2022_23)
    # The pooled answers count once, in the rest of the year: April's quarter keeps its 10.
    assert reacted() == (
        15,
        {"2022/23 Q1": 10, "2022/23 Q3": None, "2022/23 Q4": None, "2022/23 rest": 5},
    )
    cells = ReleasedCell.objects.filter(course=course)
    assert {
        q: (withheld, n) for q, withheld, n in cells.values_list("quarter", "withheld", "answered")
    } == {
        1: (False, 10),
        3: (True, 0),
        4: (True, 0),
        0: (False, 5),  # the rest of the year
    }


# Small numbers --------------------------------------------------------------------------------------


def test_a_small_step_is_hidden_and_so_is_the_drop_off_that_would_give_it_away(
    login, admin, team, surveys
):
    # Named surveys: counted live, exactly, so the small-number rule does the hiding.
    attributable(surveys[REACTION])
    attributable(surveys[PRACTICE])
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(course, team, people=22)
    react(invited[Timepoint.REACTION], 20)  # a drop-off of 2: small
    follow_up(invited[Timepoint.FOLLOW_UP], yes=3, not_yet=4)  # 3 changed practice: small

    html = page(login, admin)
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    assert row[1] == "22"
    # The drop-off of 2 is hidden, and with it the 20 (22 - 20 would give it away), and
    # the 3 who changed practice.
    assert row[2] == "fewer than 5" and row[3] == "fewer than 5"
    assert row[6] == "fewer than 5"
    # Nor does the quarter (its only one) give the 20 away.
    assert row_of(tables(html)[INFORMED_OVER_TIME], "2022/23")[1] == "fewer than 5 of 22"
    body = api(login, admin)
    shown = [f["value"] for f in figures(body) if not f["suppressed"]]
    assert not {2, 3, 20} & set(shown)


def test_a_published_rounded_step_shows_with_the_drop_off_worked_out_from_it(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(course, team, people=22)
    react(invited[Timepoint.REACTION], 18)  # published as 20
    follow_up(invited[Timepoint.FOLLOW_UP], yes=2, not_yet=5)  # 2 changed: published as 0
    release(admin, AFTER_Q1_2022)

    row = row_of(tables(page(login, admin))[INFORMED], "Launch webinar")
    # Rounded figures are protected already: shown, 0 included (it stands for 0 to 2), and
    # each drop-off is worked out from them, never from the true 18 or 2.
    assert row[1:4] == ["22", "20 91% of those who attended", "2"]
    assert row[6].startswith("0") and row[7].startswith("20")
    shown = {f["value"] for f in figures(api(login, admin)) if not f["suppressed"]}
    assert not {18, 4, 16} & shown


def test_a_small_quarter_hides_another_so_the_course_total_cannot_give_it_away(
    admin, team, surveys
):
    # The learning survey carries names: it is counted live, each answer in its quarter.
    # (An anonymous survey's quarter is never published with fewer than five answers: it is
    # withheld and pooled into the rest of its year.)
    course = running(admin, surveys, title="Launch webinar", post=CONFIDENCE)
    for on, people, answering in ((dt.date(2022, 5, 4), 20, 12), (dt.date(2022, 8, 3), 10, 2)):
        for invitation in attended(course, team, people=people, on=on)[Timepoint.POST][:answering]:
            answer(invitation, q1=7, q2=6)

    level = impact_for(admin.partnership_id, at=5).levels[0]
    [chain] = level.courses
    assert next(s for s in chain.steps if s.step == LEARNED).people.value == 14
    cells = [next(c for c in row.cells if c.step == LEARNED) for row in level.periods]
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
    # Nor the day: only the quarters of the training and of the answer.
    assert (response.trained_in, response.given_on) == (dt.date(2022, 4, 1), dt.date(2022, 7, 1))

    # One answer is too few for its quarter and for the rest of its year: never published.
    release(admin, AFTER_2022_23)
    assert not ReleasedCell.objects.filter(course=course, withheld=False).exists()
    html = page(login, admin)
    body = api(login, admin)
    person = invitation.staff
    for text in (html, str(body)):
        assert refuge.name not in text and team.organisation.name not in text
        assert person.last_name not in text and person.staff_id not in text
    row = row_of(tables(html)[INFORMED], "Launch webinar")
    assert row[6] == "fewer than 5"
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
    # Both partnerships' quarters released: theirs (40, of 50 asked) is there to be counted.
    release(admin, AFTER_Q1_2022)
    release(theirs, AFTER_Q1_2022)
    assert ReleasedCell.objects.get(course=their_course).answered == 40

    html = page(login, admin)
    assert "Angus launch webinar" not in html
    assert row_of(tables(html)[INFORMED], "Launch webinar")[1:4] == [
        "12",
        "5 42% of those who attended",  # 6 answers, published as 5
        "7 (58%)",
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
    release(admin, AFTER_Q1_2022)
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
    release(admin, dt.date(2024, 8, 1))  # every quarter and rest of those years released
    assert ReleasedCell.objects.filter(withheld=False).count() > 1
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


def test_the_api_gives_each_figure_as_value_suppressed_rounded_and_shown(
    login, admin, team, surveys
):
    course = running(admin, surveys, title="Launch webinar", reaction=REACTION, follow_up=PRACTICE)
    invited = attended(course, team, people=22)
    react(invited[Timepoint.REACTION], 19)  # published as 20: a drop-off of 2
    follow_up(invited[Timepoint.FOLLOW_UP], yes=14, not_yet=2)  # 14 changed, as 15
    release(admin, AFTER_Q1_2022)

    body = api(login, admin)
    assert body["threshold"] == 5 and body["definitions"][0]["term"] == "Attended"
    [level] = body["levels"]
    assert level["level"] == 1 and level["label"] == "Trauma Informed"
    steps = {s["step"]: s for s in api_course(body, "Launch webinar")["steps"]}
    # Who attended is counted exactly; the anonymous answers are published rounded.
    assert steps["attended"]["people"] == {
        "value": 22,
        "suppressed": False,
        "rounded": False,
        "shown": "22",
    }
    assert steps["changed"]["people"] == {
        "value": 15,
        "suppressed": False,
        "rounded": True,
        "shown": "15",
    }
    assert steps["changed"]["share_of_attended"] == {
        "percent": 68.2,
        "suppressed": False,
        "shown": "68%",
    }
    # Rounded figures show (they are protected already), and the drop-offs are worked out
    # from them: 22 - 20 and 20 - 15.
    assert steps["reacted"]["people"] == {
        "value": 20,
        "suppressed": False,
        "rounded": True,
        "shown": "20",
    }
    assert steps["reacted"]["drop_off"] == {
        "value": 2,
        "suppressed": False,
        "rounded": True,
        "shown": "2",
    }
    assert steps["changed"]["drop_off"]["value"] == 5
    assert steps["learned"] == {
        "step": "learned",
        "measured": False,
        "people": None,
        "share_of_attended": None,
        "drop_off": None,
        "drop_off_rate": None,
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
