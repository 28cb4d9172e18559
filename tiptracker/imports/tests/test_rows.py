"""Row-level validation, the options of the import command, and the all-or-nothing rule.

Driven through the command line as a partnership's analyst would use it: each test reads
what the person sees on the terminal and checks the database."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tiptracker.imports import importing, runs
from tiptracker.imports.kinds.courses import CoursesKind
from tiptracker.imports.kinds.staff import StaffKind
from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import cli_import, csv_bytes, snapshot, xlsx_bytes
from tiptracker.lib.levels import Level
from tiptracker.training.models import Completion, Course
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.models import StaffMember, Team
from tiptracker.workforce.tests.factories import StaffMemberFactory

HEADER = "staff_id,organisation,team,first_name,last_name,required_level,start_date"


@pytest.fixture
def run_import(capsys, tmp_path, partnership):
    """run_import(kind, content, *options, name=...) -> (exit status, stdout, stderr)."""

    def go(kind, content, *options, name=None):
        return cli_import(
            capsys, tmp_path, partnership, kind, name or f"{kind}.csv", content, *options
        )

    return go


@pytest.fixture
def known(partnership, team):
    """A staff member S1 and a course C1 that completions can refer to."""
    return StaffMemberFactory(team=team, staff_id="S1"), CourseFactory(
        partnership=partnership, code="C1"
    )


def refused_row(run_import, kind, content, expected):
    """Import a file with one bad row: the row's problem is reported and nothing is written."""
    before = snapshot()
    code, out, err = run_import(kind, content)
    assert code == 1
    assert expected in err
    assert "nothing was imported because of the invalid rows" in err
    assert "Traceback" not in err
    assert snapshot() == before
    return err


# Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("June 2022", "'June 2022' is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        ("2022/06/30", "'2022/06/30' is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        ("30-06-2022", "'30-06-2022' is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
        ("31/02/2022", "'31/02/2022' is not a real date"),
        ("2022-02-30", "'2022-02-30' is not a real date"),
        ("31/13/2022", "'31/13/2022' is not a real date"),
    ],
)
def test_it_reports_a_bad_or_impossible_date_with_its_row_and_column(run_import, value, reason):
    content = csv_bytes(
        HEADER,
        "S1,NHS Tayside,Ward 1,Ann,Hall,,2021-01-04",
        f"S2,NHS Tayside,Ward 1,Bob,Reid,,{value}",
    )
    refused_row(run_import, "staff", content, f"row 3, column start_date: {reason}")


def test_it_reports_a_completion_dated_in_the_future(run_import, known):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    content = csv_bytes(
        "staff_id,course_code,completed_on", "S1,C1,2022-01-05", f"S1,C1,{tomorrow:%d/%m/%Y}"
    )
    refused_row(
        run_import,
        "completions",
        content,
        f"row 3, column completed_on: '{tomorrow:%d/%m/%Y}' is in the future",
    )


def test_a_completion_dated_today_is_accepted(run_import, known):
    today = timezone.localdate()
    code, out, err = run_import(
        "completions", csv_bytes("staff_id,course_code,completed_on", f"S1,C1,{today:%Y-%m-%d}")
    )
    assert code == 0, err
    assert Completion.objects.get().completed_on == today


def test_it_accepts_uk_day_first_dates(run_import):
    code, out, err = run_import(
        "staff",
        csv_bytes(
            HEADER,
            "S1,NHS Tayside,Ward 1,Ann,Hall,,04/01/2021",
            "S2,NHS Tayside,Ward 1,Bob,Reid,,1/2/2021",
        ),
    )
    assert code == 0, err
    dates = dict(StaffMember.objects.values_list("staff_id", "start_date"))
    assert dates == {"S1": dt.date(2021, 1, 4), "S2": dt.date(2021, 2, 1)}


# Levels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["skilled", "Trauma Skilled", "2", "Level 2", "SKILLED", " trauma  skilled ", "level2"],
)
def test_it_accepts_every_spelling_of_a_level(run_import, spelling):
    code, out, err = run_import(
        "courses", csv_bytes("course_code,title,level", f'C1,Trauma Skilled e-module,"{spelling}"')
    )
    assert code == 0, err
    assert Course.objects.get().level == Level.SKILLED


@pytest.mark.parametrize("spelling", ["Level 5", "expert", "0", "trauma-skilled"])
def test_it_reports_an_unknown_level_spelling(run_import, spelling):
    content = csv_bytes(
        "course_code,title,level", "C1,Opening Doors,informed", f"C2,Something,{spelling}"
    )
    refused_row(
        run_import,
        "courses",
        content,
        f"row 3, column level: '{spelling}' is not a framework level",
    )


def test_it_reports_an_unknown_required_level_in_the_needs(run_import, team):
    content = csv_bytes(
        "organisation,team,required_level", f"{team.organisation.name},{team.name},Level 7"
    )
    refused_row(
        run_import,
        "needs",
        content,
        "row 2, column required_level: 'Level 7' is not a framework level",
    )


# Duplicates and references ----------------------------------------------------------------


def test_the_same_staff_id_twice_with_different_details_is_refused(run_import):
    content = csv_bytes(
        HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,", "S1,NHS Tayside,Ward 2,Ann,Hall,,"
    )
    refused_row(
        run_import,
        "staff",
        content,
        "row 3, column staff_id: 'S1' appears earlier in the file with different details",
    )


def test_the_same_staff_id_twice_with_the_same_details_is_one_person(run_import):
    code, out, err = run_import(
        "staff",
        csv_bytes(HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,", "S1,NHS Tayside,Ward 1,Ann,Hall,,"),
    )
    assert code == 0, err
    assert StaffMember.objects.count() == 1
    assert "1 new, 0 updated, 1 unchanged" in out


def test_a_completion_for_an_unknown_staff_member_is_refused(run_import, known):
    content = csv_bytes(
        "staff_id,course_code,completed_on", "S1,C1,2022-01-05", "S404,C1,2022-01-05"
    )
    refused_row(
        run_import,
        "completions",
        content,
        "row 3, column staff_id: no staff member with staff_id 'S404'",
    )


def test_a_completion_for_an_unknown_course_is_refused(run_import, known):
    content = csv_bytes(
        "staff_id,course_code,completed_on", "S1,C1,2022-01-05", "S1,NOPE,2022-01-05"
    )
    refused_row(
        run_import,
        "completions",
        content,
        "row 3, column course_code: no course with course_code 'NOPE'",
    )


def test_another_partnerships_staff_and_courses_are_unknown(run_import, other_partnership):
    StaffMemberFactory(team__partnership=other_partnership, staff_id="S9")
    CourseFactory(partnership=other_partnership, code="C9")
    err = refused_row(
        run_import,
        "completions",
        csv_bytes("staff_id,course_code,completed_on", "S9,C9,2022-01-05"),
        "no staff member with staff_id 'S9'",
    )
    assert "no course with course_code 'C9'" in err


def test_needs_for_a_team_not_yet_imported_are_refused(run_import):
    refused_row(
        run_import,
        "needs",
        csv_bytes("organisation,team,required_level", "NHS Tayside,Nowhere,skilled"),
        "row 2, column team: no team 'Nowhere' in organisation 'NHS Tayside' (import the staff first)",
    )


def test_every_problem_in_a_file_is_reported_not_just_the_first(run_import):
    content = csv_bytes(
        HEADER, "S1,,Ward 1,Ann,Hall,,", "S2,NHS Tayside,Ward 1,Bob,Reid,Level 9,31/02/2022"
    )
    code, out, err = run_import("staff", content)
    assert "row 2, column organisation: is required" in err
    assert "row 3, column required_level: 'Level 9' is not a framework level" in err
    assert "row 3, column start_date: '31/02/2022' is not a real date" in err
    assert "2 rows, 0 valid, 2 invalid" in err


# Options ----------------------------------------------------------------------------------


def test_skip_invalid_writes_the_valid_rows_and_rejects_lists_the_others_with_a_reason(
    run_import, tmp_path
):
    rejects = tmp_path / "rejects.csv"
    content = csv_bytes(
        HEADER,
        "S1,NHS Tayside,Ward 1,Ann,Hall,,",
        "S2,NHS Tayside,Ward 1,Bob,Reid,,31/02/2022",
        "S3,NHS Tayside,Ward 2,Cat,Ray,skilled,",
    )
    code, out, err = run_import("staff", content, "--skip-invalid", "--rejects", rejects)
    assert code == 0
    assert "row 3, column start_date: '31/02/2022' is not a real date" in err
    assert "3 rows, 2 valid, 1 invalid; imported: 2 new, 0 updated, 0 unchanged" in out
    assert set(StaffMember.objects.values_list("staff_id", flat=True)) == {"S1", "S3"}
    with open(rejects, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 1
    assert rows[0]["staff_id"] == "S2" and rows[0]["start_date"] == "31/02/2022"
    assert rows[0]["reason"] == "start_date: '31/02/2022' is not a real date"


def test_without_skip_invalid_one_bad_row_stops_the_whole_file(run_import):
    content = csv_bytes(
        HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,", "S2,NHS Tayside,Ward 1,Bob,Reid,,31/02/2022"
    )
    code, out, err = run_import("staff", content)
    assert code == 1
    assert not StaffMember.objects.exists()


def test_a_dry_run_checks_and_writes_nothing(run_import):
    before = snapshot()
    code, out, err = run_import(
        "staff", csv_bytes(HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,"), "--dry-run"
    )
    assert code == 0
    assert "1 rows, 1 valid, 0 invalid; dry run: nothing was written" in out
    assert snapshot() == before
    assert ImportRun.objects.get().status == ImportRun.Status.CHECKED


def test_a_dry_run_of_a_file_with_a_bad_row_reports_it_and_fails(run_import):
    before = snapshot()
    code, out, err = run_import(
        "staff", csv_bytes(HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,Level 9,"), "--dry-run"
    )
    assert code == 1
    assert "row 2, column required_level" in err
    assert snapshot() == before


def test_re_importing_the_same_file_changes_nothing(run_import, known):
    files = [
        (
            "staff",
            csv_bytes(
                HEADER,
                "S2,NHS Tayside,Ward 1,Ann,Hall,skilled,2021-01-04",
                "S3,Dundee City Council,Housing,Bob,Reid,,",
            ),
        ),
        ("needs", csv_bytes("organisation,team,required_level", "NHS Tayside,Ward 1,enhanced")),
        (
            "courses",
            csv_bytes(
                "course_code,title,level,delivery,provider", "C2,Opening Doors,1,webinar,NES"
            ),
        ),
        (
            "completions",
            csv_bytes("staff_id,course_code,completed_on", "S2,C2,2022-01-05", "S3,C1,05/02/2022"),
        ),
    ]
    for kind, content in files:
        assert run_import(kind, content)[0] == 0
    before = snapshot()
    for kind, content in files:
        code, out, err = run_import(kind, content)
        assert code == 0, err
        rows = 1 if kind in ("needs", "courses") else 2
        assert f"imported: 0 new, 0 updated, {rows} unchanged" in out
    assert snapshot() == before


def test_a_changed_row_is_an_update_not_a_second_person(run_import):
    run_import("staff", csv_bytes(HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,"))
    code, out, err = run_import("staff", csv_bytes(HEADER, "S1,NHS Tayside,Ward 2,Ann,Hall-Reid,,"))
    assert "0 new, 1 updated, 0 unchanged" in out
    person = StaffMember.objects.get()
    assert (person.team.name, person.last_name) == ("Ward 2", "Hall-Reid")


def test_a_repeated_completion_is_not_a_second_completion(run_import, known):
    content = csv_bytes("staff_id,course_code,completed_on", "S1,C1,2022-01-05", "S1,C1,05/01/2022")
    code, out, err = run_import("completions", content)
    assert code == 0
    assert "1 new, 0 updated, 1 unchanged" in out
    assert Completion.objects.count() == 1


# How files are read -----------------------------------------------------------------------


def test_it_reads_a_csv_with_a_byte_order_mark(run_import):
    code, out, err = run_import(
        "staff", csv_bytes("staff_id,organisation,team", "S1,NHS Tayside,Ward 1", bom=True)
    )
    assert code == 0, err
    assert StaffMember.objects.get().staff_id == "S1"


def test_header_names_match_whatever_their_case_and_surrounding_spaces(run_import):
    code, out, err = run_import(
        "staff",
        csv_bytes(" Staff_ID ,ORGANISATION,  Team,First_Name ", "S1,NHS Tayside,Ward 1,Ann"),
    )
    assert code == 0, err
    person = StaffMember.objects.get()
    assert (person.staff_id, person.team.name, person.first_name) == ("S1", "Ward 1", "Ann")


def test_unknown_extra_columns_are_ignored_with_one_warning_naming_them(run_import):
    code, out, err = run_import(
        "staff",
        csv_bytes(
            "staff_id,Shoe Size,organisation,team,Notes",
            "S1,9,NHS Tayside,Ward 1,x",
            "S2,7,NHS Tayside,Ward 1,y",
        ),
    )
    assert code == 0, err
    assert err.count("warning:") == 1
    assert "warning: ignored unknown columns: Shoe Size, Notes" in err
    assert StaffMember.objects.count() == 2


def test_it_reads_an_xlsx_with_native_excel_dates_and_numbers(run_import):
    content = xlsx_bytes(
        ["Staff ID", "Organisation", "Team", "Required level", "Start date", "Leaving date"],
        [1234, "NHS Tayside", "Ward 1", 2, dt.datetime(2021, 1, 4), dt.date(2023, 3, 31)],
        [1235.0, "NHS Tayside", "Ward 1", "Level 3", "04/01/2021", None],
    )
    code, out, err = run_import("staff", content, name="staff.xlsx")
    assert code == 0, err
    people = {p.staff_id: p for p in StaffMember.objects.all()}
    assert set(people) == {"1234", "1235"}
    assert people["1234"].start_date == dt.date(2021, 1, 4) and people[
        "1234"
    ].leaving_date == dt.date(2023, 3, 31)
    assert (
        people["1234"].required_level == Level.SKILLED
        and people["1235"].required_level == Level.ENHANCED
    )
    assert people["1235"].start_date == dt.date(2021, 1, 4)


def test_a_completions_workbook_with_excel_dates_imports(run_import, known):
    content = xlsx_bytes(
        ["staff_id", "course_code", "completed_on"], ["S1", "C1", dt.datetime(2022, 3, 1, 0, 0)]
    )
    code, out, err = run_import("completions", content, name="completions.xlsx")
    assert code == 0, err
    assert Completion.objects.get().completed_on == dt.date(2022, 3, 1)


# All or nothing ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failure_part_way_leaves_the_database_as_it_was(partnership, monkeypatch):
    """A real transaction: the first batch is written, the second fails, and the first is gone."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    real_write = StaffKind.write
    calls = []

    def write_then_fail(self, records):
        calls.append(len(records))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(self, records)

    monkeypatch.setattr(StaffKind, "write", write_then_fail)
    content = csv_bytes(
        "staff_id,organisation,team", *[f"S{n},NHS Tayside,Ward {n % 2}" for n in range(5)]
    )
    before = snapshot()
    with pytest.raises(RuntimeError):
        importing.import_file(
            partnership=partnership, kind="staff", binary=io.BytesIO(content), filename="staff.csv"
        )
    assert calls == [2, 2]  # the first batch had been written when the second failed
    assert snapshot() == before
    assert not Team.objects.exists() and not StaffMember.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_command_line_import_that_fails_part_way_is_logged_as_failed(
    partnership, monkeypatch, tmp_path
):
    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    monkeypatch.setattr(
        CoursesKind,
        "write",
        lambda self, records: (_ for _ in ()).throw(RuntimeError("killed")),
    )
    path = tmp_path / "courses.csv"
    path.write_bytes(csv_bytes("course_code,title,level", "C1,Opening Doors,1", "C2,Skilled,2"))
    with pytest.raises(RuntimeError):
        runs.import_path(
            partnership=partnership,
            kind="courses",
            path=path,
            dry_run=False,
            skip_invalid=False,
            rejects_path=None,
        )
    assert not Course.objects.exists()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "stopped part-way" in run.message


# The log ----------------------------------------------------------------------------------


def test_the_log_records_a_command_line_import_with_its_file_and_counts(run_import):
    started = timezone.now()
    run_import(
        "staff",
        csv_bytes(
            HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,", "S2,NHS Tayside,Ward 1,Bob,Reid,,31/02/2022"
        ),
        "--skip-invalid",
        name="ward-staff.csv",
    )
    run = ImportRun.objects.get()
    assert (run.source, run.user, run.filename, run.kind) == (
        "cli",
        None,
        "ward-staff.csv",
        "staff",
    )
    assert run.created_at >= started and run.finished_at >= run.created_at
    assert (run.rows_total, run.rows_valid, run.rows_invalid) == (2, 1, 1)
    assert (run.created, run.updated, run.unchanged) == (1, 0, 0)
    assert run.status == ImportRun.Status.DONE
    assert run.problems == [
        {"row": 3, "column": "start_date", "message": "'31/02/2022' is not a real date"}
    ]


def test_an_import_is_scoped_to_its_partnership(run_import, other_partnership):
    StaffMemberFactory(team__partnership=other_partnership, staff_id="S1", first_name="Other")
    code, out, err = run_import("staff", csv_bytes(HEADER, "S1,NHS Tayside,Ward 1,Ann,Hall,,"))
    assert "1 new" in out
    assert StaffMember.objects.get(partnership=other_partnership).first_name == "Other"


def test_a_future_date_is_quoted_as_the_file_wrote_it(run_import, known):
    content = csv_bytes("staff_id,course_code,completed_on", "S1,C1,2099-01-01")
    refused_row(
        run_import,
        "completions",
        content,
        "row 2, column completed_on: '2099-01-01' is in the future",
    )
