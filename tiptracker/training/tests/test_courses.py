"""Courses: the list, and adding and editing them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.models import Course, CoverageSnapshot
from tiptracker.training.tests.factories import CourseFactory


def base(partnership):
    return f"/p/{partnership.slug}/courses/"


def edit(course):
    return f"{base(course.partnership)}{course.pk}/edit/"


def data(**changes):
    values = {
        "code": "TS-E",
        "title": "Trauma Skilled e-module",
        "level": "2",
        "delivery": "e-learning",
        "provider": "NES",
    }
    values.update(changes)
    return values


def test_everyone_in_the_partnership_sees_the_courses(member, login, partnership):
    CourseFactory(partnership=partnership, title="Opening Doors", level=Level.INFORMED)
    html = login(member).get(base(partnership)).content.decode()
    assert "Opening Doors" in html and "Trauma Informed" in html
    assert "Add a course" not in html and "/edit/" not in html


def test_training_admins_see_the_add_and_edit_links(admin, login, partnership):
    course = CourseFactory(partnership=partnership)
    html = login(admin).get(base(partnership)).content.decode()
    assert "Add a course" in html and edit(course) in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_a_training_admin_adds_a_course(persona, login, partnership, role):
    response = login(persona(role)).post(
        f"{base(partnership)}new/", data(code="  TS-E  "), follow=True
    )
    assert "Added the course Trauma Skilled e-module (TS-E)." in response.content.decode()
    course = Course.objects.get()
    assert (
        course.partnership,
        course.code,
        course.title,
        course.level,
        course.delivery,
        course.provider,
    ) == (
        partnership,
        "TS-E",
        "Trauma Skilled e-module",
        Level.SKILLED,
        "e-learning",
        "NES",
    )


def test_a_code_already_used_in_the_partnership_is_refused_clearly(admin, login, partnership):
    CourseFactory(partnership=partnership, code="TS-E", title="The first one")
    response = login(admin).post(f"{base(partnership)}new/", data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "A course with the code &#x27;TS-E&#x27; already exists in this partnership" in html
    assert 'href="#id_code"' in html and "govuk-error-message" in html
    assert Course.objects.count() == 1


def test_another_partnership_may_use_the_same_code(admin, login, partnership, other_partnership):
    CourseFactory(partnership=other_partnership, code="TS-E")
    login(admin).post(f"{base(partnership)}new/", data())
    assert Course.objects.filter(partnership=partnership, code="TS-E").exists()


@pytest.mark.parametrize(
    ("changes", "message", "anchor"),
    [
        ({"code": ""}, "Enter a course code", "id_code"),
        ({"title": ""}, "Enter the course title", "id_title"),
        ({"level": ""}, "Choose the level the course achieves", "id_level"),
        ({"level": "7"}, "Choose one of the four levels", "id_level"),
        (
            {"delivery": "carrier pigeon"},
            "Choose e-learning, webinar, face to face or blended",
            "id_delivery",
        ),
        ({"code": "X" * 65}, "The course code must be 64 characters or fewer", "id_code"),
    ],
)
def test_bad_course_details_are_explained_on_the_field(
    admin, login, partnership, changes, message, anchor
):
    html = login(admin).post(f"{base(partnership)}new/", data(**changes)).content.decode()
    assert message in html and f'href="#{anchor}"' in html
    assert not Course.objects.exists()


def test_a_training_admin_edits_a_course(admin, login, partnership):
    course = CourseFactory(
        partnership=partnership, code="OD", title="Opening Doors", level=Level.INFORMED
    )
    client = login(admin)
    html = client.get(edit(course)).content.decode()
    assert 'value="OD"' in html and 'value="Opening Doors"' in html
    client.post(edit(course), data(code="OD", title="Opening Doors (2nd edition)", level="1"))
    course.refresh_from_db()
    assert course.title == "Opening Doors (2nd edition)"


def test_editing_a_course_to_a_code_in_use_is_refused(admin, login, partnership):
    CourseFactory(partnership=partnership, code="TAKEN")
    course = CourseFactory(partnership=partnership, code="MINE")
    html = login(admin).post(edit(course), data(code="TAKEN")).content.decode()
    assert "already exists in this partnership" in html
    course.refresh_from_db()
    assert course.code == "MINE"


def test_changing_a_courses_level_forgets_the_coverage_trend(admin, login, partnership):
    course = CourseFactory(partnership=partnership, code="OD", level=Level.INFORMED)
    CoverageSnapshot.objects.create(
        partnership=partnership, month_end=dt.date(2022, 1, 31), level=1, needed=1, met=1
    )
    login(admin).post(edit(course), data(code="OD", level="3"))
    assert not CoverageSnapshot.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF, Role.BOARD, Role.LE_COORDINATOR])
def test_other_roles_cannot_add_or_edit_courses(persona, login, partnership, role):
    course = CourseFactory(partnership=partnership, code="OD")
    client = login(persona(role))
    assert client.get(base(partnership)).status_code == 200
    assert client.get(f"{base(partnership)}new/").status_code == 403
    assert client.post(f"{base(partnership)}new/", data()).status_code == 403
    assert client.post(edit(course), data(code="OD", title="Changed")).status_code == 403
    assert list(Course.objects.values_list("title", flat=True)) == [course.title]


def test_an_outsider_gets_not_found_on_every_course_page(outsider, login, partnership):
    course = CourseFactory(partnership=partnership)
    client = login(outsider)
    assert client.get(base(partnership)).status_code == 404
    assert client.get(f"{base(partnership)}new/").status_code == 404
    assert client.post(f"{base(partnership)}new/", data()).status_code == 404
    assert client.get(edit(course)).status_code == 404
    # Nor through their own partnership's address.
    assert (
        client.get(f"/p/{outsider.partnership.slug}/courses/{course.pk}/edit/").status_code == 404
    )
    assert Course.objects.count() == 1


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_courses(
    admin, login, partnership, django_assert_num_queries
):
    client = login(admin)
    CourseFactory.create_batch(2, partnership=partnership)
    client.get(base(partnership))
    with CaptureQueriesContext(connection) as few:
        assert client.get(base(partnership)).status_code == 200
    CourseFactory.create_batch(18, partnership=partnership)
    with django_assert_num_queries(len(few)):
        html = client.get(base(partnership)).content.decode()
    assert html.count("/edit/") == 20


def test_a_course_code_differing_only_in_case_is_refused(admin, login, partnership):
    from tiptracker.training.models import Course
    from tiptracker.training.tests.factories import CourseFactory

    CourseFactory(partnership=partnership, code="BTI-WEBINAR")
    response = login(admin).post(
        f"/p/{partnership.slug}/courses/new/",
        {
            "code": "bti-webinar",
            "title": "Becoming Trauma Informed",
            "level": "1",
            "delivery": "webinar",
            "provider": "",
        },
    )
    assert "already exists" in response.content.decode()
    assert Course.objects.filter(partnership=partnership).count() == 1
