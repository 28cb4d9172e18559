"""Releasing anonymous survey results (feedback/release.py): nothing before a quarter's
surveys have closed, then once, rounded, never moving; small quarters pooled into the rest
of their year; the answers kept in an order that says nothing."""

import datetime as dt

import pytest
from django.db import connection

from tiptracker.feedback.models import Answer, ReleasedCell, Response, SurveyVersion, Timepoint
from tiptracker.feedback.periods import Period
from tiptracker.feedback.release import (
    due_on,
    fewest_answering,
    release_due,
    rounded,
    settle,
)
from tiptracker.feedback.results import Filters, results_for
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import REACTION, surveys_starter_set
from tiptracker.feedback.tests.factories import answered, invited
from tiptracker.lib.money import FinancialYear
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

YEAR = FinancialYear(2022)
Q1, Q2, Q3 = (Period(YEAR, q) for q in (1, 2, 3))
RELEVANT, RATING = 1, 4  # the starter reaction survey's first agreement and its 0-10 rating


@pytest.fixture
def reaction(admin, partnership):
    surveys = {
        s.name: s for s in surveys_starter_set(actor=admin.user, partnership_id=partnership.pk)
    }
    course = CourseFactory(partnership=partnership, title="Opening Doors")
    course_survey_set(
        actor=admin.user, course=course, timepoint=Timepoint.REACTION, survey=surveys[REACTION]
    )
    return course, surveys[REACTION]


def _answer(course, survey, team, values, *, on, also_asked=0):
    """People trained on `on` answering the reaction survey, one each of `values` (their
    agreement that it was relevant), and `also_asked` more asked who did not answer."""
    for value in values:
        answered(
            staff=StaffMemberFactory(team=team),
            course=course,
            timepoint="reaction",
            survey=survey,
            completed_on=on,
            answers={RELEVANT: value, RATING: 7},
        )
    for _ in range(also_asked):
        invited(
            staff=StaffMemberFactory(team=team),
            course=course,
            timepoint="reaction",
            survey=survey,
            completed_on=on,
        )


def _shown(partnership, **filters):
    return {
        result.timepoint: result
        for result in results_for(partnership.pk, at=5, filters=Filters(**filters)).timepoints
    }


def test_rounding_is_to_the_nearest_five():
    assert [rounded(n) for n in range(14)] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15]


def test_nothing_is_shown_until_the_quarter_is_due_and_then_it_never_moves(
    reaction, partnership, team
):
    course, survey = reaction
    _answer(course, survey, team, [5, 5, 5, 4, 4, 4, 3, 2], on=dt.date(2022, 5, 10), also_asked=4)
    due = due_on(Q1, 0)
    assert due == dt.date(2022, 8, 5)  # 1 July + 28 days' links + 7 days' grace

    assert release_due(on=due - dt.timedelta(days=1), partnership_id=partnership.pk) == 0
    assert _shown(partnership) == {}  # answered, but not yet released: nothing at all

    assert release_due(on=due, partnership_id=partnership.pk) == 1
    shown = _shown(partnership)["reaction"]
    assert shown.released and [p.key for p in shown.periods] == ["2022-23-q1"]
    assert str(shown.invited) == "12" and str(shown.answered) == "10"  # 8 answered, rounded
    relevant = shown.questions[0]
    # 1 "Disagree", 1 "Neither", 3 "Agree", 3 "Strongly agree": each rounded on its own.
    assert [f.value for f in relevant.counts.cells] == [0, 0, 0, 5, 5]
    assert relevant.counts.total.value == 10 and relevant.counts.total.rounded
    assert str(relevant.mean) == "4.5"  # from the published counts, not the true 4.0

    # A late answer (a page opened before the link closed) is kept, but moves nothing.
    _answer(course, survey, team, [1], on=dt.date(2022, 5, 10))
    assert release_due(on=due + dt.timedelta(days=30), partnership_id=partnership.pk) == 0
    again = _shown(partnership)["reaction"]
    assert str(again.answered) == "10"
    assert [f.value for f in again.questions[0].counts.cells] == [0, 0, 0, 5, 5]


def test_a_quarter_with_too_few_answers_waits_for_the_rest_of_its_year(reaction, partnership, team):
    course, survey = reaction
    _answer(course, survey, team, [5, 4, 3], on=dt.date(2022, 5, 10), also_asked=2)
    _answer(course, survey, team, [5, 5, 4], on=dt.date(2022, 8, 10), also_asked=2)
    _answer(course, survey, team, [4] * 9, on=dt.date(2022, 11, 10), also_asked=3)
    release_due(on=due_on(Q3, 0), partnership_id=partnership.pk)
    cells = {(c.quarter, c.withheld) for c in ReleasedCell.objects.all()}
    assert cells == {(1, True), (2, True), (3, False)}
    assert [p.key for p in _shown(partnership)["reaction"].periods] == ["2022-23-q3"]

    # After the year's last quarter: the two small quarters together, 6 answers of 10 asked.
    release_due(on=due_on(Period(YEAR, 4), 0), partnership_id=partnership.pk)
    rest = ReleasedCell.objects.get(quarter=0)
    assert not rest.withheld and rest.invited == 10 and rest.answered == 5
    year = _shown(partnership, start=YEAR.starts_on, end=dt.date(2023, 4, 1))["reaction"]
    assert [p.key for p in year.periods] == ["2022-23-q3", "2022-23"]
    assert str(year.answered) == "15" and str(year.invited) == "22"
    # A single quarter never includes the rest of its year.
    first = _shown(partnership, start=Q1.starts_on, end=Q1.ends_before)
    assert first == {}
    # The anonymous answers pooled are now dated by their year alone.
    assert set(
        Response.objects.filter(trained_in__lt=Q3.starts_on).values_list("trained_in", flat=True)
    ) == {YEAR.starts_on}


def test_a_cell_saying_that_everyone_asked_answered_is_withheld(reaction, partnership, team):
    course, survey = reaction
    # Six asked, six answered: published as 5 with at least 5 needed would leave 5 or 6,
    # but the relevance question's "3 Agree, 3 Strongly agree" (5 and 5: at least 3 each)
    # would say that all six answered.
    _answer(course, survey, team, [4, 4, 4, 5, 5, 5], on=dt.date(2022, 5, 10))
    release_due(on=due_on(Q1, 0), partnership_id=partnership.pk)
    assert ReleasedCell.objects.get().withheld
    assert _shown(partnership) == {}
    # One more asked who did not answer leaves it open who did.
    ReleasedCell.objects.all().delete()
    _answer(course, survey, team, [], on=dt.date(2022, 5, 10), also_asked=1)
    release_due(on=due_on(Q1, 0), partnership_id=partnership.pk)
    assert not ReleasedCell.objects.get().withheld


def test_the_fewest_answering_counts_every_published_figure():
    one_each = [{"kind": "agreement", "counts": [0, 0, 0, 5, 5]}]
    assert fewest_answering(5, one_each, at=5) == 6  # 3 + 3
    several = [{"kind": "multiple", "counts": [10, 5, 5]}]
    assert fewest_answering(5, several, at=5) == 8  # at least the 8 of the most chosen
    assert fewest_answering(10, [], at=5) == 8


def test_an_anonymous_response_keeps_only_the_quarters(reaction, partnership, team):
    course, survey = reaction
    session = TrainingSessionFactory(course=course)
    response = answered(
        staff=StaffMemberFactory(team=team),
        course=course,
        timepoint="reaction",
        survey=survey,
        completed_on=dt.date(2022, 5, 10),
        session=session,
        answers={RELEVANT: 4},
        on=dt.date(2022, 5, 17),
    )
    response.refresh_from_db()
    assert response.anonymous and response.staff_id is None
    assert response.trained_in == dt.date(2022, 4, 1) and response.given_on == dt.date(2022, 4, 1)
    assert response.session_id is None and response.organisation_id is None
    stored = Answer.objects.get(response=response)
    assert stored.session_id is None and stored.organisation_id is None
    assert stored.trained_in == dt.date(2022, 4, 1)


def _physical_order(table: str) -> list:
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} ORDER BY {position}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_answers_are_kept_in_an_order_that_says_nothing(reaction, partnership, team):
    course, survey = reaction
    # Eleven people answer one after another, each giving a different rating (0 to 10).
    for rating in range(11):
        answered(
            staff=StaffMemberFactory(team=team),
            course=course,
            timepoint="reaction",
            survey=survey,
            completed_on=dt.date(2022, 5, 10),
            answers={RATING: rating},
        )
    if connection.vendor == "sqlite":
        # Each row has a random rowid from the start (the order SQLite keeps and dumps).
        assert _physical_order("feedback_answer") != list(range(11))
    ids = set(Response.objects.values_list("pk", flat=True))
    assert settle(partnership_id=partnership.pk) == 11
    # Written again together in a shuffled order (1 chance in 11! of the same order), with
    # new ids, and nothing lost.
    assert _physical_order("feedback_answer") != list(range(11))
    assert not ids & set(Response.objects.values_list("pk", flat=True))
    assert sorted(Answer.objects.values_list("number", flat=True)) == list(range(11))
    assert not Response.objects.filter(settled=False).exists()
    assert settle(partnership_id=partnership.pk) == 0  # nothing new: nothing written


def test_attributable_surveys_are_counted_live_and_narrowed_as_before(reaction, partnership, team):
    course, survey = reaction
    SurveyVersion.objects.filter(survey=survey).update(anonymous=False)
    session = TrainingSessionFactory(course=course)
    answered(
        staff=StaffMemberFactory(team=team),
        course=course,
        timepoint="reaction",
        survey=survey,
        completed_on=dt.date(2022, 5, 10),
        session=session,
        answers={RELEVANT: 4},
    )
    shown = _shown(partnership, session_id=session.pk)["reaction"]
    assert not shown.released and str(shown.answered) == "fewer than 5"
    assert not ReleasedCell.objects.exists() and release_due(partnership_id=partnership.pk) == 0


def test_the_worker_releases_on_its_daily_schedule(reaction, partnership, team):
    from tiptracker.background.schedule import enqueue_due
    from tiptracker.worker import run_ready_tasks

    course, survey = reaction
    _answer(course, survey, team, [4] * 8, on=dt.date(2022, 5, 10), also_asked=2)
    assert "release-results" in enqueue_due()
    run_ready_tasks()
    # The quarter, and the rest of its year (nothing pooled: withheld).
    assert ReleasedCell.objects.count() == 2
    assert ReleasedCell.objects.filter(withheld=False).count() == 1
    assert "release-results" not in enqueue_due()  # next due tomorrow at 02:00
