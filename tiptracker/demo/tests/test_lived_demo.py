"""The demo's lived-experience route: fictional people spread along the route, written
through the services (so encrypted and audited), a coordinator with an authenticator app
whose key is printed, and one note anyone can look for in the database to see that it is
not there in plain text.

The loader runs on its own here, with a partnership and a coordinator of the tests' own:
the full demo (demo/tests/conftest.py) runs it too, among the others.
"""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiptracker.accounts import second_factor
from tiptracker.demo import lived as lived_demo
from tiptracker.demo.workspace import LOADERS, DemoContext
from tiptracker.lib.dates import today
from tiptracker.lived.models import (
    Article6Basis,
    Article9Condition,
    AuditEvent,
    ConsentRecord,
    ConsentText,
    Involvement,
    RouteRecord,
    Stage,
    StageChange,
)
from tiptracker.lived.selectors import stage_counts
from tiptracker.partnerships.models import Membership, Partnership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

NEEDLE = "confidential-demo-note"


@dataclass
class Loaded:
    partnership: Partnership
    coordinator: Membership
    output: str


def run_loader(coordinator: Membership) -> str:
    out = io.StringIO()
    lived_demo.load(
        DemoContext(
            partnership=coordinator.partnership,
            memberships={Role.LE_COORDINATOR: coordinator},
            courses={},
            today=today(),
            out=out,
        )
    )
    return out.getvalue()


@pytest.fixture
def demo() -> Loaded:
    coordinator = MembershipFactory(
        partnership=PartnershipFactory(slug="dundee-lived"),
        role=Role.LE_COORDINATOR,
        user__username="le-coordinator@dundee.demo",
    )
    output = run_loader(coordinator)
    return Loaded(coordinator.partnership, coordinator, output)


def records(demo: Loaded):
    return RouteRecord.objects.filter(partnership=demo.partnership)


def test_the_full_demo_loads_the_route():
    assert "tiptracker.demo.lived:load" in LOADERS


def test_people_are_spread_over_every_stage_before_the_route_ends(demo):
    stages = list(records(demo).values_list("stage", flat=True))
    assert 8 <= len(stages) <= 12
    assert {
        Stage.INTEREST_RECEIVED,
        Stage.INFORMATION_SENT,
        Stage.DISCUSSION_ARRANGED,
        Stage.DISCUSSION_HELD,
        Stage.CONSENT_RECORDED,
        Stage.INVOLVED,
        Stage.PAUSED,
        Stage.DECLINED,
        Stage.WITHDRAWN,
    } <= set(stages)
    assert "10 fictional people at 9 stages" in demo.output


def test_some_came_through_the_public_page_and_others_through_a_coordinator(demo):
    expressed = AuditEvent.objects.filter(
        partnership_id=demo.partnership.pk, action=AuditEvent.Action.INTEREST_EXPRESSED
    )
    assert expressed.count() == records(demo).count()
    assert expressed.filter(by_person=True).exists()
    assert expressed.filter(actor=demo.coordinator).exists()


def test_contact_details_are_fictional_and_some_people_gave_only_a_phone(demo):
    kept = [r for r in records(demo) if r.erased_at is None]
    assert all(r.email.endswith("@example.org") for r in kept if r.email)
    assert sum(1 for r in kept if r.phone and not r.email) >= 2


def test_the_history_is_dated_in_the_past_in_order_over_more_than_a_year(demo):
    changes = StageChange.objects.filter(record__partnership=demo.partnership)
    days = list(changes.values_list("on", flat=True))
    assert max(days) < today()
    assert (today() - min(days)).days > 365
    for record in records(demo):
        dated = list(record.changes.order_by("at", "id").values_list("on", flat=True))
        assert dated == sorted(dated)
        assert record.created_at.date() == dated[0]
        assert (record.ended_at is not None) == (
            record.stage in (Stage.DECLINED, Stage.WITHDRAWN, Stage.CLOSED)
        )


def test_consents_use_the_published_text_bases_chosen_explicitly_and_a_review_a_year_on(demo):
    text = ConsentText.objects.get(partnership=demo.partnership)
    assert text.version == 1
    assert "without giving a reason" in text.text and "two years" in text.text
    consents = ConsentRecord.objects.filter(record__partnership=demo.partnership)
    assert consents.count() >= 4
    chosen = set()
    for consent in consents:
        assert consent.consent_text == text
        assert consent.review_on == consent.given_on + dt.timedelta(days=365)
        chosen.add((consent.article_6_basis, consent.article_9_condition))
    assert chosen == {
        (Article6Basis.PUBLIC_TASK, Article9Condition.EMPLOYMENT),
        (Article6Basis.CONSENT, Article9Condition.EXPLICIT_CONSENT),
    }


def test_involvements_cover_co_production_strategy_and_training_with_support_offered(demo):
    kept = Involvement.objects.filter(
        record__partnership=demo.partnership, record__erased_at__isnull=True
    )
    assert set(kept.values_list("kind", flat=True)) == {
        Involvement.Kind.CO_PRODUCTION,
        Involvement.Kind.STRATEGY,
        Involvement.Kind.TRAINING_DELIVERY,
    }
    assert all(involvement.support_offered for involvement in kept)


def test_exactly_one_note_holds_the_phrase_and_the_database_holds_it_encrypted(demo):
    decrypted = [r.note for r in records(demo)] + [
        c.note for c in StageChange.objects.filter(record__partnership=demo.partnership)
    ]
    assert sum(NEEDLE in note for note in decrypted) == 1

    raw: list[str] = []
    with connection.cursor() as cursor:
        for table in ("lived_routerecord", "lived_stagechange", "lived_involvement"):
            columns = "note" if table != "lived_involvement" else "description, support_offered"
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - names above
            raw += [value for row in cursor.fetchall() for value in row if value]
    assert raw
    assert not any(NEEDLE in value for value in raw)
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens


def test_the_withdrawn_persons_name_contact_details_and_notes_are_erased(demo):
    withdrawn = records(demo).get(stage=Stage.WITHDRAWN)
    assert withdrawn.erased_at is not None
    assert (withdrawn.preferred_name, withdrawn.email, withdrawn.phone, withdrawn.note) == (
        "",
        "",
        "",
        "",
    )
    assert (withdrawn.email_hash, withdrawn.phone_hash) == ("", "")
    assert all(not change.note for change in withdrawn.changes.all())
    assert all(not i.description for i in withdrawn.involvements.all())
    names = [r.preferred_name for r in records(demo)]
    assert "Dani Notreal" not in names
    # Its stages stay, anonymous, for the counts.
    assert withdrawn.changes.count() == 7


def test_counts_by_stage_over_the_demo_period_hide_small_numbers(demo):
    counts = stage_counts(
        partnership_id=demo.partnership.pk,
        start=today() - dt.timedelta(days=730),
        end=today(),
    )
    entered = {label: str(figure) for label, figure in counts.entered}
    assert entered[Stage.INTEREST_RECEIVED.label] == "10"
    assert entered[Stage.INFORMATION_SENT.label] == "9"
    for few in (Stage.DECLINED, Stage.WITHDRAWN, Stage.PAUSED, Stage.INVOLVED):
        assert entered[few.label] == "fewer than 5"
    at_end = {label: str(figure) for label, figure in counts.at_end}
    assert set(at_end.values()) == {"fewer than 5"}
    assert str(counts.at_end_total) == "10"


def test_the_coordinator_has_an_authenticator_app_whose_key_is_printed(demo):
    device = TOTPDevice.objects.get(user=demo.coordinator.user)
    assert device.confirmed
    assert device.name == "Authenticator app"
    assert "le-coordinator@dundee.demo" in demo.output
    assert "password and a 6-digit code" in demo.output
    assert second_factor.key_text(device) in demo.output
    assert device.config_url in demo.output


def test_each_load_gets_a_random_key():
    first = MembershipFactory(role=Role.LE_COORDINATOR)
    second = MembershipFactory(role=Role.LE_COORDINATOR)
    run_loader(first)
    run_loader(second)
    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    assert len(keys) == 2


def test_a_coordinator_who_already_has_an_app_keeps_it_and_no_key_is_printed(demo):
    device = TOTPDevice.objects.get(user=demo.coordinator.user)
    again = MembershipFactory(
        partnership=PartnershipFactory(slug="dundee-again"),
        role=Role.LE_COORDINATOR,
        user=demo.coordinator.user,
    )
    output = run_loader(again)
    assert list(TOTPDevice.objects.filter(user=demo.coordinator.user)) == [device]
    assert second_factor.key_text(device) not in output
    assert "keeps its own" in output
