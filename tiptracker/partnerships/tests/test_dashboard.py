import datetime as dt

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def url(p):
    return f"/p/{p.slug}/"


def test_the_dashboard_shows_coverage_by_level_with_a_table_beside_the_chart(
    admin, login, partnership, team
):
    course = CourseFactory(partnership=partnership)
    people = StaffMemberFactory.create_batch(4, team=team)
    CompletionFactory(staff=people[0], course=course, completed_on=dt.date(2022, 1, 5))
    response = login(admin).get(url(partnership), {"as_of": "2022-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Coverage by level" in html
    assert "25.0%" in html  # 1 of 4 have Trauma Informed
    assert team.organisation.name in html and team.name in html


def test_a_manager_sees_only_their_teams(persona, login, partnership):
    mine = TeamFactory(partnership=partnership, name="Mine")
    theirs = TeamFactory(partnership=partnership, name="Theirs", organisation=mine.organisation)
    StaffMemberFactory.create_batch(2, team=mine)
    StaffMemberFactory.create_batch(7, team=theirs)
    manager = persona(Role.MANAGER, teams=[mine])
    html = login(manager).get(url(partnership)).content.decode()
    assert "Mine" in html and ">Theirs<" not in html
    assert "(0 of 2)" in html


def test_a_bad_date_is_explained_and_today_is_shown(admin, login, partnership):
    response = login(admin).get(url(partnership), {"as_of": "31/02/2022"})
    assert response.status_code == 200
    assert "is not a real date" in response.content.decode()


def test_a_staff_member_cannot_open_the_dashboard(member, login, partnership):
    assert login(member).get(url(partnership)).status_code == 403


def test_an_outsider_gets_not_found(outsider, login, partnership):
    assert login(outsider).get(url(partnership)).status_code == 404


def test_someone_not_logged_in_is_sent_to_the_login_page(client, partnership):
    response = client.get(url(partnership))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_trend_has_24_month_ends_and_the_date_itself(admin, login, partnership, team):
    StaffMemberFactory(team=team, required_level=Level.SKILLED)
    html = login(admin).get(url(partnership), {"as_of": "2022-06-15"}).content.decode()
    assert "31 May 2022" in html and "30 Jun 2020" in html and "15 Jun 2022" in html
    assert "31 May 2020" not in html
