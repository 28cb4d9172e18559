"""GET coverage/: exactly the object `tiptracker coverage --format json` prints."""

import datetime as dt
import json

import pytest

from tiptracker.cli import main
from tiptracker.lib.dates import today
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


@pytest.fixture
def workforce(partnership, team):
    """Two organisations, three teams, needs at several levels, completions either side of
    30 June 2022, and a leaver."""
    informed = CourseFactory(partnership=partnership, code="OD", level=Level.INFORMED)
    skilled = CourseFactory(partnership=partnership, code="TS", level=Level.SKILLED)
    enhanced = CourseFactory(partnership=partnership, code="SS", level=Level.ENHANCED)
    team.required_level = Level.SKILLED
    team.save()
    second = TeamFactory(
        partnership=partnership, organisation=team.organisation, name="Children and Families"
    )
    elsewhere = TeamFactory(
        partnership=partnership, name="Mental Health", required_level=Level.ENHANCED
    )
    people = [
        *StaffMemberFactory.create_batch(3, team=team),
        *StaffMemberFactory.create_batch(2, team=second),
        *StaffMemberFactory.create_batch(3, team=elsewhere),
        StaffMemberFactory(team=second, required_level=Level.SPECIALIST),
        StaffMemberFactory(team=elsewhere, leaving_date=dt.date(2022, 1, 31)),
    ]
    CompletionFactory(staff=people[0], course=skilled, completed_on=dt.date(2021, 5, 1))
    CompletionFactory(staff=people[1], course=informed, completed_on=dt.date(2022, 2, 1))
    CompletionFactory(staff=people[2], course=skilled, completed_on=dt.date(2022, 8, 1))
    CompletionFactory(staff=people[5], course=enhanced, completed_on=dt.date(2022, 6, 30))
    CompletionFactory(staff=people[8], course=informed, completed_on=dt.date(2021, 1, 1))
    return people


def _cli_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main(["coverage", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("by", [None, "organisation", "team"])
def test_coverage_is_exactly_the_commands_json(api, admin, partnership, workforce, capsys, by):
    query = {"as_of": "2022-06-30", **({"by": by} if by else {})}
    response = api(admin).get(f"/api/partnerships/{partnership.slug}/coverage/", query)
    assert response.status_code == 200
    expected = _cli_json(
        capsys,
        "--partnership",
        partnership.slug,
        "--as-of",
        "2022-06-30",
        *(["--by", by] if by else []),
    )
    assert response.json() == expected
    assert expected["totals"][0] == {"level": "informed", "needed": 9, "met": 4, "percent": 44.4}


def test_coverage_defaults_to_today_by_organisation_like_the_command(
    api, admin, partnership, workforce
):
    body = api(admin).get(f"/api/partnerships/{partnership.slug}/coverage/").json()
    assert body["as_of"] == today().isoformat() and body["by"] == "organisation"
    assert {row["organisation"] for row in body["rows"]} == {p.organisation.name for p in workforce}
    assert [t["level"] for t in body["totals"]] == ["informed", "skilled", "enhanced", "specialist"]


def test_a_managers_coverage_counts_only_their_teams(api, persona, partnership, team, workforce):
    manager = persona(Role.MANAGER, teams=[team])
    body = (
        api(manager)
        .get(
            f"/api/partnerships/{partnership.slug}/coverage/", {"as_of": "2022-06-30", "by": "team"}
        )
        .json()
    )
    assert {row["team"] for row in body["rows"]} == {team.name}
    assert body["totals"][0]["needed"] == 3


def test_a_board_member_reads_coverage_but_a_staff_member_may_not(
    api, persona, member, partnership
):
    assert (
        api(persona(Role.BOARD)).get(f"/api/partnerships/{partnership.slug}/coverage/").status_code
        == 200
    )
    assert api(member).get(f"/api/partnerships/{partnership.slug}/coverage/").status_code == 403


def test_coverage_on_a_future_date_is_400(api, admin, partnership):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = api(admin).get(
        f"/api/partnerships/{partnership.slug}/coverage/", {"as_of": tomorrow}
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "as_of: The date is in the future.",
        "errors": {"as_of": ["The date is in the future."]},
    }
