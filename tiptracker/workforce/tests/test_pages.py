"""Staff, the training needs analysis and the drill-down to who still needs training."""

import datetime as dt
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.training.models import CoverageSnapshot
from tiptracker.training.snapshots import coverage_snapshots_rebuild
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.models import Team
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_the_staff_list_costs_the_same_queries_for_2_or_40_people(admin, login, partnership, team):
    client = login(admin)
    StaffMemberFactory.create_batch(2, team=team)
    few = queries(client, f"/p/{partnership.slug}/staff/")
    StaffMemberFactory.create_batch(38, team=TeamFactory(partnership=partnership))
    assert queries(client, f"/p/{partnership.slug}/staff/") == few


def test_the_needs_page_costs_the_same_queries_for_2_or_30_teams(admin, login, partnership):
    client = login(admin)
    TeamFactory.create_batch(2, partnership=partnership)
    few = queries(client, f"/p/{partnership.slug}/needs/")
    TeamFactory.create_batch(28, partnership=partnership)
    assert queries(client, f"/p/{partnership.slug}/needs/") == few


def test_the_drill_down_costs_the_same_queries_for_2_or_40_people(admin, login, partnership, team):
    client = login(admin)
    StaffMemberFactory.create_batch(2, team=team)
    few = queries(client, f"/p/{partnership.slug}/coverage/outstanding/", level="informed")
    StaffMemberFactory.create_batch(38, team=team)
    assert queries(client, f"/p/{partnership.slug}/coverage/outstanding/", level="informed") == few


def test_the_dashboard_costs_the_same_queries_for_few_or_many_teams_and_people(
    admin, login, partnership, team
):
    client = login(admin)
    StaffMemberFactory.create_batch(2, team=team)
    coverage_snapshots_rebuild(partnership_id=partnership.id)
    few = queries(client, f"/p/{partnership.slug}/")
    for other in TeamFactory.create_batch(
        10, partnership=partnership, organisation=team.organisation
    ):
        StaffMemberFactory.create_batch(3, team=other)
    coverage_snapshots_rebuild(partnership_id=partnership.id)
    assert queries(client, f"/p/{partnership.slug}/") == few


def test_a_manager_sees_only_the_people_in_their_teams(persona, login, partnership):
    mine, theirs = TeamFactory(partnership=partnership), TeamFactory(partnership=partnership)
    me = StaffMemberFactory(team=mine, last_name="Mine")
    them = StaffMemberFactory(team=theirs, last_name="Theirs")
    client = login(persona(Role.MANAGER, teams=[mine]))
    html = client.get(f"/p/{partnership.slug}/staff/").content.decode()
    assert me.staff_id in html and them.staff_id not in html
    assert client.get(f"/p/{partnership.slug}/staff/{them.pk}/").status_code == 404
    assert client.get(f"/p/{partnership.slug}/staff/{me.pk}/").status_code == 200


def test_the_drill_down_lists_exactly_who_still_needs_the_level(admin, login, partnership):
    team = TeamFactory(partnership=partnership, required_level=Level.SKILLED)
    done, waiting, informed_only = StaffMemberFactory.create_batch(3, team=team)
    CompletionFactory(
        staff=done,
        course=CourseFactory(partnership=partnership, level=Level.SKILLED),
        completed_on=dt.date(2022, 1, 1),
    )
    CompletionFactory(
        staff=informed_only,
        course=CourseFactory(partnership=partnership, level=Level.INFORMED),
        completed_on=dt.date(2022, 1, 1),
    )
    html = (
        login(admin)
        .get(
            f"/p/{partnership.slug}/coverage/outstanding/",
            {"level": "skilled", "as_of": "2022-06-30"},
        )
        .content.decode()
    )
    assert waiting.staff_id in html and informed_only.staff_id in html and done.staff_id not in html
    assert "2 people" in html


def test_the_drill_down_exports_csv_and_xlsx_with_formulas_neutralised(
    admin, login, partnership, team
):
    StaffMemberFactory(
        team=team,
        first_name='=HYPERLINK("http://evil")',
        last_name="+SUM(A1)",
        job_title="@cmd",
        email="",
    )
    client = login(admin)
    csv = client.get(
        f"/p/{partnership.slug}/coverage/outstanding/", {"level": "informed", "format": "csv"}
    )
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+SUM(A1)" in text and "'@cmd" in text
    xlsx = client.get(
        f"/p/{partnership.slug}/coverage/outstanding/", {"level": "informed", "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for cell in sheet[2]]
    assert '\'=HYPERLINK("http://evil")' in values and "'+SUM(A1)" in values
    assert sheet[1][0].value == "staff_id"


def test_training_admins_set_team_levels_in_bulk_and_coverage_follows(admin, login, partnership):
    teams = TeamFactory.create_batch(3, partnership=partnership)
    StaffMemberFactory(team=teams[0])
    coverage_snapshots_rebuild(partnership_id=partnership.id)
    data = {f"team_{teams[0].id}": "2", f"team_{teams[1].id}": "3", f"team_{teams[2].id}": ""}
    response = login(admin).post(f"/p/{partnership.slug}/needs/", data, follow=True)
    assert "2 teams changed" in response.content.decode()
    assert [Team.objects.get(id=t.id).required_level for t in teams] == [2, 3, None]
    assert not CoverageSnapshot.objects.filter(
        partnership=partnership
    ).exists()  # the trend is recomputed


def test_a_bad_level_in_the_bulk_form_is_reported_and_nothing_is_saved(admin, login, partnership):
    teams = TeamFactory.create_batch(2, partnership=partnership)
    data = {f"team_{teams[0].id}": "2", f"team_{teams[1].id}": "7"}
    response = login(admin).post(f"/p/{partnership.slug}/needs/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Team.objects.get(id=teams[0].id).required_level is None


def test_a_board_member_reads_the_needs_analysis_but_cannot_change_it(persona, login, partnership):
    team = TeamFactory(partnership=partnership)
    client = login(persona(Role.BOARD))
    assert "Save levels" not in client.get(f"/p/{partnership.slug}/needs/").content.decode()
    assert client.post(f"/p/{partnership.slug}/needs/", {f"team_{team.id}": "2"}).status_code == 403
    assert Team.objects.get(id=team.id).required_level is None


def test_a_training_admin_overrides_one_persons_level(admin, login, partnership, team):
    person = StaffMemberFactory(team=team)
    login(admin).post(f"/p/{partnership.slug}/staff/{person.pk}/", {"required_level": "3"})
    person.refresh_from_db()
    assert person.required_level == Level.ENHANCED


def test_a_manager_cannot_override_a_level(persona, login, partnership, team):
    person = StaffMemberFactory(team=team)
    client = login(persona(Role.MANAGER, teams=[team]))
    assert (
        client.post(
            f"/p/{partnership.slug}/staff/{person.pk}/", {"required_level": "3"}
        ).status_code
        == 403
    )
    person.refresh_from_db()
    assert person.required_level is None


def test_an_outsider_cannot_see_or_change_anyone(outsider, login, partnership, team):
    person = StaffMemberFactory(team=team)
    client = login(outsider)
    for url in ("staff/", f"staff/{person.pk}/", "needs/", "coverage/outstanding/"):
        assert client.get(f"/p/{partnership.slug}/{url}").status_code == 404
    assert client.post(f"/p/{partnership.slug}/needs/", {f"team_{team.id}": "2"}).status_code == 404
    assert Team.objects.get(id=team.id).required_level is None


def test_a_staff_member_is_refused_the_staff_pages(member, login, partnership):
    client = login(member)
    assert client.get(f"/p/{partnership.slug}/staff/").status_code == 403
    assert client.get(f"/p/{partnership.slug}/coverage/outstanding/").status_code == 403


def test_the_error_summary_names_the_team_whose_level_was_wrong(admin, login, partnership):
    team = TeamFactory(partnership=partnership, name="Hospital Discharge")
    response = login(admin).post(f"/p/{partnership.slug}/needs/", {f"team_{team.id}": "9"})
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "Hospital Discharge" in html.split('class="govuk-error-summary"')[1].split("</ul>")[0]


def test_the_drill_down_shows_and_exports_the_level_each_person_needs(admin, login, partnership):
    team = TeamFactory(partnership=partnership, required_level=Level.ENHANCED)
    person = StaffMemberFactory(team=team)
    client = login(admin)
    html = client.get(
        f"/p/{partnership.slug}/coverage/outstanding/", {"level": "informed"}
    ).content.decode()
    assert "Trauma Enhanced" in html
    text = client.get(
        f"/p/{partnership.slug}/coverage/outstanding/", {"level": "informed", "format": "csv"}
    ).content.decode("utf-8-sig")
    assert f"{person.staff_id}," in text and text.strip().splitlines()[1].endswith(",enhanced")


def test_the_staff_list_marks_leavers_and_future_starters(admin, login, partnership, team):
    import datetime as dt

    StaffMemberFactory(team=team, last_name="Gone", leaving_date=dt.date(2021, 3, 31))
    StaffMemberFactory(
        team=team, last_name="Soon", start_date=dt.date.today() + dt.timedelta(days=30)
    )
    html = login(admin).get(f"/p/{partnership.slug}/staff/").content.decode()
    assert "Left 31 Mar 2021" in html and "Starts " in html
