"""A learning and development officer uploads a completions file with a mistake in it,
reads the error by row and column, and nothing is imported until the file is right."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Completion
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, path) -> None:
    page.get_by_label("Completions").check()
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_an_upload_with_an_error_shows_the_row_and_column_and_imports_nothing(
    page, persona, team, partnership, tmp_path
):
    officer = persona(Role.LD_OFFICER)
    person = StaffMemberFactory(team=team, staff_id="DCC00042")
    CourseFactory(partnership=partnership, code="OD")
    bad = tmp_path / "completions.csv"
    bad.write_text(
        "staff_id,course_code,completed_on\nDCC00042,OD,2022-03-01\nDCC00099,OD,31/02/2022\n"
    )

    sign_in(page, officer)
    visit(page, f"/p/{partnership.slug}/imports/")
    upload(page, bad)

    problems = page.get_by_role("table", name="Problems")
    assert problems.is_visible()
    row = problems.get_by_role("row").filter(has_text="staff_id")
    assert "3" in row.inner_text() and "DCC00099" in row.inner_text()
    date_row = problems.get_by_role("row").filter(has_text="completed_on")
    assert "not a real date" in date_row.inner_text()
    assert "Nothing was imported" in page.content() or "nothing was imported" in page.content()
    assert Completion.objects.count() == 0

    # Fixed, the file previews cleanly and imports on confirmation.
    good = tmp_path / "completions-fixed.csv"
    good.write_text("staff_id,course_code,completed_on\nDCC00042,OD,2022-03-01\n")
    visit(page, f"/p/{partnership.slug}/imports/")
    upload(page, good)
    assert Completion.objects.count() == 0  # a preview writes nothing
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert Completion.objects.filter(staff=person).count() == 1


def test_a_file_that_is_not_csv_or_xlsx_is_refused_on_the_form(page, admin, partnership, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    sign_in(page, admin)
    visit(page, f"/p/{partnership.slug}/imports/")
    upload(page, notes)
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert "CSV or XLSX" in page.content()
