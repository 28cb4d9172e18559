"""`tiptracker coverage`, as formats.md describes it: as JSON, CSV or a table, by organisation
or by team, on any date, and a plain message for a date that is not one.

Run in this process through `tiptracker.cli.main` against the test database (fast)."""

import datetime as dt
import json

import pytest

from tiptracker.cli import main
from tiptracker.imports.tests.helpers import cli
from tiptracker.lib.levels import Level
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.tests.cli_helpers import figures
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

D = dt.date(2022, 6, 30)


@pytest.fixture
def workforce(partnership):
    """Dundee City Council: 3 need Trauma Informed, 2 have it. NHS Tayside: 16 need Trauma
    Skilled, 1 has it (1/16 = 6.25%, which rounds half up to 6.3)."""
    council = OrganisationFactory(partnership=partnership, name="Dundee City Council")
    nhs = OrganisationFactory(partnership=partnership, name="NHS Tayside")
    housing = TeamFactory(partnership=partnership, organisation=council, name="Housing Options")
    ward = TeamFactory(
        partnership=partnership, organisation=nhs, name="Ward 1", required_level=Level.SKILLED
    )
    informed = CourseFactory(partnership=partnership, level=Level.INFORMED)
    skilled = CourseFactory(partnership=partnership, level=Level.SKILLED)
    council_staff = StaffMemberFactory.create_batch(3, team=housing)
    for person in council_staff[:2]:
        CompletionFactory(staff=person, course=informed, completed_on=dt.date(2022, 1, 10))
    CompletionFactory(
        staff=council_staff[2], course=informed, completed_on=D + dt.timedelta(days=1)
    )  # after D
    StaffMemberFactory(team=housing, leaving_date=D - dt.timedelta(days=1))  # left before D
    ward_staff = StaffMemberFactory.create_batch(16, team=ward)
    CompletionFactory(staff=ward_staff[0], course=skilled, completed_on=D)
    return partnership


def test_coverage_as_json_is_exactly_the_documented_object(capsys, workforce):
    code, out, err = cli(
        capsys,
        "coverage",
        "--partnership",
        workforce.slug,
        "--as-of",
        "2022-06-30",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert list(result) == ["partnership", "as_of", "by", "rows", "totals"]
    assert (
        result["partnership"] == workforce.slug
        and result["as_of"] == "2022-06-30"
        and result["by"] == "organisation"
    )
    council, nhs = {"organisation": "Dundee City Council"}, {"organisation": "NHS Tayside"}
    assert result["rows"] == [
        council | figures("informed", 3, 2, 66.7),
        council | figures("skilled", 0, 0, None),
        council | figures("enhanced", 0, 0, None),
        council | figures("specialist", 0, 0, None),
        nhs | figures("informed", 16, 1, 6.3),
        nhs | figures("skilled", 16, 1, 6.3),
        nhs | figures("enhanced", 0, 0, None),
        nhs | figures("specialist", 0, 0, None),
    ]
    assert [list(row) for row in result["rows"]] == [
        ["organisation", "level", "needed", "met", "percent"]
    ] * 8
    assert result["totals"] == [
        figures("informed", 19, 3, 15.8),
        figures("skilled", 16, 1, 6.3),
        figures("enhanced", 0, 0, None),
        figures("specialist", 0, 0, None),
    ]
    assert [list(row) for row in result["totals"]] == [["level", "needed", "met", "percent"]] * 4
    assert '"percent": null' in out


def test_coverage_by_organisation_is_the_default_and_the_same_as_asking_for_it(capsys, workforce):
    base = [
        "coverage",
        "--partnership",
        workforce.slug,
        "--as-of",
        "2022-06-30",
        "--format",
        "json",
    ]
    assert cli(capsys, *base) == cli(capsys, *base, "--by", "organisation")


def test_coverage_by_team_adds_the_team_after_the_organisation(capsys, workforce):
    code, out, err = cli(
        capsys,
        "coverage",
        "--partnership",
        workforce.slug,
        "--as-of",
        "2022-06-30",
        "--by",
        "team",
        "--format",
        "json",
    )
    result = json.loads(out)
    assert result["by"] == "team"
    assert [list(row) for row in result["rows"]] == [
        ["organisation", "team", "level", "needed", "met", "percent"]
    ] * 8
    assert result["rows"][0] == {
        "organisation": "Dundee City Council",
        "team": "Housing Options",
    } | figures("informed", 3, 2, 66.7)
    assert result["rows"][5] == {"organisation": "NHS Tayside", "team": "Ward 1"} | figures(
        "skilled", 16, 1, 6.3
    )


def test_coverage_on_an_earlier_date_counts_only_what_had_happened(capsys, workforce):
    out = cli(
        capsys,
        "coverage",
        "--partnership",
        workforce.slug,
        "--as-of",
        "2022-06-29",
        "--format",
        "json",
    )[1]
    assert json.loads(out)["totals"][1] == figures("skilled", 16, 0, 0.0)


def test_coverage_as_csv(capsys, workforce):
    code, out, err = cli(
        capsys,
        "coverage",
        "--partnership",
        workforce.slug,
        "--as-of",
        "2022-06-30",
        "--format",
        "csv",
    )
    assert code == 0
    lines = out.splitlines()
    assert not out.startswith("\ufeff")
    assert lines[0] == "organisation,level,needed,met,percent"
    assert lines[1] == "Dundee City Council,informed,3,2,66.7"
    assert lines[2] == "Dundee City Council,skilled,0,0,"
    assert lines[5] == "NHS Tayside,informed,16,1,6.3"
    assert lines[-4:] == [
        "All,informed,19,3,15.8",
        "All,skilled,16,1,6.3",
        "All,enhanced,0,0,",
        "All,specialist,0,0,",
    ]


def test_coverage_as_a_table(capsys, workforce):
    code, out, err = cli(
        capsys, "coverage", "--partnership", workforce.slug, "--as-of", "2022-06-30"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Coverage for Dundee Test Partnership on 30 June 2022"
    assert lines[1].split() == ["organisation", "level", "needed", "met", "percent"]
    assert set(lines[2]) == {"-", " "}
    assert lines[3].split() == ["Dundee", "City", "Council", "informed", "3", "2", "66.7"]
    assert lines[-4].split() == ["All", "informed", "19", "3", "15.8"]


def test_coverage_as_a_table_groups_thousands_and_as_csv_does_not(capsys, db):
    team = TeamFactory(partnership__slug="large", organisation__name="NHS Tayside")
    StaffMember.objects.bulk_create(StaffMemberFactory.build_batch(1234, team=team))
    _code, table, _err = cli(capsys, "coverage", "--partnership", "large")
    assert table.splitlines()[3].split() == ["NHS", "Tayside", "informed", "1,234", "0", "0.0"]
    _code, csv, _err = cli(capsys, "coverage", "--partnership", "large", "--format", "csv")
    assert csv.splitlines()[1] == "NHS Tayside,informed,1234,0,0.0"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2022", "is not a real date"),
        ("2022-13-01", "is not a real date"),
        ("yesterday", "is not a date"),
    ],
)
def test_coverage_with_a_bad_date_exits_non_zero_with_a_plain_message(
    capsys, workforce, value, reason
):
    with pytest.raises(SystemExit) as exit_:
        main(["coverage", "--partnership", workforce.slug, "--as-of", value])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert f"argument --as-of: '{value}' {reason}" in err and "Traceback" not in err
