"""The `tiptracker` command setting up and serving: the installed command creating the schema
on first use, `migrate`, and a schema left behind by an upgrade, each run for real (as the
installed console script or `python -m`) against a fresh SQLite file; and `serve`, run in this
process: the address e-mailed links point at, the web server without the worker, and workers
forked with no database connection open."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tiptracker.imports.tests.helpers import csv_bytes
from tiptracker.tests.cli_helpers import figures

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
    from tiptracker.cli.serving import serve

    started = {}
    monkeypatch.setenv("SITE_URL", "set so that teardown restores the environment")
    monkeypatch.delenv("SITE_URL")

    def supervise(web, worker, log):
        # The web server and the worker are child processes: they read SITE_URL from here.
        started.update(web=web[3:], worker=worker[3:], site_url=os.environ["SITE_URL"])
        return 0

    monkeypatch.setattr(tiptracker.server, "supervise", supervise)
    assert serve("0.0.0.0", 8791) == 0  # noqa: S104
    assert started == {
        "web": ["serve", "--no-worker", "--host", "0.0.0.0", "--port", "8791"],  # noqa: S104
        "worker": ["worker"],
        "site_url": "http://127.0.0.1:8791",
    }
    assert settings.SITE_URL == "http://127.0.0.1:8791"
    monkeypatch.setenv("SITE_URL", "https://tip.example.org")
    settings.SITE_URL = "https://tip.example.org"
    serve("127.0.0.1", 8792)
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
