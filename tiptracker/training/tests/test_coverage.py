"""The coverage rule of formats.md, on small workforces whose answer is known."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tiptracker.lib.levels import Level
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.training.coverage import coverage, coverage_by_month, percent
from tiptracker.training.models import CoverageSnapshot
from tiptracker.training.snapshots import coverage_snapshots_rebuild
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

D = dt.date(2022, 6, 30)


def totals(p, on=D, **kw):
    result = coverage(partnership_id=p.id, partnership_slug=p.slug, as_of=on, **kw)
    return {row.level.slug: (row.needed, row.met) for row in result.totals}


def test_everyone_in_the_workforce_needs_at_least_trauma_informed(partnership, team):
    StaffMemberFactory.create_batch(3, team=team)
    assert totals(partnership)["informed"] == (3, 0)
    assert totals(partnership)["skilled"] == (0, 0)


def test_a_persons_own_level_overrides_the_teams(partnership):
    team = TeamFactory(partnership=partnership, required_level=Level.SKILLED)
    StaffMemberFactory(team=team)
    StaffMemberFactory(team=team, required_level=Level.ENHANCED)
    StaffMemberFactory(team=team, required_level=Level.INFORMED)
    figures = totals(partnership)
    assert figures["informed"] == (3, 0)
    assert figures["skilled"] == (2, 0)
    assert figures["enhanced"] == (1, 0)


def test_a_higher_level_course_counts_for_the_levels_below(partnership):
    team = TeamFactory(partnership=partnership, required_level=Level.ENHANCED)
    person = StaffMemberFactory(team=team)
    enhanced = CourseFactory(partnership=partnership, level=Level.ENHANCED)
    CompletionFactory(staff=person, course=enhanced, completed_on=dt.date(2022, 1, 1))
    figures = totals(partnership)
    assert figures["informed"] == (1, 1)
    assert figures["skilled"] == (1, 1)
    assert figures["enhanced"] == (1, 1)


def test_only_completions_on_or_before_the_date_count(partnership, team):
    person = StaffMemberFactory(team=team)
    course = CourseFactory(partnership=partnership)
    CompletionFactory(staff=person, course=course, completed_on=D)
    assert totals(partnership, on=D)["informed"] == (1, 1)
    assert totals(partnership, on=D - dt.timedelta(days=1))["informed"] == (1, 0)


def test_the_workforce_is_who_had_started_and_not_left_on_the_date(partnership, team):
    StaffMemberFactory(team=team, start_date=D)  # starts that day: in
    StaffMemberFactory(team=team, start_date=D + dt.timedelta(days=1))  # not yet started
    StaffMemberFactory(team=team, leaving_date=D)  # leaves that day: still in
    StaffMemberFactory(team=team, leaving_date=D - dt.timedelta(days=1))  # gone
    StaffMemberFactory(team=team)  # dates unknown: in
    assert totals(partnership)["informed"] == (3, 0)


def test_another_partnerships_people_and_completions_never_count(
    partnership, team, other_partnership
):
    other_person = StaffMemberFactory(team__partnership=other_partnership)
    CompletionFactory(staff=other_person, course=CourseFactory(partnership=other_partnership))
    StaffMemberFactory(team=team)
    assert totals(partnership)["informed"] == (1, 0)
    assert totals(other_partnership)["informed"] == (1, 1)


def test_percent_is_rounded_to_one_place_and_null_without_need():
    assert percent(2, 3) == 66.7
    assert percent(1, 8) == 12.5
    assert percent(0, 0) is None


def test_rows_by_organisation_and_team_add_up_to_the_totals(partnership):
    teams = [
        TeamFactory(partnership=partnership, required_level=level)
        for level in (Level.INFORMED, Level.SKILLED, None)
    ]
    course = CourseFactory(partnership=partnership, level=Level.SKILLED)
    for i, team in enumerate(teams):
        for person in StaffMemberFactory.create_batch(i + 2, team=team):
            if person.id % 2:
                CompletionFactory(staff=person, course=course, completed_on=dt.date(2021, 5, 5))
    whole = totals(partnership)
    for by in ("organisation", "team"):
        result = coverage(
            partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=D, by=by
        )
        for level in Level:
            rows = [r for r in result.rows if r.level == level]
            assert (sum(r.needed for r in rows), sum(r.met for r in rows)) == whole[level.slug]
        assert all(r.team for r in result.rows) == (by == "team")


def test_a_managers_view_counts_only_their_teams(partnership):
    mine, theirs = TeamFactory(partnership=partnership), TeamFactory(partnership=partnership)
    StaffMemberFactory.create_batch(2, team=mine)
    StaffMemberFactory.create_batch(5, team=theirs)
    assert totals(partnership, team_ids=[mine.id])["informed"] == (2, 0)
    assert totals(partnership, team_ids=[])["informed"] == (0, 0)


def test_the_trend_table_equals_the_direct_computation(partnership, team):
    course = CourseFactory(partnership=partnership, level=Level.SKILLED)
    for month in range(1, 13):
        person = StaffMemberFactory(
            team=team, start_date=dt.date(2021, month, 1), required_level=Level.SKILLED
        )
        CompletionFactory(staff=person, course=course, completed_on=dt.date(2021, month, 15))
    coverage_snapshots_rebuild(partnership_id=partnership.id, as_of=dt.date(2022, 3, 10))
    snapshots = CoverageSnapshot.objects.filter(partnership=partnership)
    assert snapshots.count() == 24 * 4
    for snap in snapshots:
        direct = totals(partnership, on=snap.month_end)[Level(snap.level).slug]
        assert (snap.needed, snap.met) == direct, snap.month_end


# Property: the SQL agrees with a plain reading of the rule, for any small workforce.

people = st.lists(
    st.tuples(
        st.sampled_from([None, 1, 2, 3, 4]),  # own level
        st.integers(0, 2),  # team
        st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2023, 1, 1))),  # start
        st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2023, 1, 1))),  # leaving
        st.lists(
            st.tuples(st.integers(1, 4), st.dates(dt.date(2020, 1, 1), dt.date(2023, 1, 1))),
            max_size=3,
            unique=True,
        ),
    ),
    max_size=12,
)


class TestCoverageMatchesTheRule(HypothesisTestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        people=people,
        team_levels=st.tuples(*[st.sampled_from([None, 1, 2, 3, 4])] * 3),
        on=st.dates(dt.date(2020, 1, 1), dt.date(2023, 1, 1)),
    )
    def test_it_matches_a_direct_reading_of_the_rule(self, people, team_levels, on):
        partnership = PartnershipFactory()
        teams = [
            TeamFactory(partnership=partnership, required_level=level) for level in team_levels
        ]
        courses = {
            level: CourseFactory(partnership=partnership, level=level) for level in range(1, 5)
        }
        expected = {level: [0, 0] for level in range(1, 5)}
        for own, team_index, start, leaving, completions in people:
            person = StaffMemberFactory(
                team=teams[team_index], required_level=own, start_date=start, leaving_date=leaving
            )
            for course_level, day in completions:
                CompletionFactory(staff=person, course=courses[course_level], completed_on=day)
            in_workforce = (start is None or start <= on) and (leaving is None or leaving >= on)
            if not in_workforce:
                continue
            required = own or team_levels[team_index] or 1
            achieved = max([lvl for lvl, day in completions if day <= on], default=0)
            for level in range(1, required + 1):
                expected[level][0] += 1
                expected[level][1] += achieved >= level
        found = totals(partnership, on=on)
        assert {Level(k).slug: tuple(v) for k, v in expected.items()} == found
        by_month = coverage_by_month(partnership_id=partnership.id, month_ends=[on])[on]
        assert {row.level.slug: (row.needed, row.met) for row in by_month} == found


def test_each_persona_sees_coverage_of_their_own_partnership_only(
    admin, outsider, persona, partnership, team
):
    from tiptracker.partnerships.models import Role
    from tiptracker.training.selectors import coverage_for

    StaffMemberFactory.create_batch(3, team=team)
    StaffMemberFactory(team__partnership=outsider.partnership)
    manager = persona(Role.MANAGER, teams=[TeamFactory(partnership=partnership)])

    def informed(membership):
        return next(
            r for r in coverage_for(membership, as_of=D).totals if r.level == Level.INFORMED
        )

    assert informed(admin).needed == 3
    assert informed(manager).needed == 0  # their team is empty
    assert informed(outsider).needed == 1  # their own partnership's, never ours
