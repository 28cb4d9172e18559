"""The resource library and the champions network through the API."""

import datetime as dt

import pytest

from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.tests.factories import NetworkActivityFactory, NetworkMemberFactory
from tiptracker.resources.models import Resource
from tiptracker.resources.tests.factories import ResourceFactory, ResourceFileFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

BASE = "/api/partnerships/dundee-test"


def test_every_member_lists_and_filters_resources(api, member, partnership):
    ResourceFactory(partnership=partnership, title="Toolkit", kind="manager-toolkit", level=1)
    ResourceFactory(partnership=partnership, title="Poster", kind="communications")
    found = api(member).get(f"{BASE}/resources/?kind=manager-toolkit").json()
    assert [r["title"] for r in found["results"]] == ["Toolkit"]
    assert found["results"][0]["level"] == "informed"
    none = api(member).get(f"{BASE}/resources/?level=none").json()
    assert [r["title"] for r in none["results"]] == ["Poster"]
    assert api(member).get(f"{BASE}/resources/?kind=poster").status_code == 400


def test_a_resource_says_where_to_download_its_file(api, member, partnership):
    stored = ResourceFileFactory(resource__partnership=partnership, name="toolkit.pdf")
    ResourceFactory(partnership=partnership, title="No file")
    found = api(member).get(f"{BASE}/resources/").json()["results"]
    by_title = {r["title"]: r for r in found}
    assert by_title["No file"]["file"] is None
    assert by_title[stored.resource.title]["file"] == {
        "name": "toolkit.pdf",
        "size": stored.size,
        "content_type": "application/pdf",
        "url": f"http://testserver/p/dundee-test/resources/{stored.pk}/file/",
    }
    one = api(member).get(f"{BASE}/resources/{stored.pk}/").json()
    assert one["file"]["name"] == "toolkit.pdf"


def test_a_change_through_the_api_keeps_the_file(api, admin, partnership):
    stored = ResourceFileFactory(resource__partnership=partnership)
    changed = api(admin).patch(
        f"{BASE}/resources/{stored.pk}/", {"title": "Renamed"}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["file"]["url"].endswith(f"/resources/{stored.pk}/file/")
    assert bytes(stored.__class__.objects.get(pk=stored.pk).data) == bytes(stored.data)


def test_an_administrator_adds_changes_and_removes_a_resource(api, admin, partnership):
    client = api(admin)
    created = client.post(
        f"{BASE}/resources/",
        {"title": "Toolkit", "kind": "manager-toolkit", "audience": "managers", "level": "skilled"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    changed = client.patch(
        f"{BASE}/resources/{pk}/", {"url": "https://example.org/t.pdf"}, format="json"
    )
    assert changed.json()["url"] == "https://example.org/t.pdf"
    assert changed.json()["level"] == "skilled"
    assert client.delete(f"{BASE}/resources/{pk}/").status_code == 204
    assert not Resource.objects.exists()


def test_a_bad_link_or_kind_is_400_naming_the_field(api, admin):
    response = api(admin).post(
        f"{BASE}/resources/",
        {"title": "T", "kind": "poster", "audience": "managers", "url": "javascript:alert(1)"},
        format="json",
    )
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    response = api(admin).post(
        f"{BASE}/resources/",
        {"title": "T", "kind": "guidance", "audience": "managers", "url": "javascript:alert(1)"},
        format="json",
    )
    assert response.status_code == 409 and "url" in response.json()["errors"]
    assert not Resource.objects.exists()


def test_a_member_may_not_write_resources(api, member, partnership):
    resource = ResourceFactory(partnership=partnership)
    assert api(member).delete(f"{BASE}/resources/{resource.pk}/").status_code == 403
    assert api(member).post(f"{BASE}/resources/", {}, format="json").status_code == 403


def test_the_outsider_gets_404(api, outsider, partnership):
    resource = ResourceFactory(partnership=partnership)
    assert api(outsider).get(f"{BASE}/resources/{resource.pk}/").status_code == 404
    assert api(outsider).get(f"{BASE}/network/members/").status_code == 404


def test_the_roster_shows_no_staff_fields(api, member, team):
    person = StaffMemberFactory(team=team, email="secret@example.org", staff_id="HIDDEN-1")
    NetworkMemberFactory(team=team, person=person, name="Ann Reid")
    body = api(member).get(f"{BASE}/network/members/").content.decode()
    assert "Ann Reid" in body and "secret@example.org" not in body and "HIDDEN-1" not in body
    assert '"linked_to_staff":true' in body.replace(" ", "")


def test_an_administrator_adds_an_ambassador_ends_the_role_and_logs_an_activity(api, admin, team):
    StaffMemberFactory(team=team, staff_id="DCC1", first_name="Ann", last_name="Reid")
    client = api(admin)
    created = client.post(
        f"{BASE}/network/members/",
        {"kind": "ambassador", "staff_id": "DCC1", "from_date": "2022-11-14"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Ann Reid" and body["team"]["id"] == team.pk
    wrong = client.patch(
        f"{BASE}/network/members/{body['id']}/", {"to_date": "2022-01-01"}, format="json"
    )
    assert wrong.status_code == 409 and "to_date" in wrong.json()["errors"]
    ended = client.patch(
        f"{BASE}/network/members/{body['id']}/", {"to_date": "2023-08-31"}, format="json"
    )
    assert ended.json()["to_date"] == "2023-08-31"
    logged = client.post(
        f"{BASE}/network/activities/",
        {"member": body["id"], "date": "2023-01-25", "kind": "awareness", "summary": "Talk"},
        format="json",
    )
    assert logged.status_code == 201, logged.json()
    assert NetworkActivity.objects.get().recorded_by == admin.user


def test_a_team_of_another_partnership_is_400(api, admin, team, other_partnership):
    theirs = TeamFactory(partnership=other_partnership)
    response = api(admin).post(
        f"{BASE}/network/members/",
        {
            "kind": "ambassador",
            "name": "A",
            "organisation": team.organisation_id,
            "team": theirs.pk,
            "from_date": "2022-11-14",
        },
        format="json",
    )
    assert response.status_code == 409 and "team" in response.json()["errors"]
    assert not NetworkMember.objects.exists()


def test_activities_are_filtered_by_member_and_dates(api, member, team):
    one, two = NetworkMemberFactory(team=team), NetworkMemberFactory(team=team)
    NetworkActivityFactory(member=one, date=dt.date(2023, 1, 1))
    NetworkActivityFactory(member=two, date=dt.date(2023, 2, 1))
    found = api(member).get(f"{BASE}/network/activities/?member={one.pk}").json()
    assert [a["member"]["id"] for a in found["results"]] == [one.pk]
    found = api(member).get(f"{BASE}/network/activities/?from=2023-01-15").json()
    assert [a["member"]["id"] for a in found["results"]] == [two.pk]


def test_the_summary_gives_the_boards_figures(api, member, team):
    NetworkMemberFactory(team=team)
    found = api(member).get(f"{BASE}/network/summary/?to=2023-03-31").json()
    assert found["ambassadors"] == 1 and found["teams_covered"] == 1
    assert found["since"] == "2022-10-01"
    bad = api(member).get(f"{BASE}/network/summary/?from=2023-04-01&to=2023-03-31")
    assert bad.status_code == 409
