"""The demo's funding and engagement log: the reference report's figures and records (a
load of its own, like test_demo.py's)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings

from tiptracker.demo.loader import demo_load
from tiptracker.engagement.models import Engagement
from tiptracker.engagement.selectors import counts_by_kind, engagement_in_period
from tiptracker.funding.models import Commitment
from tiptracker.funding.selectors import funding_summary
from tiptracker.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        out = io.StringIO()
        demo_load(out=out)
        yield Partnership.objects.get(slug="dundee"), out.getvalue()
        transaction.set_rollback(True)


def test_the_scottish_government_allocated_50k_for_each_of_2021_22_and_2022_23(demo):
    partnership, output = demo
    years = {y.financial_year: y for y in funding_summary(partnership.id)}
    assert list(years) == ["2021/22", "2022/23"]
    assert years["2021/22"].allocated == years["2022/23"].allocated == Decimal("50000.00")
    # The officer is paid from 2021/22; partners were still deciding on 2022/23 (section 4.3).
    assert (years["2021/22"].committed, years["2021/22"].remaining) == (
        Decimal("50000.00"),
        Decimal("0.00"),
    )
    assert years["2022/23"].remaining == Decimal("50000.00")
    assert not any(year.warnings for year in years.values())
    assert "Funding: 2 allocations (£100,000.00), 1 commitment (£50,000.00" in output


def test_the_commitment_is_the_officer_with_the_womens_rape_and_sexual_abuse_centre(demo):
    partnership, _output = demo
    officer = Commitment.objects.get(partnership=partnership)
    assert officer.what.startswith("1 FTE Trauma Learning and Development Officer")
    assert officer.partner == "Women's Rape and Sexual Abuse Centre"
    assert officer.allocation.source == "Scottish Government"
    assert (officer.starts_on, officer.ends_on) == (dt.date(2022, 3, 1), dt.date(2023, 2, 28))


def test_the_engagement_log_holds_the_reports_four_contributions(demo):
    partnership, output = demo
    log = list(engagement_in_period(partnership.id, dt.date(2021, 10, 1), dt.date(2022, 6, 30)))
    assert [(e.date, e.body_kind, e.kind) for e in log] == [
        (dt.date(2021, 11, 30), "minister", "meeting"),
        (dt.date(2022, 1, 25), "national-advisory-group", "advisory-group"),
        (dt.date(2022, 3, 16), "local-authority", "visit"),
        (dt.date(2022, 6, 29), "national-programme", "workshop"),
    ]
    assert "Minister for Mental Wellbeing and Social Care" in log[0].body
    assert "Quality Indicator Framework" in log[1].body
    assert "Authentic Voice" in log[3].body
    counts = {
        row.kind: row.count
        for row in counts_by_kind(Engagement.objects.filter(partnership=partnership))
    }
    assert (
        counts["meeting"] == counts["visit"] == counts["workshop"] == counts["advisory-group"] == 1
    )
    assert "Engagement log: 4 records, from November 2021 to June 2022" in output
