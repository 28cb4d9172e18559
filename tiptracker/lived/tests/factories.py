import datetime as dt

from tiptracker.lib.dates import today
from tiptracker.lived.consent import lived_consent_record, lived_consent_text_publish
from tiptracker.lived.contacts import lived_interest_express
from tiptracker.lived.models import Article6Basis, Article9Condition, Purpose, RouteRecord
from tiptracker.lived.route import (
    lived_discussion_arrange,
    lived_discussion_hold,
    lived_information_send,
)
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory


def coordinator(partnership=None, **kwargs) -> Membership:
    return MembershipFactory(
        partnership=partnership or PartnershipFactory(), role=Role.LE_COORDINATOR, **kwargs
    )


def interest(actor: Membership, **kwargs) -> RouteRecord:
    fields = {
        "preferred_name": "Sam Example",
        "email": "sam.example@example.org",
        "phone": "",
        "note": "Prefers afternoons",
    }
    fields.update(kwargs)
    return lived_interest_express(actor=actor, partnership_id=actor.partnership_id, **fields).record


def consented(actor: Membership, **kwargs) -> RouteRecord:
    """A record walked to consent recorded, with a consent text of version 1."""
    record = interest(actor, **kwargs)
    lived_information_send(actor=actor, record=record)
    lived_discussion_arrange(actor=actor, record=record)
    lived_discussion_hold(actor=actor, record=record)
    text = lived_consent_text_publish(
        actor=actor, partnership_id=actor.partnership_id, text="I agree to take part."
    )
    lived_consent_record(
        actor=actor,
        record=record,
        consent_text=text,
        purposes=[Purpose.CO_PRODUCTION],
        article_6_basis=Article6Basis.PUBLIC_TASK,
        article_9_condition=Article9Condition.EXPLICIT_CONSENT,
        given_on=today(),
        review_on=today() + dt.timedelta(days=365),
    )
    record.refresh_from_db()
    return record
