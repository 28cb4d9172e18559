import datetime as dt
import re

import pytest

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.models import StaffMember
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


def _many_staff(team, count):
    """`count` people in `team`, written at once (the factory would take a minute)."""
    people = StaffMemberFactory.build_batch(count, team=team)
    StaffMember.objects.bulk_create(people)


def test_the_date_is_typed_as_day_month_and_year_like_every_other_date(admin, login, partnership):
    html = login(admin).get(url(partnership)).content.decode()
    today = dt.date.today()
    for part, value in (("0", today.day), ("1", today.month), ("2", today.year)):
        assert f'name="as_of_{part}" type="text" inputmode="numeric" value="{value}"' in html
    response = login(admin).get(
        url(partnership), {"as_of_0": "30", "as_of_1": "6", "as_of_2": "2022"}
    )
    html = response.content.decode()
    assert "on 30 June 2022" in html and 'value="2022"' in html
    assert "There is a problem" not in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("31", "12", "1999"), "The date must be 1 January 2000 or later"),
        (("1", "1", "2999"), "The date must be today or in the past"),
        (("31", "2", "2022"), "The date must be a real date"),
        (("30", "June", "2022"), "Enter the date as numbers, for example 27 3 2026"),
        (("30", "", "2022"), "The date must include a month"),
    ],
)
def test_a_date_that_cannot_be_used_is_refused_on_its_field_keeping_what_was_typed(
    admin, login, partnership, typed, message
):
    day, month, year = typed
    html = (
        login(admin)
        .get(url(partnership), {"as_of_0": day, "as_of_1": month, "as_of_2": year})
        .content.decode()
    )
    assert "There is a problem" in html and html.count(message) == 2  # the summary and the field
    assert 'href="#id_as_of_0"' in html and "govuk-form-group--error" in html
    assert f'name="as_of_2" type="text" inputmode="numeric" value="{year}"' in html
    assert f'value="{month}"' in html
    assert f"on {dt.date.today():%-d %B %Y} (today, as the date asked for cannot be used)" in html


def test_links_with_an_iso_date_still_work_and_are_checked_the_same(admin, login, partnership):
    client = login(admin)
    html = client.get(url(partnership), {"as_of": "2022-06-30"}).content.decode()
    assert "on 30 June 2022" in html and 'value="30"' in html
    html = client.get(url(partnership), {"as_of": "1999-12-31"}).content.decode()
    assert "The date must be 1 January 2000 or later" in html
    assert f"on {dt.date.today():%-d %B %Y}" in html


def test_the_people_who_still_need_a_level_refuse_a_date_before_2000_too(
    admin, login, partnership, team
):
    StaffMemberFactory(team=team, start_date=dt.date(1998, 1, 1))
    html = (
        login(admin)
        .get(f"/p/{partnership.slug}/coverage/outstanding/", {"as_of": "1999-06-30"})
        .content.decode()
    )
    assert f"on {dt.date.today():%-d %B %Y}" in html


def test_figures_of_a_thousand_or_more_have_thousands_separators(admin, login, partnership, team):
    _many_staff(team, 1234)
    html = login(admin).get(url(partnership)).content.decode()
    assert ">1,234</td>" in html  # need it, in the table by level
    assert "(0 of 1,234)" in html  # by organisation and team
    words = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)  # the charts' drawing, not text
    assert "1234" not in words
