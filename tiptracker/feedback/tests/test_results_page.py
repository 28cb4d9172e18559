"""Survey results on the page, as the steering group, the board and those who run training
read them: narrowed by level, course, session, organisation and period; before and after
with a confidence interval; the share changing practice; free text only where
attributable; small numbers suppressed, anonymous counts rounded."""

import datetime as dt
import statistics

import pytest

from tiptracker.feedback.models import Question, Survey, SurveyVersion, Timepoint
from tiptracker.feedback.release import release_due
from tiptracker.feedback.results import Change, Mean, results_for, t_quantile_975
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION
from tiptracker.feedback.tests.factories import answered, attributable, due_on, invited
from tiptracker.feedback.tests.results_helpers import TRAINED, _page, _people
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def test_t_quantiles_match_the_published_table():
    for freedom, published in [(3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (1000, 1.962)]:
        assert t_quantile_975(freedom) == pytest.approx(published, abs=0.01)


def test_the_change_from_before_to_after_has_welchs_interval():
    before = [3, 4, 5, 4, 3, 5, 4, 2]
    after = [6, 7, 8, 7, 9, 6, 7, 8, 7]

    def mean(values):
        return Mean(len(values), float(sum(values)), float(sum(v * v for v in values)), 5)

    change = Change("Confident?", mean(before), mean(after))
    difference = statistics.mean(after) - statistics.mean(before)
    a = statistics.variance(before) / len(before)
    b = statistics.variance(after) / len(after)
    freedom = (a + b) ** 2 / (a * a / (len(before) - 1) + b * b / (len(after) - 1))
    margin = t_quantile_975(freedom) * (a + b) ** 0.5
    assert change.difference == pytest.approx(difference)
    low, high = change.interval
    assert low == pytest.approx(difference - margin) and high == pytest.approx(difference + margin)
    assert str(change).startswith(f"+{difference:.1f} (95% confidence interval")
    assert str(Change("Few", mean([5, 6]), mean(after))) == "fewer than 5"


def test_the_page_shows_rates_distributions_the_change_and_the_share_changing_practice(
    login, admin, partnership, team, course, surveys
):
    people = _people(team, 8)
    for person, score in zip(people, [2, 3, 3, 4, 2, 3, 4, 3], strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="pre",
            survey=surveys[CONFIDENCE],
            answers={1: score},
        )
    for person, score in zip(people, [7, 8, 6, 8, 7, 9, 8, 7], strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="post",
            survey=surveys[CONFIDENCE],
            answers={1: score},
        )
    # The follow-up is anonymous: 11 of 13 asked answer, 8 "Yes" and 3 "Not yet".
    followed = _people(team, 13)
    for person, said in zip(followed[:11], ["Yes"] * 8 + ["Not yet"] * 3, strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="follow_up",
            survey=surveys[PRACTICE],
            answers={1: said},
            completed_on=TRAINED,
        )
    for person in followed[11:]:
        invited(
            staff=person,
            course=course,
            timepoint="follow_up",
            survey=surveys[PRACTICE],
            completed_on=TRAINED,
        )
    client = login(admin)
    # Nothing of the follow-up is shown until its quarter's cell is due (84 days later).
    release_due(
        on=due_on(TRAINED, delay_days=84) - dt.timedelta(days=1), partnership_id=partnership.pk
    )
    before = results_for(partnership.pk, at=5)
    assert [r.timepoint for r in before.timepoints] == ["post", "pre"]
    practice = "Since the training, have you changed anything about how you work?"
    assert practice not in _page(client, partnership, f"?course={course.pk}")
    release_due(
        on=due_on(TRAINED, delay_days=84) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    page = _page(client, partnership)
    assert "Before and after the course" in page
    assert "+4.5 (95% confidence interval" in page  # 3.0 before, 7.5 after
    # From the published counts: 10 answered (11) of 13 asked, 77% (not 85%); "Yes" 10 (8)
    # and "Not yet" 5 (3), so 10 of 15 changed practice, 67% (not 73%).
    assert "77%" in page and "67%" in page
    assert "85%" not in page and "73%" not in page
    assert "How each question was answered" in page and "<svg" not in page  # an overview
    follow_up = next(r for r in results_for(partnership.pk, at=5).timepoints if r.released)
    assert follow_up.timepoint == "follow_up" and str(follow_up.invited) == "13"
    assert str(follow_up.answered) == "10" and follow_up.answered.rounded
    changed = follow_up.questions[0]
    assert {label: str(f) for label, f in changed.pairs} == {
        "Yes": "10",
        "Not yet": "5",
        "I am not sure": "0",
    }
    assert all(f.rounded for _label, f in changed.pairs) and str(changed.counts.total) == "15"
    detail = _page(client, partnership, f"?course={course.pk}")
    assert '<svg role="img"' in detail and "People" in detail
    assert "Not yet" in detail and "+4.5 (95% confidence interval" in detail
    assert practice in detail and "rounded to the nearest 5" in detail


def _agreement(found, text="The session was relevant to my work."):
    return next(q for q in found.questions if q.question.text == text)


def test_small_groups_are_suppressed_with_their_complement(
    login, admin, partnership, team, course, surveys
):
    attributable(surveys[REACTION])
    people = _people(team, 23)
    for person, value in zip(people, [1] * 6 + [2] * 5 + [3] * 5 + [4] * 5 + [5] * 2, strict=True):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: value},
        )
    found = results_for(partnership.pk, at=5)
    relevant = _agreement(found.timepoints[0])
    shown = {label: str(figure) for label, figure in relevant.pairs}
    assert shown["Strongly agree"] == "fewer than 5"
    # The others and the total of 23 would give the two away: the smallest shown is hidden too.
    assert shown["Disagree"] == "fewer than 5"
    assert shown["Strongly disagree"] == "6" and str(relevant.counts.total) == "23"
    assert not found.timepoints[0].released and not relevant.counts.total.rounded
    page = _page(login(admin), partnership)
    assert ">2<" not in page


def test_anonymous_counts_are_rounded_not_suppressed(
    login, admin, partnership, team, course, surveys
):
    """The same answers to an anonymous survey: published from the released cell, every
    count rounded to the nearest 5 (0 shown as 0: it means 0 to 2), the total the sum of
    the rounded counts, nothing hidden."""
    people = _people(team, 24)
    for person, value in zip(
        people[:23], [1] * 6 + [2] * 5 + [3] * 5 + [4] * 5 + [5] * 2, strict=True
    ):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: value},
            completed_on=TRAINED,
        )
    invited(
        staff=people[-1],
        course=course,
        timepoint="reaction",
        survey=surveys[REACTION],
        completed_on=TRAINED,
    )
    assert results_for(partnership.pk, at=5).timepoints == []
    assert release_due(on=due_on(TRAINED) + dt.timedelta(days=1), partnership_id=partnership.pk)
    [found] = results_for(partnership.pk, at=5).timepoints
    assert found.released and str(found.invited) == "24" and str(found.answered) == "25"
    relevant = _agreement(found)
    shown = {label: str(figure) for label, figure in relevant.pairs}
    assert shown == {
        "Strongly disagree": "5",
        "Disagree": "5",
        "Neither agree nor disagree": "5",
        "Agree": "5",
        "Strongly agree": "0",
    }
    assert str(relevant.counts.total) == "20"  # 5 + 5 + 5 + 5 + 0, not 23
    assert all(figure.rounded for _label, figure in relevant.pairs)
    assert relevant.counts.total.rounded
    assert str(found.response_rate) == "100%"  # 25 published of 24 asked: at most all
    detail = _page(login(admin), partnership, f"?course={course.pk}")
    assert 'numeric">fewer than 5<' not in detail and 'numeric">23<' not in detail
    assert 'numeric">0<' in detail and 'numeric">20<' in detail


def test_results_narrow_by_organisation_course_level_session_and_period(
    login, admin, partnership, course, surveys
):
    north = TeamFactory(
        partnership=partnership,
        organisation=OrganisationFactory(partnership=partnership, name="North"),
    )
    south = TeamFactory(
        partnership=partnership,
        organisation=OrganisationFactory(partnership=partnership, name="South"),
    )
    other = CourseFactory(partnership=partnership, title="Skilled Practice", level=2)
    attributable(surveys[REACTION])  # counted live, so narrowed every way
    session = TrainingSessionFactory(course=course)
    for person in _people(north, 6):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: 5},
            session=session,
        )
    for person in _people(south, 5):
        answered(
            staff=person,
            course=course,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: 1},
            completed_on=dt.date(2025, 6, 2),
        )
    for person in _people(south, 5):
        answered(
            staff=person,
            course=other,
            timepoint="reaction",
            survey=surveys[REACTION],
            answers={1: 3},
        )
    client = login(admin)

    def agreement(query):
        page = _page(client, partnership, query)
        return page

    north_page = agreement(f"?organisation={north.organisation_id}")
    assert '"govuk-heading-l">Opening Doors<' in north_page
    assert '"govuk-heading-l">Skilled Practice<' not in north_page
    assert "North" in north_page  # the filters in words
    level_two = agreement("?level=2")
    assert '"govuk-heading-l">Skilled Practice<' in level_two
    assert '"govuk-heading-l">Opening Doors<' not in level_two
    by_session = results_for(
        partnership.pk,
        at=5,
        filters=_filters(client, partnership, f"?course={course.pk}&session={session.pk}"),
    )
    assert [str(r.answered) for r in by_session.timepoints] == ["6"]
    last_year = results_for(
        partnership.pk, at=5, filters=_filters(client, partnership, "?period=2025-26-q1")
    )
    assert [(r.course, str(r.answered)) for r in last_year.timepoints] == [("Opening Doors", "5")]


def test_anonymous_results_narrow_by_course_level_and_period_but_not_session_or_organisation(
    login, admin, partnership, course, surveys
):
    """An anonymous survey is published only by its released cells: a quarter alone, or
    the rest of its year pooled from the quarters too small to show alone; a session or an
    organisation leaves it out altogether."""
    north = TeamFactory(
        partnership=partnership,
        organisation=OrganisationFactory(partnership=partnership, name="North"),
    )
    south = TeamFactory(
        partnership=partnership,
        organisation=OrganisationFactory(partnership=partnership, name="South"),
    )
    other = CourseFactory(partnership=partnership, title="Skilled Practice", level=2)
    session = TrainingSessionFactory(course=course)

    def asked(team, n, on, *, answering, value, of=course, session=None):
        people = _people(team, n)
        for person in people[:answering]:
            answered(
                staff=person,
                course=of,
                timepoint="reaction",
                survey=surveys[REACTION],
                answers={1: value},
                completed_on=on,
                session=session,
            )
        for person in people[answering:]:
            invited(
                staff=person,
                course=of,
                timepoint="reaction",
                survey=surveys[REACTION],
                completed_on=on,
                session=session,
            )

    # 2025/26: 6 of 7 in the first quarter (released alone); 3 of 4 in the second and 2 of
    # 3 in the third (withheld, then pooled as the rest of the year: 5 of 7).
    asked(north, 7, dt.date(2025, 6, 2), answering=6, value=1, session=session)
    asked(south, 4, dt.date(2025, 8, 12), answering=3, value=5)
    asked(south, 3, dt.date(2025, 11, 12), answering=2, value=5)
    asked(south, 7, dt.date(2025, 6, 2), answering=6, value=3, of=other)
    client = login(admin)

    def found(query):
        return results_for(partnership.pk, at=5, filters=_filters(client, partnership, query))

    def figures(results):
        return [(r.course, str(r.invited), str(r.answered)) for r in results.timepoints]

    # The quarters are released, the rest of the year only after the last quarter is due.
    release_due(
        on=due_on(dt.date(2025, 11, 12)) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    assert figures(found("")) == [("Opening Doors", "7", "5"), ("Skilled Practice", "7", "5")]
    release_due(
        on=due_on(dt.date(2026, 2, 1)) + dt.timedelta(days=1), partnership_id=partnership.pk
    )
    everything = found("")
    assert figures(everything) == [("Opening Doors", "14", "10"), ("Skilled Practice", "7", "5")]
    assert all(r.released and r.answered.rounded for r in everything.timepoints)
    doors = everything.timepoints[0]
    assert [p.key for p in doors.periods] == ["2025-26-q1", "2025-26"]
    assert {label: str(f) for label, f in _agreement(doors).pairs} == {
        "Strongly disagree": "5",
        "Disagree": "0",
        "Neither agree nor disagree": "0",
        "Agree": "0",
        "Strongly agree": "5",
    }
    # A quarter takes its own cell only; the year takes its quarters and its rest.
    assert figures(found("?period=2025-26-q1")) == [
        ("Opening Doors", "7", "5"),
        ("Skilled Practice", "7", "5"),
    ]
    assert figures(found(f"?course={course.pk}&period=2025-26-q2")) == []
    assert figures(found(f"?course={course.pk}&period=2025-26")) == [("Opening Doors", "14", "10")]
    assert figures(found("?level=2")) == [("Skilled Practice", "7", "5")]
    assert figures(found("?period=2024-25")) == []
    # A session or an organisation: anonymous surveys are left out, and the page says so.
    by_organisation = found(f"?organisation={north.organisation_id}")
    assert by_organisation.timepoints == [] and by_organisation.anonymous_left_out
    by_session = found(f"?course={course.pk}&session={session.pk}")
    assert by_session.timepoints == [] and by_session.anonymous_left_out
    page = _page(client, partnership, f"?organisation={south.organisation_id}")
    assert "Surveys with anonymous answers are not shown for one session or organisation" in page
    assert '"govuk-heading-l">Opening Doors<' not in page
    assert '"govuk-heading-l">Skilled Practice<' not in page


def _filters(client, partnership, query):
    from django.http import QueryDict

    from tiptracker.feedback.filters import ResultsFiltersForm
    from tiptracker.partnerships.models import Membership

    membership = Membership.objects.filter(partnership=partnership, role=Role.ADMIN).first()
    form = ResultsFiltersForm(QueryDict(query.lstrip("?")), membership=membership)
    assert form.is_valid(), form.errors
    return form.filters()


def test_bad_filters_say_what_is_wrong_and_show_no_figures(
    login, admin, partnership, course, other_partnership
):
    other_course = CourseFactory(partnership=other_partnership)
    page = _page(login(admin), partnership, f"?course={other_course.pk}&period=1999-00&level=9")
    assert "There is a problem" in page
    assert "Choose a course from the list" in page
    assert "Choose a period from the list" in page and "Choose a level from the list" in page
    wrong_level = _page(login(admin), partnership, f"?course={course.pk}&level=3")
    assert "That course is at another level" in wrong_level


def test_free_text_of_attributable_surveys_for_admins_only_and_never_anonymous(
    login, admin, persona, partnership, team, course, surveys
):
    from tiptracker.feedback.services import QuestionSpec, survey_create

    asks = survey_create(
        actor=admin.user,
        partnership_id=partnership.pk,
        name="What changed",
        purpose="behaviour",
        introduction="Your name is kept with your answers.",
        anonymous=False,
        questions=[QuestionSpec("text", "What is different now?")],
    )
    # The course's follow-up survey: an anonymous survey running there would publish even
    # attributable answers only through released cells, which hold no written words.
    course_survey_set(actor=admin.user, course=course, timepoint=Timepoint.FOLLOW_UP, survey=asks)
    person = StaffMemberFactory(team=team, first_name="Ailsa", last_name="Rennie")
    answered(
        staff=person,
        course=course,
        timepoint="follow_up",
        survey=asks,
        answers={1: "I ask before I touch."},
    )
    # An anonymous survey asking for free text (refused today; kept from before the rule).
    older = Survey.objects.create(partnership=partnership, name="Older", purpose="reaction")
    version = SurveyVersion.objects.create(
        survey=older, number=1, introduction="Anonymous.", anonymous=True
    )
    Question.objects.create(version=version, position=1, kind="text", text="Anything else?")
    answered(
        staff=StaffMemberFactory(team=team),
        course=course,
        timepoint="reaction",
        survey=older,
        answers={1: "Secret words from someone anonymous"},
    )
    admin_page = _page(login(admin), partnership, f"?course={course.pk}")
    assert "I ask before I touch." in admin_page and "Ailsa Rennie" in admin_page
    assert "Secret words" not in admin_page
    board_page = _page(login(persona(Role.BOARD)), partnership, f"?course={course.pk}")
    assert "I ask before I touch." not in board_page and "Ailsa" not in board_page
