"""A course's description, learning outcomes and duration: the form, the course's page, the
sessions list and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.partnerships.models import Role
from tiptracker.training.models import Course, duration_words
from tiptracker.training.tests.factories import CourseFactory, TrainingSessionFactory


def data(**changes):
    values = {
        "code": "TS-E",
        "title": "Trauma Skilled e-module",
        "level": "2",
        "delivery": "e-learning",
        "provider": "NES",
        "description": "For everyone who works with people.",
        "learning_outcomes": "Recognise trauma\n\n  Respond with care  \n",
        "duration_minutes": "210",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (None, ""),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (210, "3 hours 30 minutes"),
        (10080, "168 hours"),
        (61, "1 hour 1 minute"),
    ],
)
def test_a_duration_reads_in_hours_and_minutes(minutes, words):
    assert duration_words(minutes) == words


def test_a_training_admin_adds_a_course_with_its_details(admin, login, partnership):
    response = login(admin).post(f"/p/{partnership.slug}/courses/new/", data(), follow=True)
    assert "Added the course" in response.content.decode()
    course = Course.objects.get()
    assert course.description == "For everyone who works with people."
    assert course.learning_outcomes == "Recognise trauma\nRespond with care"
    assert course.duration_minutes == 210


def test_editing_keeps_and_changes_the_details(admin, login, partnership):
    course = CourseFactory(partnership=partnership, description="Old", duration_minutes=30)
    client = login(admin)
    page = client.get(f"/p/{partnership.slug}/courses/{course.pk}/edit/").content.decode()
    assert ">Old</textarea>" in page and 'value="30"' in page
    client.post(f"/p/{partnership.slug}/courses/{course.pk}/edit/", data(duration_minutes=""))
    course.refresh_from_db()
    assert course.duration_minutes is None and course.description.startswith("For everyone")


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "The duration must be at least 1 minute"),
        ("10081", "The duration must be 10,080 minutes (a week) or fewer"),
        ("1.5", "Enter the duration as a whole number of minutes, like 90"),
        ("an hour", "Enter the duration as a whole number of minutes, like 90"),
    ],
)
def test_a_duration_that_is_not_whole_minutes_up_to_a_week_is_refused(
    admin, login, partnership, minutes, message
):
    response = login(admin).post(
        f"/p/{partnership.slug}/courses/new/", data(duration_minutes=minutes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Course.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_a_courses_page(persona, login, partnership, role):
    course = CourseFactory(
        partnership=partnership,
        title="Opening Doors",
        description="An introduction to trauma.",
        learning_outcomes="Know what trauma is\nNotice its signs",
        duration_minutes=90,
    )
    TrainingSessionFactory(course=course, venue="Dundee House")
    page = login(persona(role)).get(f"/p/{partnership.slug}/courses/{course.pk}/").content.decode()
    assert "An introduction to trauma." in page
    assert "<li>Know what trauma is</li>" in page and "<li>Notice its signs</li>" in page
    assert "1 hour 30 minutes" in page
    assert "Dundee House" in page
    assert ("Edit the course" in page) == (role in (Role.ADMIN, Role.LD_OFFICER))


def test_a_course_without_details_says_so(member, login, partnership):
    course = CourseFactory(partnership=partnership)
    page = login(member).get(f"/p/{partnership.slug}/courses/{course.pk}/").content.decode()
    assert "The learning outcomes have not been recorded yet." in page
    assert "No sessions of this course are planned yet." in page


def test_another_partnerships_course_is_not_found(outsider, login, partnership):
    course = CourseFactory(partnership=partnership)
    assert login(outsider).get(f"/p/{partnership.slug}/courses/{course.pk}/").status_code == 404
    assert (
        login(outsider).get(f"/p/{outsider.partnership.slug}/courses/{course.pk}/").status_code
        == 404
    )


def test_the_sessions_list_and_session_page_show_the_duration_and_link_the_course(
    member, login, partnership
):
    course = CourseFactory(
        partnership=partnership,
        description=" ".join(f"word{n}" for n in range(40)),
        duration_minutes=150,
    )
    session = TrainingSessionFactory(course=course)
    client = login(member)
    listing = client.get(f"/p/{partnership.slug}/sessions/").content.decode()
    assert "2 hours 30 minutes" in listing
    assert "word19 …" in listing and "word20" not in listing  # a short description
    assert f"/p/{partnership.slug}/courses/{course.pk}/" in listing
    detail = client.get(f"/p/{partnership.slug}/sessions/{session.pk}/").content.decode()
    assert f'href="/p/{partnership.slug}/courses/{course.pk}/"' in detail
    assert "2 hours 30 minutes" in detail


def test_the_api_gives_a_courses_details(admin, login, partnership):
    CourseFactory(
        partnership=partnership,
        description="About",
        learning_outcomes="One\nTwo",
        duration_minutes=60,
    )
    CourseFactory(partnership=partnership)
    found = login(admin).get(f"/api/partnerships/{partnership.slug}/courses/").json()["results"]
    assert [(c["description"], c["learning_outcomes"], c["duration_minutes"]) for c in found] == [
        ("About", ["One", "Two"], 60),
        ("", [], None),
    ]


def test_past_sessions_are_not_listed_on_the_courses_page(member, login, partnership):
    course = CourseFactory(partnership=partnership)
    TrainingSessionFactory(
        course=course, venue="Old Hall", starts_at=timezone.now() - dt.timedelta(days=3)
    )
    page = login(member).get(f"/p/{partnership.slug}/courses/{course.pk}/").content.decode()
    assert "Old Hall" not in page
