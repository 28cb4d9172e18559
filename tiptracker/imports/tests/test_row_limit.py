"""On SQLite an import holds the database's one write lock from its start to its end, so one
file's rows are limited (SQLITE_IMPORT_MAX_ROWS): a larger file is refused at the check,
before anything is written, with the way out said. PostgreSQL takes any number."""

import pytest
from django.db import connection

from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import (
    cli_import,
    csv_bytes,
    last_run,
    snapshot,
    text_of,
    upload,
)
from tiptracker.partnerships.models import Role
from tiptracker.workforce.models import StaffMember

STAFF = csv_bytes(
    "staff_id,organisation,team", *[f"S{n},NHS Tayside,Ward {n % 2}" for n in range(1, 6)]
)
on_sqlite = connection.vendor == "sqlite"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.SQLITE_IMPORT_MAX_ROWS = 4


@pytest.mark.skipif(not on_sqlite, reason="the limit is SQLite's; PostgreSQL is tested below")
def test_the_command_line_refuses_a_file_over_the_limit_and_writes_nothing(
    capsys, tmp_path, partnership
):
    before = snapshot()
    code, out, err = cli_import(capsys, tmp_path, partnership, "staff", "staff.csv", STAFF)
    assert code == 1
    assert "the file has more than 4 rows" in err
    assert (
        "split the file into parts of up to 4 rows, or move the installation to PostgreSQL" in err
    )
    assert "Traceback" not in err
    assert snapshot() == before


@pytest.mark.skipif(not on_sqlite, reason="the limit is SQLite's; PostgreSQL is tested below")
def test_the_web_check_says_why_and_the_limit_can_be_lifted(login, persona, partnership, settings):
    browser = login(persona(Role.LD_OFFICER))
    form = text_of(browser.get(f"/p/{partnership.slug}/imports/"))
    assert "At most 50 MB and 4 rows." in form  # said before anyone uploads
    response = upload(browser, partnership, "staff", "staff.csv", STAFF)
    assert response.status_code == 200
    page = text_of(response)
    assert "the most one import takes on this installation's embedded database (SQLite)" in page
    assert "govuk-error-summary" in page
    assert not StaffMember.objects.exists()

    settings.SQLITE_IMPORT_MAX_ROWS = 0  # no limit
    upload(browser, partnership, "staff", "staff.csv", STAFF)
    assert last_run().status == ImportRun.Status.PREVIEW


def test_a_file_at_the_limit_imports(capsys, tmp_path, partnership):
    at_limit = b"\n".join(STAFF.splitlines()[:5]) + b"\n"
    code, _, err = cli_import(capsys, tmp_path, partnership, "staff", "staff.csv", at_limit)
    assert code == 0, err
    assert StaffMember.objects.count() == 4


@pytest.mark.skipif(on_sqlite, reason="PostgreSQL has no such limit")
def test_postgresql_takes_any_number_of_rows(capsys, tmp_path, partnership):
    code, _, err = cli_import(capsys, tmp_path, partnership, "staff", "staff.csv", STAFF)
    assert code == 0, err
    assert StaffMember.objects.count() == 5


@pytest.mark.skipif(not on_sqlite, reason="the limit is SQLite's; PostgreSQL is tested above")
def test_the_workers_check_of_a_large_upload_fails_it_with_the_reason(
    login, persona, partnership, settings
):
    from tiptracker.imports import runs

    settings.IMPORT_INLINE_MAX_BYTES = 10  # checked by the worker, as a large file is
    browser = login(persona(Role.LD_OFFICER))
    upload(browser, partnership, "staff", "staff.csv", STAFF)
    assert runs.imports_process_queued() == 1
    run = last_run()
    assert run.status == ImportRun.Status.FAILED
    page = text_of(browser.get(f"/p/{partnership.slug}/imports/{run.pk}/"))
    assert "split the file into parts of up to 4 rows" in page
    assert not StaffMember.objects.exists()
