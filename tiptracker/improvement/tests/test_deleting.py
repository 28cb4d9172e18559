"""Deleting a PDSA cycle, a cycle's file and a measure: a page says what will be lost, the
button deletes; the project's team only; another partnership finds nothing."""

import datetime as dt

import pytest

from tiptracker.improvement.cycles import attachment_add, cycle_create
from tiptracker.improvement.drivers import change_idea_add, driver_add
from tiptracker.improvement.models import (
    Measure,
    MeasureValue,
    PdsaAttachment,
    PdsaCycle,
    Project,
    ProjectMember,
)
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db
YES = {"confirm": "yes"}


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


@pytest.fixture
def project(partnership, member):
    project = ProjectFactory(partnership=partnership, title="First appointments")
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    return project


@pytest.fixture
def idea(project):
    primary = driver_add(actor=None, project=project, kind="primary", title="Environments")
    secondary = driver_add(
        actor=None, project=project, kind="secondary", title="Choice", parent=primary
    )
    return change_idea_add(
        actor=None, project=project, title="Choice of where to meet", description="",
        drivers=[secondary],
    )  # fmt: skip


def cycle(idea, title, **decided):
    return cycle_create(
        actor=None, idea=idea, title=title, starts_on=dt.date(2022, 3, 1), question="Q",
        prediction="P", **decided,
    )  # fmt: skip


def test_a_cycle_is_deleted_with_its_files_and_the_link_to_it_goes(
    login, member, partnership, idea
):
    first = cycle(idea, "Ten letters", results="Six came", act="adapt")
    second = cycle(idea, "Thirty letters")
    third = cycle(idea, "All letters")
    attachment_add(actor=None, cycle=second, name="sheet.pdf", data=b"%PDF-1.4\nsheet")
    first.refresh_from_db()
    assert first.next_cycle == second
    client = login(member)
    assert (
        "Delete the cycle" in client.get(url(partnership, f"cycles/{second.pk}/")).content.decode()
    )
    page = client.get(url(partnership, f"cycles/{second.pk}/delete/")).content.decode()
    assert "Delete PDSA 2: Thirty letters" in page
    assert "its 1 file: sheet.pdf" in page
    assert "PDSA 1: Ten letters leads to it as its next test" in page
    # A POST without the button's answer deletes nothing.
    assert client.post(url(partnership, f"cycles/{second.pk}/delete/")).status_code == 200
    assert PdsaCycle.objects.filter(pk=second.pk).exists()
    response = client.post(url(partnership, f"cycles/{second.pk}/delete/"), YES)
    assert response["Location"] == url(partnership, f"ideas/{idea.pk}/")
    assert not PdsaCycle.objects.filter(pk=second.pk).exists()
    assert not PdsaAttachment.objects.exists()
    first.refresh_from_db()
    assert first.next_cycle is None
    # The others keep their numbers.
    assert list(PdsaCycle.objects.order_by("number").values_list("pk", "number")) == [
        (first.pk, 1),
        (third.pk, 3),
    ]
    history = client.get(url(partnership, f"cycles/{first.pk}/")).content.decode()
    assert "Tested next in" not in history


def test_a_file_is_deleted_from_its_cycle(login, member, partnership, idea):
    tested = cycle(idea, "Ten letters")
    kept = attachment_add(actor=None, cycle=tested, name="kept.pdf", data=b"%PDF-1.4\nkept")
    gone = attachment_add(actor=None, cycle=tested, name="gone.pdf", data=b"%PDF-1.4\ngone")
    client = login(member)
    page = client.get(url(partnership, f"cycles/{tested.pk}/")).content.decode()
    assert f"/files/{gone.pk}/delete/" in page
    page = client.get(url(partnership, f"files/{gone.pk}/delete/")).content.decode()
    assert "Delete the file gone.pdf" in page
    response = client.post(url(partnership, f"files/{gone.pk}/delete/"), YES)
    assert response["Location"] == url(partnership, f"cycles/{tested.pk}/")
    assert list(PdsaAttachment.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_measure_is_deleted_with_its_values_and_the_next_heads_the_project(
    login, member, partnership, project
):
    headline = MeasureFactory(project=project, title="Attended (%)")
    other = MeasureFactory(project=project, title="Waiting days")
    Project.objects.filter(pk=project.pk).update(headline_measure=headline)
    MeasureValueFactory(measure=headline, on=dt.date(2022, 1, 31))
    MeasureValueFactory(measure=headline, on=dt.date(2022, 2, 28))
    MeasureValueFactory(measure=other, on=dt.date(2022, 1, 31))
    client = login(member)
    assert (
        "Delete the measure"
        in client.get(url(partnership, f"measures/{headline.pk}/")).content.decode()
    )
    page = client.get(url(partnership, f"measures/{headline.pk}/delete/")).content.decode()
    assert "Delete the measure: Attended (%)" in page
    assert "its 2 values" in page and "It is the project's headline measure" in page
    assert client.post(url(partnership, f"measures/{headline.pk}/delete/")).status_code == 200
    assert Measure.objects.filter(pk=headline.pk).exists()
    response = client.post(url(partnership, f"measures/{headline.pk}/delete/"), YES)
    assert response["Location"] == url(partnership, f"{project.pk}/")
    assert list(Measure.objects.values_list("pk", flat=True)) == [other.pk]
    assert list(MeasureValue.objects.values_list("measure_id", flat=True)) == [other.pk]
    project.refresh_from_db()
    assert project.headline_measure == other


@pytest.mark.parametrize("page", ["cycle", "file", "measure"])
def test_a_colleague_off_the_team_and_another_partnership_cannot_delete(
    login, persona, outsider, partnership, project, idea, page
):
    tested = cycle(idea, "Ten letters")
    attachment = attachment_add(actor=None, cycle=tested, name="a.pdf", data=b"%PDF-1.4\na")
    measure = MeasureFactory(project=project)
    path = {
        "cycle": f"cycles/{tested.pk}/delete/",
        "file": f"files/{attachment.pk}/delete/",
        "measure": f"measures/{measure.pk}/delete/",
    }[page]
    # Staff in the same partnership, not on the project's team: refused.
    colleague = login(persona(Role.STAFF))
    assert colleague.get(url(partnership, path)).status_code == 403
    assert colleague.post(url(partnership, path), YES).status_code == 403
    # Its page does not offer what they cannot do.
    shown = colleague.get(url(partnership, f"cycles/{tested.pk}/")).content.decode()
    assert "/delete/" not in shown
    # An administrator of another partnership: nothing there.
    stranger = login(outsider)
    assert stranger.get(url(outsider.partnership, path)).status_code == 404
    assert stranger.post(url(outsider.partnership, path), YES).status_code == 404
    assert PdsaCycle.objects.filter(pk=tested.pk).exists()
    assert PdsaAttachment.objects.filter(pk=attachment.pk).exists()
    assert Measure.objects.filter(pk=measure.pk).exists()
