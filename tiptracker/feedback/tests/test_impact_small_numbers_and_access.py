"""The impact page and its API, protected: small numbers hidden, and with them any figure
that would give them away; nothing linking an anonymous answer to a person; another
partnership's training never counted; the same queries however many answers; only those
who may read it reach it; each figure in the API as value, suppressed, rounded and shown.

The starter reaction and follow-up surveys are anonymous: their answers count only once
released (release.release_due, after the quarter's surveys have closed), rounded to the
nearest five, a quarter with too few answers pooled into the rest of its year."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.feedback.impact import LEARNED, impact_for
from tiptracker.feedback.models import ReleasedCell, Timepoint
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import attributable
from tiptracker.feedback.tests.impact_helpers import (
    AFTER_2022_23,
    AFTER_Q1_2022,
    INFORMED,
    INFORMED_OVER_TIME,
    answer,
    api,
    api_course,
    attended,
    figures,
    follow_up,
    page,
    react,
    release,
    row_of,
    running,
    tables,
)
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import TeamFactory

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
