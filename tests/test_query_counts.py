"""Every list page and API list costs the same number of queries at 10 rows and at 1,000.

The rows are written in bulk so the test stays quick; the pages and API are then asked for
their first page as an administrator and as a manager (whose lists are scoped to teams).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tiptracker.imports.models import ImportRun
from tiptracker.lib.sql import refresh_planner_statistics
from tiptracker.partnerships.models import Membership, Organisation, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, UserFactory
from tiptracker.training.models import Booking, Completion, Course, TrainingSession
from tiptracker.training.services import coverage_snapshots_rebuild
from tiptracker.workforce.models import StaffMember, Team

SMALL, LARGE = 10, 1000


def grow(partnership, team, course, session, past, size: int) -> None:
    """Bring every listed kind of row up to `size`, in bulk."""
    start = StaffMember.objects.filter(partnership=partnership).count()
    staff = StaffMember.objects.bulk_create(
        StaffMember(
            partnership=partnership,
            organisation=team.organisation,
            team=team,
            staff_id=f"Q{n:05d}",
            first_name="Pat",
            last_name=f"Person{n}",
        )
        for n in range(start, size)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=f"Grown organisation {n}")
        for n in range(Organisation.objects.filter(partnership=partnership).count(), size)
    )
    Team.objects.bulk_create(
        Team(
            partnership=partnership,
            organisation=organisations[0] if organisations else team.organisation,
            name=f"Grown team {n}",
        )
        for n in range(Team.objects.filter(partnership=partnership).count(), size)
    )
    Course.objects.bulk_create(
        Course(partnership=partnership, code=f"QC{n}", title=f"Course {n}", level=1)
        for n in range(Course.objects.filter(partnership=partnership).count(), size)
    )
    soon = timezone.now() + dt.timedelta(days=3)
    TrainingSession.objects.bulk_create(
        TrainingSession(
            partnership=partnership,
            course=course,
            starts_at=soon,
            ends_at=soon + dt.timedelta(hours=1),
            capacity=5000,
            venue="Hall",
        )
        for _ in range(TrainingSession.objects.filter(partnership=partnership).count(), size)
    )
    Booking.objects.bulk_create(
        Booking(partnership=partnership, session=target, staff=person, status=Booking.Status.BOOKED)
        for person in staff
        for target in (session, past)
    )
    Completion.objects.bulk_create(
        Completion(
            partnership=partnership, staff=person, course=course, completed_on=dt.date(2022, 1, 1)
        )
        for person in staff
    )
    ImportRun.objects.bulk_create(
        ImportRun(
            partnership=partnership,
            kind="staff",
            filename=f"f{n}.csv",
            status=ImportRun.Status.DONE,
        )
        for n in range(ImportRun.objects.filter(partnership=partnership).count(), size)
    )
    Membership.objects.bulk_create(
        Membership(
            partnership=partnership, user=UserFactory(username=f"q{n}@example.org"), role=Role.STAFF
        )
        for n in range(Membership.objects.filter(partnership=partnership).count(), min(size, 60))
    )
    # As an import does after a large write: PostgreSQL's planner must know the new sizes.
    refresh_planner_statistics(
        [
            m._meta.db_table
            for m in (StaffMember, Team, Course, TrainingSession, Booking, Completion)
        ]
    )
    coverage_snapshots_rebuild(partnership_id=partnership.id)


PAGES = [
    "",
    "staff/",
    "needs/",
    "coverage/outstanding/?level=informed",
    "courses/",
    "sessions/",
    "sessions/?when=past",
    "bookings/",
    "imports/",
    "members/",
    "sessions/{session}/",
    "sessions/{past}/attendance/",
]
API = [
    "",
    "organisations/",
    "teams/",
    "staff/",
    "courses/",
    "sessions/",
    "bookings/",
    "completions/",
]


@pytest.fixture
def setting(partnership, team):
    course = Course.objects.create(
        partnership=partnership, code="Q", title="Opening Doors", level=1
    )
    now = timezone.now()
    session = TrainingSession.objects.create(
        partnership=partnership,
        course=course,
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=1),
        capacity=5000,
    )
    past = TrainingSession.objects.create(
        partnership=partnership,
        course=course,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
        capacity=5000,
    )
    admin = MembershipFactory(partnership=partnership, role=Role.ADMIN)
    manager = MembershipFactory(partnership=partnership, role=Role.MANAGER)
    manager.managed_teams.create(partnership=partnership, team=team)
    return {"course": course, "session": session, "past": past, "admin": admin, "manager": manager}


def count(membership, url: str) -> int | None:
    """Queries for one request, or None where the role is refused the page."""
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(url)  # first request: the session row and caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code == 403:
        return None
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def urls(partnership, setting) -> list[str]:
    pages = [
        f"/p/{partnership.slug}/" + p.format(session=setting["session"].pk, past=setting["past"].pk)
        for p in PAGES
    ]
    api = ["/api/partnerships/"] + [f"/api/partnerships/{partnership.slug}/{p}" for p in API if p]
    return pages + api


def test_every_list_costs_the_same_queries_at_10_rows_and_at_1000(partnership, team, setting):
    grow(partnership, team, setting["course"], setting["session"], setting["past"], SMALL)
    small = {
        (role, url): count(setting[role], url)
        for role in ("admin", "manager")
        for url in urls(partnership, setting)
    }
    grow(partnership, team, setting["course"], setting["session"], setting["past"], LARGE)
    assert StaffMember.objects.filter(partnership=partnership).count() == LARGE
    large = {
        (role, url): count(setting[role], url)
        for role in ("admin", "manager")
        for url in urls(partnership, setting)
    }
    assert all(small[("admin", url)] is not None for url in urls(partnership, setting))
    grew = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert not grew, f"query counts that grew with the rows (10 rows, 1,000 rows): {grew}"
