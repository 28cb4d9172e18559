"""The demo's resources and champions network (a load of its own, like test_demo.py's)."""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import override_settings
from docx import Document

from tiptracker.demo.loader import demo_load
from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import network_summary
from tiptracker.partnerships.models import Partnership
from tiptracker.resources.models import Resource, ResourceFile

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


def test_the_library_holds_the_reports_resources(demo):
    partnership, output = demo
    resources = Resource.objects.filter(partnership=partnership)
    assert resources.count() == 9
    assert resources.filter(kind=Resource.Kind.MANAGER_TOOLKIT).count() == 2
    webinar = resources.get(kind=Resource.Kind.WEBINAR)
    assert webinar.url == "https://rise.articulate.com/share/BAg21Wro9oAko-80RznHOABDaH2rt329"
    assert resources.filter(title__startswith="Opening Doors").exists()
    assert resources.filter(title__contains="Turas").exists()
    assert resources.filter(kind=Resource.Kind.COMMUNICATIONS).exists()
    assert "Resources: 9, of which 2 manager toolkits; 3 with a file" in output


def test_the_toolkits_and_briefing_slides_are_word_documents(demo):
    partnership, _output = demo
    stored = ResourceFile.objects.filter(resource__partnership=partnership)
    assert sorted(f.resource.title for f in stored) == [
        "Manager briefing slides (April and May 2022)",
        "Manager toolkit: Trauma Informed",
        "Manager toolkit: Trauma Skilled",
    ]
    for one in stored:
        assert one.name.endswith(".docx") and one.summary.startswith("Word document, ")
        document = Document(io.BytesIO(bytes(one.data)))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert len(headings) >= 5
    skilled = stored.get(resource__title="Manager toolkit: Trauma Skilled")
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(skilled.data))).paragraphs)
    assert "Where to find the Turas module" in text and "Questions for supervision" in text
    # Every resource has a file or a link, or says what it is.
    for resource in Resource.objects.filter(partnership=partnership):
        assert resource.url or resource.attached_file() or resource.description


def test_each_resource_was_last_updated_in_2021_or_2022(demo):
    partnership, _output = demo
    dates = Resource.objects.filter(partnership=partnership).values_list("updated_on", flat=True)
    assert all(dt.date(2021, 1, 1) <= d <= dt.date(2022, 12, 31) for d in dates)
    assert len(set(dates)) == 9


def test_the_network_has_champions_since_2021_and_ambassadors_since_late_2022(demo):
    partnership, output = demo
    members = NetworkMember.objects.filter(partnership=partnership)
    champions = members.filter(kind=NetworkMember.Kind.CHAMPION)
    ambassadors = members.filter(kind=NetworkMember.Kind.AMBASSADOR)
    assert champions.count() == 4
    assert champions.filter(job_role="Chief Social Work Officer").exists()
    assert ambassadors.count() == 9
    assert min(a.from_date for a in ambassadors) == dt.date(2022, 11, 14)
    # Each ambassador is a named member of the team they represent.
    assert all(a.person and a.person.team_id == a.team_id and a.name for a in ambassadors)
    assert NetworkActivity.objects.filter(partnership=partnership).count() == 7
    assert "Network: 4 trauma champions, 9 ambassadors" in output


def test_most_teams_have_no_ambassador_yet(demo):
    partnership, _output = demo
    summary = network_summary(partnership.pk, on=dt.date(2023, 3, 31))
    assert (summary.champions, summary.ambassadors) == (3, 9)
    assert summary.teams_covered == 9
    assert summary.teams > 40
    assert summary.organisations_covered == 3
    assert summary.activities == 5  # October 2022 to March 2023
    later = network_summary(partnership.pk, on=dt.date(2023, 9, 30))
    assert later.ambassadors == 8
