"""The engagement log's pages, for the three personas."""

import datetime as dt

import pytest

from tiptracker.engagement.models import Engagement
from tiptracker.engagement.tests.factories import EngagementFactory
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db


def url(partnership, path=""):
    return f"/p/{partnership.slug}/engagement/{path}"


FORM = {
    "date_0": "30",
    "date_1": "11",
    "date_2": "2021",
    "body": "Minister for Mental Wellbeing and Social Care",
    "body_kind": "minister",
    "kind": "meeting",
    "represented_by": "Chief Social Work Officer",
    "summary": "Discussed Dundee's approach to trauma implementation.",
}


@pytest.fixture
def log(partnership):
    EngagementFactory(
        partnership=partnership, date=dt.date(2021, 11, 30), kind="meeting", body="Minister"
    )
    EngagementFactory(partnership=partnership, date=dt.date(2022, 1, 25), kind="advisory-group")
    EngagementFactory(
        partnership=partnership,
        date=dt.date(2022, 3, 16),
        kind="visit",
        body="Other local authority areas",
    )
    EngagementFactory(partnership=partnership, date=dt.date(2022, 6, 29), kind="workshop", body="Authentic Voice")  # fmt: skip
    return partnership


def _count(page: str, label: str) -> str:
    row = page.split(f'<th scope="row" class="govuk-table__header">{label}</th>', 1)[1]
    return row.split("</td>", 1)[0].rsplit(">", 1)[1]


def test_a_member_reads_the_log_newest_first_with_counts_by_kind(login, member, log):
    response = login(member).get(url(log))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("29 June 2022") < page.index("30 November 2021")
    assert "All engagement: 4 records" in page
    assert (_count(page, "Meeting"), _count(page, "Visit"), _count(page, "Presentation")) == (
        "1",
        "1",
        "0",
    )
    assert "Add an engagement" not in page and "/edit/" not in page


def test_the_log_is_filtered_by_period_and_so_are_the_counts(login, member, log):
    page = login(member).get(url(log), {"from": "2022-01-01", "to": "31/03/2022"}).content.decode()
    assert "From 1 January 2022 to 31 March 2022: 2 records" in page
    assert "Other local authority areas" in page and "Authentic Voice" not in page
    assert (_count(page, "Meeting"), _count(page, "Visit"), _count(page, "Advisory group")) == (
        "0",
        "1",
        "1",
    )


def test_a_period_with_from_after_to_is_an_error_and_shows_everything(login, member, log):
    response = login(member).get(url(log), {"from": "2022-06-01", "to": "2022-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The &#x27;to&#x27; date must be the same as or after the &#x27;from&#x27; date" in page
    assert "Until the period is corrected, all engagement: 4 records" in page


def test_a_date_that_is_not_a_date_is_an_error(login, member, log):
    page = login(member).get(url(log), {"from": "last year"}).content.decode()
    assert "There is a problem" in page and "is not a date" in page


def test_the_period_is_kept_across_pages(login, member, partnership):
    for n in range(55):
        EngagementFactory(partnership=partnership, date=dt.date(2022, 1, 1) + dt.timedelta(days=n))
    page = login(member).get(url(partnership), {"from": "2022-01-01"}).content.decode()
    assert "?from=2022-01-01&amp;page=2" in page


def test_an_outsider_is_refused_the_log(login, outsider, log):
    assert login(outsider).get(url(log)).status_code == 404


def test_an_administrator_adds_an_engagement(login, admin, partnership):
    response = login(admin).post(url(partnership, "new/"), FORM, follow=True)
    engagement = Engagement.objects.get()
    assert engagement.date == dt.date(2021, 11, 30) and engagement.body_kind == "minister"
    assert "Added the engagement" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_1": "13"}, "The date must be a real date"),
        ({"date_0": ""}, "The date must include a day"),
        ({"kind": "party"}, "Choose one of the kinds of engagement in the list"),
        ({"body": ""}, "Enter the body or group"),
        ({"summary": ""}, "Enter a summary of the engagement"),
    ],
)
def test_it_refuses_a_bad_record_saying_what_was_wrong(
    login, admin, partnership, overrides, message
):
    response = login(admin).post(url(partnership, "new/"), {**FORM, **overrides})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Engagement.objects.exists()


def test_an_administrator_edits_and_deletes_an_engagement(login, admin, partnership):
    engagement = EngagementFactory(partnership=partnership)
    client = login(admin)
    assert (
        "quality indicator framework"
        in client.get(url(partnership, f"{engagement.pk}/edit/")).content.decode()
    )
    client.post(url(partnership, f"{engagement.pk}/edit/"), {**FORM, "kind": "presentation"})
    engagement.refresh_from_db()
    assert engagement.kind == "presentation"
    client.post(url(partnership, f"{engagement.pk}/delete/"))
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.BOARD, Role.MANAGER])
def test_only_administrators_change_the_log(login, persona, partnership, role):
    engagement = EngagementFactory(partnership=partnership)
    client = login(persona(role))
    assert client.get(url(partnership)).status_code == 200
    assert client.post(url(partnership, "new/"), FORM).status_code == 403
    assert client.post(url(partnership, f"{engagement.pk}/delete/")).status_code == 403
    assert Engagement.objects.count() == 1


def test_an_outsider_cannot_reach_a_record_under_their_own_slug(login, outsider, partnership):
    engagement = EngagementFactory(partnership=partnership)
    path = f"/p/{outsider.partnership.slug}/engagement/{engagement.pk}/delete/"
    assert login(outsider).post(path).status_code == 404
    assert Engagement.objects.exists()
