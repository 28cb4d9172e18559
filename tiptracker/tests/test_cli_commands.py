"""The `tiptracker` command's everyday commands, as formats.md describes them: help,
partnerships, purge, the exit codes of an import, totp-code and report.

Run in this process through `tiptracker.cli.main` against the test database (fast)."""

import datetime as dt

import pytest

from tiptracker.cli import main
from tiptracker.imports.tests.helpers import cli, csv_bytes
from tiptracker.partnerships.models import Partnership
from tiptracker.workforce.models import StaffMember

# Help -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["demo"],
        ["serve"],
        ["partnership"],
        ["partnership", "create"],
        ["member", "add"],
        ["import"],
        ["coverage"],
        ["send-due"],
        ["worker"],
        ["purge"],
        ["rotate-keys"],
    ],
    ids=lambda c: " ".join(c) or "tiptracker",
)
def test_every_command_explains_itself_with_help(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: tiptracker {' '.join(command)}".rstrip())


def test_the_import_help_names_the_kinds_and_options(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    for text in (
        "staff, needs, courses or completions",
        "--partnership",
        "--dry-run",
        "--skip-invalid",
        "--rejects",
    ):
        assert text in out


# Partnerships -----------------------------------------------------------------------------


def test_creating_a_partnership_twice_fails_clearly(capsys, db):
    assert cli(capsys, "partnership", "create", "fife", "--name", "Fife Partnership")[:2] == (
        0,
        "Created partnership fife: Fife Partnership\n",
    )
    code, out, err = cli(capsys, "partnership", "create", "fife", "--name", "Another Fife")
    assert code == 1
    assert err == "tiptracker: error: a partnership with the slug 'fife' already exists\n"
    assert Partnership.objects.get(slug="fife").name == "Fife Partnership"


def test_a_bad_partnership_slug_is_a_plain_error(capsys, db):
    code, out, err = cli(capsys, "partnership", "create", "Fife Council!", "--name", "Fife")
    assert code == 1
    assert (
        "is not a valid slug: use lower-case letters, digits and hyphens" in err
        and "Traceback" not in err
    )
    assert not Partnership.objects.exists()


def test_partnership_create_names_the_council_and_board_the_directions_go_to(capsys, db):
    code, _out, err = cli(
        capsys,
        "partnership",
        "create",
        "angus",
        "--name",
        "Angus Health and Social Care Partnership",
        "--council",
        "Angus Council",
        "--health-board",
        "NHS Tayside",
    )
    assert code == 0, err
    from tiptracker.reporting.gather import report_figures

    angus = Partnership.objects.get(slug="angus")
    figures = report_figures(
        partnership_id=angus.pk, start=dt.date(2022, 1, 1), end=dt.date(2022, 6, 30)
    )
    assert (figures.council, figures.health_board) == ("Angus Council", "NHS Tayside")
    code, _out, err = cli(
        capsys,
        "partnership",
        "create",
        "same",
        "--name",
        "Same",
        "--council",
        "X",
        "--health-board",
        "x",
    )
    assert code == 1 and "need different names" in err
    assert not Partnership.objects.filter(slug="same").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["coverage", "--partnership", "nowhere"],
        ["import", "staff", "FILE", "--partnership", "nowhere"],
        [
            "member",
            "add",
            "--partnership",
            "nowhere",
            "--email",
            "a@example.org",
            "--role",
            "admin",
        ],
    ],
    ids=["coverage", "import", "member add"],
)
def test_an_unknown_partnership_is_an_error_and_creates_nothing(capsys, db, tmp_path, argv):
    (tmp_path / "staff.csv").write_bytes(csv_bytes("staff_id,organisation,team", "S1,A,B"))
    argv = [str(tmp_path / "staff.csv") if a == "FILE" else a for a in argv]
    code, out, err = cli(capsys, *argv)
    assert code == 1
    assert err.startswith(
        "tiptracker: error: no partnership 'nowhere' (create it with: tiptracker partnership create nowhere"
    )
    assert not Partnership.objects.exists() and not StaffMember.objects.exists()


def test_purge_says_what_it_erased(capsys, db):
    assert cli(capsys, "purge") == (
        0,
        "Erased 0 uploaded import files past their retention period\n"
        "Erased 0 lived-experience route record(s) past retention; closed 0 left without a "
        "step before consent for too long\n",
        "",
    )


# Import exit codes ------------------------------------------------------------------------


@pytest.fixture
def staff_file(tmp_path):
    def make(*rows):
        path = tmp_path / "staff.csv"
        path.write_bytes(csv_bytes("staff_id,organisation,team,start_date", *rows))
        return path

    return make


def test_an_import_of_valid_rows_exits_0(capsys, partnership, staff_file):
    code, out, err = cli(
        capsys,
        "import",
        "staff",
        staff_file("S1,NHS Tayside,Ward 1,", "S2,NHS Tayside,Ward 1,"),
        "--partnership",
        partnership.slug,
    )
    assert (code, err) == (0, "")
    assert out == (
        "note: new organisation, created by this import: NHS Tayside\n"
        "note: 1 new team, created by this import\n"
        "staff: 2 rows, 2 valid, 0 invalid; imported: 2 new, 0 updated, 0 unchanged\n"
    )


def test_an_import_with_invalid_rows_exits_1_and_writes_nothing(capsys, partnership, staff_file):
    code, out, err = cli(
        capsys,
        "import",
        "staff",
        staff_file("S1,NHS Tayside,Ward 1,", "S2,NHS Tayside,Ward 1,31/02/2022"),
        "--partnership",
        partnership.slug,
    )
    assert code == 1
    assert "row 3, column start_date: '31/02/2022' is not a real date" in err
    assert not StaffMember.objects.exists()


def test_an_import_with_skip_invalid_exits_0_having_written_the_valid_rows(
    capsys, partnership, staff_file
):
    code, out, err = cli(
        capsys,
        "import",
        "staff",
        staff_file("S1,NHS Tayside,Ward 1,", "S2,NHS Tayside,Ward 1,31/02/2022"),
        "--partnership",
        partnership.slug,
        "--skip-invalid",
    )
    assert code == 0
    assert list(StaffMember.objects.values_list("staff_id", flat=True)) == ["S1"]


def test_an_unknown_import_kind_is_refused_by_the_argument_parser(capsys, partnership, staff_file):
    with pytest.raises(SystemExit) as exit_:
        main(["import", "people", str(staff_file("S1,A,B,")), "--partnership", partnership.slug])
    assert exit_.value.code == 2
    assert "invalid choice: 'people'" in capsys.readouterr().err


# totp-code ---------------------------------------------------------------------------------


def test_totp_code_prints_the_demo_coordinators_current_code(db, capsys):
    from tiptracker.accounts.second_factor import current_code
    from tiptracker.lived.tests.unlock import device_for
    from tiptracker.partnerships.tests.factories import MembershipFactory, UserFactory

    dundee = Partnership.objects.create(slug="dundee", name="Dundee")
    MembershipFactory(
        partnership=dundee,
        role="admin",
        user=UserFactory(username="admin@dundee.demo", email="admin@dundee.demo"),
    )
    coordinator = MembershipFactory(
        partnership=dundee,
        role="le_coordinator",
        user=UserFactory(username="le-coordinator@dundee.demo", email="le-coordinator@dundee.demo"),
    )
    device = device_for(coordinator)
    code, out, _err = cli(capsys, "totp-code", "le-coordinator@dundee.demo")
    assert code == 0 and out.strip() == current_code(device)


def test_totp_code_refuses_any_account_that_is_not_the_demos(db, capsys):
    from tiptracker.lived.tests.unlock import device_for
    from tiptracker.partnerships.tests.factories import MembershipFactory

    coordinator = MembershipFactory(role="le_coordinator")
    device_for(coordinator)
    code, out, err = cli(capsys, "totp-code", coordinator.user.username)
    assert code == 1 and out == ""
    assert "is not a login of the demo" in err


# report -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("2022-06-30", "2021-12-01", "the period ends (1 December 2021) before it starts"),
        ("2021-12-01", "2999-06-30", "the period ends in the future"),
    ],
)
def test_report_refuses_a_period_it_cannot_cover_and_writes_nothing(
    capsys, db, tmp_path, start, end, says
):
    Partnership.objects.create(slug="own", name="Own")
    out = tmp_path / "report.docx"
    code, _out, err = cli(
        capsys, "report", "--partnership", "own", "--from", start, "--to", end, "--out", out
    )
    assert code == 1 and says in err
    assert not out.exists()


def test_report_refuses_a_date_that_is_not_one(capsys, db, tmp_path):
    out = tmp_path / "report.docx"
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "report",
                "--partnership",
                "own",
                "--from",
                "2021-12-01",
                "--to",
                "2022-13-01",
                "--out",
                str(out),
            ]
        )
    assert stopped.value.code == 2 and "2022-13-01" in capsys.readouterr().err
    assert not out.exists()


def test_report_refuses_an_unknown_format_and_an_unknown_partnership(capsys, db, tmp_path):
    Partnership.objects.create(slug="own", name="Own")
    period = ["--from", "2021-12-01", "--to", "2022-06-30"]
    code, _out, err = cli(
        capsys, "report", "--partnership", "own", *period, "--out", tmp_path / "r.txt"
    )
    assert code == 1 and "must end in .docx, .pdf or .html" in err
    code, _out, err = cli(
        capsys, "report", "--partnership", "nowhere", *period, "--out", tmp_path / "r.docx"
    )
    assert code == 1 and "no partnership 'nowhere'" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ending", [".docx", ".pdf", ".html"])
def test_report_writes_the_format_its_file_ends_in(capsys, db, tmp_path, ending):
    Partnership.objects.create(slug="own", name="Own Partnership")
    out = tmp_path / f"report{ending}"
    code, said, _err = cli(
        capsys,
        "report",
        "--partnership",
        "own",
        "--from",
        "2021-12-01",
        "--to",
        "2022-06-30",
        "--out",
        out,
    )
    assert code == 0 and str(out) in said
    content = out.read_bytes()
    if ending == ".docx":
        import docx

        document = docx.Document(str(out))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert any("PURPOSE OF REPORT" in h for h in headings)
    elif ending == ".pdf":
        assert content.startswith(b"%PDF")
    else:
        assert b"PURPOSE OF REPORT" in content and b"No training sessions were held" in content
