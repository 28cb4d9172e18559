import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tiptracker.network.models import NetworkActivity, NetworkMember
from tiptracker.network.selectors import network_summary, teams_coverage
from tiptracker.network.services import (
    network_activity_record,
    network_member_create,
    network_member_update,
)
from tiptracker.network.tests.factories import NetworkActivityFactory, NetworkMemberFactory
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2023, 3, 31)


# Services ----------------------------------------------------------------------------------


def test_a_champion_need_not_be_in_the_staff_records(partnership):
    organisation = OrganisationFactory(partnership=partnership)
    champion = network_member_create(
        actor=None,
        partnership_id=partnership.pk,
        kind=NetworkMember.Kind.CHAMPION,
        name="Fiona Ramsay",
        job_role="Chief Social Work Officer",
        organisation=organisation,
        from_date=dt.date(2021, 6, 1),
    )
    assert champion.person is None and champion.name == "Fiona Ramsay"


def test_a_linked_ambassador_takes_name_role_organisation_and_team_from_the_staff_record(team):
    person = StaffMemberFactory(team=team, first_name="Ann", last_name="Reid", job_title="Nurse")
    ambassador = network_member_create(
        actor=None,
        partnership_id=team.partnership_id,
        kind=NetworkMember.Kind.AMBASSADOR,
        person=person,
        from_date=dt.date(2022, 11, 14),
    )
    assert (ambassador.name, ambassador.job_role) == ("Ann Reid", "Nurse")
    assert (ambassador.organisation, ambassador.team) == (team.organisation, team)


def test_it_refuses_an_end_before_the_start(team):
    member = NetworkMemberFactory(team=team)
    with pytest.raises(ValidationError) as error:
        network_member_update(
            actor=None,
            member=member,
            kind=member.kind,
            name=member.name,
            organisation=team.organisation,
            team=team,
            from_date=dt.date(2023, 1, 1),
            to_date=dt.date(2022, 12, 31),
        )
    assert "to_date" in error.value.message_dict
    member.refresh_from_db()
    assert member.to_date is None


def test_it_refuses_a_team_of_another_organisation_or_partnership(team, other_partnership):
    elsewhere = TeamFactory(partnership=team.partnership)
    theirs = TeamFactory(partnership=other_partnership)
    for wrong in (elsewhere, theirs):
        with pytest.raises(ValidationError) as error:
            network_member_create(
                actor=None,
                partnership_id=team.partnership_id,
                kind=NetworkMember.Kind.AMBASSADOR,
                name="A",
                organisation=team.organisation,
                team=wrong,
                from_date=ON,
            )
        assert "team" in error.value.message_dict
    assert not NetworkMember.objects.exists()


def test_it_refuses_a_person_from_another_partnership(partnership, other_partnership):
    stranger = StaffMemberFactory(team=TeamFactory(partnership=other_partnership))
    with pytest.raises(ValidationError) as error:
        network_member_create(
            actor=None,
            partnership_id=partnership.pk,
            kind=NetworkMember.Kind.AMBASSADOR,
            person=stranger,
            from_date=ON,
        )
    assert {"person", "name", "organisation"} <= set(error.value.message_dict)


def test_it_refuses_an_activity_in_the_future_or_without_a_summary(team):
    member = NetworkMemberFactory(team=team)
    with pytest.raises(ValidationError) as error:
        network_activity_record(
            actor=None,
            member=member,
            on=dt.date.today() + dt.timedelta(days=1),
            kind="party",
            summary=" ",
        )
    assert set(error.value.message_dict) == {"date", "kind", "summary"}
    assert not NetworkActivity.objects.exists()


# Coverage and the board's figures ----------------------------------------------------------


def test_coverage_counts_only_current_ambassadors(partnership):
    covered, ended, future, bare = (TeamFactory(partnership=partnership) for _ in range(4))
    NetworkMemberFactory(team=covered, from_date=dt.date(2022, 11, 1))
    NetworkMemberFactory(team=ended, from_date=dt.date(2022, 11, 1), to_date=dt.date(2023, 3, 30))
    NetworkMemberFactory(team=future, from_date=dt.date(2023, 4, 1))
    NetworkMemberFactory(
        team=None,
        partnership=partnership,
        organisation=bare.organisation,
        kind=NetworkMember.Kind.CHAMPION,
    )
    without = {t.name for t in teams_coverage(partnership.pk, on=ON, covered=False)}
    assert without == {ended.name, future.name, bare.name}
    summary = network_summary(partnership.pk, on=ON)
    assert (summary.champions, summary.ambassadors) == (1, 1)
    assert (summary.teams, summary.teams_covered, summary.teams_uncovered) == (4, 1, 3)
    assert (summary.organisations, summary.organisations_covered) == (4, 1)
    # The last day of a role still counts; the first day of one does too.
    assert network_summary(partnership.pk, on=dt.date(2023, 3, 30)).teams_covered == 2
    assert network_summary(partnership.pk, on=dt.date(2023, 4, 1)).teams_covered == 2


def test_the_summary_counts_activities_of_the_six_months_to_the_date(team):
    member = NetworkMemberFactory(team=team)
    for day in (dt.date(2022, 9, 30), dt.date(2022, 10, 1), ON, dt.date(2023, 4, 1)):
        NetworkActivityFactory(member=member, date=day)
    summary = network_summary(team.partnership_id, on=ON)
    assert summary.since == dt.date(2022, 10, 1)
    assert summary.activities == 2


# Pages -------------------------------------------------------------------------------------


def test_every_member_sees_the_roster_without_staff_details(login, member, team):
    person = StaffMemberFactory(team=team, email="secret@example.org", staff_id="HIDDEN-1")
    NetworkMemberFactory(team=team, person=person, name="Ann Reid")
    NetworkMemberFactory(team=team, name="Gone", to_date=dt.date(2022, 12, 1))
    page = login(member).get("/p/dundee-test/network/").content.decode()
    assert "Ann Reid" in page and "Gone" not in page
    assert "secret@example.org" not in page and "HIDDEN-1" not in page
    past = login(member).get("/p/dundee-test/network/?when=past").content.decode()
    assert "Gone" in past and "Ann Reid" not in past


def test_the_coverage_page_lists_the_teams_without_an_ambassador(login, member, team):
    bare = TeamFactory(partnership=team.partnership, name="Pharmacy")
    NetworkMemberFactory(team=team, name="Ann Reid")
    page = login(member).get("/p/dundee-test/network/coverage/").content.decode()
    assert "Pharmacy" in page and "1 of 2" in page
    assert bare.name in page and "Housing Options</td>" not in page
    everyone = login(member).get("/p/dundee-test/network/coverage/?show=all").content.decode()
    assert "Ann Reid" in everyone


def test_an_administrator_adds_an_ambassador_by_staff_id_and_logs_an_activity(login, admin, team):
    StaffMemberFactory(team=team, staff_id="DCC00042", first_name="Ann", last_name="Reid")
    client = login(admin)
    response = client.post(
        "/p/dundee-test/network/new/",
        {
            "kind": "ambassador",
            "staff_id": "dcc00042",
            "from_date_0": "14",
            "from_date_1": "11",
            "from_date_2": "2022",
        },
    )
    member = NetworkMember.objects.get()
    assert response.status_code == 302
    assert (member.name, member.team) == ("Ann Reid", team)
    client.post(
        f"/p/dundee-test/network/{member.pk}/",
        {
            "date_0": "25",
            "date_1": "1",
            "date_2": "2023",
            "kind": "awareness",
            "summary": "Opening Doors at the team meeting",
        },
    )
    activity = NetworkActivity.objects.get()
    assert activity.recorded_by == admin.user
    page = client.get(f"/p/dundee-test/network/{member.pk}/").content.decode()
    assert "25 January 2023" in page and "Opening Doors at the team meeting" in page


def test_the_form_names_each_wrong_field_and_saves_nothing(login, admin, team):
    response = login(admin).post(
        "/p/dundee-test/network/new/",
        {
            "kind": "ambassador",
            "staff_id": "NOBODY",
            "from_date_0": "31",
            "from_date_1": "2",
            "from_date_2": "2023",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "no one with staff ID" in page and "must be a real date" in page
    assert not NetworkMember.objects.exists()


def test_an_end_before_the_start_is_shown_on_the_end_date(login, admin, team):
    member = NetworkMemberFactory(team=team)
    response = login(admin).post(
        f"/p/dundee-test/network/{member.pk}/edit/",
        {
            "kind": "ambassador",
            "name": member.name,
            "organisation": team.organisation_id,
            "team": team.pk,
            "from_date_0": "1",
            "from_date_1": "11",
            "from_date_2": "2022",
            "to_date_0": "1",
            "to_date_1": "10",
            "to_date_2": "2022",
        },
    )
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_a_member_may_not_log_an_activity(login, member, team):
    ambassador = NetworkMemberFactory(team=team)
    response = login(member).post(f"/p/dundee-test/network/{ambassador.pk}/", {"summary": "x"})
    assert response.status_code == 403
    assert not NetworkActivity.objects.exists()


def test_the_outsider_is_refused(login, outsider, team):
    ambassador = NetworkMemberFactory(team=team)
    client = login(outsider)
    for url in ("", "coverage/", f"{ambassador.pk}/", f"{ambassador.pk}/edit/", "new/"):
        assert client.get(f"/p/dundee-test/network/{url}").status_code == 404


def test_another_partnerships_member_is_not_found(login, admin, other_partnership):
    theirs = NetworkMemberFactory(team=TeamFactory(partnership=other_partnership))
    assert login(admin).get(f"/p/dundee-test/network/{theirs.pk}/").status_code == 404
