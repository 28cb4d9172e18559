"""The rules about engagement records, and the reads the board report uses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tiptracker.engagement.models import Engagement
from tiptracker.engagement.selectors import counts_by_kind, engagement_in_period
from tiptracker.engagement.services import engagement_create, engagement_update
from tiptracker.engagement.tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "date": dt.date(2021, 11, 30),
    "body": "Minister for Mental Wellbeing and Social Care",
    "body_kind": Engagement.BodyKind.MINISTER,
    "kind": Engagement.Kind.MEETING,
    "represented_by": "Chief Social Work Officer",
    "summary": "Discussed Dundee's approach to trauma implementation.",
}


def test_it_records_an_engagement(partnership, admin):
    engagement = engagement_create(
        actor=admin.user, partnership_id=partnership.id, **{**VALUES, "body": "  Minister "}
    )
    assert engagement.body == "Minister" and engagement.kind == "meeting"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": " "}, "body"),
        ({"body_kind": "council"}, "body_kind"),
        ({"kind": "party"}, "kind"),
        ({"represented_by": ""}, "represented_by"),
        ({"summary": ""}, "summary"),
        ({"date": None}, "date"),
    ],
)
def test_it_refuses_an_incomplete_record_and_writes_nothing(partnership, overrides, field):
    with pytest.raises(ValidationError) as refused:
        engagement_create(actor=None, partnership_id=partnership.id, **{**VALUES, **overrides})
    assert field in refused.value.message_dict
    assert not Engagement.objects.exists()


def test_a_refused_update_changes_nothing(partnership):
    engagement = EngagementFactory(partnership=partnership)
    with pytest.raises(ValidationError):
        engagement_update(actor=None, engagement=engagement, **{**VALUES, "summary": ""})
    engagement.refresh_from_db()
    assert engagement.summary == "Dundee is represented on the group."


def test_the_period_read_includes_both_ends_and_only_this_partnership(
    partnership, other_partnership
):
    for day in (
        dt.date(2021, 10, 31),
        dt.date(2021, 11, 1),
        dt.date(2022, 4, 30),
        dt.date(2022, 5, 1),
    ):
        EngagementFactory(partnership=partnership, date=day)
    EngagementFactory(partnership=other_partnership, date=dt.date(2022, 1, 1))
    found = engagement_in_period(partnership.id, dt.date(2021, 11, 1), dt.date(2022, 4, 30))
    assert [e.date for e in found] == [dt.date(2021, 11, 1), dt.date(2022, 4, 30)]


def test_counts_by_kind_list_every_kind(partnership):
    EngagementFactory(partnership=partnership, kind=Engagement.Kind.VISIT)
    EngagementFactory(partnership=partnership, kind=Engagement.Kind.VISIT)
    EngagementFactory(partnership=partnership, kind=Engagement.Kind.WORKSHOP)
    counts = {row.label: row.count for row in counts_by_kind(Engagement.objects.all())}
    assert counts == {
        "Meeting": 0,
        "Presentation": 0,
        "Workshop": 1,
        "Advisory group": 0,
        "Visit": 2,
        "Other": 0,
    }
