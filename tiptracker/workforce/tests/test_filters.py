"""The staff page and 'who still needs it': narrowed by organisation, team and manager, and
downloaded as they are shown."""

import io

import openpyxl

from tiptracker.imports.importing import import_file
from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def _page(client, partnership, path, **params):
    response = client.get(f"/p/{partnership.slug}/{path}", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_staff_page_narrows_by_organisation_team_and_manager(
    admin, persona, login, partnership
):
    council, nhs = (
        OrganisationFactory(partnership=partnership, name="Council"),
        OrganisationFactory(partnership=partnership, name="NHS"),
    )
    housing = TeamFactory(partnership=partnership, organisation=council, name="Housing")
    justice = TeamFactory(partnership=partnership, organisation=council, name="Justice")
    ward = TeamFactory(partnership=partnership, organisation=nhs, name="Ward 4")
    ann = StaffMemberFactory(team=housing, organisation=council, last_name="Annand")
    jo = StaffMemberFactory(team=justice, organisation=council, last_name="Johnstone")
    wu = StaffMemberFactory(team=ward, organisation=nhs, last_name="Wu")
    manager = persona(Role.MANAGER, teams=[justice, ward])
    client = login(admin)

    def shown(**params):
        html = _page(client, partnership, "staff/", **params)
        return {p.last_name for p in (ann, jo, wu) if p.staff_id in html}

    assert shown() == {"Annand", "Johnstone", "Wu"}
    assert shown(organisation=council.pk) == {"Annand", "Johnstone"}
    assert shown(team=ward.pk) == {"Wu"}
    assert shown(manager=manager.pk) == {"Johnstone", "Wu"}
    assert shown(manager=manager.pk, organisation=council.pk) == {"Johnstone"}
    assert shown(q="wu", organisation=council.pk) == set()


def test_a_filter_that_is_not_on_offer_is_an_error_on_its_field(persona, login, partnership):
    mine, other = TeamFactory(partnership=partnership), TeamFactory(partnership=partnership)
    me = StaffMemberFactory(team=mine)
    them = StaffMemberFactory(team=other)
    client = login(persona(Role.MANAGER, teams=[mine]))
    html = _page(client, partnership, "staff/", team=other.pk)
    # A manager cannot pick someone else's team: the field says so, and the list stays theirs.
    assert "govuk-error-summary" in html and "Choose one from the list" in html
    assert me.staff_id in html and them.staff_id not in html
    # Managers see only their own teams, so there is no choosing among managers.
    assert 'name="manager"' not in html
    assert "<title>Error:" in html


def test_the_staff_list_downloads_as_shown_in_the_import_columns_and_imports_back_unchanged(
    admin, login, partnership
):
    council = OrganisationFactory(partnership=partnership, name="Council")
    housing = TeamFactory(partnership=partnership, organisation=council, name="Housing")
    other = TeamFactory(partnership=partnership, organisation=council, name="Justice")
    StaffMemberFactory(
        team=housing, organisation=council, is_manager=True, required_level=Level.ENHANCED
    )
    StaffMemberFactory(team=housing, organisation=council)
    StaffMemberFactory(team=other, organisation=council)
    client = login(admin)
    html = _page(client, partnership, "staff/", team=housing.pk)
    assert f'href="?team={housing.pk}&amp;format=csv"' in html

    csv = client.get(f"/p/{partnership.slug}/staff/", {"team": housing.pk, "format": "csv"})
    assert csv["Content-Disposition"].startswith(f'attachment; filename="{partnership.slug}-staff-')
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["staff_id", "organisation", "team"]
    assert len(lines) == 3 and all(",Housing," in line for line in lines[1:])
    assert any(",yes,enhanced," in line for line in lines[1:])
    again = import_file(
        partnership=partnership,
        kind="staff",
        binary=io.BytesIO(csv.content),
        filename="staff.csv",
    )
    assert again.ok and again.unchanged == 2 and again.created == again.updated == 0

    xlsx = client.get(f"/p/{partnership.slug}/staff/", {"team": housing.pk, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3 and sheet["C2"].value == "Housing"


def test_who_still_needs_it_narrows_by_team_and_downloads_the_narrowed_list(
    admin, login, partnership
):
    housing, justice = (
        TeamFactory(partnership=partnership, name="Housing"),
        TeamFactory(partnership=partnership, name="Justice"),
    )
    inside = StaffMemberFactory(team=housing)
    outside = StaffMemberFactory(team=justice)
    client = login(admin)
    html = _page(client, partnership, "coverage/outstanding/", level="informed", team=housing.pk)
    assert inside.staff_id in html and outside.staff_id not in html and "1 person" in html
    csv = client.get(
        f"/p/{partnership.slug}/coverage/outstanding/",
        {"level": "informed", "team": housing.pk, "format": "csv"},
    ).content.decode("utf-8-sig")
    assert inside.staff_id in csv and outside.staff_id not in csv


def test_an_administrator_invites_the_team_shown_from_the_staff_page(
    admin, persona, login, partnership, team
):
    html = _page(login(admin), partnership, "staff/", team=team.pk)
    assert f"/p/{partnership.slug}/members/invite-staff/?who=team-{team.pk}" in html
    assert "Invite this team's staff who have no account yet" in html
    StaffMemberFactory(team=team)
    confirm = login(admin).get(f"/p/{partnership.slug}/members/invite-staff/?who=team-{team.pk}")
    assert "1</strong> person in the Housing Options team" in confirm.content.decode()
    # An L&D officer sees the staff but does not manage accounts.
    html = _page(login(persona(Role.LD_OFFICER)), partnership, "staff/")
    assert "invite-staff" not in html


def test_the_invitation_is_offered_only_for_a_list_it_can_reach_exactly(
    admin, persona, login, partnership, team
):
    manager = persona(Role.MANAGER, teams=[team])
    client = login(admin)
    other_organisation = OrganisationFactory(partnership=partnership)
    for params in (
        {"q": "smith"},
        {"manager": manager.pk},
        {"team": team.pk, "organisation": other_organisation.pk},
    ):
        assert "invite-staff" not in _page(client, partnership, "staff/", **params), params
    html = _page(client, partnership, "staff/", organisation=team.organisation.pk)
    assert f"invite-staff/?who=organisation-{team.organisation.pk}" in html


def test_a_manager_without_a_name_is_not_shown_by_their_e_mail_address(
    persona, login, partnership, team
):
    from django.contrib.auth import get_user_model

    manager = persona(Role.MANAGER, teams=[team])
    get_user_model().objects.filter(pk=manager.user.pk).update(first_name="", last_name="")
    html = _page(login(persona(Role.LD_OFFICER)), partnership, "staff/")
    assert "A manager with no name on record" in html and manager.user.email not in html
