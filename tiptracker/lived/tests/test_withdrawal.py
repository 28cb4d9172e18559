import datetime as dt

import pytest
from django.db import connection

from tiptracker.lived.audit import PERSON
from tiptracker.lived.consent import lived_involvement_add
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import (
    lived_purge,
    lived_withdraw,
    lived_withdraw_by_token,
    retention_days,
)
from tiptracker.lived.export import lived_export
from tiptracker.lived.models import AuditEvent, Involvement, RouteRecord, Stage, StageChange
from tiptracker.lived.route import (
    lived_close,
    lived_decline,
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
)
from tiptracker.lived.tests.factories import consented, coordinator, interest

pytestmark = pytest.mark.django_db


def raw_row(record: RouteRecord) -> dict:
    """The record as the database holds it, past the ORM's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT preferred_name, email, phone, note, email_hash, phone_hash, token_hash "
            "FROM lived_routerecord WHERE id = %s",
            [record.pk],
        )
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def involved_with_notes(actor):
    record = consented(actor, phone="01382 123456", note="Only by e-mail please")
    lived_involve(actor=actor, record=record, note="Started with the strategy group")
    lived_involvement_add(
        actor=actor,
        record=record,
        kind=Involvement.Kind.STRATEGY,
        start_on=dt.date(2026, 1, 5),
        description="Strategy refresh",
        support_offered="Paid time and a debrief",
    )
    return record


def test_withdrawing_erases_identifying_data_at_once_and_keeps_anonymous_stages():
    actor = coordinator()
    made = lived_interest_express(
        actor=PERSON,
        partnership_id=actor.partnership_id,
        preferred_name="Sam",
        email="sam@example.org",
        note="A note",
    )
    record = made.record
    lived_information_send(actor=actor, record=record, note="Leaflet sent to Sam")

    withdrawal = lived_withdraw_by_token(token=made.token)

    assert withdrawal is not None and not withdrawal.already
    row = raw_row(record)
    assert row["preferred_name"] == row["email"] == row["phone"] == row["note"] == ""
    assert row["email_hash"] == row["phone_hash"] == ""
    assert row["token_hash"]  # kept, so the link can still confirm the withdrawal
    record.refresh_from_db()
    assert record.stage == Stage.WITHDRAWN and record.erased_at and record.ended_at
    assert list(record.changes.values_list("to_stage", flat=True)) == [
        Stage.INTEREST_RECEIVED,
        Stage.INFORMATION_SENT,
        Stage.WITHDRAWN,
    ]
    assert not record.changes.exclude(note="").exists()
    last = record.changes.last()
    assert last.by_person and last.by is None


def test_withdrawal_erases_notes_of_stages_and_involvements_too():
    actor = coordinator()
    record = involved_with_notes(actor)
    lived_withdraw(actor=actor, record=record)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM lived_stagechange WHERE record_id = %s UNION ALL "
            "SELECT description FROM lived_involvement WHERE record_id = %s UNION ALL "
            "SELECT support_offered FROM lived_involvement WHERE record_id = %s",
            [record.pk, record.pk, record.pk],
        )
        assert {value for (value,) in cursor.fetchall()} == {""}
    involvement = Involvement.objects.get(record=record)
    assert involvement.kind == Involvement.Kind.STRATEGY  # the anonymous fact stays


def test_a_withdrawal_link_used_twice_confirms_again_and_changes_nothing():
    actor = coordinator()
    made = lived_interest_express(
        actor=PERSON, partnership_id=actor.partnership_id, preferred_name="Jo", email="jo@x.org"
    )
    lived_withdraw_by_token(token=made.token)
    changes = StageChange.objects.count()

    again = lived_withdraw_by_token(token=made.token)

    assert again is not None and again.already
    assert again.record.stage == Stage.WITHDRAWN
    assert StageChange.objects.count() == changes
    assert lived_withdraw_by_token(token="not-a-token") is None


def test_someone_who_withdrew_may_express_interest_afresh():
    actor = coordinator()
    record = interest(actor)
    lived_withdraw(actor=actor, record=record)
    again = lived_interest_express(
        actor=PERSON,
        partnership_id=actor.partnership_id,
        preferred_name="Sam Example",
        email="sam.example@example.org",
    )
    assert not again.merged and again.record.pk != record.pk


def test_the_purge_erases_records_ended_longer_than_the_retention_period(clock, settings):
    settings.LIVED_RETENTION_DAYS = 30
    actor = coordinator()
    clock.move_to("2026-01-10T09:00")
    old_closed = involved_with_notes(actor)
    lived_close(actor=actor, record=old_closed)
    old_declined = interest(actor, email="b@example.org")
    for move in (
        lived_information_send,
        lived_discussion_arrange,
        lived_discussion_hold,
        lived_decline,
    ):
        move(actor=actor, record=old_declined)
    old_withdrawn = interest(actor, email="c@example.org")
    lived_withdraw(actor=actor, record=old_withdrawn)
    still_open = interest(actor, email="d@example.org")
    clock.move_to("2026-02-05T09:00")
    recent = interest(actor, email="e@example.org")
    lived_withdraw(actor=actor, record=recent)

    counts = lived_purge(now=dt.datetime.fromisoformat("2026-02-12T09:00+00:00"))

    assert counts == {"declined": 1, "withdrawn": 1, "closed": 1, "total": 3, "closed_idle": 0}
    for record in (old_closed, old_declined, old_withdrawn):
        row = raw_row(record)
        assert row["preferred_name"] == row["email"] == row["note"] == ""
        assert row["token_hash"] is None
        record.refresh_from_db()
        assert record.purged_at and record.changes.exists()
    assert raw_row(recent)["token_hash"]  # within retention: the link still confirms
    assert lived_export(actor=actor, record=still_open)["preferred_name"] == ("Sam Example")
    assert AuditEvent.objects.filter(action="purged").count() == 3
    # Run again: nothing left to do.
    assert lived_purge(now=dt.datetime.fromisoformat("2026-02-12T09:00+00:00")) == {
        "declined": 0,
        "withdrawn": 0,
        "closed": 0,
        "total": 0,
        "closed_idle": 0,
    }


def test_the_retention_period_defaults_to_two_years(settings):
    del settings.LIVED_RETENTION_DAYS
    assert retention_days() == 730


def test_tiptracker_purge_reports_the_route_records_it_erased(capsys):
    from tiptracker.cli.database import cmd_purge

    actor = coordinator()
    record = interest(actor)
    lived_withdraw(actor=actor, record=record)
    cmd_purge(None)  # type: ignore[arg-type]
    assert "lived-experience" in capsys.readouterr().out


def test_the_purge_closes_records_left_without_a_step_before_consent(clock, settings):
    """Someone who stopped replying is not kept for ever: a year without a step before
    consent closes the record (by TIP Tracker, audited), and its retention then runs."""
    settings.LIVED_IDLE_CLOSE_DAYS = 100
    settings.LIVED_RETENTION_DAYS = 30
    actor = coordinator()
    clock.move_to("2026-01-10T09:00")
    quiet = interest(actor, email="quiet@example.org")
    involved = involved_with_notes(actor)
    clock.move_to("2026-04-01T09:00")
    recent = interest(actor, email="recent@example.org")

    clock.move_to("2026-05-01T09:00")
    counts = lived_purge()
    assert counts["closed_idle"] == 1 and counts["total"] == 0
    quiet.refresh_from_db()
    assert quiet.stage == Stage.CLOSED and quiet.preferred_name  # closed, not yet erased
    change = quiet.changes.get(to_stage=Stage.CLOSED)
    assert change.by is None and "no step for 100 days" in change.note
    assert AuditEvent.objects.filter(record_id=quiet.pk, action="changed", actor=None).exists()
    for record in (involved, recent):
        record.refresh_from_db()
        assert record.stage != Stage.CLOSED

    clock.move_to("2026-06-05T09:00")
    assert lived_purge()["closed"] == 1
    quiet.refresh_from_db()
    assert quiet.preferred_name == "" and quiet.purged_at is not None
