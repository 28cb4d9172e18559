"""The engagement log through the API."""

import datetime as dt

import pytest

from tiptracker.engagement.models import Engagement
from tiptracker.engagement.tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

RECORD = {
    "date": "2021-11-30",
    "body": "Minister for Mental Wellbeing and Social Care",
    "body_kind": "minister",
    "kind": "meeting",
    "represented_by": "Chief Social Work Officer",
    "summary": "Discussed Dundee's approach.",
}


def url(partnership, path=""):
    return f"/api/partnerships/{partnership.slug}/engagements/{path}"


def test_a_member_lists_the_log_filtered_by_period_and_kind(api, member, partnership):
    EngagementFactory(partnership=partnership, date=dt.date(2021, 11, 30), kind="meeting")
    EngagementFactory(partnership=partnership, date=dt.date(2022, 3, 16), kind="visit")
    client = api(member)
    body = client.get(url(partnership)).json()
    assert [r["date"] for r in body["results"]] == ["2022-03-16", "2021-11-30"]
    assert client.get(url(partnership), {"from": "2022-01-01"}).json()["count"] == 1
    assert client.get(url(partnership), {"kind": "meeting"}).json()["count"] == 1


def test_a_period_with_from_after_to_is_a_400(api, member, partnership):
    response = api(member).get(url(partnership), {"from": "2022-06-01", "to": "2022-01-01"})
    assert response.status_code == 409 and "to" in response.json()["errors"]


def test_an_administrator_adds_changes_and_removes_a_record(api, admin, partnership):
    client = api(admin)
    created = client.post(url(partnership), RECORD, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = client.patch(url(partnership, f"{pk}/"), {"kind": "presentation"}, format="json")
    assert changed.status_code == 200 and changed.json()["kind"] == "presentation"
    assert Engagement.objects.get().body == RECORD["body"]
    assert client.delete(url(partnership, f"{pk}/")).status_code == 204
    assert not Engagement.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"kind": "party"}, "kind"), ({"body": ""}, "body"), ({"date": "30/11/2021"}, "date")],
)
def test_a_bad_record_is_a_400_naming_the_field(api, admin, partnership, change, field):
    response = api(admin).post(url(partnership), {**RECORD, **change}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Engagement.objects.exists()


def test_a_member_may_not_write(api, member, partnership):
    engagement = EngagementFactory(partnership=partnership)
    client = api(member)
    assert client.post(url(partnership), RECORD, format="json").status_code == 403
    assert client.delete(url(partnership, f"{engagement.pk}/")).status_code == 403


def test_an_outsider_gets_404(api, outsider, partnership):
    engagement = EngagementFactory(partnership=partnership)
    client = api(outsider)
    assert client.get(url(partnership)).status_code == 404
    theirs = f"/api/partnerships/{outsider.partnership.slug}/engagements/{engagement.pk}/"
    assert client.get(theirs).status_code == 404
    assert client.delete(theirs).status_code == 404
    assert Engagement.objects.exists()


def test_a_change_through_the_api_names_the_tokens_member(api, admin, login, partnership):
    engagement = EngagementFactory(partnership=partnership, kind="meeting")
    response = api(admin).patch(
        f"/api/partnerships/{partnership.slug}/engagements/{engagement.pk}/",
        {"kind": "presentation"},
        format="json",
    )
    assert response.status_code == 200
    page = login(admin).get(f"/p/{partnership.slug}/engagement/{engagement.pk}/edit/")
    html = page.content.decode()
    history = html[html.index('class="govuk-details tip-history"') :]
    assert "Meeting" in history and "Presentation" in history
    assert f"by {admin.user.email}" in history
