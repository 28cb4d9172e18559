"""The lived-experience route through the API: coordinators only, with the workspace open in
their browser session; every read of a person's details is audited."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tiptracker.accounts.services import api_token_create
from tiptracker.lib.dates import today
from tiptracker.lived.audit import PERSON
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_purge, lived_withdraw, retention_days
from tiptracker.lived.models import (
    AuditEvent,
    ConsentRecord,
    Involvement,
    RouteRecord,
    Stage,
    StageChange,
)
from tiptracker.lived.tests.factories import consented, coordinator, interest
from tiptracker.lived.tests.unlock import unlock, unlocked_client
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
LOCKED = "confirmed your password and the code from your authenticator app"

CONSENT = {
    "consent_text_version": 1,
    "purposes": ["co_production", "strategy"],
    "article_6_basis": "6_1_e",
    "article_9_condition": "9_2_a",
    "given_on": "2026-01-05",
    "review_on": "2027-01-05",
}


@pytest.fixture
def coord(partnership):
    return coordinator(partnership)


@pytest.fixture
def client(coord):
    return unlocked_client(coord)


@pytest.fixture
def record(coord):
    return interest(coord)


def url(membership, name, pk=None):
    kwargs = {"slug": membership.partnership.slug}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(name, kwargs=kwargs)


def post(client, address, body=None):
    return client.post(address, json.dumps(body or {}), content_type="application/json")


def actions(membership) -> list[str]:
    return list(
        AuditEvent.objects.filter(partnership_id=membership.partnership_id)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def name_of(membership) -> str:
    user = membership.user
    return user.get_full_name() or user.email or user.username


def paths(membership, pk):
    """(method, url) for every operation of the route."""
    one = [
        "api_lived_record",
        "api_lived_record_export",
    ]
    writes = [
        "api_lived_record_transitions",
        "api_lived_record_consents",
        "api_lived_record_involvements",
    ]
    lists = ["api_lived_records", "api_lived_consent_texts", "api_lived_audit", "api_lived_counts"]
    return (
        [("GET", url(membership, name)) for name in lists]
        + [("POST", url(membership, name)) for name in ("api_lived_records",)]
        + [("POST", url(membership, "api_lived_consent_texts"))]
        + [("GET", url(membership, name, pk)) for name in one]
        + [("POST", url(membership, name, pk)) for name in writes]
    )


def call(client, method, address):
    return client.get(address) if method == "GET" else post(client, address)


# Records ------------------------------------------------------------------------------------


def test_a_coordinator_lists_the_records_and_the_listing_is_audited(client, coord, record):
    interest(coord, preferred_name="Alex", email="alex@example.org")
    response = client.get(url(coord, "api_lived_records"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["preferred_name"] for r in body["results"]] == ["Sam Example", "Alex"]
    assert body["results"][0]["stage"] == "interest_received"
    assert body["results"][0]["stage_label"] == "Interest received"
    assert actions(coord)[-1] == Action.LISTED
    assert "no-store" in response["Cache-Control"]


def test_a_coordinator_records_interest_and_a_second_one_merges(client, coord):
    first = post(
        client,
        url(coord, "api_lived_records"),
        {"preferred_name": "Jo", "email": "Jo@Example.org", "note": "Mornings"},
    )
    assert first.status_code == 201
    assert first.json()["merged"] is False
    assert first.json()["stages"][0]["by_name"] == name_of(coord)
    link = first.json()["private_link"].removeprefix("http://testserver")

    again = post(
        client,
        url(coord, "api_lived_records"),
        {"preferred_name": "Joanna", "email": "jo@example.org "},
    )
    assert again.status_code == 200
    assert again.json()["merged"] is True
    assert again.json()["private_link"] is None
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["preferred_name"] == "Jo"  # nothing recorded is overwritten
    assert "preferred name: Joanna" in again.json()["note"]
    assert RouteRecord.objects.count() == 1
    assert actions(coord) == [Action.INTEREST_EXPRESSED, Action.INTEREST_REPEATED]
    # The person's private link, given once with the new record, works without a login.
    assert Client().get(link).status_code == 200


def test_interest_without_contact_details_is_a_400_naming_the_field(client, coord):
    response = post(client, url(coord, "api_lived_records"), {"preferred_name": "Jo"})
    assert response.status_code == 409 and "email" in response.json()["errors"]
    assert not RouteRecord.objects.exists()


def test_interest_with_a_malformed_email_is_a_400_naming_it(client, coord):
    response = post(
        client, url(coord, "api_lived_records"), {"preferred_name": "Jo", "email": "jo at home"}
    )
    assert response.status_code == 400 and "email" in response.json()["errors"]
    assert not RouteRecord.objects.exists()


def test_a_record_id_that_does_not_exist_is_a_404_on_every_record_path(client, coord, record):
    missing = record.pk + 1000
    for method, address in paths(coord, missing):
        if str(missing) in address:
            assert call(client, method, address).status_code == 404, (method, address)


def test_a_coordinator_opens_a_record_with_its_history_and_the_open_is_audited(
    client, coord, record
):
    response = client.get(url(coord, "api_lived_record", record.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["preferred_name"] == "Sam Example"
    assert body["email"] == "sam.example@example.org"
    assert body["note"] == "Prefers afternoons"
    assert body["stage"] == "interest_received"
    assert body["allowed_next"] == [
        {"stage": "information_sent", "label": "Information sent"},
        {"stage": "closed", "label": "Closed"},
        {"stage": "withdrawn", "label": "Withdrawn"},
    ]
    assert [(s["from"], s["to"]) for s in body["stages"]] == [("", "interest_received")]
    assert body["consents"] == [] and body["involvements"] == []
    assert actions(coord)[-1] == Action.OPENED
    assert "no-store" in response["Cache-Control"]


def test_another_partnerships_record_is_a_404(client, coord):
    theirs = interest(coordinator(), email="elsewhere@example.org")
    assert client.get(url(coord, "api_lived_record", theirs.pk)).status_code == 404
    address = url(coord, "api_lived_record_transitions", theirs.pk)
    assert post(client, address, {"to": "information_sent"}).status_code == 404
    assert RouteRecord.objects.get(pk=theirs.pk).stage == Stage.INTEREST_RECEIVED
    assert Action.OPENED not in actions(coord)


# Moving along the route ----------------------------------------------------------------------


def test_a_record_moves_along_the_route_through_named_transitions(client, coord, record):
    address = url(coord, "api_lived_record_transitions", record.pk)
    for to in ("information_sent", "discussion_arranged", "discussion_held"):
        response = post(client, address, {"to": to, "note": f"did {to}"})
        assert response.status_code == 200, response.json()
        assert response.json()["stage"] == to
    body = response.json()
    assert body["stages"][-1]["from"] == "discussion_arranged"
    assert body["stages"][-1]["note"] == "did discussion_held"
    assert [s["stage"] for s in body["allowed_next"]] == [
        "consent_recorded",
        "declined",
        "closed",
        "withdrawn",
    ]
    # Three changes, each audited once: the answer after a write is not another open.
    assert actions(coord) == [Action.INTEREST_EXPRESSED] + [Action.CHANGED] * 3


def test_a_move_with_its_own_date_keeps_it(client, coord, record):
    on = today() - dt.timedelta(days=3)
    response = post(
        client,
        url(coord, "api_lived_record_transitions", record.pk),
        {"to": "information_sent", "on": on.isoformat()},
    )
    assert response.status_code == 200
    assert response.json()["stages"][-1]["on"] == on.isoformat()


def test_an_out_of_order_move_is_a_400_naming_the_allowed_steps_and_writes_nothing(
    client, coord, record
):
    response = post(
        client, url(coord, "api_lived_record_transitions", record.pk), {"to": "involved"}
    )
    assert response.status_code == 409
    message = response.json()["detail"]
    assert "Allowed next steps" in message
    assert "“Information sent”, “Closed” or “Withdrawn”" in message
    record.refresh_from_db()
    assert record.stage == Stage.INTEREST_RECEIVED
    assert StageChange.objects.filter(record=record).count() == 1
    assert actions(coord) == [Action.INTEREST_EXPRESSED]


def test_consent_is_not_a_bare_move(client, coord, record):
    response = post(
        client, url(coord, "api_lived_record_transitions", record.pk), {"to": "consent_recorded"}
    )
    assert response.status_code == 409
    assert "consents" in response.json()["errors"]["to"][0]
    assert StageChange.objects.filter(record=record).count() == 1


def test_an_unknown_stage_is_a_400_naming_the_field(client, coord, record):
    response = post(
        client, url(coord, "api_lived_record_transitions", record.pk), {"to": "interest_received"}
    )
    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_withdrawal_through_the_api_erases_the_name_at_once(client, coord, record):
    response = post(
        client, url(coord, "api_lived_record_transitions", record.pk), {"to": "withdrawn"}
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "withdrawn"
    body = client.get(url(coord, "api_lived_record", record.pk)).json()
    assert body["preferred_name"] == "" and body["email"] == "" and body["note"] == ""
    assert body["erased_at"] is not None
    assert body["allowed_next"] == []
    assert actions(coord)[1:] == [Action.WITHDREW, Action.ERASED, Action.OPENED]


def test_a_paused_person_resumes_with_involved(client, coord):
    record = consented(coord)
    address = url(coord, "api_lived_record_transitions", record.pk)
    for to in ("involved", "paused", "involved"):
        response = post(client, address, {"to": to})
        assert response.status_code == 200, response.json()
    assert [s["to"] for s in response.json()["stages"]][-3:] == ["involved", "paused", "involved"]


# Consent and involvement -------------------------------------------------------------------


def held(client, coord, record):
    address = url(coord, "api_lived_record_transitions", record.pk)
    for to in ("information_sent", "discussion_arranged", "discussion_held"):
        assert post(client, address, {"to": to}).status_code == 200


def test_a_coordinator_publishes_a_consent_text_and_records_consent(client, coord, record):
    held(client, coord, record)
    published = post(client, url(coord, "api_lived_consent_texts"), {"text": "I agree."})
    assert published.status_code == 201 and published.json()["version"] == 1
    listed = client.get(url(coord, "api_lived_consent_texts")).json()
    assert [(t["version"], t["text"]) for t in listed] == [(1, "I agree.")]

    given = dict(CONSENT, given_on=today().isoformat(), review_on="2099-01-01")
    response = post(client, url(coord, "api_lived_record_consents", record.pk), given)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stage"] == "consent_recorded"
    assert body["consents"] == [
        {
            "consent_text_version": 1,
            "purposes": ["co_production", "strategy"],
            "article_6_basis": "6_1_e",
            "article_9_condition": "9_2_a",
            "given_on": today().isoformat(),
            "review_on": "2099-01-01",
            "recorded_at": body["consents"][0]["recorded_at"],
        }
    ]
    assert actions(coord)[-3:] == [
        Action.CONSENT_TEXT_PUBLISHED,
        Action.CHANGED,
        Action.CONSENT_RECORDED,
    ]


def test_consent_without_a_basis_is_a_400_naming_it(client, coord, record):
    held(client, coord, record)
    post(client, url(coord, "api_lived_consent_texts"), {"text": "I agree."})
    given = {k: v for k, v in CONSENT.items() if k != "article_6_basis"}
    response = post(client, url(coord, "api_lived_record_consents", record.pk), given)
    assert response.status_code == 400 and "article_6_basis" in response.json()["errors"]
    assert not ConsentRecord.objects.exists()


def test_consent_to_an_unknown_text_version_is_a_400_naming_it(client, coord, record):
    held(client, coord, record)
    theirs = coordinator()  # another partnership's version 1 is not ours
    post(unlocked_client(theirs), url(theirs, "api_lived_consent_texts"), {"text": "Theirs."})
    response = post(client, url(coord, "api_lived_record_consents", record.pk), CONSENT)
    assert response.status_code == 409 and "consent_text_version" in response.json()["errors"]
    assert not ConsentRecord.objects.exists()


def test_a_rule_the_service_checks_comes_back_naming_its_field(client, coord, record):
    held(client, coord, record)
    post(client, url(coord, "api_lived_consent_texts"), {"text": "I agree."})
    given = dict(CONSENT, given_on="2026-01-05", review_on="2026-01-01")
    response = post(client, url(coord, "api_lived_record_consents", record.pk), given)
    assert response.status_code == 409 and "review_on" in response.json()["errors"]


def test_an_involvement_is_added_for_an_involved_person(client, coord):
    record = consented(coord)
    post(client, url(coord, "api_lived_record_transitions", record.pk), {"to": "involved"})
    response = post(
        client,
        url(coord, "api_lived_record_involvements", record.pk),
        {
            "kind": "training_delivery",
            "start_on": "2026-02-01",
            "description": "Co-delivered a session",
            "support_offered": "Debrief",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["involvements"][0]["description"] == "Co-delivered a session"
    assert actions(coord)[-1] == Action.INVOLVEMENT_ADDED


def test_an_involvement_before_involvement_is_a_400(client, coord, record):
    response = post(
        client,
        url(coord, "api_lived_record_involvements", record.pk),
        {"kind": "strategy", "start_on": "2026-02-01"},
    )
    assert response.status_code == 409 and "involved" in response.json()["detail"]
    assert not Involvement.objects.exists()


# Export, audit trail and counts ------------------------------------------------------------


def test_the_export_is_a_json_file_and_is_audited(client, coord, record):
    response = client.get(url(coord, "api_lived_record_export", record.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="lived-experience-record-{record.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["reference"] == record.pk and body["preferred_name"] == "Sam Example"
    assert actions(coord)[-1] == Action.EXPORTED


def test_the_audit_trail_names_who_did_what_and_reading_it_is_audited(client, coord, record):
    interest(coord, email="other@example.org")
    client.get(url(coord, "api_lived_record", record.pk))
    response = client.get(url(coord, "api_lived_audit"), {"record": record.pk})
    assert response.status_code == 200
    events = response.json()["results"]
    # Newest first; the reading of the trail itself is the newest.
    assert [e["action"] for e in events] == [
        Action.AUDIT_READ,
        Action.OPENED,
        Action.INTEREST_EXPRESSED,
    ]
    assert events[1]["action_label"] == "Opened"
    assert events[1]["record_id"] == record.pk
    assert events[1]["actor_name"] == name_of(coord)
    assert set(events[1]) == {"at", "actor_name", "record_id", "action", "action_label"}
    everything = client.get(url(coord, "api_lived_audit")).json()
    assert everything["count"] == 5  # 2 interests, the open, the first read and this one


def test_the_trail_names_the_person_and_the_system_without_naming_anyone(client, coord):
    by_person = lived_interest_express(
        actor=PERSON,
        partnership_id=coord.partnership_id,
        preferred_name="Kim",
        email="kim@example.org",
    ).record
    lived_withdraw(actor=PERSON, record=by_person)
    lived_purge(now=timezone.now() + dt.timedelta(days=retention_days() + 1))
    events = client.get(url(coord, "api_lived_audit"), {"record": by_person.pk}).json()["results"]
    assert [(e["action"], e["actor_name"]) for e in events[1:]] == [
        (Action.PURGED, "TIP Tracker"),
        (Action.ERASED, "the person"),
        (Action.WITHDREW, "the person"),
        (Action.INTEREST_EXPRESSED, "the person"),
    ]


def test_a_bad_record_filter_on_the_trail_is_a_400(client, coord):
    response = client.get(url(coord, "api_lived_audit"), {"record": "x"})
    assert response.status_code == 400 and "record" in response.json()["errors"]


def period():
    return {"from": (today() - dt.timedelta(days=7)).isoformat(), "to": today().isoformat()}


def test_counts_below_five_are_suppressed(client, coord):
    for n in range(3):
        interest(coord, email=f"p{n}@example.org")
    response = client.get(url(coord, "api_lived_counts"), period())
    assert response.status_code == 200
    entered = {row["stage"]: row["people"] for row in response.json()["entered"]}
    # Lived-experience counts are exact (only anonymous survey answers are rounded).
    assert entered["interest_received"] == {
        "value": None,
        "suppressed": True,
        "rounded": False,
        "shown": "fewer than 5",
    }
    assert response.json()["at_end_total"]["suppressed"] is True


def test_counts_of_five_or_more_are_shown(client, coord):
    for n in range(5):
        interest(coord, email=f"p{n}@example.org")
    body = client.get(url(coord, "api_lived_counts"), period()).json()
    entered = {row["stage"]: row["people"] for row in body["entered"]}
    assert entered["interest_received"] == {
        "value": 5,
        "suppressed": False,
        "rounded": False,
        "shown": "5",
    }
    assert body["at_end_total"]["value"] == 5
    assert body["threshold"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "2026-01-31"}, "from"),
        ({"from": "2026-01-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-01-31"}, "from"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_parameter(client, coord, query, field):
    response = client.get(url(coord, "api_lived_counts"), query)
    # A `to` before the `from` is well formed, but refused (409); the rest break the schema.
    assert response.status_code == (409 if {"from", "to"} == set(query) and field == "to" else 400)
    assert field in response.json()["errors"]


# Who may call the route --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.LD_OFFICER, Role.MANAGER, Role.STAFF, Role.BOARD]
)
def test_every_other_role_gets_404_on_every_path(coord, record, role, login):
    other = MembershipFactory(partnership=coord.partnership, role=role)
    client = login(other)
    for method, address in paths(coord, record.pk):
        assert call(client, method, address).status_code == 404, (method, address)
    # Nothing read or written on their behalf.
    assert actions(coord) == [Action.INTEREST_EXPRESSED]


def test_a_superuser_gets_404(coord, record, login):
    admin = MembershipFactory(partnership=coord.partnership, role=Role.ADMIN)
    admin.user.is_superuser = admin.user.is_staff = True
    admin.user.save()
    assert login(admin).get(url(coord, "api_lived_records")).status_code == 404


def test_another_partnerships_coordinator_gets_404_even_unlocked(coord, record):
    theirs = coordinator()
    client = unlocked_client(theirs)
    for method, address in paths(coord, record.pk):
        assert call(client, method, address).status_code == 404, (method, address)
    assert actions(coord) == [Action.INTEREST_EXPRESSED]


def test_someone_not_signed_in_gets_401(coord, record):
    for method, address in paths(coord, record.pk):
        assert call(Client(), method, address).status_code == 401, (method, address)


def test_a_coordinator_who_has_not_opened_the_workspace_gets_403(coord, record, login):
    client = login(coord)
    for method, address in paths(coord, record.pk):
        response = call(client, method, address)
        assert response.status_code == 403, (method, address)
        assert LOCKED in response.json()["detail"]
        assert "no-store" in response["Cache-Control"]
    assert actions(coord) == [Action.INTEREST_EXPRESSED]


def test_the_workspace_closes_after_its_minutes(coord, record, settings):
    client = unlocked_client(coord)
    settings.LIVED_UNLOCK_MINUTES = 0
    assert client.get(url(coord, "api_lived_records")).status_code == 200  # reopens for 0 min
    assert client.get(url(coord, "api_lived_records")).status_code == 403


def test_a_coordinators_api_token_never_opens_the_route(coord, record):
    _token, key = api_token_create(user=coord.user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for method, address in paths(coord, record.pk):
        response = call(client, method, address)
        assert response.status_code == 403, (method, address)
        assert LOCKED in response.json()["detail"]
    # Not even from a browser whose workspace is open: the token is what signs the call in.
    unlocked = unlock(APIClient(), coord)
    unlocked.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert unlocked.get(url(coord, "api_lived_records")).status_code == 403
    assert actions(coord) == [Action.INTEREST_EXPRESSED]


def test_a_write_without_the_csrf_token_is_refused(coord, record):
    client = unlock(Client(enforce_csrf_checks=True), coord)
    address = url(coord, "api_lived_record_transitions", record.pk)
    response = post(client, address, {"to": "information_sent"})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    record.refresh_from_db()
    assert record.stage == Stage.INTEREST_RECEIVED


# Query counts ------------------------------------------------------------------------------


def queries(client, address) -> int:
    client.get(address)  # the session and caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_the_records_list_costs_the_same_queries_at_any_length(client, coord):
    address = url(coord, "api_lived_records")
    for n in range(2):
        interest(coord, email=f"small{n}@example.org")
    small = queries(client, address)
    for n in range(25):
        interest(coord, email=f"large{n}@example.org")
    assert queries(client, address) == small


def test_the_audit_trail_costs_the_same_queries_at_any_length(client, coord):
    address = url(coord, "api_lived_audit")
    interest(coord, email="one@example.org")
    small = queries(client, address)
    for n in range(25):
        interest(coord, email=f"large{n}@example.org")
    assert queries(client, address) == small
