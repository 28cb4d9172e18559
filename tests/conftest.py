"""Fixtures for the whole-site tests: a world with one of everything."""

import datetime as dt

import pytest
from django.utils import timezone

from tiptracker.accounts.services import api_token_create
from tiptracker.imports.models import ImportRun
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory
from tiptracker.training.tests.factories import (
    BookingFactory,
    CourseFactory,
    TrainingSessionFactory,
)
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


@pytest.fixture
def world(db):
    """One partnership with one of everything, a member of each role, and the same again
    for another partnership."""
    own = PartnershipFactory(slug="own", name="Own")
    other = PartnershipFactory(slug="other", name="Other")
    team = TeamFactory(partnership=own)
    staff = StaffMemberFactory(team=team)
    course = CourseFactory(partnership=own)
    past = TrainingSessionFactory(course=course, starts_at=timezone.now() - dt.timedelta(days=2))
    booking = BookingFactory(session=past, staff=staff)
    run = ImportRun.objects.create(
        partnership=own, kind="staff", filename="staff.csv", status=ImportRun.Status.DONE
    )
    members = {}
    for partnership in (own, other):
        for role in Role:
            membership = MembershipFactory(partnership=partnership, role=role)
            if partnership == own and role == Role.MANAGER:
                membership.managed_teams.create(partnership=own, team=team)
            if partnership == own and role == Role.STAFF:
                membership.staff = staff
                membership.save()
            members[(partnership.slug, role)] = membership
    admin = members[("own", Role.ADMIN)]
    token, _key = api_token_create(user=admin.user, name="matrix")
    kwargs = {
        "slug": own.slug,
        "staff_pk": staff.pk,
        "course_pk": course.pk,
        "session_pk": past.pk,
        "booking_pk": booking.pk,
        "import_pk": run.pk,
        "member_id": admin.pk,
        "token_id": token.pk,
        "pk": staff.pk,
    }
    return {"members": members, "kwargs": kwargs}
