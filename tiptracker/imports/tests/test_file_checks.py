"""Files that cannot be imported at all: each is refused with a message saying why, through
the command line and through the web upload alike, and nothing in the database changes."""

import io
import zipfile

import pytest

from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import (
    cli,
    cli_import,
    csv_bytes,
    snapshot,
    text_of,
    upload,
    xlsx_bytes,
)
from tiptracker.partnerships.models import Partnership, Role


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buffer.getvalue()


STAFF_CSV = csv_bytes("staff_id,organisation,team", "S1,NHS Tayside,Ward 1")


@pytest.fixture(params=["cli", "web"])
def attempt(request, partnership, persona, login, capsys, tmp_path):
    """attempt(kind, name, content) -> the message the person sees, having checked that the
    file was refused (exit status 1 with no traceback; the form shown again with an error)."""
    client = login(persona(Role.LD_OFFICER))

    def by_cli(kind, name, content):
        code, out, err = cli_import(capsys, tmp_path, partnership, kind, name, content)
        assert code == 1
        assert "Traceback" not in err and err.startswith("tiptracker: error: ")
        assert "nothing was imported" in err
        return err

    def by_web(kind, name, content):
        response = upload(client, partnership, kind, name, content)
        assert response.status_code == 200  # the form again, not a redirect to a run
        page = text_of(response)
        assert "There is a problem" in page and "govuk-error-message" in page
        assert not ImportRun.objects.exists()  # a refused upload leaves nothing behind
        return page

    return by_cli if request.param == "cli" else by_web


CASES = {
    "a missing required column": (
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation", "S1,NHS Tayside"),
        "missing required column: team",
    ),
    "several missing columns": (
        "completions",
        "c.csv",
        csv_bytes("staff_id", "S1"),
        "missing required columns: course_code, completed_on",
    ),
    "binary garbage named .csv": (
        "staff",
        "staff.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd" * 20,
        "not readable as UTF-8 text",
    ),
    "a workbook named .csv": (
        "staff",
        "staff.csv",
        xlsx_bytes(["staff_id", "organisation", "team"], ["S1", "A", "B"]),
        "an Excel workbook, not CSV",
    ),
    "an .xlsx that is not a zip": (
        "staff",
        "staff.xlsx",
        STAFF_CSV,
        "not a readable XLSX workbook",
    ),
    "a zip that is not a workbook": (
        "staff",
        "staff.xlsx",
        zip_bytes(),
        "not a readable XLSX workbook",
    ),
    "an empty file": ("staff", "staff.csv", b"", "the file is empty"),
    "a CSV with only a header": (
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation,team"),
        "the file has a header but no rows",
    ),
    "a CSV with a header and blank lines": (
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation,team", ",,", ""),
        "the file has a header but no rows",
    ),
    "a workbook with only a header": (
        "courses",
        "c.xlsx",
        xlsx_bytes(["course_code", "title", "level"]),
        "the file has a header but no rows",
    ),
    "a text file": ("staff", "staff.txt", STAFF_CSV, "'staff.txt' is not a CSV or XLSX file"),
    "a PDF": (
        "staff",
        "staff.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "'staff.pdf' is not a CSV or XLSX file",
    ),
    "a column given twice": (
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation,team,Team", "S1,A,B,C"),
        "the column team appears more than once",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_it_refuses_a_file_that_cannot_be_imported_and_changes_nothing(attempt, case):
    kind, name, content, message = case
    before = snapshot()
    seen = attempt(kind, name, content)
    assert message.lower() in seen.lower()
    assert snapshot() == before


def test_it_refuses_a_file_larger_than_the_configured_limit(attempt, settings):
    settings.IMPORT_MAX_BYTES = 100
    content = csv_bytes(
        "staff_id,organisation,team", *[f"S{n},NHS Tayside,Ward 1" for n in range(10)]
    )
    assert len(content) > 100
    before = snapshot()
    seen = attempt("staff", "staff.csv", content)
    assert f"the file is {len(content)} bytes, larger than the limit of 100 bytes" in seen.lower()
    assert snapshot() == before


def test_the_limit_defaults_to_50_mb():
    from django.conf import settings

    assert settings.IMPORT_MAX_BYTES == 50 * 1024 * 1024


def test_an_unknown_partnership_is_an_error_and_is_never_created(capsys, tmp_path, partnership):
    (tmp_path / "staff.csv").write_bytes(STAFF_CSV)
    before = snapshot()
    code, out, err = cli(
        capsys, "import", "staff", tmp_path / "staff.csv", "--partnership", "nowhere"
    )
    assert code == 1
    assert "no partnership 'nowhere'" in err and "Traceback" not in err
    assert not Partnership.objects.filter(slug="nowhere").exists()
    assert snapshot() == before
    assert not ImportRun.objects.exists()


def test_a_missing_file_on_the_command_line_is_a_plain_error(capsys, tmp_path, partnership):
    code, out, err = cli(
        capsys, "import", "staff", tmp_path / "absent.csv", "--partnership", partnership.slug
    )
    assert code == 1
    assert f"no file at {tmp_path / 'absent.csv'}" in err and "Traceback" not in err


def test_the_command_line_logs_a_refused_file_as_failed(capsys, tmp_path, partnership):
    cli_import(
        capsys,
        tmp_path,
        partnership,
        "staff",
        "staff.csv",
        csv_bytes("staff_id,organisation", "S1,A"),
    )
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.message == "missing required column: team"
    assert run.source == "cli" and run.filename == "staff.csv"


def test_a_staff_member_or_an_outsider_cannot_upload_a_file_at_all(
    partnership, member, outsider, admin, login
):
    # The personas: the administrator may (above, as an officer); the others are turned away
    # before the file is even read.
    before = snapshot()
    assert upload(login(member), partnership, "staff", "staff.csv", STAFF_CSV).status_code == 403
    assert upload(login(outsider), partnership, "staff", "staff.csv", STAFF_CSV).status_code == 404
    assert snapshot() == before and not ImportRun.objects.exists()
    assert upload(login(admin), partnership, "staff", "staff.csv", STAFF_CSV).status_code == 302


def test_every_kind_names_real_tables_to_refresh_after_a_large_import(db):
    from django.db import connection

    from tiptracker.imports.importing import WRITTEN_TABLES
    from tiptracker.imports.kinds import KINDS

    existing = set(connection.introspection.table_names())
    assert set(WRITTEN_TABLES) == set(KINDS)
    for kind, tables in WRITTEN_TABLES.items():
        assert tables and set(tables) <= existing, kind
