"""What the demo will not do: mix itself into a partnership it did not make, or leave half
a demo behind."""

import io

import pytest

from tiptracker import cli
from tiptracker.demo import loader
from tiptracker.demo.loader import DemoRefused, demo_load
from tiptracker.partnerships.models import Membership, Partnership, Role
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.training.models import Course
from tiptracker.workforce.models import StaffMember
from tiptracker.workforce.tests.factories import StaffMemberFactory


def test_it_refuses_to_load_into_a_dundee_partnership_it_did_not_make(persona):
    real = PartnershipFactory(slug="dundee", name="A real Dundee")
    StaffMemberFactory(team__partnership=real)
    their_admin = persona(Role.ADMIN, of=real)
    with pytest.raises(DemoRefused, match="already exists and was not made by the demo"):
        demo_load(out=io.StringIO())
    assert StaffMember.objects.filter(partnership=real).count() == 1
    assert not Course.objects.exists()
    assert list(Membership.objects.filter(partnership=real)) == [their_admin]


def test_the_command_says_so_plainly_and_fails(db, capsys):
    PartnershipFactory(slug="dundee")
    assert cli.main(["demo", "--no-serve"]) == 1
    err = capsys.readouterr().err
    assert "tiptracker: error: a partnership 'dundee' already exists" in err
    assert "Traceback" not in err


def test_a_load_that_fails_part_way_leaves_nothing_behind(db, monkeypatch):
    def fail(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "coverage_snapshots_rebuild", fail)
    with pytest.raises(RuntimeError):
        demo_load(out=io.StringIO())
    assert not Partnership.objects.filter(slug="dundee").exists()
    assert not StaffMember.objects.exists()


def test_another_partnerships_people_are_untouched_by_the_demo(outsider, other_partnership, login):
    theirs = StaffMemberFactory(team__partnership=other_partnership)
    demo_load(out=io.StringIO())
    assert StaffMember.objects.get(pk=theirs.pk).partnership == other_partnership
    # The outsider, an administrator elsewhere, learns nothing of the demo partnership.
    assert login(outsider).get("/p/dundee/").status_code == 404
