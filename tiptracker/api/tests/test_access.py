"""Who may call what: anonymous 401, another partnership 404 (its slug or its objects),
a role that is not allowed 403, and a manager limited to their teams."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tiptracker.api import views
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Role

ALL = set(Role)
COVERAGE = {Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.BOARD}
PEOPLE = {Role.ADMIN, Role.LD_OFFICER, Role.MANAGER}

# The policy, written out: (name, path under the partnership, the roles that get a 200).
READS = [
    ("organisations", "organisations/", COVERAGE),
    ("teams", "teams/", COVERAGE),
    ("staff", "staff/", PEOPLE),
    ("staff detail", "staff/{person}/", PEOPLE),
    ("courses", "courses/", ALL),
    ("course detail", "courses/{course}/", ALL),
    ("sessions", "sessions/", ALL),
    ("session detail", "sessions/{session}/", ALL),
    ("bookings", "bookings/", ALL),
    ("completions", "completions/", ALL),
    ("coverage", "coverage/", COVERAGE),
]
# Every operation, with an object of the caller's own partnership where the path needs one.
OPERATIONS = [("get", path) for _name, path, _roles in READS] + [
    ("get", "bookings/{booking}/"),
    ("post", "bookings/"),
    ("post", "bookings/{booking}/cancel/"),
    ("post", "sessions/{session}/bookings/"),
    ("post", "completions/"),
]


def url(partnership, path="", **objects) -> str:
    return f"/api/partnerships/{partnership.slug}/" + path.format(
        **{k: v.pk for k, v in objects.items()}
    )


def _objects(estate) -> dict:
    return {
        "person": estate.person,
        "course": estate.course,
        "session": estate.session,
        "booking": estate.booking,
    }


def _api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls

    # The schema view is login-only, like the docs page (the authorization matrix checks it).
    return [
        cls
        for cls in walk(get_resolver().url_patterns)
        if cls.__module__ == views.__name__ and cls is not views.SchemaApi
    ]


def test_every_api_view_names_the_roles_it_allows():
    found = _api_views()
    assert len(found) == 15
    for cls in found:
        assert isinstance(cls.allowed_roles, frozenset) and cls.allowed_roles, cls.__name__


def test_the_roles_on_the_views_are_the_written_policy():
    assert views.OrganisationListApi.allowed_roles == access.COVERAGE_ROLES == COVERAGE
    assert views.TeamListApi.allowed_roles == COVERAGE
    assert views.StaffListApi.allowed_roles == views.StaffDetailApi.allowed_roles == PEOPLE
    assert views.CoverageApi.allowed_roles == COVERAGE
    for cls in (
        views.CourseListApi,
        views.CourseDetailApi,
        views.SessionListApi,
        views.SessionDetailApi,
        views.BookingListCreateApi,
        views.BookingDetailApi,
        views.BookingCancelApi,
    ):
        assert cls.allowed_roles == ALL, cls.__name__
    # Booking several people at once: the roles that book others, like the page.
    assert views.SessionBookingsApi.allowed_roles == access.BOOK_OTHERS_ROLES == PEOPLE
    assert views.CompletionListRecordApi.roles_for("GET") == ALL
    assert views.CompletionListRecordApi.roles_for("POST") == {Role.ADMIN, Role.LD_OFFICER}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_someone_not_signed_in_gets_401(api, ours, method, path):
    response = getattr(api(), method)(url(ours.partnership, path, **_objects(ours)))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_an_outsider_gets_404_for_the_partnership(api, outsider, ours, method, path):
    response = getattr(api(outsider), method)(
        url(ours.partnership, path, **_objects(ours)), {}, format="json"
    )
    assert response.status_code == 404
    assert ours.partnership.name not in response.content.decode()


@pytest.mark.parametrize(("method", "path"), [op for op in OPERATIONS if "{" in op[1]])
def test_another_partnerships_object_under_your_own_slug_is_404(
    api, admin, ours, theirs, method, path
):
    response = getattr(api(admin), method)(
        url(ours.partnership, path, **_objects(theirs)), {}, format="json"
    )
    assert response.status_code == 404


def test_an_unknown_partnership_is_404_like_another_one(api, admin):
    assert api(admin).get("/api/partnerships/no-such-place/staff/").status_code == 404


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "path", "allowed"), READS, ids=[r[0] for r in READS])
def test_each_role_gets_200_or_403_by_the_policy(api, persona, ours, role, name, path, allowed):
    membership = persona(role, teams=[ours.team] if role == Role.MANAGER else ())
    response = api(membership).get(url(ours.partnership, path, **_objects(ours)))
    assert response.status_code == (200 if role in allowed else 403), response.content
    if response.status_code == 403:
        assert response.json() == {"detail": "Your role does not allow this"}


def test_only_training_admins_may_record_completions(api, persona, ours):
    for role in Role:
        membership = persona(role, teams=[ours.team] if role == Role.MANAGER else ())
        response = api(membership).post(
            url(ours.partnership, "completions/"),
            {"staff_id": ours.person.staff_id, "course_code": "TI-1", "completed_on": "2022-04-01"},
            format="json",
        )
        assert response.status_code == (201 if role in (Role.ADMIN, Role.LD_OFFICER) else 403), role


def test_a_manager_sees_only_their_teams_staff(api, persona, ours):
    manager = persona(Role.MANAGER, teams=[ours.team])
    client = api(manager)
    listed = client.get(url(ours.partnership, "staff/")).json()
    assert [p["staff_id"] for p in listed["results"]] == [ours.person.staff_id]
    assert (
        client.get(url(ours.partnership, "staff/{person}/", person=ours.other_person)).status_code
        == 404
    )
    assert [t["name"] for t in client.get(url(ours.partnership, "teams/")).json()["results"]] == [
        ours.team.name
    ]


def test_a_manager_sees_their_teams_bookings_and_completions_only(api, persona, ours):
    manager = persona(Role.MANAGER, teams=[ours.other_team])
    client = api(manager)
    assert [b["id"] for b in client.get(url(ours.partnership, "bookings/")).json()["results"]] == [
        ours.booking.pk
    ]
    assert client.get(url(ours.partnership, "completions/")).json()["count"] == 0


def test_a_staff_member_sees_only_their_own_bookings(api, member, ours):
    client = api(member)
    assert client.get(url(ours.partnership, "bookings/")).json()["count"] == 0
    assert (
        client.get(url(ours.partnership, "bookings/{booking}/", booking=ours.booking)).status_code
        == 404
    )
    assert (
        client.post(
            url(ours.partnership, "bookings/{booking}/cancel/", booking=ours.booking)
        ).status_code
        == 404
    )


def test_the_partnership_list_shows_only_your_memberships_with_your_role(
    api, persona, other_partnership, ours
):
    board = persona(Role.BOARD)
    response = api(board).get("/api/partnerships/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"slug": ours.partnership.slug, "name": ours.partnership.name, "role": "board"}
    ]
