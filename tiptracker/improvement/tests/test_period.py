"""The improvement programme over a board report's period: the projects active in it, the
PDSA cycles run and changes adopted in it, and whether each headline measure shows
special-cause improvement at its latest point by the period's end (never after it)."""

import datetime as dt

import pytest

from tiptracker.improvement.models import ChangeIdea, MeasureValue, PdsaCycle, Project
from tiptracker.improvement.period import programme_in_period, series_chart
from tiptracker.improvement.selectors import chart_of
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.lib.dates import LONDON, month_end, months_after
from tiptracker.lib.spc import Variation

pytestmark = pytest.mark.django_db

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


def values(measure, first: dt.date, levels: list[float], *, rebase_at: int | None = None):
    for i, value in enumerate(levels):
        MeasureValueFactory(
            measure=measure,
            on=month_end(months_after(first, i)),
            value=value,
            rebase=i == rebase_at,
        )


def headline(project, **settings):
    measure = MeasureFactory(project=project, baseline_points=12, **settings)
    project.headline_measure = measure
    project.save(update_fields=["headline_measure"])
    return measure


def cycle(idea, number, starts_on, ends_on=None, act=""):
    return PdsaCycle.objects.create(
        partnership=idea.partnership,
        project=idea.project,
        change_idea=idea,
        number=number,
        title=f"Test {number} of {idea.title}",
        starts_on=starts_on,
        ends_on=ends_on,
        question="Will it work?",
        prediction="It will",
        act=act,
    )


def idea(project, title):
    return ChangeIdea.objects.create(partnership=project.partnership, project=project, title=title)


@pytest.fixture
def programme(partnership):
    """Two projects active in the period, worked out by hand below, and three that are not."""
    review = ProjectFactory(
        partnership=partnership,
        title="Adolescent services review",
        status=Project.Status.IMPLEMENTING,
        starts_on=dt.date(2021, 4, 1),
    )
    # Twelve months around 51 (limits 45.68 to 56.32), then six at 70 in the period: every
    # one of those is outside the limits, an improvement.
    values(headline(review), dt.date(2021, 1, 31), [50, 52] * 6 + [70] * 6)
    panel = idea(review, "Young people's panel")
    cycle(panel, 1, dt.date(2021, 10, 1), dt.date(2021, 11, 15), "adapt")  # before the period
    cycle(panel, 2, dt.date(2021, 11, 20), dt.date(2021, 12, 10), "adapt")  # across its start
    cycle(panel, 3, dt.date(2022, 3, 1), dt.date(2022, 4, 15), "adopt")  # adopted in it
    supervision = idea(review, "Reflective supervision")
    # Run in the period, but adopted after it ended.
    cycle(supervision, 1, dt.date(2022, 6, 20), dt.date(2022, 7, 10), "adopt")
    cycle(supervision, 2, dt.date(2022, 7, 11))  # after the period

    letters = ProjectFactory(
        partnership=partnership,
        title="First appointments",
        status=Project.Status.TESTING,
        starts_on=dt.date(2021, 9, 1),
    )
    # Common cause all through the period; the special cause comes in July, after it.
    measure = headline(letters)
    values(measure, dt.date(2021, 7, 31), [50, 52] * 6 + [90])
    cycle(idea(letters, "New letter"), 1, dt.date(2022, 5, 1))  # still running: no end date

    ProjectFactory(  # closed before the period began
        partnership=partnership,
        title="Closed last year",
        status=Project.Status.CLOSED,
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2021, 11, 30),
    )
    ProjectFactory(partnership=partnership, title="Starts later", starts_on=dt.date(2022, 7, 1))
    closed = ProjectFactory(partnership=partnership, title="Closed, no end date", status="closed")
    before = dt.datetime(2021, 11, 1, tzinfo=LONDON)
    Project.objects.filter(pk=closed.pk).update(created_at=before, updated_at=before)
    ProjectFactory(title="Another partnership's", starts_on=dt.date(2021, 4, 1))
    return review, letters


def test_it_counts_the_projects_cycles_and_changes_of_the_period(partnership, programme):
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    assert [(p.title, p.stage, p.cycles, p.adopted) for p in found.projects] == [
        ("Adolescent services review", "Implementing", 3, ["Young people's panel"]),
        ("First appointments", "Testing", 1, []),
    ]
    assert (found.cycles, found.adopted, found.measured, found.improving) == (4, 1, 2, 1)


def test_a_special_cause_after_the_period_is_not_counted_in_it(partnership, programme):
    review, letters = programme
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    assert [p.improving for p in found.projects] == [True, False]
    after = found.projects[1].headline
    assert after is not None and after.values[-1].on == END  # the July value is not read
    assert after.spc().latest.variation == Variation.COMMON_CAUSE
    # Read whole, the measure's chart does show it: the period's end is what hides it.
    assert chart_of(letters.headline_measure).latest.variation == Variation.IMPROVEMENT


def test_the_headline_keeps_its_settings_values_and_the_marks_of_the_period(partnership, programme):
    review, _ = programme
    MeasureValue.objects.filter(measure=review.headline_measure, on=dt.date(2022, 1, 31)).update(
        note="Panel's first meeting used"
    )
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    kept = found.projects[0].headline
    assert kept is not None
    assert (kept.title, kept.unit, kept.unit_label, kept.chart, kept.baseline) == (
        review.headline_measure.title,
        "percentage",
        "Percentage",
        "xmr",
        12,
    )
    assert len(kept.values) == 18 and kept.values[-1].value == 70
    # Each decision by the end of the period, as the measure's page marks it; the one made
    # after it (10 July) is not marked.
    assert kept.notes == [
        (dt.date(2021, 11, 15), "PDSA 1, Test 1 of Young people's panel: adapt"),
        (dt.date(2021, 12, 10), "PDSA 2, Test 2 of Young people's panel: adapt"),
        (dt.date(2022, 1, 31), "Panel's first meeting used"),
        (dt.date(2022, 4, 15), "PDSA 3, Test 3 of Young people's panel: adopt"),
    ]
    # Drawn again from what is kept, the chart is the one the measure's page computes.
    assert kept.spc() == chart_of(review.headline_measure)


def test_the_chart_follows_the_settings_kept_not_the_measures_now(partnership, programme):
    review, _ = programme
    kept = programme_in_period(partnership_id=partnership.pk, start=START, end=END).projects[0]
    assert kept.headline is not None
    review.headline_measure.chart = "run"
    review.headline_measure.save()
    assert kept.headline.spc().kind == "xmr"
    as_run = series_chart(
        chart="run", rules="ihi", improvement="up", baseline=12, values=kept.headline.values
    )
    assert as_run == chart_of(review.headline_measure)


def test_a_project_recorded_without_dates_is_active_from_the_day_it_was_recorded(partnership):
    planning = ProjectFactory(partnership=partnership, status=Project.Status.PLANNING)
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    assert found.projects == []  # recorded today, after the period
    during = dt.datetime(2022, 6, 30, 23, 30, tzinfo=LONDON)  # the last evening of the period
    Project.objects.filter(pk=planning.pk).update(created_at=during)
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    [project] = found.projects
    assert (project.stage, project.cycles, project.headline, project.improving) == (
        "Planning",
        0,
        None,
        False,
    )
    assert (found.measured, found.improving) == (0, 0)


def test_a_closed_project_last_changed_in_the_period_is_active_in_it(partnership):
    closed = ProjectFactory(partnership=partnership, status=Project.Status.CLOSED)
    during = dt.datetime(2022, 2, 1, tzinfo=LONDON)
    Project.objects.filter(pk=closed.pk).update(created_at=during, updated_at=during)
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    assert [p.stage for p in found.projects] == ["Closed"]


def test_a_headline_measure_without_values_by_the_end_is_not_measured(partnership):
    project = ProjectFactory(partnership=partnership, starts_on=START)
    values(headline(project), dt.date(2022, 7, 31), [50])
    found = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    [kept] = found.projects
    assert kept.headline is not None and kept.headline.values == [] and not kept.improving
    assert found.measured == 0


def test_it_reads_in_three_queries_however_many_projects(
    partnership, programme, django_assert_num_queries
):
    with django_assert_num_queries(3):
        few = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    for n in range(4):
        project = ProjectFactory(partnership=partnership, starts_on=START)
        values(headline(project), dt.date(2022, 1, 31), [40, 41, 42])
        cycle(idea(project, f"Idea {n}"), 1, dt.date(2022, 2, 1), dt.date(2022, 2, 20), "adopt")
    with django_assert_num_queries(3):
        many = programme_in_period(partnership_id=partnership.pk, start=START, end=END)
    assert (len(few.projects), len(many.projects), many.adopted) == (2, 6, 5)


def test_no_project_is_one_query(partnership, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert (
            programme_in_period(partnership_id=partnership.pk, start=START, end=END).projects == []
        )
