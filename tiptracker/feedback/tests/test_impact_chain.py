"""The impact page and its API, as the steering group reads them: for each level and course,
from attending to changing practice with the drop-off at each step, and the same by
quarter, quarters with too few answers withheld and pooled into the rest of their year.

The starter reaction and follow-up surveys are anonymous: their answers count only once
released (release.release_due, after the quarter's surveys have closed), rounded to the
nearest five, a quarter with too few answers pooled into the rest of its year."""

import datetime as dt

from tiptracker.feedback.impact import CHANGED, LEARNED, REACTED, impact_for
from tiptracker.feedback.models import ReleasedCell, Timepoint
from tiptracker.feedback.services import course_survey_set
from tiptracker.feedback.starter import CONFIDENCE, PRACTICE, REACTION
from tiptracker.feedback.tests.impact_helpers import (
    AFTER_2022_23,
    AFTER_Q1_2022,
    INFORMED,
    INFORMED_OVER_TIME,
    answer,
    attended,
    follow_up,
    page,
    react,
    release,
    row_of,
    running,
    tables,
)
from tiptracker.training.tests.factories import CourseFactory

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
