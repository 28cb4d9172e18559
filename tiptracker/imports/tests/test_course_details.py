"""The courses import's optional columns description, learning_outcomes and duration_minutes
(an additive change: files without them import as before)."""

import pytest

from tiptracker.imports.tests.helpers import cli_import, csv_bytes, snapshot, xlsx_bytes
from tiptracker.training.models import Course
from tiptracker.training.tests.factories import CourseFactory


@pytest.fixture
def run_import(capsys, tmp_path, partnership):
    def go(content, *options, name="courses.csv"):
        return cli_import(capsys, tmp_path, partnership, "courses", name, content, *options)

    return go


def test_it_imports_a_courses_description_outcomes_and_duration(run_import):
    content = csv_bytes(
        "course_code,title,level,description,learning_outcomes,duration_minutes",
        'TI-OD,Opening Doors,informed,An introduction.,"Know what trauma is\n\nNotice its signs  ",210',
    )
    code, out, err = run_import(content)
    assert code == 0, err
    course = Course.objects.get()
    assert course.description == "An introduction."
    assert course.outcomes == ["Know what trauma is", "Notice its signs"]
    assert course.duration_minutes == 210
    assert course.duration_words == "3 hours 30 minutes"


def test_a_spreadsheets_number_of_minutes_is_accepted(run_import):
    content = xlsx_bytes(
        ["course_code", "title", "level", "duration_minutes"], ["C1", "Skilled", "skilled", 90.0]
    )
    code, out, err = run_import(content, name="courses.xlsx")
    assert code == 0, err
    assert Course.objects.get().duration_minutes == 90


@pytest.mark.parametrize("minutes", ["0", "10081", "1.5", "ninety", "-5"])
def test_it_refuses_a_duration_that_is_not_whole_minutes_from_1_to_a_week(run_import, minutes):
    before = snapshot()
    content = csv_bytes(
        "course_code,title,level,duration_minutes",
        "C1,Opening Doors,informed,60",
        f"C2,Skilled,skilled,{minutes}",
    )
    code, out, err = run_import(content)
    assert code == 1
    assert (
        f"row 3, column duration_minutes: '{minutes}' is not a whole number of minutes from 1 to 10080"
        in err
    )
    assert "Traceback" not in err
    assert snapshot() == before


def test_a_file_without_the_new_columns_leaves_what_courses_have(run_import, partnership):
    CourseFactory(
        partnership=partnership,
        code="C1",
        title="Old title",
        description="Kept",
        learning_outcomes="One\nTwo",
        duration_minutes=45,
    )
    code, out, err = run_import(csv_bytes("course_code,title,level", "C1,New title,informed"))
    assert code == 0, err
    course = Course.objects.get()
    assert (course.title, course.description, course.outcomes, course.duration_minutes) == (
        "New title",
        "Kept",
        ["One", "Two"],
        45,
    )


def test_an_empty_cell_in_a_column_the_file_has_clears_the_value(run_import, partnership):
    CourseFactory(partnership=partnership, code="C1", description="Old", duration_minutes=45)
    code, out, err = run_import(
        csv_bytes("course_code,title,level,description,duration_minutes", "C1,T,informed,,")
    )
    assert code == 0, err
    course = Course.objects.get()
    assert (course.description, course.duration_minutes) == ("", None)


def test_importing_the_same_details_again_changes_nothing(run_import):
    content = csv_bytes(
        "course_code,title,level,description,duration_minutes", "C1,T,informed,About,30"
    )
    assert run_import(content)[0] == 0
    code, out, err = run_import(content)
    assert code == 0, err
    assert "1 unchanged" in out or "unchanged: 1" in out, out
