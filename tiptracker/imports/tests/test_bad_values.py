"""Values no database should be handed (issue 14): a control character in a cell, a text
longer than the field it goes into, a date before 1900, and workbooks that unpack to more
than an import may read. Each is a plain problem naming its row and column (or the whole
file's problem, said plainly) in the check, through the command line and the web alike, on
SQLite and on PostgreSQL, and nothing is written."""

import datetime as dt
import re
import zipfile

import pytest

from tiptracker.imports import runs
from tiptracker.imports.kinds import KINDS
from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import (
    cli_import,
    csv_bytes,
    last_run,
    snapshot,
    text_of,
    upload,
    xlsx_bytes,
)
from tiptracker.lib.tests import workbooks
from tiptracker.partnerships.models import Organisation, Role
from tiptracker.training.models import Completion, Course
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.models import StaffMember, Team
from tiptracker.workforce.tests.factories import StaffMemberFactory

NUL = "\x00"


@pytest.fixture
def known(partnership, team):
    """Staff member S1 in the team Housing Options (of its organisation), and course C1:
    what a needs or completions file can refer to."""
    return StaffMemberFactory(team=team, staff_id="S1"), CourseFactory(
        partnership=partnership, code="C1"
    )


@pytest.fixture
def run_import(capsys, tmp_path, partnership):
    def go(kind, content, *options, name=None):
        return cli_import(
            capsys, tmp_path, partnership, kind, name or f"{kind}.csv", content, *options
        )

    return go


def refused(run_import, kind, content, *, name=None):
    """Import a file with a bad row through the command line: it stops with the problems on
    stderr and no traceback, and writes nothing. Returns stderr."""
    before = snapshot()
    code, out, err = run_import(kind, content, name=name)
    assert code == 1, out
    assert "Traceback" not in err
    assert "nothing was imported because of the invalid rows" in err
    assert snapshot() == before
    return err


# Control characters --------------------------------------------------------------------------

# case: (kind, header, a good row, the bad row made with the bad character, the bad column,
# where in the value the bad character is).
FILES = {
    "staff email": (
        "staff",
        "staff_id,organisation,team,email",
        "S2,NHS Tayside,Ward 1,bob@nhs.scot",
        lambda bad: f"S3,NHS Tayside,Ward 1,a{bad}b@nhs.scot",
        "email",
        2,
    ),
    "staff staff_id": (
        "staff",
        "staff_id,organisation,team",
        "S2,NHS Tayside,Ward 1",
        lambda bad: f"S{bad}3,NHS Tayside,Ward 1",
        "staff_id",
        2,
    ),
    "staff start_date": (
        "staff",
        "staff_id,organisation,team,start_date",
        "S2,NHS Tayside,Ward 1,2021-01-04",
        lambda bad: f"S3,NHS Tayside,Ward 1,2021-01-04{bad}",
        "start_date",
        11,
    ),
    "needs team": (
        "needs",
        "organisation,team,required_level",
        "{org},Housing Options,skilled",
        lambda bad: f"{{org}},Housing{bad} Options,skilled",
        "team",
        8,
    ),
    "courses provider": (
        "courses",
        "course_code,title,level,provider",
        "C2,Opening Doors,informed,NES",
        lambda bad: f"C3,Trauma skilled,skilled,NES{bad}",
        "provider",
        4,
    ),
    "courses description": (
        "courses",
        "course_code,title,level,description",
        "C2,Opening Doors,informed,An introduction",
        lambda bad: f'C3,Trauma skilled,skilled,"Two lines:{bad}\nthe second"',
        "description",
        11,
    ),
    "completions staff_id": (
        "completions",
        "staff_id,course_code,completed_on",
        "S1,C1,2022-01-05",
        lambda bad: f"S1{bad},C1,2022-01-06",
        "staff_id",
        3,
    ),
    "completions completed_on": (
        "completions",
        "staff_id,course_code,completed_on",
        "S1,C1,2022-01-05",
        lambda bad: f"S1,C1,{bad}2022-01-06",
        "completed_on",
        1,
    ),
}


def _file(case, bad, organisation):
    kind, header, good, make_bad, column, at = FILES[case]
    lines = [header, good.format(org=organisation), make_bad(bad).format(org=organisation)]
    return kind, csv_bytes(*lines), column, at


def test_every_kind_has_a_case():
    assert {kind for kind, *_ in FILES.values()} == set(KINDS)


@pytest.mark.parametrize("case", FILES)
def test_a_nul_in_a_cell_is_a_problem_of_its_row_and_column(run_import, known, case):
    kind, content, column, at = _file(case, NUL, known[0].organisation.name)
    err = refused(run_import, kind, content)
    assert (
        f"row 3, column {column}: contains an invisible control character (NUL, at character "
        f"{at}): remove it\n" in err
    )


@pytest.mark.parametrize("case", FILES)
def test_a_nul_is_found_by_the_check_and_logged_with_the_run(run_import, known, case):
    # The dry run is the check: it finishes (on PostgreSQL, whose text and JSON columns
    # cannot hold a NUL, the log of the run used to fail and leave a traceback) and the
    # problem is kept with the run.
    kind, content, column, at = _file(case, NUL, known[0].organisation.name)
    before = snapshot()
    code, out, err = run_import(kind, content, "--dry-run")
    assert code == 1 and "Traceback" not in err
    run = last_run()
    assert run.status == ImportRun.Status.CHECKED
    assert run.problems == [
        {
            "row": 3,
            "column": column,
            "message": f"contains an invisible control character (NUL, at character {at}): remove it",
        }
    ]
    assert run.rows_valid == 1 and run.rows_invalid == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    ("character", "named"),
    [("\x1b", "U+001B"), ("\x07", "U+0007"), ("\x7f", "U+007F"), ("\x9b", "U+009B")],
)
def test_every_other_invisible_control_character_is_a_problem_too(run_import, character, named):
    content = csv_bytes("staff_id,organisation,team", f"S1,NHS Tayside,Ward{character} 1")
    err = refused(run_import, "staff", content)
    assert f"row 2, column team: contains an invisible control character ({named}, at" in err


def test_a_line_break_or_tab_is_refused_in_a_one_line_column(run_import):
    err = refused(
        run_import,
        "courses",
        csv_bytes("course_code,title,level", 'C1,"Opening\nDoors",informed', "C2,Two\tparts,1"),
    )
    assert (
        "row 2, column title: contains a line break (at character 8): this column takes one "
        "line of text" in err
    )
    assert "row 3, column title: contains a tab (at character 4): use a space instead" in err


def test_line_breaks_and_tabs_are_kept_in_a_column_of_several_lines(run_import):
    code, out, err = run_import(
        "courses",
        csv_bytes(
            "course_code,title,level,description,learning_outcomes",
            'C1,Opening Doors,informed,"First:\n\tan indented second line","Spot it\nRespond"',
        ),
    )
    assert code == 0, err
    course = Course.objects.get()
    assert course.description == "First:\n\tan indented second line"
    assert course.learning_outcomes == "Spot it\nRespond"


def test_a_line_break_at_the_end_of_a_workbook_cell_is_trimmed_as_ever(run_import):
    content = xlsx_bytes(
        ["staff_id", "organisation", "team"], ["S1", "NHS Tayside\n", "Ward 1\r\n"]
    )
    code, out, err = run_import("staff", content, name="staff.xlsx")
    assert code == 0, err
    assert Team.objects.get().name == "Ward 1"


def test_a_control_character_in_a_workbook_cell_is_a_problem_of_its_row(run_import):
    content = xlsx_bytes(
        ["staff_id", "organisation", "team"],
        ["S1", "NHS Tayside", "Ward 1"],
        ["S2", "NHS\x7f", "W"],
    )
    err = refused(run_import, "staff", content, name="staff.xlsx")
    assert "row 3, column organisation: contains an invisible control character (U+007F" in err


def test_a_nul_written_into_a_workbook_is_refused_as_damaged(run_import):
    # XML cannot hold a NUL, so a workbook with one is damaged: said plainly, nothing written.
    parts = workbooks.workbook_parts(["staff_id", "organisation", "team"], ["S1", "NHS", "Ward"])
    head, tail = workbooks.sheet_xml(
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>S\x002</t></is></c></row>'
    )
    parts["xl/worksheets/sheet1.xml"] = workbooks.packed(head + tail)
    before = snapshot()
    code, out, err = run_import("staff", workbooks.zip_of(parts), name="staff.xlsx")
    assert code == 1 and "Traceback" not in err
    assert "the file is not a readable XLSX workbook: it is damaged at or near row 2" in err
    assert snapshot() == before


def test_a_bad_cell_is_reported_once_and_the_rows_other_problems_still_are(run_import):
    content = csv_bytes(
        "staff_id,organisation,team,email,is_manager",
        f"S1,NHS Tayside,Ward 1,ann{NUL} hall,perhaps",
    )
    err = refused(run_import, "staff", content)
    problems = [line for line in err.splitlines() if line.startswith("row ")]
    assert problems == [
        "row 2, column email: contains an invisible control character (NUL, at character 4): remove it",
        "row 2, column is_manager: 'perhaps' is not yes or no",
    ]  # and not "is not an e-mail address", which would quote the NUL back


def test_rows_with_a_nul_are_left_out_with_skip_invalid_and_the_rest_imported(run_import, tmp_path):
    rejects = tmp_path / "rejects.csv"
    content = csv_bytes(
        "staff_id,organisation,team,first_name",
        "S1,NHS Tayside,Ward 1,Ann",
        f"S2,NHS Tayside,Ward 1,B{NUL}b",
    )
    code, out, err = run_import("staff", content, "--skip-invalid", "--rejects", rejects)
    assert code == 0, err
    assert list(StaffMember.objects.values_list("staff_id", "first_name")) == [("S1", "Ann")]
    assert "first_name: contains an invisible control character (NUL" in rejects.read_text()


def test_a_control_character_in_the_header_refuses_the_file(run_import):
    before = snapshot()
    code, out, err = run_import(
        "staff", csv_bytes(f"staff_id,organisation,team,notes{NUL}", "S1,NHS,Ward,x")
    )
    assert code == 1 and "Traceback" not in err
    assert (
        "the header (row 1), column 4 contains an invisible control character (NUL, at "
        "character 6): remove it; nothing was imported" in err
    )
    assert snapshot() == before


@pytest.fixture
def officer_browser(login, persona):
    return login(persona(Role.LD_OFFICER))


def test_the_web_check_lists_a_nul_by_row_and_column_and_finishes(officer_browser, partnership):
    content = csv_bytes(
        "staff_id,organisation,team,email",
        "S1,NHS Tayside,Ward 1,ann@nhs.scot",
        f"S2,NHS Tayside,Ward 1,bob{NUL}@nhs.scot",
    )
    before = snapshot()
    response = upload(officer_browser, partnership, "staff", "staff.csv", content)
    run = last_run()
    assert response.status_code == 302
    assert run.status == ImportRun.Status.INVALID
    page = text_of(officer_browser.get(f"/p/{partnership.slug}/imports/{run.pk}/"))
    assert re.search(
        r"<td[^>]*>3</td>\s*<td[^>]*>email</td>\s*<td[^>]*>contains an invisible control "
        r"character \(NUL, at character 4\): remove it</td>",
        page,
    )
    assert "Nothing was imported" in page
    assert snapshot() == before


def test_the_workers_check_of_a_large_file_with_a_nul_finishes_with_the_problem(
    officer_browser, partnership, settings
):
    # The worker's check used to fail on PostgreSQL and leave the run "checking" for ever.
    settings.IMPORT_INLINE_MAX_BYTES = 10
    content = csv_bytes("staff_id,organisation,team", "S1,NHS,Ward 1", f"S2,NHS,Ward{NUL}2")
    upload(officer_browser, partnership, "staff", "big.csv", content, skip_invalid=True)
    assert runs.imports_process_queued() == 1
    run = last_run()
    assert run.status == ImportRun.Status.PREVIEW  # the valid row waits for confirmation
    assert run.problems == [
        {
            "row": 3,
            "column": "team",
            "message": "contains an invisible control character (NUL, at character 5): remove it",
        }
    ]
    assert run.preview_rows == [
        {"row": 2, "staff_id": "S1", "organisation": "NHS", "team": "Ward 1"}
    ]


# Texts longer than their fields ---------------------------------------------------------------


def _max_length(model, field):
    return model._meta.get_field(field).max_length


def _too_long(column, length):
    if column == "email":
        return "a" * (length - len("@nhs.scot")) + "@nhs.scot"
    return "x" * length


# Every text column of every kind, with the model field it goes into (or is looked up in).
TEXT_COLUMNS = [
    ("staff", "staff_id,organisation,team,{column}", "S1,NHS Tayside,Ward 1,{value}", column, m, f)
    for column, m, f in (
        ("first_name", StaffMember, "first_name"),
        ("last_name", StaffMember, "last_name"),
        ("email", StaffMember, "email"),
        ("job_title", StaffMember, "job_title"),
    )
] + [
    ("staff", "staff_id,organisation,team", "{value},NHS Tayside,Ward 1", "staff_id", StaffMember, "staff_id"),
    ("staff", "staff_id,organisation,team", "S1,{value},Ward 1", "organisation", Organisation, "name"),
    ("staff", "staff_id,organisation,team", "S1,NHS Tayside,{value}", "team", Team, "name"),
    ("needs", "organisation,team,required_level", "NHS,{value},skilled", "team", Team, "name"),
    ("needs", "organisation,team,required_level", "{value},Ward,skilled", "organisation", Organisation, "name"),
    ("courses", "course_code,title,level", "{value},Opening Doors,1", "course_code", Course, "code"),
    ("courses", "course_code,title,level", "C1,{value},1", "title", Course, "title"),
    ("courses", "course_code,title,level,provider", "C1,Opening Doors,1,{value}", "provider", Course, "provider"),
    ("completions", "staff_id,course_code,completed_on", "{value},C1,2022-01-05", "staff_id", StaffMember, "staff_id"),
    ("completions", "staff_id,course_code,completed_on", "S1,{value},2022-01-05", "course_code", Course, "code"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "header", "row", "column", "model", "field"),
    TEXT_COLUMNS,
    ids=[f"{kind} {column}" for kind, _, _, column, _, _ in TEXT_COLUMNS],
)
def test_a_text_longer_than_its_field_is_a_problem_in_the_check(
    run_import, kind, header, row, column, model, field
):
    limit = _max_length(model, field)
    content = csv_bytes(
        header.format(column=column), row.format(value=_too_long(column, limit + 1))
    )
    err = refused(run_import, kind, content)
    assert (
        f"row 2, column {column}: is {limit + 1:,} characters long: it can be at most {limit:,}\n"
        in err
    )


def test_the_email_limit_is_the_254_characters_of_an_address(run_import):
    # The limit the check uses is the model's; this says what that is for a person.
    err = refused(
        run_import,
        "staff",
        csv_bytes("staff_id,organisation,team,email", f"S1,NHS,Ward,{_too_long('email', 255)}"),
    )
    assert "row 2, column email: is 255 characters long: it can be at most 254" in err


def test_texts_as_long_as_their_fields_are_imported_whole(run_import):
    def longest(model, field, column=None):
        return _too_long(column, _max_length(model, field))

    staff = [
        longest(StaffMember, "staff_id"),
        longest(Organisation, "name"),
        longest(Team, "name"),
        longest(StaffMember, "first_name"),
        longest(StaffMember, "last_name"),
        longest(StaffMember, "email", "email"),
        longest(StaffMember, "job_title"),
    ]
    code, out, err = run_import(
        "staff",
        csv_bytes(
            "staff_id,organisation,team,first_name,last_name,email,job_title", ",".join(staff)
        ),
    )
    assert code == 0, err
    person = StaffMember.objects.select_related("organisation", "team").get()
    kept = [
        person.staff_id,
        person.organisation.name,
        person.team.name,
        person.first_name,
        person.last_name,
        person.email,
        person.job_title,
    ]
    assert kept == staff

    course = [longest(Course, "code"), longest(Course, "title"), longest(Course, "provider")]
    code, out, err = run_import(
        "courses",
        csv_bytes("course_code,title,level,provider", f"{course[0]},{course[1]},1,{course[2]}"),
    )
    assert code == 0, err
    assert list(Course.objects.values_list("code", "title", "provider")) == [tuple(course)]


# Dates before 1900 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content", "column", "written"),
    [
        ("completions", "S1,C1,0001-01-01", "completed_on", "0001-01-01"),
        ("completions", "S1,C1,31/12/1899", "completed_on", "31/12/1899"),
        ("staff", "S2,NHS,Ward,1022-03-01,", "start_date", "1022-03-01"),
        ("staff", "S2,NHS,Ward,2021-03-01,01/01/0202", "leaving_date", "01/01/0202"),
    ],
)
def test_a_date_before_1900_is_a_problem_in_every_date_column(
    run_import, known, kind, content, column, written
):
    header = {
        "completions": "staff_id,course_code,completed_on",
        "staff": "staff_id,organisation,team,start_date,leaving_date",
    }[kind]
    err = refused(run_import, kind, csv_bytes(header, content))
    assert f"row 2, column {column}: '{written}' is before 1900: check the year" in err


def test_a_date_before_1900_typed_into_a_workbook_is_a_problem_too(run_import, known):
    # (Excel's own dates start in 1900: one before can only be typed as text.)
    content = xlsx_bytes(["staff_id", "course_code", "completed_on"], ["S1", "C1", "1899-12-31"])
    err = refused(run_import, "completions", content, name="c.xlsx")
    assert "row 2, column completed_on: '1899-12-31' is before 1900: check the year" in err


def test_the_first_day_of_1900_is_accepted(run_import, known):
    content = csv_bytes("staff_id,course_code,completed_on", "S1,C1,01/01/1900")
    code, out, err = run_import("completions", content)
    assert code == 0, err
    assert Completion.objects.get().completed_on == dt.date(1900, 1, 1)


# Workbooks that unpack to more than an import reads ---------------------------------------------


def forbid_unpacking(monkeypatch):
    """Fail the test if any part of a zip is unpacked at all from here on."""

    def unpack(self, *args):
        raise AssertionError(f"{self.name} was unpacked")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", unpack)
    monkeypatch.setattr(zipfile.ZipExtFile, "read1", unpack)


def test_a_workbook_whose_text_unpacks_to_gigabytes_is_refused_unopened(
    run_import, officer_browser, partnership, monkeypatch
):
    # The file: 4.4 MB whose shared strings unpack past 1.5 GB. This one is 1.5 MB.
    parts = workbooks.workbook_parts(["staff_id", "organisation", "team"], ["S1", "NHS", "Ward"])
    parts["xl/sharedStrings.xml"] = workbooks.shared_strings_bomb(1536 * workbooks.MEGABYTE)
    bomb = workbooks.zip_of(parts)
    assert len(bomb) < 2 * workbooks.MEGABYTE
    forbid_unpacking(monkeypatch)
    message = (
        "the workbook's text (its shared strings) unpacks to 1.5 GB, more than the 100 MB an "
        "import reads: save the sheet as CSV (UTF-8) and import that, or split the file"
    )
    before = snapshot()

    code, out, err = run_import("staff", bomb, name="staff.xlsx")
    assert code == 1 and "Traceback" not in err
    assert f"{message}; nothing was imported" in err

    # On the web a file this size is checked by the worker, which says the same on the run.
    upload(officer_browser, partnership, "staff", "staff.xlsx", bomb)
    assert runs.imports_process_queued() == 1
    run = last_run()
    assert run.status == ImportRun.Status.FAILED and run.message == message
    page = text_of(officer_browser.get(f"/p/{partnership.slug}/imports/{run.pk}/"))
    assert f"{message[0].upper()}{message[1:]}. Nothing was imported." in page
    assert snapshot() == before


def test_a_workbook_with_too_many_cells_is_refused_while_read(run_import, monkeypatch):
    from tiptracker.lib import tabular

    monkeypatch.setattr(tabular, "XLSX_CELLS", 100)
    content = xlsx_bytes(
        ["staff_id", "organisation", "team"], *[[f"S{n}", "NHS", "Ward"] for n in range(50)]
    )
    before = snapshot()
    code, out, err = run_import("staff", content, name="staff.xlsx")
    assert code == 1 and "Traceback" not in err
    assert (
        "the worksheet has more than 100 cells (rows times the header's columns) by row 35, "
        "more than an import reads: split the file; nothing was imported"
    ) in err
    assert snapshot() == before
