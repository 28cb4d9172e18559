"""A project's engagement: the consultation activities of a review, recorded by its team and
listed on the project's page for everyone to read."""

import pytest

from tiptracker.improvement.models import Consultation, ProjectMember
from tiptracker.improvement.tests.factories import ProjectFactory
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db

FORM = {
    "held_on_0": "14",
    "held_on_1": "3",
    "held_on_2": "2022",
    "audience": "young-people",
    "activity": "Three focus groups in youth clubs",
    "took_part": "23",
    "heard": "Letters felt like a summons; they want to choose where to meet",
    "changed": "The invitation letter was rewritten with them",
}


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


@pytest.fixture
def project(partnership, member):
    project = ProjectFactory(partnership=partnership, title="Adolescent services review")
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    return project


def test_the_team_records_who_took_part_what_was_heard_and_what_changed(
    login, member, persona, partnership, project
):
    response = login(member).post(url(partnership, f"{project.pk}/engagement/new/"), FORM)
    assert response.status_code == 302
    activity = Consultation.objects.get()
    assert (activity.took_part, activity.audience) == (23, "young-people")
    page = login(persona(Role.BOARD)).get(url(partnership, f"{project.pk}/")).content.decode()
    assert "14 March 2022" in page and "Young people: Three focus groups in youth clubs" in page
    assert "Letters felt like a summons" in page and "The invitation letter was rewritten" in page
    assert "Add an engagement activity" not in page  # a board member reads only


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"took_part": "0"}, "Enter how many people took part, as a whole number"),
        ({"took_part": "lots"}, "Enter how many people took part, as a whole number"),
        ({"heard": ""}, "Enter what was heard"),
        ({"audience": ""}, "Choose who took part"),
        ({"held_on_2": "2099"}, "must not be in the future"),
    ],
)
def test_an_activity_with_a_mistake_is_refused(
    login, member, partnership, project, changes, message
):
    response = login(member).post(
        url(partnership, f"{project.pk}/engagement/new/"), {**FORM, **changes}
    )
    assert message in response.content.decode()
    assert Consultation.objects.count() == 0


def test_edited_and_removed_by_the_team_only(
    login, member, persona, outsider, partnership, project
):
    login(member).post(url(partnership, f"{project.pk}/engagement/new/"), FORM)
    activity = Consultation.objects.get()
    colleague = login(persona(Role.MANAGER))
    assert (
        colleague.post(url(partnership, f"engagement/{activity.pk}/edit/"), FORM).status_code == 403
    )
    assert (
        login(outsider)
        .get(url(outsider.partnership, f"engagement/{activity.pk}/edit/"))
        .status_code
        == 404
    )
    response = login(member).post(
        url(partnership, f"engagement/{activity.pk}/edit/"), {**FORM, "took_part": "25"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.took_part == 25
    response = login(member).post(
        url(partnership, f"engagement/{activity.pk}/delete/"), {"confirm": "yes"}
    )
    assert response.status_code == 302 and Consultation.objects.count() == 0
