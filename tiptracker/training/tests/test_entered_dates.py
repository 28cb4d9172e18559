"""A date before 1900 typed into a date box is refused on the form, with the box's own
words (issue 14): learning done elsewhere, a session's dates, and the coverage date on the
dashboard, which is typed into the address as often as into its boxes."""

import html

import pytest

from tiptracker.partnerships.models import Role
from tiptracker.training.models import LearningClaim, TrainingSession
from tiptracker.training.tests.factories import CourseFactory
from tiptracker.training.tests.test_sessions import form_data


@pytest.fixture
def course(partnership):
    return CourseFactory(partnership=partnership, title="Trauma Skilled", code="TS1")


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("year", ["0001", "1022", "1899"])
def test_learning_done_elsewhere_dated_before_1900_is_refused(
    member, login, partnership, course, year
):
    response = login(member).post(
        f"/p/{partnership.slug}/my-training/learning-elsewhere/",
        {
            "course": str(course.pk),
            "completed_on_0": "17",
            "completed_on_1": "5",
            "completed_on_2": year,
            "evidence_note": "NHS Fife, certificate 1234",
        },
    )
    assert response.status_code == 200
    assert "The date you completed it is before 1900: check the year" in page(response)
    assert not LearningClaim.objects.exists()


@pytest.mark.parametrize(("box", "what"), [("start_date", "date"), ("end_date", "end date")])
def test_a_session_dated_before_1900_is_refused(persona, login, course, box, what):
    officer = persona(Role.LD_OFFICER)
    data = form_data(course, **{f"{box}_0": "1", f"{box}_1": "7", f"{box}_2": "0001"})
    response = login(officer).post(f"/p/{course.partnership.slug}/sessions/new/", data)
    assert response.status_code == 200
    assert f"The {what} is before 1900: check the year" in page(response)
    assert not TrainingSession.objects.exists()


def test_a_coverage_date_before_1900_in_the_address_is_shown_as_a_problem(
    admin, login, partnership
):
    response = login(admin).get(f"/p/{partnership.slug}/", {"as_of": "0001-01-01"})
    assert response.status_code == 200
    assert "'0001-01-01' is before 1900: check the year" in page(response)


def test_an_outsider_cannot_record_learning_for_another_partnership(outsider, login, partnership):
    response = login(outsider).get(f"/p/{partnership.slug}/my-training/learning-elsewhere/")
    assert response.status_code == 404
