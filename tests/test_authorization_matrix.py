"""Every URL and API operation, checked for every kind of caller against an explicit policy.

For each URL pattern the table below says what each role in the partnership gets: OK (the
page works), FORBIDDEN (403), or NOT_FOUND (404, for objects outside what that role may
see). Whatever the table says, someone not logged in is sent to log in (401 for the
API), and every role of *another* partnership gets 404, so nothing leaks. A URL pattern
with no entry fails the test: a new page cannot ship without a policy.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
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

OK, FORBIDDEN, NOT_FOUND = "ok", "forbidden", "not found"
ALL = {role: OK for role in Role}


def only(*roles: str, otherwise: str = FORBIDDEN) -> dict[str, str]:
    return {role: OK if role in roles else otherwise for role in Role}


TRAINING_ADMINS = only(Role.ADMIN, Role.LD_OFFICER)
PEOPLE = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER)
COVERAGE = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.BOARD)
# A booking belongs to the staff persona, in the manager's team: other roles cannot see it.
OWN_BOOKING = only(Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.STAFF, otherwise=NOT_FOUND)

# url name -> (methods to try, policy). Pages outside a partnership need only a login.
LOGIN_ONLY = "login only"
PUBLIC = "public"
POLICY: dict[str, tuple[tuple[str, ...], object]] = {
    "login": (("GET",), PUBLIC),
    "health": (("GET",), PUBLIC),
    "home": (("GET",), LOGIN_ONLY),
    "logout": (("POST",), LOGIN_ONLY),
    "account": (("GET",), LOGIN_ONLY),
    "token_revoke": (("POST",), LOGIN_ONLY),
    "api_schema": (("GET",), LOGIN_ONLY),
    "api_docs": (("GET",), LOGIN_ONLY),
    "dashboard": (("GET",), COVERAGE),
    "members": (("GET",), only(Role.ADMIN)),
    "member_role": (("POST",), only(Role.ADMIN)),
    "staff_list": (("GET",), PEOPLE),
    "staff_detail": (("GET",), PEOPLE),
    "needs": (("GET",), COVERAGE),
    "coverage_outstanding": (("GET",), PEOPLE),
    "courses": (("GET",), ALL),
    "sessions": (("GET",), ALL),
    "my_bookings": (("GET",), ALL),
    "imports": (("GET",), TRAINING_ADMINS),
}


def url_patterns():
    """(name, pattern) for every named URL the site serves, the admin site apart."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # Django's admin: its own staff-only login, tested separately
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield pattern.name, prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)), key=lambda item: str(item[0]))


URLS = url_patterns()


def test_every_url_has_a_policy():
    missing = [f"{name} ({route})" for name, route in URLS if name not in POLICY]
    assert not missing, f"URL patterns with no entry in the authorization policy: {missing}"
    unnamed = [route for name, route in URLS if not name]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"


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


def _url(name: str, route: str, kwargs: dict) -> str:
    import re

    wanted = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return reverse(name, kwargs={k: kwargs[k] for k in wanted})


def _request(client: Client, method: str, url: str):
    return client.post(url, {}) if method == "POST" else client.get(url)


def _outcome(response, name: str) -> str:
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code in (301, 302) and name != "logout":
        assert "/login/" not in response.get("Location", ""), "a logged-in user was sent to log in"
    return OK


def _anonymous_is_refused(url: str, method: str) -> None:
    response = _request(Client(), method, url)
    if url.startswith("/api/"):
        assert response.status_code == 401, f"{method} {url}: anonymous got {response.status_code}"
    else:
        assert response.status_code == 302 and response["Location"].startswith("/login/"), (
            f"{method} {url}: anonymous got {response.status_code}"
        )


PAGE_URLS = [(name, route) for name, route in URLS if name in POLICY]


@pytest.mark.parametrize(("name", "route"), PAGE_URLS, ids=[name for name, _ in PAGE_URLS])
def test_each_page_lets_in_exactly_the_roles_its_policy_names(world, name, route):
    methods, policy = POLICY[name]
    url = _url(name, route, world["kwargs"])
    for method in methods:
        if policy == PUBLIC:
            assert _request(Client(), method, url).status_code < 400
            continue
        _anonymous_is_refused(url, method)
        for (slug, role), membership in world["members"].items():
            client = Client()
            client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
            got = _outcome(_request(client, method, url), name)
            if policy == LOGIN_ONLY:
                expected = OK
            elif slug == "other":
                expected = NOT_FOUND  # another partnership's members learn nothing
            else:
                expected = policy[role]  # type: ignore[index]
            assert got == expected, (
                f"{method} {url} as {role} of {slug}: expected {expected}, got {got}"
            )
