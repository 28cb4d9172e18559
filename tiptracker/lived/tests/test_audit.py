import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from tiptracker.lived import models
from tiptracker.lived.audit import PERSON
from tiptracker.lived.consent import lived_involvement_add
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.erasure import lived_withdraw, lived_withdraw_by_token
from tiptracker.lived.export import lived_export
from tiptracker.lived.models import AppendOnly, AuditEvent
from tiptracker.lived.reads import lived_record_open, lived_records_list, lived_status_for_person
from tiptracker.lived.route import lived_involve
from tiptracker.lived.tests.factories import consented, coordinator, interest
from tiptracker.lived.tokens import lived_link_reissue
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def actions(record=None) -> list[str]:
    events = AuditEvent.objects.order_by("id")
    if record is not None:
        events = events.filter(record_id=record.pk)
    return list(events.values_list("action", flat=True))


def test_every_change_and_every_read_writes_an_audit_event_without_field_values():
    actor = coordinator()
    record = consented(actor)
    lived_involve(actor=actor, record=record)
    lived_involvement_add(
        actor=actor, record=record, kind="co_production", start_on=record.created_at.date()
    )
    lived_records_list(
        actor=actor, partnership_id=actor.partnership_id, paginate=lambda records: records
    )
    lived_record_open(actor=actor, record_id=record.pk, partnership_id=actor.partnership_id)
    lived_export(actor=actor, record=record)
    lived_link_reissue(actor=actor, record=record)
    lived_withdraw(actor=actor, record=record)

    assert actions(record) == [
        "interest_expressed",
        "changed",  # information sent
        "changed",  # discussion arranged
        "changed",  # discussion held
        "changed",  # consent recorded
        "consent_recorded",
        "changed",  # involved
        "involvement_added",
        "listed",  # seen in the list: each record shown has its own event
        "opened",
        "exported",
        "link_reissued",
        "withdrew",
        "erased",
    ]
    assert AuditEvent.objects.filter(record_id=None).values_list("action", flat=True).count() == 1
    event = AuditEvent.objects.filter(action="exported").get()
    assert event.actor == actor and event.record_id == record.pk and not event.by_person
    # Who, when, which record, what: no field holds any value from the record.
    assert {f.name for f in AuditEvent._meta.fields} == {
        "id",
        "partnership",
        "at",
        "actor",
        "actor_name",
        "by_person",
        "record_id",
        "action",
        # a coordinator's name when their role changes: a member, not a person on the route
        "subject_name",
    }
    assert not AuditEvent.objects.exclude(subject_name="").exists()


def test_the_persons_own_reads_and_withdrawal_are_audited_as_theirs():
    actor = coordinator()
    made = lived_interest_express(
        actor=PERSON, partnership_id=actor.partnership_id, preferred_name="Jo", email="jo@x.org"
    )
    lived_status_for_person(token=made.token)
    lived_withdraw_by_token(token=made.token)
    lived_withdraw_by_token(token=made.token)
    events = AuditEvent.objects.filter(record_id=made.record.pk).order_by("id")
    assert [(e.action, e.by_person, e.actor) for e in events] == [
        ("interest_expressed", True, None),
        ("opened", True, None),
        ("withdrew", True, None),
        ("erased", True, None),
        ("opened", True, None),  # the second use of the link: a confirmation, read again
    ]


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm():
    actor = coordinator()
    interest(actor)
    event = AuditEvent.objects.get()
    event.action = "opened"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="opened")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    event.refresh_from_db()
    assert event.action == "interest_expressed"
    assert AuditEvent.objects.count() == 1


def test_reading_needs_a_coordinator_of_the_same_partnership():
    actor = coordinator()
    record = interest(actor)
    admin_member = MembershipFactory(partnership=actor.partnership, role=Role.ADMIN)
    for who in (admin_member, coordinator(), PERSON):
        with pytest.raises(PermissionDenied):
            lived_record_open(actor=who, record_id=record.pk, partnership_id=actor.partnership_id)
        with pytest.raises(PermissionDenied):
            lived_records_list(actor=who, partnership_id=actor.partnership_id, paginate=list)
    assert actions(record) == ["interest_expressed"]


def test_nothing_of_the_route_is_in_the_admin_site():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "lived" not in registered
    assert models.AuditEvent not in admin.site._registry
