"""A completion recorded through the API with a date before 1900 is a 400 naming the field
(issue 14), by the same rule as the import files and the forms."""

import pytest

from tiptracker.training.models import Completion


def url(partnership):
    return f"/api/partnerships/{partnership.slug}/completions/"


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_completion_dated_before_1900_is_400_naming_the_date(api, admin, ours, day):
    before = Completion.objects.count()
    response = api(admin).post(
        url(ours.partnership),
        {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": day},
        format="json",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "completed_on" in body and "The date is before 1900: check the year" in body
    assert Completion.objects.count() == before


def test_a_completion_on_the_first_day_of_1900_is_recorded(api, admin, ours):
    response = api(admin).post(
        url(ours.partnership),
        {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": "1900-01-01"},
        format="json",
    )
    assert response.status_code == 201


def test_an_outsider_cannot_record_a_completion_here_at_all(api, outsider, ours):
    response = api(outsider).post(
        url(ours.partnership),
        {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": "0001-01-01"},
        format="json",
    )
    assert response.status_code == 404
