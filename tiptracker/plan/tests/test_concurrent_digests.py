"""Two workers send the weekly digests at the same moment (two `send-due --loop` processes, or
a worker restarted mid-pass), each through its own connection: every owner gets their digest
once. plan_digests_send records the week's DigestSent row before sending, and the unique
constraint makes the second worker's record fail, so it sends nothing for that owner."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection

from tiptracker.partnerships.models import Role
from tiptracker.plan import services
from tiptracker.plan.models import DigestSent
from tiptracker.plan.tests.factories import ActionFactory
from tiptracker.tests.race import Race

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite lets one connection write at a time, so nothing races; CI runs this on "
        "PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

ON = dt.date(2022, 6, 1)


def test_two_workers_sending_at_once_send_each_digest_exactly_once(
    partnership, persona, monkeypatch
):
    owners = [persona(Role.LD_OFFICER), persona(Role.STAFF)]
    for number, owner in enumerate(owners):
        owner.user.email = f"owner{number}@example.org"
        owner.user.save()
        ActionFactory(
            partnership=partnership, owner=owner, owner_group="", due_date=dt.date(2022, 5, 1)
        )
    race = Race()
    # Each worker waits, once it has read whose digests are due and before it records the
    # first as sent, until the other has read them too.
    record = DigestSent.objects.create
    monkeypatch.setattr(
        DigestSent.objects, "create", lambda **fields: (race.meet(), record(**fields))[1]
    )

    results = race.run(
        lambda: services.plan_digests_send(on=ON), lambda: services.plan_digests_send(on=ON)
    )

    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "owner0@example.org",
        "owner1@example.org",
    ]
    assert DigestSent.objects.count() == 2
