"""A project's driver diagram: drivers and change ideas added, edited and removed in forms,
the national starter set, the diagram drawn beside the same tree as a nested list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.improvement.drivers import (
    STARTER,
    change_idea_add,
    diagram_of,
    driver_add,
)
from tiptracker.improvement.models import ChangeIdea, Driver, ProjectMember
from tiptracker.improvement.tests.factories import ProjectFactory
from tiptracker.partnerships.models import Role

pytestmark = pytest.mark.django_db


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


@pytest.fixture
def project(partnership, member):
    project = ProjectFactory(partnership=partnership, title="First appointments")
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    return project


def test_the_team_starts_from_the_national_change_drivers(login, member, partnership, project):
    client = login(member)
    page = client.get(url(partnership, f"{project.pk}/drivers/")).content.decode()
    assert "Add the national change drivers" in page and "No drivers yet." in page
    response = client.post(url(partnership, f"{project.pk}/drivers/starter/"))
    assert response.status_code == 302
    primaries = list(project.drivers.filter(kind="primary").values_list("title", flat=True))
    assert primaries == [title for title, _ in STARTER]
    assert project.drivers.filter(kind="secondary").count() == 14
    page = client.get(response["Location"]).content.decode()
    assert "Added the national framework&#x27;s change drivers (21 drivers)" in page
    assert 'class="tip-diagram"' in page and "Wellbeing of staff" in page
    assert "Add the national change drivers" not in page
    # Twice is refused: the starter set is for a new diagram.
    page = client.post(
        url(partnership, f"{project.pk}/drivers/starter/"), follow=True
    ).content.decode()
    assert "The project already has drivers" in page
    assert project.drivers.count() == 21


def test_drivers_and_a_change_idea_serving_two_of_them(login, member, partnership, project):
    client = login(member)
    client.post(
        url(partnership, f"{project.pk}/drivers/add/"),
        {"primary-kind": "primary", "primary-title": "Environments"},
    )
    primary = Driver.objects.get(title="Environments")
    for title in ("Welcoming places", "Choice of where to meet"):
        response = client.post(
            url(partnership, f"{project.pk}/drivers/add/"),
            {
                "secondary-kind": "secondary",
                "secondary-parent": primary.pk,
                "secondary-title": title,
            },
        )
        assert response.status_code == 302
    secondaries = list(Driver.objects.filter(kind="secondary"))
    response = client.post(
        url(partnership, f"{project.pk}/ideas/new/"),
        {"title": "Young people choose where to meet", "drivers": [d.pk for d in secondaries]},
    )
    idea = ChangeIdea.objects.get()
    assert response["Location"] == url(partnership, f"ideas/{idea.pk}/")
    page = client.get(url(partnership, f"{project.pk}/drivers/")).content.decode()
    # In the nested list, under each driver it serves.
    assert page.count("Change idea: <a") == 2
    diagram = diagram_of(project)
    assert diagram.tree.ideas == (("Young people choose where to meet", (0, 1)),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"secondary-kind": "secondary", "secondary-title": "Orphan"},
            "Choose the primary driver it serves",
        ),
        ({"primary-kind": "primary", "primary-title": ""}, "Enter the driver"),
        (
            {"primary-kind": "primary", "primary-title": "x" * 301},
            "The driver must be 300 characters or fewer",
        ),
    ],
)
def test_a_driver_with_a_mistake_is_refused(login, member, partnership, project, data, message):
    driver_add(actor=None, project=project, kind="primary", title="Leadership")
    response = login(member).post(url(partnership, f"{project.pk}/drivers/add/"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert project.drivers.count() == 1


def test_a_change_idea_must_serve_a_secondary_driver_of_the_project(
    login, member, partnership, project
):
    other = ProjectFactory(partnership=partnership)
    theirs = driver_add(
        actor=None,
        project=other,
        kind="secondary",
        title="Theirs",
        parent=driver_add(actor=None, project=other, kind="primary", title="P"),
    )
    client = login(member)
    page = client.post(
        url(partnership, f"{project.pk}/ideas/new/"), {"title": "An idea"}
    ).content.decode()
    assert "Choose at least one secondary driver it serves" in page
    page = client.post(
        url(partnership, f"{project.pk}/ideas/new/"), {"title": "An idea", "drivers": [theirs.pk]}
    ).content.decode()
    assert "Choose secondary drivers from the list" in page
    assert ChangeIdea.objects.count() == 0


def test_removing_a_primary_driver_takes_its_secondaries_and_leaves_the_ideas(
    login, member, partnership, project
):
    primary = driver_add(actor=None, project=project, kind="primary", title="Leadership")
    secondary = driver_add(
        actor=None, project=project, kind="secondary", title="Champions", parent=primary
    )
    idea = change_idea_add(
        actor=None, project=project, title="Huddle", description="", drivers=[secondary]
    )
    client = login(member)
    page = client.get(url(partnership, f"drivers/{primary.pk}/delete/")).content.decode()
    assert "Its secondary drivers go with it: Champions." in page
    assert (
        client.post(url(partnership, f"drivers/{primary.pk}/delete/")).status_code == 200
    )  # no confirm
    assert (
        client.post(
            url(partnership, f"drivers/{primary.pk}/delete/"), {"confirm": "yes"}
        ).status_code
        == 302
    )
    assert project.drivers.count() == 0
    page = client.get(url(partnership, f"{project.pk}/drivers/")).content.decode()
    assert "Change ideas serving no driver" in page and idea.title in page


def test_others_read_the_diagram_but_cannot_change_it(login, persona, partnership, project):
    primary = driver_add(actor=None, project=project, kind="primary", title="Leadership")
    colleague = login(persona(Role.BOARD))
    page = colleague.get(url(partnership, f"{project.pk}/drivers/")).content.decode()
    assert "Leadership" in page and "Add a primary driver" not in page
    assert colleague.post(url(partnership, f"{project.pk}/drivers/starter/")).status_code == 403
    assert colleague.get(url(partnership, f"drivers/{primary.pk}/edit/")).status_code == 403
    png = colleague.get(url(partnership, f"{project.pk}/drivers/diagram.png"))
    assert png.content.startswith(b"\x89PNG")


def test_outsiders_find_no_diagram(login, outsider, partnership, project):
    primary = driver_add(actor=None, project=project, kind="primary", title="Leadership")
    client = login(outsider)
    assert client.get(url(outsider.partnership, f"{project.pk}/drivers/")).status_code == 404
    assert client.get(url(outsider.partnership, f"drivers/{primary.pk}/edit/")).status_code == 404


def test_the_diagram_is_read_in_the_same_queries_whatever_its_size(project):
    def queries() -> int:
        with CaptureQueriesContext(connection) as found:
            diagram_of(project)
        return len(found)

    primary = driver_add(actor=None, project=project, kind="primary", title="P1")
    first = driver_add(actor=None, project=project, kind="secondary", title="S1", parent=primary)
    change_idea_add(actor=None, project=project, title="I1", description="", drivers=[first])
    few = queries()
    for n in range(2, 8):
        p = driver_add(actor=None, project=project, kind="primary", title=f"P{n}")
        s = driver_add(actor=None, project=project, kind="secondary", title=f"S{n}", parent=p)
        change_idea_add(
            actor=None, project=project, title=f"I{n}", description="", drivers=[s, first]
        )
    assert queries() == few
