"""Improvement projects on their pages, for the personas: who starts, edits and reads them."""

import datetime as dt

import pytest

from tiptracker.improvement.models import Project, ProjectMember
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def url(partnership, path=""):
    return f"/p/{partnership.slug}/improvement/{path}"


def form(**changes):
    data = {
        "title": "Trauma-informed first appointments",
        "aim_what": "More young people come to their first appointment",
        "aim_for_whom": "Young people referred to the adolescent service",
        "aim_how_much": "From 55% to 80% attending",
        "aim_by_0": "31",
        "aim_by_1": "3",
        "aim_by_2": "2023",
        "status": "testing",
        "service_area": "Adolescent services",
        "sponsor": "Head of Children's Services",
    }
    data.update(changes)
    return data


def test_an_ld_officer_starts_a_multi_agency_project(login, ld, partnership, member):
    nhs = OrganisationFactory(partnership=partnership, name="NHS Tayside")
    council = OrganisationFactory(partnership=partnership, name="Dundee City Council")
    team = TeamFactory(partnership=partnership, organisation=council, name="Adolescent service")
    client = login(ld)
    response = client.post(
        url(partnership, "new/"),
        form(
            lead=str(member.pk),
            members=[str(member.pk)],
            organisations=[str(nhs.pk), str(council.pk)],
            teams=[str(team.pk)],
        ),
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        partnership, f"{project.pk}/"
    )
    assert project.aim_by == dt.date(2023, 3, 31) and project.lead == member
    page = client.get(response["Location"]).content.decode()
    assert "Trauma-informed first appointments" in page
    assert "From 55% to 80% attending" in page and "31 March 2023" in page
    assert "Dundee City Council, NHS Tayside" in page
    assert "Dundee City Council: Adolescent service" in page
    assert "Testing" in page


def test_a_project_without_its_aim_is_refused_with_each_field_named(login, admin, partnership):
    response = login(admin).post(
        url(partnership, "new/"),
        form(aim_what="", aim_how_much="", aim_by_0="", aim_by_1="", aim_by_2=""),
    )
    page = response.content.decode()
    assert response.status_code == 200 and Project.objects.count() == 0
    assert "Enter what the project will improve" in page
    assert "Enter how much: the size of the improvement" in page
    assert "Enter the date the aim is to be met by" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page


def test_an_end_before_the_start_is_refused(login, admin, partnership):
    response = login(admin).post(
        url(partnership, "new/"),
        form(
            starts_on_0="1",
            starts_on_1="6",
            starts_on_2="2022",
            ends_on_0="1",
            ends_on_1="5",
            ends_on_2="2022",
        ),
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    assert Project.objects.count() == 0


def test_another_partnership_s_organisation_cannot_be_chosen(
    login, admin, partnership, other_partnership
):
    theirs = OrganisationFactory(partnership=other_partnership)
    response = login(admin).post(url(partnership, "new/"), form(organisations=[str(theirs.pk)]))
    assert "Choose organisations from the list" in response.content.decode()
    assert Project.objects.count() == 0


def test_the_project_team_edits_their_project_and_others_may_only_read(
    login, member, persona, partnership
):
    project = ProjectFactory(partnership=partnership, title="Before")
    ProjectMember.objects.create(partnership=partnership, project=project, membership=member)
    response = login(member).post(
        url(partnership, f"{project.pk}/edit/"), form(title="After", members=[str(member.pk)])
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "After"
    # Still in the team (the form kept them), so the page offers them the edit link.
    assert (
        "Edit the project" in login(member).get(url(partnership, f"{project.pk}/")).content.decode()
    )

    colleague = persona(Role.STAFF)
    assert login(colleague).get(url(partnership, f"{project.pk}/")).status_code == 200
    assert login(colleague).post(url(partnership, f"{project.pk}/edit/"), form()).status_code == 403
    assert (
        "Edit the project"
        not in login(colleague).get(url(partnership, f"{project.pk}/")).content.decode()
    )
    board = persona(Role.BOARD)
    assert login(board).get(url(partnership)).status_code == 200
    assert login(board).get(url(partnership, "new/")).status_code == 403


def test_outsiders_find_nothing(login, outsider, partnership):
    project = ProjectFactory(partnership=partnership)
    measure = MeasureFactory(project=project)
    client = login(outsider)
    assert client.get(url(partnership)).status_code == 404
    # Their own partnership's address with our project's number: not there either.
    assert client.get(url(outsider.partnership, f"{project.pk}/")).status_code == 404
    assert client.get(url(outsider.partnership, f"measures/{measure.pk}/")).status_code == 404
    assert (
        client.get(url(outsider.partnership, f"measures/{measure.pk}/values.csv")).status_code
        == 404
    )


def test_the_programme_lists_projects_with_stage_and_headline_measure(login, board, partnership):
    nhs = OrganisationFactory(partnership=partnership, name="NHS Tayside")
    first = ProjectFactory(partnership=partnership, title="First appointments", status="testing")
    first.organisations.create(partnership=partnership, organisation=nhs)
    measure = MeasureFactory(project=first, title="Attended (%)")
    first.headline_measure = measure
    first.save()
    for month in range(1, 13):
        MeasureValueFactory(measure=measure, on=dt.date(2022, month, 28), value=50 + month % 2)
    ProjectFactory(partnership=partnership, title="Adolescent services review", status="closed")
    client = login(board)
    page = client.get(url(partnership)).content.decode()
    assert "2 projects" in page
    assert "First appointments" in page and "Adolescent services review" in page
    assert "Attended (%): common cause variation" in page
    assert "<svg" in page  # the headline measure's small chart
    only_closed = client.get(url(partnership), {"status": "closed"}).content.decode()
    assert "1 project" in only_closed and "First appointments" not in only_closed
    by_nhs = client.get(url(partnership), {"organisation": str(nhs.pk)}).content.decode()
    assert "1 project" in by_nhs and "Adolescent services review" not in by_nhs
