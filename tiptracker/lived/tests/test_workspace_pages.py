"""The coordinators' workspace pages: the route walked in the browser, every read audited,
refusals shown with what is allowed, and nothing of it for anyone else."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiptracker.lib.dates import today
from tiptracker.lived.audit import PERSON
from tiptracker.lived.consent import lived_consent_text_publish, lived_involvement_add
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.models import AuditEvent, ConsentRecord, RouteRecord, Stage
from tiptracker.lived.route import (
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
    lived_pause,
)
from tiptracker.lived.tests.factories import consented, interest
from tiptracker.lived.tests.unlock import unlocked_client
from tiptracker.partnerships.models import Role


@pytest.fixture
def coordinator(persona):
    return persona(Role.LE_COORDINATOR)


@pytest.fixture
def client(coordinator):
    return unlocked_client(coordinator)


def url(coordinator, name, *args):
    return reverse(name, args=[coordinator.partnership.slug, *args])


def actions(action):
    return AuditEvent.objects.filter(action=action).count()


def _date(prefix, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_list_shows_names_and_stages_and_is_audited(coordinator, client):
    interest(coordinator, preferred_name="Robin Fictional")
    response = client.get(url(coordinator, "lived_records"))
    page = response.content.decode()
    assert "Robin Fictional" in page and "Interest received" in page
    assert actions(AuditEvent.Action.LISTED) == 1
    assert "no-store" in response["Cache-Control"]


def test_the_list_filters_by_stage(coordinator, client):
    interest(coordinator, preferred_name="Robin Fictional")
    moved = interest(coordinator, preferred_name="Alex Madeup", email="alex@example.org")
    lived_information_send(actor=coordinator, record=moved)
    page = client.get(url(coordinator, "lived_records") + "?stage=information_sent").content
    assert b"Alex Madeup" in page and b"Robin Fictional" not in page


def test_the_list_costs_the_same_queries_for_3_records_and_for_30(coordinator, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(coordinator, "lived_records")).status_code == 200
        return len(captured)

    for n in range(3):
        interest(coordinator, email=f"p{n}@example.org")
    few = queries()
    for n in range(3, 30):
        interest(coordinator, email=f"p{n}@example.org")
    assert queries() == few


def test_opening_a_record_shows_it_and_writes_an_audit_event(coordinator, client):
    record = interest(coordinator, preferred_name="Robin Fictional", phone="01382 000000")
    page = client.get(url(coordinator, "lived_record", record.pk)).content.decode()
    assert "Robin Fictional" in page and "01382 000000" in page and "Prefers afternoons" in page
    assert "Information sent" in page  # the next step offered
    event = AuditEvent.objects.get(action=AuditEvent.Action.OPENED)
    assert event.record_id == record.pk and event.actor_id == coordinator.pk


def test_a_record_page_costs_the_same_queries_however_long_its_history(coordinator, client):
    short = interest(coordinator, email="short@example.org")
    long = consented(coordinator, email="long@example.org")
    lived_involve(actor=coordinator, record=long)
    for _ in range(3):
        lived_involvement_add(actor=coordinator, record=long, kind="strategy", start_on=today())

    def queries(record) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url(coordinator, "lived_record", record.pk))
        return len(captured)

    assert queries(long) == queries(short)


def test_a_step_is_recorded_with_its_date_and_note(coordinator, client):
    record = interest(coordinator)
    day = today() - dt.timedelta(days=3)
    response = client.post(
        url(coordinator, "lived_record_move", record.pk, "information_sent"),
        {**_date("on", day), "note": "Sent the pack"},
    )
    assert response.status_code == 302
    change = record.changes.get(to_stage=Stage.INFORMATION_SENT)
    assert change.on == day and change.note == "Sent the pack" and change.by == coordinator


def test_a_step_out_of_order_is_refused_with_the_allowed_next_steps(coordinator, client):
    record = interest(coordinator)
    response = client.post(url(coordinator, "lived_record_move", record.pk, "discussion_held"), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot move to" in page and "Information sent" in page
    record.refresh_from_db()
    assert record.stage == Stage.INTEREST_RECEIVED
    assert record.changes.count() == 1


def test_a_step_dated_in_the_future_is_refused(coordinator, client):
    record = interest(coordinator)
    response = client.post(
        url(coordinator, "lived_record_move", record.pk, "information_sent"),
        _date("on", today() + dt.timedelta(days=2)),
    )
    assert "cannot be in the future" in response.content.decode()
    record.refresh_from_db()
    assert record.stage == Stage.INTEREST_RECEIVED


def test_an_unknown_step_is_not_found(coordinator, client):
    record = interest(coordinator)
    assert (
        client.get(url(coordinator, "lived_record_move", record.pk, "teleported")).status_code
        == 404
    )


def test_a_paused_person_resumes(coordinator, client):
    record = consented(coordinator)
    lived_involve(actor=coordinator, record=record)
    lived_pause(actor=coordinator, record=record)
    page = client.get(url(coordinator, "lived_record", record.pk)).content.decode()
    assert "Resume involvement" in page
    client.post(url(coordinator, "lived_record_move", record.pk, "involved"), {})
    record.refresh_from_db()
    assert record.stage == Stage.INVOLVED


def _held(coordinator):
    record = interest(coordinator)
    lived_information_send(actor=coordinator, record=record)
    lived_discussion_arrange(actor=coordinator, record=record)
    lived_discussion_hold(actor=coordinator, record=record)
    return record


def test_consent_needs_the_bases_chosen_and_records_nothing_without_them(coordinator, client):
    record = _held(coordinator)
    text = lived_consent_text_publish(
        actor=coordinator, partnership_id=coordinator.partnership_id, text="I agree."
    )
    response = client.post(
        url(coordinator, "lived_consent", record.pk),
        {"consent_text": text.pk, "purposes": ["strategy"], **_date("given_on", today())},
    )
    page = response.content.decode()
    assert "Choose the Article 6 lawful basis" in page
    assert "Choose the Article 9(2) condition" in page
    assert "Enter the review date" in page
    assert not ConsentRecord.objects.exists()


def test_consent_is_recorded_against_the_version_agreed_to(coordinator, client):
    record = _held(coordinator)
    first = lived_consent_text_publish(
        actor=coordinator, partnership_id=coordinator.partnership_id, text="I agree."
    )
    lived_consent_text_publish(
        actor=coordinator, partnership_id=coordinator.partnership_id, text="I agree, v2."
    )
    response = client.post(
        url(coordinator, "lived_consent", record.pk),
        {
            "consent_text": first.pk,
            "purposes": ["strategy", "co_production"],
            "article_6_basis": "6_1_e",
            "article_9_condition": "9_2_b",
            **_date("given_on", today()),
            **_date("review_on", today() + dt.timedelta(days=365)),
        },
    )
    assert response.status_code == 302
    consent = ConsentRecord.objects.get()
    assert consent.consent_text == first and consent.article_6_basis == "6_1_e"
    page = client.get(url(coordinator, "lived_record", record.pk)).content.decode()
    assert "Version 1" in page and "Art 6(1)(e) public task" in page


def test_another_partnerships_consent_text_cannot_be_chosen(
    coordinator, client, persona, other_partnership
):
    record = _held(coordinator)
    elsewhere = persona(Role.LE_COORDINATOR, of=other_partnership)
    theirs = lived_consent_text_publish(
        actor=elsewhere, partnership_id=other_partnership.pk, text="Theirs."
    )
    response = client.post(
        url(coordinator, "lived_consent", record.pk), {"consent_text": theirs.pk}
    )
    assert "Choose one of the versions in the list" in response.content.decode()


def test_an_involvement_is_added_with_the_support_offered(coordinator, client):
    record = consented(coordinator)
    lived_involve(actor=coordinator, record=record)
    response = client.post(
        url(coordinator, "lived_involvement", record.pk),
        {"kind": "training_delivery", **_date("start_on", today()), "support_offered": "Debrief"},
    )
    assert response.status_code == 302
    assert record.involvements.get().support_offered == "Debrief"


def test_an_involvement_ending_before_it_starts_is_refused(coordinator, client):
    record = consented(coordinator)
    lived_involve(actor=coordinator, record=record)
    response = client.post(
        url(coordinator, "lived_involvement", record.pk),
        {
            "kind": "strategy",
            **_date("start_on", today()),
            **_date("end_on", today() - dt.timedelta(days=1)),
        },
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    assert not record.involvements.exists()


def test_recording_a_withdrawal_erases_at_once_and_twice_changes_nothing(coordinator, client):
    record = interest(coordinator, preferred_name="Robin Fictional")
    client.post(url(coordinator, "lived_record_withdraw", record.pk))
    record.refresh_from_db()
    assert record.stage == Stage.WITHDRAWN and record.preferred_name == "" and record.erased_at
    response = client.post(url(coordinator, "lived_record_withdraw", record.pk), follow=True)
    assert "was already withdrawn" in response.content.decode()
    assert record.changes.filter(to_stage=Stage.WITHDRAWN).count() == 1


def test_a_new_private_link_is_shown_once_and_the_old_one_stops_working(coordinator, client):
    result = lived_interest_express(
        actor=PERSON,
        partnership_id=coordinator.partnership_id,
        preferred_name="Robin",
        phone="07700 900000",
    )
    old = result.token
    response = client.post(url(coordinator, "lived_link", result.record.pk))
    link = response.content.decode().split('id="private-link">')[1].split("<")[0]
    assert client.get(reverse("lived_status", args=[old])).status_code == 404
    assert client.get(link.split("testserver")[1]).status_code == 200


def test_the_subject_access_export_holds_everything_and_is_audited(coordinator, client):
    record = consented(coordinator, preferred_name="Robin Fictional")
    response = client.get(url(coordinator, "lived_export", record.pk))
    assert response["Content-Disposition"].endswith(f'lived-experience-record-{record.pk}.json"')
    data = json.loads(response.content)
    assert data["preferred_name"] == "Robin Fictional"
    assert data["consents"][0]["consent_text"] == "I agree to take part."
    assert actions(AuditEvent.Action.EXPORTED) == 1


def test_consent_texts_are_published_as_new_versions(coordinator, client):
    client.post(url(coordinator, "lived_consent_texts"), {"text": "First wording"})
    client.post(url(coordinator, "lived_consent_texts"), {"text": "Second wording"})
    page = client.get(url(coordinator, "lived_consent_texts")).content.decode()
    assert "Version 2 (current)" in page and "First wording" in page
    response = client.post(url(coordinator, "lived_consent_texts"), {"text": "  "})
    assert "Enter the consent text" in response.content.decode()


def test_the_audit_trail_lists_who_did_what_and_never_values(coordinator, client):
    record = interest(coordinator, preferred_name="Robin Fictional", note="Secret note")
    client.get(url(coordinator, "lived_record", record.pk))
    response = client.get(url(coordinator, "lived_audit") + f"?record={record.pk}")
    page = response.content.decode()
    assert "Opened" in page and "Expressed interest" in page
    assert "Robin Fictional" not in page and "Secret note" not in page
    assert actions(AuditEvent.Action.AUDIT_READ) == 1


def test_the_audit_trail_page_offers_no_way_to_change_it(coordinator, client):
    interest(coordinator)
    page = client.get(url(coordinator, "lived_audit")).content.decode()
    posts_to = re.findall(r'<form method="post" action="([^"]*)"', page)
    assert sorted(posts_to) == sorted([reverse("logout"), url(coordinator, "lived_lock")])
    assert page.count("<form") == len(posts_to)


def test_counts_suppress_small_numbers(coordinator, client):
    for n in range(3):
        interest(coordinator, email=f"p{n}@example.org")
    page = client.get(url(coordinator, "lived_counts")).content.decode()
    assert "fewer than 5" in page
    assert ">3<" not in page


def test_counts_show_numbers_from_five_up(coordinator, client):
    for n in range(6):
        interest(coordinator, email=f"p{n}@example.org")
    page = client.get(url(coordinator, "lived_counts")).content.decode()
    assert ">6<" in page


def test_counts_refuse_a_period_that_ends_before_it_starts(coordinator, client):
    response = client.get(
        url(coordinator, "lived_counts"),
        {**_date("start", today()), **_date("end", today() - dt.timedelta(days=10))},
    )
    assert "The end date must be on or after the start date" in response.content.decode()


def test_another_partnerships_record_is_not_found(coordinator, client, persona, other_partnership):
    elsewhere = persona(Role.LE_COORDINATOR, of=other_partnership)
    theirs = interest(elsewhere)
    for name in ("lived_record", "lived_export", "lived_record_withdraw", "lived_consent"):
        assert client.get(url(coordinator, name, theirs.pk)).status_code == 404, name
    assert RouteRecord.objects.get(pk=theirs.pk).stage == Stage.INTEREST_RECEIVED


def test_a_coordinator_records_interest_for_someone_and_a_repeat_merges(coordinator, client):
    data = {"preferred_name": "Robin", "email": "robin@example.org", "phone": "", "note": ""}
    first = client.post(url(coordinator, "lived_record_new"), data).content.decode()
    link = first.split('id="private-link">')[1].split("<")[0]
    assert client.get(link.split("testserver")[1]).status_code == 200  # the person's own link
    response = client.post(url(coordinator, "lived_record_new"), data, follow=True)
    assert "already on an open record" in response.content.decode()
    assert RouteRecord.objects.count() == 1


def test_recording_interest_needs_a_way_to_get_in_touch(coordinator, client):
    response = client.post(url(coordinator, "lived_record_new"), {"preferred_name": "Robin"})
    assert "Enter an e-mail address or a phone number" in response.content.decode()
    assert not RouteRecord.objects.exists()


def test_only_coordinators_see_the_link_in_the_navigation(coordinator, client, admin, login):
    assert b"Lived experience" in client.get(url(coordinator, "lived_records")).content
    assert b"Lived experience" not in login(admin).get(url(admin, "sessions")).content


def test_a_coordinator_corrects_the_details_and_a_later_interest_still_merges(coordinator, client):
    made = lived_interest_express(
        actor=PERSON,
        partnership_id=coordinator.partnership_id,
        preferred_name="Robin",
        email="old@example.org",
    )
    record = made.record
    form = client.get(url(coordinator, "lived_record_details", record.pk)).content.decode()
    assert 'value="old@example.org"' in form
    assert actions(AuditEvent.Action.OPENED) == 1
    response = client.post(
        url(coordinator, "lived_record_details", record.pk),
        {"preferred_name": "Robin F", "email": "new@example.org", "phone": "", "note": ""},
    )
    # New contact details: a new private link for them, and the old one stops working.
    link = response.content.decode().split('id="private-link">')[1].split("<")[0]
    assert client.get(reverse("lived_status", args=[made.token])).status_code == 404
    assert client.get(link.split("testserver")[1]).status_code == 200
    record.refresh_from_db()
    assert (record.preferred_name, record.email) == ("Robin F", "new@example.org")
    assert actions(AuditEvent.Action.CHANGED) == 1
    again = lived_interest_express(
        actor=PERSON,
        partnership_id=coordinator.partnership_id,
        preferred_name="Robin",
        email="NEW@example.org",
    )
    assert again.merged and again.record.pk == record.pk


def test_correcting_details_needs_a_way_to_get_in_touch(coordinator, client):
    record = interest(coordinator, preferred_name="Robin")
    response = client.post(
        url(coordinator, "lived_record_details", record.pk),
        {"preferred_name": "Robin", "email": "", "phone": ""},
    )
    assert "Enter an e-mail address or a phone number" in response.content.decode()
    record.refresh_from_db()
    assert record.email == "sam.example@example.org"


def test_an_erased_record_has_no_details_to_correct(coordinator, client):
    record = interest(coordinator)
    lived_withdraw(actor=coordinator, record=record)
    response = client.get(url(coordinator, "lived_record_details", record.pk), follow=True)
    assert "no details to correct" in response.content.decode()
    response = client.post(
        url(coordinator, "lived_record_details", record.pk),
        {"preferred_name": "Back", "email": "back@example.org"},
    )
    assert "no details to correct" in response.content.decode()
    record.refresh_from_db()
    assert record.preferred_name == ""


def test_a_record_that_went_quiet_can_be_closed_before_the_discussion(coordinator, client):
    record = interest(coordinator)
    lived_information_send(actor=coordinator, record=record)
    client.post(url(coordinator, "lived_record_move", record.pk, "closed"), {"note": "No reply"})
    record.refresh_from_db()
    assert record.stage == Stage.CLOSED and record.ended_at is not None


def test_the_list_shows_how_long_since_each_records_latest_step(coordinator, client):
    record = interest(coordinator)
    record.changes.update(on=today() - dt.timedelta(days=40))
    page = client.get(url(coordinator, "lived_records")).content.decode()
    assert "40 days ago" in page


def test_correcting_only_the_name_keeps_the_persons_link(coordinator, client):
    made = lived_interest_express(
        actor=PERSON,
        partnership_id=coordinator.partnership_id,
        preferred_name="Robin",
        email="robin@example.org",
    )
    response = client.post(
        url(coordinator, "lived_record_details", made.record.pk),
        {"preferred_name": "Robin F", "email": "ROBIN@example.org", "phone": "", "note": ""},
    )
    assert response.status_code == 302
    assert client.get(reverse("lived_status", args=[made.token])).status_code == 200
