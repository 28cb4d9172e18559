"""The route's pages for staff, without a login: expressing interest, and the private link
that shows the person their status and lets them withdraw."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tiptracker.lived.audit import PERSON
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.models import AuditEvent, RouteRecord, Stage
from tiptracker.lived.tests.factories import coordinator as make_coordinator
from tiptracker.lived.tests.factories import interest

pytestmark = pytest.mark.django_db

ROBIN = {"preferred_name": "Robin", "email": "robin@example.org", "phone": "", "note": ""}


@pytest.fixture
def interest_url(partnership):
    return reverse("lived_interest", args=[partnership.slug])


def link_in(text: str) -> str:
    return re.search(r"http://testserver(/lived-experience/your-record/[^/\s<]+/)", text)[1]


def test_the_page_explains_everything_before_asking_for_anything(interest_url):
    page = Client().get(interest_url).content.decode()
    form_at = page.index("<form")
    for heading in (
        "What the group does",
        "What we store",
        "Who can see it",
        "How long we keep it",
        "How to withdraw",
    ):
        assert -1 < page.index(heading) < form_at, heading
    assert "2 years" in page
    assert "you should not write about them here" in page


def test_the_page_asks_only_how_to_get_in_touch(interest_url):
    page = Client().get(interest_url).content.decode()
    form = page[page.index("<form") : page.index("</form>")]
    names = set(re.findall(r'name="([^"]+)"', form)) - {"csrfmiddlewaretoken"}
    assert names == {"preferred_name", "email", "phone", "note"}


def test_an_unknown_partnership_has_no_page():
    assert Client().get(reverse("lived_interest", args=["nowhere"])).status_code == 404


def test_interest_with_an_e_mail_is_recorded_and_the_link_goes_only_by_e_mail(
    partnership, interest_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(interest_url, ROBIN)
    page = response.content.decode()
    assert "We have sent your private link" in page
    assert "/your-record/" not in page
    record = RouteRecord.objects.get()
    assert record.stage == Stage.INTEREST_RECEIVED and record.email == "robin@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin@example.org"]
    status = Client().get(link_in(mail.outbox[0].body))
    assert status.status_code == 200 and b"Interest received" in status.content
    assert "no-store" in response["Cache-Control"]


def test_interest_with_a_phone_only_is_recorded_and_the_coordinator_gives_the_link(
    partnership, interest_url
):
    response = Client().post(interest_url, {**ROBIN, "email": "", "phone": "07700 900123"})
    page = response.content.decode()
    assert "The coordinator will phone you" in page and "/your-record/" not in page
    assert not mail.outbox
    assert RouteRecord.objects.get().phone == "07700 900123"


def test_nobody_learns_from_the_page_whether_a_phone_number_is_on_the_route(
    partnership, interest_url
):
    """Phone only: a number already on an open record merges, a new one does not, and the
    pages are the same; no e-mail either way."""
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # noqa: E731
    Client().post(interest_url, {**ROBIN, "email": "", "phone": "07700 900123"})
    known = Client().post(interest_url, {**ROBIN, "email": "", "phone": "07700900123"})
    unknown = Client().post(interest_url, {**ROBIN, "email": "", "phone": "07700 900999"})
    assert strip(known.content.decode()) == strip(unknown.content.decode())
    assert RouteRecord.objects.count() == 2
    assert not mail.outbox


def test_someone_elses_phone_with_my_e_mail_never_joins_their_record(
    partnership, interest_url, django_capture_on_commit_callbacks
):
    """A form giving an e-mail address merges only by it: who types a colleague's number
    with their own address gets a new record of their own, the link to it, and no word of
    the colleague; the coordinator is told the number is on another record."""
    Client().post(interest_url, {**ROBIN, "phone": "07700 900123"})
    colleague = RouteRecord.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            interest_url,
            {"preferred_name": "Nosy", "email": "nosy@example.org", "phone": "07700 900123"},
        )
    assert RouteRecord.objects.count() == 2
    theirs = RouteRecord.objects.exclude(pk=colleague.pk).get()
    assert f"also on record {colleague.pk}" in theirs.note
    colleague.refresh_from_db()
    assert "Nosy" not in colleague.note
    assert [m.to for m in mail.outbox] == [["nosy@example.org"]]
    assert "private link" in mail.outbox[0].body
    status = Client().get(link_in(mail.outbox[0].body)).content.decode()
    assert "Robin" not in status and "robin@example.org" not in status


def test_a_second_expression_merges_and_looks_the_same_to_whoever_sent_it(
    partnership, interest_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = Client().post(interest_url, ROBIN).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second = (
            Client()
            .post(
                interest_url,
                {**ROBIN, "preferred_name": "Someone Else", "email": "ROBIN@example.org "},
            )
            .content.decode()
        )
    assert RouteRecord.objects.count() == 1
    strip = lambda page: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)  # noqa: E731
    assert strip(first) == strip(second)
    # The notice goes to the address on record, not to whatever the form said.
    assert [m.to for m in mail.outbox] == [["robin@example.org"], ["robin@example.org"]]
    assert "received an expression of interest" in mail.outbox[1].body
    assert "/your-record/" not in mail.outbox[1].body
    record = RouteRecord.objects.get()
    assert record.preferred_name == "Robin" and "Someone Else" in record.note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the name you would like us to use"),
        ({"preferred_name": "Robin"}, "Enter an e-mail address or a phone number"),
        ({"preferred_name": "Robin", "email": "robin"}, "Enter an e-mail address in the right"),
        ({"preferred_name": "Robin", "phone": "call me"}, "at least 7 digits"),
        ({"preferred_name": "Robin", "phone": "0770090012x"}, "can only include numbers"),
        ({"preferred_name": "R" * 201, "phone": "07700900123"}, "200 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_what_was_wrong_and_nothing_recorded(
    partnership, interest_url, data, message
):
    response = Client().post(interest_url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RouteRecord.objects.exists()
    assert not mail.outbox


def test_too_many_expressions_from_one_address_are_refused(partnership, interest_url, settings):
    settings.LIVED_INTEREST_PER_HOUR = 2
    client = Client()
    for n in range(2):
        client.post(interest_url, {**ROBIN, "email": f"p{n}@example.org"})
    response = client.post(interest_url, {**ROBIN, "email": "p9@example.org"})
    assert "Nothing was recorded" in response.content.decode()
    assert RouteRecord.objects.count() == 2


@pytest.fixture
def person(partnership):
    """A person who expressed interest on the page, with their link's token."""
    return lived_interest_express(
        actor=PERSON,
        partnership_id=partnership.pk,
        preferred_name="Robin",
        phone="07700 900123",
    )


def test_the_status_page_shows_the_stage_and_what_is_held_and_is_audited(person):
    page = Client().get(reverse("lived_status", args=[person.token])).content.decode()
    assert "Interest received" in page and "07700 900123" in page
    assert "Withdraw" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.OPENED, by_person=True, record_id=person.record.pk
    ).exists()


def test_a_wrong_link_shows_a_kind_page_and_changes_nothing(person):
    response = Client().get(reverse("lived_status", args=["not-a-token"]))
    assert response.status_code == 404
    assert b"This link does not work" in response.content
    response = Client().post(reverse("lived_person_withdraw", args=["not-a-token"]))
    assert response.status_code == 404
    assert RouteRecord.objects.get().stage == Stage.INTEREST_RECEIVED


def test_withdrawing_asks_once_then_erases_and_confirms(person):
    client = Client()
    withdraw_url = reverse("lived_person_withdraw", args=[person.token])
    confirm = client.get(withdraw_url).content.decode()
    assert "Are you sure you want to withdraw?" in confirm
    assert RouteRecord.objects.get().stage == Stage.INTEREST_RECEIVED
    done = client.post(withdraw_url).content.decode()
    assert "You have withdrawn" in done and "You had already withdrawn" not in done
    record = RouteRecord.objects.get()
    assert record.stage == Stage.WITHDRAWN and record.preferred_name == "" and record.phone == ""
    assert record.changes.get(to_stage=Stage.WITHDRAWN).by_person


def test_a_withdrawal_link_used_twice_confirms_again_and_breaks_nothing(person):
    client = Client()
    withdraw_url = reverse("lived_person_withdraw", args=[person.token])
    client.post(withdraw_url)
    again = client.post(withdraw_url)
    assert again.status_code == 200
    assert "You had already withdrawn" in again.content.decode()
    assert "You have withdrawn" in client.get(withdraw_url).content.decode()
    status = client.get(reverse("lived_status", args=[person.token])).content.decode()
    assert "Withdrawn" in status and "07700 900123" not in status
    assert RouteRecord.objects.get().changes.filter(to_stage=Stage.WITHDRAWN).count() == 1


def test_the_pages_need_no_login_but_the_workspace_still_does(partnership, person):
    coordinator = make_coordinator(partnership)
    interest(coordinator, email="other@example.org")
    response = Client().get(reverse("lived_records", args=[partnership.slug]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_limit_counts_an_ipv6_network_as_one_sender(partnership, interest_url, settings):
    settings.LIVED_INTEREST_PER_HOUR = 2
    for n in range(2):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1}").post(
            interest_url, {**ROBIN, "email": f"p{n}@example.org"}
        )
    refused = Client(REMOTE_ADDR="2001:db8:1:2::99").post(
        interest_url, {**ROBIN, "email": "p9@example.org"}
    )
    assert "Nothing was recorded" in refused.content.decode()
    elsewhere = Client(REMOTE_ADDR="2001:db8:1:3::1").post(
        interest_url, {**ROBIN, "email": "p8@example.org"}
    )
    assert "Nothing was recorded" not in elsewhere.content.decode()
    assert RouteRecord.objects.count() == 3


def test_a_shared_office_address_has_the_higher_limit_and_others_the_ordinary_one(
    partnership, other_partnership, interest_url, settings
):
    settings.LIVED_INTEREST_PER_HOUR = 2
    settings.LIVED_INTEREST_SHARED_PER_HOUR = 5
    settings.LIVED_INTEREST_SHARED_NETWORKS = "10.20.0.0/16"
    office = Client(REMOTE_ADDR="10.20.3.4")
    outcomes = [
        "Nothing was recorded"
        in office.post(interest_url, {**ROBIN, "email": f"o{n}@example.org"}).content.decode()
        for n in range(6)
    ]
    assert outcomes == [False] * 5 + [True]
    # The limit is per partnership: the same office may still write to another.
    elsewhere = reverse("lived_interest", args=[other_partnership.slug])
    assert "Nothing was recorded" not in office.post(elsewhere, ROBIN).content.decode()
    home = Client(REMOTE_ADDR="198.51.100.20")
    for n in range(2):
        home.post(interest_url, {**ROBIN, "email": f"h{n}@example.org"})
    refused = home.post(interest_url, {**ROBIN, "email": "h9@example.org"})
    assert "Nothing was recorded" in refused.content.decode()
