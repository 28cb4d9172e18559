"""The `tiptracker` command, as formats.md describes it.

Run in this process through `tiptracker.cli.main` against the test database (fast), and
once for real as the installed console script against a fresh SQLite file."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tiptracker.cli import main
from tiptracker.imports.tests.helpers import cli, csv_bytes
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Partnership
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

D = dt.date(2022, 6, 30)


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


# Coverage ---------------------------------------------------------------------------------


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


def figures(level, needed, met, percent):
    return {"level": level, "needed": needed, "met": met, "percent": percent}


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


# The installed command, for real ----------------------------------------------------------


def test_the_installed_command_creates_the_schema_on_first_use(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    script = Path(sys.executable).with_name("tiptracker")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tiptracker.cli"]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_DIR": str(tmp_path / "cache"),
    }

    def run(*argv):
        return subprocess.run(  # noqa: S603 - our own command with our own arguments
            [*command, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    assert not database.exists()
    created = run("partnership", "create", "fresh", "--name", "Fresh Partnership")
    assert (created.returncode, created.stderr) == (0, "")
    assert created.stdout == "Created partnership fresh: Fresh Partnership\n"
    (tmp_path / "staff.csv").write_bytes(
        csv_bytes("staff_id,organisation,team", "S1,NHS Tayside,Ward 1")
    )
    imported = run("import", "staff", "staff.csv", "--partnership", "fresh")
    assert imported.returncode == 0, imported.stderr
    covered = run("coverage", "--partnership", "fresh", "--format", "json")
    assert covered.returncode == 0, covered.stderr
    assert json.loads(covered.stdout)["totals"][0] == figures("informed", 1, 0, 0.0)
    with sqlite3.connect(database) as db:
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert {
        "django_migrations",
        "partnerships_partnership",
        "workforce_staffmember",
        "imports_importrun",
    } <= tables


def test_serve_points_e_mailed_links_at_its_own_address_unless_site_url_is_set(
    monkeypatch, settings, db
):
    # (db: serving first checks the field encryption keys against what is stored)
    import tiptracker.server
    from tiptracker import cli

    started = {}
    monkeypatch.setenv("SITE_URL", "set so that teardown restores the environment")
    monkeypatch.delenv("SITE_URL")

    def supervise(web, worker, log):
        # The web server and the worker are child processes: they read SITE_URL from here.
        started.update(web=web[3:], worker=worker[3:], site_url=os.environ["SITE_URL"])
        return 0

    monkeypatch.setattr(tiptracker.server, "supervise", supervise)
    assert cli._serve("0.0.0.0", 8791) == 0  # noqa: S104
    assert started == {
        "web": ["serve", "--no-worker", "--host", "0.0.0.0", "--port", "8791"],  # noqa: S104
        "worker": ["worker"],
        "site_url": "http://127.0.0.1:8791",
    }
    assert settings.SITE_URL == "http://127.0.0.1:8791"
    monkeypatch.setenv("SITE_URL", "https://tip.example.org")
    settings.SITE_URL = "https://tip.example.org"
    cli._serve("127.0.0.1", 8792)
    assert started["site_url"] == "https://tip.example.org"


def test_serve_without_a_worker_runs_only_the_web_server(monkeypatch, settings, db):
    import tiptracker.server
    from tiptracker import cli

    monkeypatch.setenv("SITE_URL", "https://tip.example.org")  # restored after the test
    served = []
    monkeypatch.setattr(
        tiptracker.server, "run_server", lambda host, port: served.append((host, port))
    )
    monkeypatch.setattr(tiptracker.server, "supervise", lambda *a, **k: served.append("worker"))
    assert cli.main(["serve", "--no-worker", "--port", "8793"]) == 0
    assert served == [("127.0.0.1", 8793)]


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


@pytest.mark.django_db(transaction=True)
def test_the_server_forks_its_workers_with_no_database_connection_open(monkeypatch):
    """Serving checks the stored keys (a query) before gunicorn forks: the workers must not
    inherit that connection, or they share one socket and read each other's results."""
    from django.db import connection

    import tiptracker.server
    from tiptracker.partnerships.models import Partnership

    Partnership.objects.exists()  # the master has used the database
    assert connection.connection is not None
    forked_with = []
    monkeypatch.setattr(
        tiptracker.server._Server, "run", lambda self: forked_with.append(connection.connection)
    )
    tiptracker.server.run_server(host="127.0.0.1", port=8793)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Django keeps the test run's in-memory database open whatever is asked (closing it
        # would lose it); a database file is closed like PostgreSQL's connection.
        assert forked_with == [connection.connection]
    else:
        assert forked_with == [None]


def test_migrate_brings_a_new_database_up_to_date(tmp_path, monkeypatch):
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    first = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tiptracker.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied ") and "is up to date" in first.stdout
    assert not first.stdout.startswith("Applied 0 ")
    again = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tiptracker.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.stdout.startswith("Applied 0 migrations")


def test_a_schema_left_behind_by_an_upgrade_is_migrated_on_purpose_not_by_any_command(
    tmp_path,
):
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"}

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own program)
            [sys.executable, "-m", *argv], env=env, capture_output=True, text=True, timeout=300
        )

    # First use creates the schema, whatever the command (formats.md).
    first = run("tiptracker.cli", "partnership", "create", "own", "--name", "Own")
    assert first.returncode == 0, first.stderr
    # An older version's schema: the last reporting change not yet applied.
    back = run("django", "migrate", "reporting", "0006", "--settings=tiptracker.settings")
    assert back.returncode == 0, back.stderr
    refused = run("tiptracker.cli", "coverage", "--partnership", "own")
    assert refused.returncode == 1
    assert "is not up to date with this version" in refused.stderr
    assert "run `tiptracker migrate` first" in refused.stderr
    assert "Traceback" not in refused.stderr
    applied = run("tiptracker.cli", "migrate").stdout
    assert applied.startswith("Applied ") and not applied.startswith("Applied 0 ")
    assert run("tiptracker.cli", "coverage", "--partnership", "own").returncode == 0


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
    from tiptracker.reporting.figures import report_figures

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
