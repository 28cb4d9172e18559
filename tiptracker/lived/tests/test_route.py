import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tiptracker.lib.dates import today
from tiptracker.lived.audit import PERSON
from tiptracker.lived.consent import (
    lived_consent_record,
    lived_consent_text_publish,
    lived_involvement_add,
)
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    AuditEvent,
    ConsentRecord,
    Involvement,
    Purpose,
    RouteRecord,
    Stage,
)
from tiptracker.lived.reads import lived_status_for_person
from tiptracker.lived.route import (
    TRANSITIONS,
    lived_close,
    lived_decline,
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
    lived_involve,
    lived_pause,
    lived_resume,
)
from tiptracker.lived.tests.factories import consented, coordinator, interest
from tiptracker.lived.tokens import lived_link_reissue
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

S = Stage
# How a record reaches each stage from "interest received".
PATH = {
    S.INTEREST_RECEIVED: [],
    S.INFORMATION_SENT: [S.INFORMATION_SENT],
    S.DISCUSSION_ARRANGED: [S.INFORMATION_SENT, S.DISCUSSION_ARRANGED],
    S.DISCUSSION_HELD: [S.INFORMATION_SENT, S.DISCUSSION_ARRANGED, S.DISCUSSION_HELD],
}
PATH[S.CONSENT_RECORDED] = [*PATH[S.DISCUSSION_HELD], S.CONSENT_RECORDED]
PATH[S.DECLINED] = [*PATH[S.DISCUSSION_HELD], S.DECLINED]
PATH[S.INVOLVED] = [*PATH[S.CONSENT_RECORDED], S.INVOLVED]
PATH[S.PAUSED] = [*PATH[S.INVOLVED], S.PAUSED]
PATH[S.CLOSED] = [*PATH[S.INVOLVED], S.CLOSED]
PATH[S.WITHDRAWN] = [S.WITHDRAWN]


def step(actor, record, to):
    """Move `record` to `to` through the named transition for it."""
    if to == S.CONSENT_RECORDED:
        text = lived_consent_text_publish(
            actor=actor, partnership_id=actor.partnership_id, text="I agree."
        )
        lived_consent_record(
            actor=actor,
            record=record,
            consent_text=text,
            purposes=[Purpose.STRATEGY],
            article_6_basis=Article6Basis.CONSENT,
            article_9_condition=Article9Condition.EXPLICIT_CONSENT,
            given_on=today(),
            review_on=today() + dt.timedelta(days=180),
        )
    elif to == S.WITHDRAWN:
        lived_withdraw(actor=actor, record=record)
    else:
        record.refresh_from_db()
        named = {
            S.INFORMATION_SENT: lived_information_send,
            S.DISCUSSION_ARRANGED: lived_discussion_arrange,
            S.DISCUSSION_HELD: lived_discussion_hold,
            S.DECLINED: lived_decline,
            S.INVOLVED: lived_resume if record.stage == S.PAUSED else lived_involve,
            S.PAUSED: lived_pause,
            S.CLOSED: lived_close,
        }[to]
        named(actor=actor, record=record)
    record.refresh_from_db()
    return record


def record_at(actor, stage, email="sam.example@example.org"):
    record = interest(actor, email=email)
    for to in PATH[stage]:
        step(actor, record, to)
    assert record.stage == stage
    return record


ALLOWED = [(a, b) for a, nexts in TRANSITIONS.items() for b in nexts]


def test_the_table_covers_every_stage_and_withdrawal_is_open_until_withdrawn():
    assert set(TRANSITIONS) == set(Stage)
    for stage, nexts in TRANSITIONS.items():
        assert (S.WITHDRAWN in nexts) == (stage != S.WITHDRAWN)
    assert TRANSITIONS[S.PAUSED] == (S.INVOLVED, S.CLOSED, S.WITHDRAWN)


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition_moves_the_record_and_records_it(start, to):
    actor = coordinator()
    record = record_at(actor, start)
    step(actor, record, to)
    assert record.stage == to
    change = record.changes.order_by("-at", "-id").first()
    assert (change.from_stage, change.to_stage) == (start, to)
    assert change.by == actor
    assert change.on == today()


@pytest.mark.parametrize("start", list(Stage))
def test_a_transition_out_of_order_is_refused_naming_the_allowed_next_steps(start):
    actor = coordinator()
    record = record_at(actor, start)
    refused = next(
        s for s in Stage if s not in TRANSITIONS[start] and s not in (start, S.INTEREST_RECEIVED)
    )
    before = record.changes.count()
    with pytest.raises(ValidationError) as problem:
        step(actor, record, refused)
    message = " ".join(problem.value.messages)
    if refused == S.CONSENT_RECORDED:
        assert "cannot move to “Consent recorded”" in message
    allowed = [f"“{Stage(s).label}”" for s in TRANSITIONS[start]]
    listed = (
        ", ".join(allowed[:-1]) + " or " + allowed[-1] if len(allowed) > 1 else "".join(allowed)
    )
    assert "Allowed next steps: " + (listed or "none") in message
    record.refresh_from_db()
    assert record.stage == start
    assert record.changes.count() == before


def test_skipping_straight_to_the_discussion_says_what_comes_next():
    actor = coordinator()
    record = interest(actor)
    with pytest.raises(ValidationError) as problem:
        lived_discussion_hold(actor=actor, record=record)
    assert problem.value.messages == [
        "A record at “Interest received” cannot move to “Screening and consent discussion "
        "held”. Allowed next steps: “Information sent”, “Closed” or “Withdrawn”."
    ]


def test_each_move_is_dated_and_attributed_and_audited_in_the_same_step(clock):
    clock.move_to("2026-03-02T10:00")
    actor = coordinator(user__first_name="Ali", user__last_name="Coordinator")
    record = interest(actor)
    clock.move_to("2026-03-05T09:30")
    lived_information_send(
        actor=actor, record=record, on=dt.date(2026, 3, 4), note="Sent the leaflet"
    )
    change = record.changes.get(to_stage=S.INFORMATION_SENT)
    assert change.on == dt.date(2026, 3, 4)
    assert change.at == clock.moment
    assert change.by_name == "Ali Coordinator"
    assert change.note == "Sent the leaflet"
    event = AuditEvent.objects.filter(record_id=record.pk).first()
    assert (event.action, event.actor, event.at) == ("changed", actor, clock.moment)


def test_a_move_dated_in_the_future_is_refused():
    actor = coordinator()
    record = interest(actor)
    with pytest.raises(ValidationError):
        lived_information_send(actor=actor, record=record, on=today() + dt.timedelta(days=1))


def test_only_the_partnerships_coordinators_move_records():
    actor = coordinator()
    record = interest(actor)
    admin = MembershipFactory(partnership=actor.partnership, role=Role.ADMIN)
    elsewhere = coordinator()
    for who in (admin, elsewhere, PERSON):
        with pytest.raises(PermissionDenied):
            lived_information_send(actor=who, record=record)
    record.refresh_from_db()
    assert record.stage == S.INTEREST_RECEIVED


def test_consent_keeps_the_exact_text_version_purposes_bases_and_review_date():
    actor = coordinator()
    first = lived_consent_text_publish(
        actor=actor, partnership_id=actor.partnership_id, text="Version one wording."
    )
    record = consented(actor)
    consent = ConsentRecord.objects.get(record=record)
    assert consent.consent_text.version == 2
    assert consent.consent_text.text == "I agree to take part."
    assert first.text == "Version one wording."
    assert consent.purposes == [Purpose.CO_PRODUCTION]
    assert consent.article_6_basis == Article6Basis.PUBLIC_TASK
    assert consent.article_9_condition == Article9Condition.EXPLICIT_CONSENT
    assert consent.review_on > consent.given_on
    assert consent.recorded_by == actor
    first.text = "Changed afterwards"
    with pytest.raises(ValueError):
        first.save()


def test_consent_without_a_chosen_basis_is_refused_rather_than_assumed():
    actor = coordinator()
    record = record_at(actor, S.DISCUSSION_HELD)
    text = lived_consent_text_publish(
        actor=actor, partnership_id=actor.partnership_id, text="I agree."
    )
    with pytest.raises(ValidationError) as problem:
        lived_consent_record(
            actor=actor,
            record=record,
            consent_text=text,
            purposes=[],
            article_6_basis="",
            article_9_condition="",
            given_on=today(),
            review_on=today(),
        )
    assert set(problem.value.message_dict) == {
        "purposes",
        "article_6_basis",
        "article_9_condition",
        "review_on",
    }
    record.refresh_from_db()
    assert record.stage == S.DISCUSSION_HELD
    assert not ConsentRecord.objects.exists()


def test_involvement_records_the_contribution_and_support_offered_only_when_involved():
    actor = coordinator()
    record = consented(actor)
    with pytest.raises(ValidationError):
        lived_involvement_add(
            actor=actor, record=record, kind=Involvement.Kind.STRATEGY, start_on=today()
        )
    lived_involve(actor=actor, record=record)
    involvement = lived_involvement_add(
        actor=actor,
        record=record,
        kind=Involvement.Kind.TRAINING_DELIVERY,
        start_on=today(),
        description="Level 2 course co-delivery",
        support_offered="Debrief after each session; expenses paid",
    )
    involvement.refresh_from_db()
    assert involvement.support_offered == "Debrief after each session; expenses paid"
    assert record.involvements.count() == 1


def test_a_second_expression_of_interest_merges_instead_of_duplicating():
    actor = coordinator()
    first = lived_interest_express(
        actor=PERSON,
        partnership_id=actor.partnership_id,
        preferred_name="Sam",
        email="Sam.Example@Example.org",
        phone="+44 7700 900123",
    )
    assert first.token and not first.merged
    again = lived_interest_express(
        actor=PERSON,
        partnership_id=actor.partnership_id,
        preferred_name="Sammy",
        email=" sam.example@example.org ",
    )
    by_phone = lived_interest_express(
        actor=PERSON,
        partnership_id=actor.partnership_id,
        preferred_name="Sam",
        phone="07700 900123",
    )
    assert again.merged and by_phone.merged
    assert again.token is None  # no link to someone else's status for whoever knows their e-mail
    assert RouteRecord.objects.count() == 1
    record = RouteRecord.objects.get()
    assert record.preferred_name == "Sam"  # not overwritten by a second form
    assert "preferred name: Sammy" in record.note
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "interest_expressed",
        "interest_repeated",
        "interest_repeated",
    ]


def test_interest_after_an_ended_record_or_in_another_partnership_starts_a_new_record():
    actor = coordinator()
    record = record_at(actor, S.DECLINED)
    interest(actor)
    interest(coordinator())
    assert RouteRecord.objects.count() == 3
    assert RouteRecord.objects.exclude(pk=record.pk).filter(stage=S.INTEREST_RECEIVED).count() == 2


def test_interest_needs_a_name_and_a_way_to_make_contact():
    actor = coordinator()
    with pytest.raises(ValidationError) as problem:
        interest(actor, preferred_name=" ", email="", phone="")
    assert set(problem.value.message_dict) == {"preferred_name"}
    with pytest.raises(ValidationError) as problem:
        interest(actor, email="", phone="")
    assert set(problem.value.message_dict) == {"email"}


def test_the_private_link_opens_the_record_and_a_reissued_link_replaces_it():
    actor = coordinator()
    made = lived_interest_express(
        actor=PERSON, partnership_id=actor.partnership_id, preferred_name="Jo", email="jo@x.org"
    )
    assert lived_status_for_person(token=made.token) == made.record
    new = lived_link_reissue(actor=actor, record=made.record)
    assert lived_status_for_person(token=made.token) is None
    assert lived_status_for_person(token=new) == made.record
    assert lived_status_for_person(token="") is None


def test_starting_and_resuming_involvement_are_different_steps():
    actor = coordinator()
    paused = record_at(actor, S.PAUSED)
    with pytest.raises(ValidationError) as problem:
        lived_involve(actor=actor, record=paused)
    assert "it is the step from “Consent recorded”" in problem.value.messages[0]
    consent = record_at(actor, S.CONSENT_RECORDED, email="another@example.org")
    with pytest.raises(ValidationError):
        lived_resume(actor=actor, record=consent)
    assert lived_resume(actor=actor, record=paused).stage == S.INVOLVED
