"""Sharing a partnership's indicators, and one indicator compared across those that share
them (`tiptracker partnership share`, `tiptracker indicators compare`, formats.md "Comparing
partnerships")."""

import datetime as dt
import json

import pytest

from tiptracker.imports.tests.helpers import cli
from tiptracker.indicators.models import SharingChange
from tiptracker.lib.funnel import limits_at
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

D = dt.date(2022, 6, 30)


def a_partnership(slug: str, *, people: int, trained: int, shares: bool = True) -> Partnership:
    """`people` in one team needing Trauma Informed, `trained` of them with it before D (and
    one more trained the day after D, who does not count)."""
    partnership = PartnershipFactory(slug=slug, name=slug.title(), shares_indicators=shares)
    team = TeamFactory(partnership=partnership)
    course = CourseFactory(partnership=partnership, level=Level.INFORMED)
    staff = StaffMemberFactory.create_batch(people, team=team)
    for person in staff[:trained]:
        CompletionFactory(staff=person, course=course, completed_on=dt.date(2022, 1, 10))
    if trained < people:
        CompletionFactory(staff=staff[trained], course=course, completed_on=D + dt.timedelta(1))
    return partnership


@pytest.fixture
def three(db):
    a_partnership("angus", people=10, trained=6)
    a_partnership("dundee", people=20, trained=10)
    a_partnership("tiny", people=3, trained=3)  # under the threshold of 5: withheld
    a_partnership("perth", people=10, trained=0, shares=False)  # not sharing: not there


def test_coverage_is_compared_across_the_partnerships_that_share(capsys, three):
    code, out, err = cli(
        capsys, "indicators", "compare", "--indicator", "coverage-informed", "--as-of", D,
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    found = json.loads(out)
    # pooled: (6 + 10) / (10 + 20) = 16 / 30; tiny (3 people) is left out of it.
    assert found["indicator"] == "coverage-informed" and found["as_of"] == "2022-06-30"
    assert found["pooled"] == round(16 / 30, 6)
    assert [p["partnership"] for p in found["partnerships"]] == ["angus", "dundee", "tiny"]
    angus, dundee, tiny = found["partnerships"]
    assert (angus["n"], angus["x"], angus["percent"]) == (10, 6, 60.0)
    assert (dundee["n"], dundee["x"], dundee["percent"]) == (20, 10, 50.0)
    assert angus["limits"]["95"] == [round(v, 6) for v in limits_at(16 / 30, 10)["95"]]
    assert angus["position"] == dundee["position"] == "within"
    assert tiny == {"partnership": "tiny", "suppressed": True}


def test_a_partnership_that_stops_sharing_is_out_of_the_next_comparison_at_once(capsys, three):
    code, out, _ = cli(capsys, "partnership", "share", "dundee", "--national", "off")
    assert code == 0 and "no longer take part" in out
    _, out, _ = cli(
        capsys, "indicators", "compare", "--indicator", "coverage-informed", "--as-of", D,
        "--format", "json",
    )  # fmt: skip
    found = json.loads(out)
    assert [p["partnership"] for p in found["partnerships"]] == ["angus", "tiny"]
    assert found["pooled"] == 0.6  # angus alone


def test_sharing_is_off_for_a_new_partnership_and_each_change_is_recorded(capsys):
    code, _, _ = cli(capsys, "partnership", "create", "fife", "--name", "Fife")
    fife = Partnership.objects.get(slug="fife")
    assert code == 0 and fife.shares_indicators is False
    code, out, _ = cli(capsys, "partnership", "share", "fife", "--national", "on")
    assert code == 0 and "now take part in comparisons" in out
    code, out, _ = cli(capsys, "partnership", "share", "fife", "--national", "on")
    assert code == 0 and "already take part" in out
    cli(capsys, "partnership", "share", "fife", "--national", "off")
    changes = list(SharingChange.objects.filter(partnership=fife).order_by("id"))
    assert [(c.shared, c.via, c.changed_by) for c in changes] == [
        (True, "command", None),
        (False, "command", None),
    ]  # the repeated "on" changed nothing, so recorded nothing


def test_the_table_and_the_csv_say_the_same(capsys, three):
    _, out, _ = cli(
        capsys, "indicators", "compare", "--indicator", "coverage-informed", "--as-of", D
    )
    assert "coverage-informed on 30 June 2022, across 3 partnerships" in out
    assert "pooled 53.3%" in out
    assert "withheld" in out.splitlines()[-1] and out.splitlines()[-1].startswith("tiny")
    _, out, _ = cli(
        capsys, "indicators", "compare", "--indicator", "coverage-informed", "--as-of", D,
        "--format", "csv",
    )  # fmt: skip
    lines = out.strip().splitlines()
    assert lines[0].split(",") == [
        "partnership", "n", "x", "percent", "lower_95", "upper_95", "lower_99.8", "upper_99.8",
        "position",
    ]  # fmt: skip
    assert lines[1].startswith("angus,10,6,60.0,") and lines[1].endswith(",within")
    assert lines[3] == "tiny,,,,,,,,withheld"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["indicators", "compare", "--indicator", "happiness", "--as-of", "2022-06-30"],
         "no indicator 'happiness': those that can be compared are coverage-informed"),
        (["indicators", "compare", "--indicator", "coverage-informed", "--as-of", "30th June"],
         "--as-of"),
        (["partnership", "share", "nowhere", "--national", "on"], "no partnership 'nowhere'"),
        (["partnership", "share", "nowhere", "--national", "maybe"], "--national"),
    ],
)  # fmt: skip
def test_mistakes_are_plain_errors(capsys, argv, message):
    try:
        code, _, err = cli(capsys, *argv)
    except SystemExit as exit_:  # argparse's own refusal of a bad argument
        code, err = exit_.code, capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err
