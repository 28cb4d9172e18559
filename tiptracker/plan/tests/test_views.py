"""The plan's pages as the personas use them."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tiptracker.partnerships.models import Role
from tiptracker.plan.models import Action, PlanChange, Priority, ProgressUpdate
from tiptracker.plan.tests.factories import ActionFactory, PhaseFactory, PriorityFactory


def _url(partnership, name="plan", *args):
    from django.urls import reverse

    return reverse(name, args=[partnership.slug, *args])


def _action_form(**overrides):
    form = {
        "title": "Complete level one roll-out",
        "description": "",
        "owner_group": "Trauma Steering Group",
        "status": "on_track",
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2022",
        "due_date_0": "31",
        "due_date_1": "3",
        "due_date_2": "2023",
    }
    form.update(overrides)
    return form


def test_every_member_reads_the_plan_and_sees_what_is_flagged(login, persona, partnership):
    phase = PhaseFactory(partnership=partnership, number=1, title="Foundations")
    ActionFactory(
        partnership=partnership,
        phase=phase,
        title="Late thing",
        start_date=None,
        due_date=dt.date(2020, 1, 1),
    )
    for role in Role:
        response = login(persona(role)).get(_url(partnership))
        assert response.status_code == 200
        assert "Phase 1: Foundations" in response.content.decode()
        assert "Late thing" in response.content.decode()
        assert "Overdue" in response.content.decode()


def test_an_outsider_gets_not_found(login, outsider, partnership):
    action = ActionFactory(partnership=partnership)
    assert login(outsider).get(_url(partnership)).status_code == 404
    assert login(outsider).get(_url(partnership, "plan_action", action.pk)).status_code == 404


def test_an_administrator_adds_an_action(login, admin, partnership):
    response = login(admin).post(_url(partnership, "plan_action_new"), _action_form())
    action = Action.objects.get()
    assert response.status_code == 302
    assert (action.title, action.due_date) == ("Complete level one roll-out", dt.date(2023, 3, 31))


def test_a_due_date_before_the_start_is_shown_on_the_field_and_nothing_is_saved(
    login, admin, partnership
):
    response = login(admin).post(
        _url(partnership, "plan_action_new"), _action_form(due_date_2="2021")
    )
    assert response.status_code == 200
    assert "The due date must be the same as or after the start date" in response.content.decode()
    assert 'href="#id_due_date_0"' in response.content.decode()
    assert not Action.objects.exists()


def test_a_member_cannot_edit_an_action_they_do_not_own(login, member, partnership):
    action = ActionFactory(partnership=partnership)
    response = login(member).post(
        _url(partnership, "plan_action_edit", action.pk), _action_form(version="1")
    )
    assert response.status_code == 403
    assert (
        login(member).post(_url(partnership, "plan_update_add", action.pk), {}).status_code == 403
    )


def test_an_owner_updates_their_own_action_and_adds_progress(login, member, partnership):
    action = ActionFactory(partnership=partnership, owner=member, owner_group="")
    client = login(member)
    response = client.post(
        _url(partnership, "plan_action_edit", action.pk),
        _action_form(owner=str(member.pk), owner_group="", status="at_risk", version="1"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "at_risk"
    today = dt.date.today()
    response = client.post(
        _url(partnership, "plan_update_add", action.pk),
        {
            "written_on_0": today.day,
            "written_on_1": today.month,
            "written_on_2": today.year,
            "text": "Venue booked",
        },
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().author == member.user


def test_an_empty_progress_update_says_what_is_missing(login, admin, partnership):
    action = ActionFactory(partnership=partnership)
    response = login(admin).post(_url(partnership, "plan_update_add", action.pk), {})
    assert response.status_code == 400
    assert "Enter what has happened" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_the_second_of_two_edits_is_refused_with_both_versions_and_the_typing_kept(
    login, admin, persona, partnership
):
    action = ActionFactory(partnership=partnership, title="Pilot the OD programme")
    first, second = login(admin), login(persona(Role.ADMIN))
    url = _url(partnership, "plan_action_edit", action.pk)
    first.get(url)
    second.get(url)  # both opened version 1
    assert (
        first.post(
            url, _action_form(title="Pilot the OD programme", status="at_risk", version="1")
        ).status_code
        == 302
    )
    response = second.post(
        url,
        _action_form(
            title="Pilot the OD programme",
            status="off_track",
            description="My careful note",
            version="1",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your changes have not been saved yet" in page
    assert "At risk" in page and "Off track" in page  # both versions, side by side
    assert "My careful note" in page  # nothing typed is lost
    assert 'name="version" value="2"' in page  # saving again is now deliberate
    action.refresh_from_db()
    assert action.status == "at_risk" and action.description == ""
    response = second.post(
        url, _action_form(title="Pilot the OD programme", status="off_track", version="2")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "off_track"


def test_the_history_page_shows_who_changed_what(login, admin, partnership):
    client = login(admin)
    client.post(_url(partnership, "plan_action_new"), _action_form())
    action = Action.objects.get()
    client.post(
        _url(partnership, "plan_action_edit", action.pk),
        _action_form(status="complete", version="1"),
    )
    page = client.get(_url(partnership, "plan_history")).content.decode()
    assert "On track" in page and "Complete" in page
    assert PlanChange.objects.count() == 2


def test_the_plan_as_it_stood_refuses_a_future_date(login, admin, partnership):
    response = login(admin).get(
        _url(partnership, "plan_as_of"), {"on_0": "1", "on_1": "1", "on_2": "2999"}
    )
    assert "Choose today or a date in the past" in response.content.decode()


def test_the_plan_as_it_stood_today_shows_the_actions(login, admin, partnership):
    client = login(admin)
    client.post(_url(partnership, "plan_action_new"), _action_form(title="Build the network"))
    today = dt.date.today()
    page = client.get(
        _url(partnership, "plan_as_of"),
        {"on_0": today.day, "on_1": today.month, "on_2": today.year},
    ).content.decode()
    assert "Build the network" in page


def test_the_plan_exports_to_a_spreadsheet_and_a_word_document(login, member, partnership):
    PriorityFactory(partnership=partnership, title="A trauma ambassadors network")
    ActionFactory(partnership=partnership, title="=cmd|' /C calc'!A0")
    client = login(member)
    book = load_workbook(io.BytesIO(client.get(_url(partnership, "plan_xlsx")).content))
    assert book.sheetnames == ["Actions", "Priorities", "Progress updates"]
    assert book["Actions"]["C2"].value == "'=cmd|' /C calc'!A0"  # formula neutralised
    assert book["Priorities"]["C2"].value == "A trauma ambassadors network"
    assert book["Actions"]["H2"].value.date() == dt.date(2023, 3, 31)  # a date, to sort by
    assert book["Actions"].freeze_panes == "A2" and book["Actions"]["A1"].font.bold
    document = Document(io.BytesIO(client.get(_url(partnership, "plan_docx")).content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Priorities for 2022/23" in headings
    assert "=cmd|' /C calc'!A0" in headings  # each action is a heading to navigate by
    details = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert details["Due date"] == "31 March 2023" and details["Owner"] == "Trauma Steering Group"


@pytest.mark.parametrize("year", ["2022/24", "22/23"])
def test_a_priority_with_a_bad_financial_year_is_refused_on_the_field(
    login, admin, partnership, year
):
    response = login(admin).post(
        _url(partnership, "plan_priority_new"),
        {"financial_year": year, "number": "1", "title": "x"},
    )
    assert "like 2022/23" in response.content.decode()
    assert not Priority.objects.exists()


def test_only_an_administrator_deletes_an_action_and_the_history_keeps_it(
    login, admin, member, partnership
):
    action = ActionFactory(partnership=partnership, owner=member, owner_group="", title="Old idea")
    url = _url(partnership, "plan_action_delete", action.pk)
    assert login(member).post(url).status_code == 403  # even its owner
    assert login(admin).post(url).status_code == 302
    assert not Action.objects.exists()
    change = PlanChange.objects.get(verb="deleted")
    assert (change.title, change.actor) == ("Old idea", admin.user)


def test_the_workspace_links_to_every_part_of_the_steering_groups_records(
    login, admin, persona, partnership
):
    page = login(admin).get(_url(partnership, "workspace")).content.decode()
    for title in (
        "Implementation plan",
        "Funding",
        "Engagement with national and regional work",
        "Briefings for board and elected members",
        "Resources and toolkits",
        "Champions and ambassadors",
    ):
        assert title in page
    board = login(persona(Role.BOARD)).get(_url(partnership, "workspace")).content.decode()
    assert "Funding" in board and "Briefings for board and elected members" not in board


def test_an_owners_edit_form_leaves_out_what_only_administrators_change(login, member, partnership):
    action = ActionFactory(partnership=partnership, owner=member, owner_group="", title="Mine")
    client = login(member)
    page = client.get(_url(partnership, "plan_action_edit", action.pk)).content.decode()
    assert 'name="owner"' not in page and 'name="title"' not in page
    assert 'name="status"' in page
    client.post(
        _url(partnership, "plan_action_edit", action.pk),
        _action_form(title="Renamed", owner_group="Someone else", status="complete", version="1"),
    )
    action.refresh_from_db()
    assert (action.title, action.owner, action.status) == ("Mine", member, "complete")


def test_a_control_character_typed_into_the_plan_does_not_break_its_exports(
    login, member, partnership
):
    action = ActionFactory(partnership=partnership, title="Tabs\x0band\x0cfeeds")
    ProgressUpdate.objects.create(
        partnership=partnership,
        action=action,
        written_on=dt.date(2022, 5, 1),
        text="odd\x0b",
        author_name="A",
    )
    client = login(member)
    book = load_workbook(io.BytesIO(client.get(_url(partnership, "plan_xlsx")).content))
    assert book["Actions"]["C2"].value == "Tabsandfeeds"
    document = Document(io.BytesIO(client.get(_url(partnership, "plan_docx")).content))
    assert "Tabsandfeeds" in [p.text for p in document.paragraphs]


def test_the_history_shows_what_moved_in_a_period(login, admin, partnership, clock):
    from tiptracker.plan.services import action_create
    from tiptracker.plan.state import ActionFields

    now = clock.moment
    for moment, title in (
        ("2022-01-10 10:00", "Before the period"),
        ("2022-03-10 10:00", "In the period"),
    ):
        clock.move_to(moment)
        action_create(
            actor=admin.user,
            partnership_id=partnership.pk,
            fields=ActionFields(title=title, owner_group="Steering group"),
        )
    clock.moment = now  # back to the present, where the person signs in
    client = login(admin)
    period = {
        "start_0": "1",
        "start_1": "2",
        "start_2": "2022",
        "end_0": "30",
        "end_1": "6",
        "end_2": "2022",
    }
    page = client.get(_url(partnership, "plan_history"), period).content.decode()
    assert "In the period" in page and "Before the period" not in page
    assert "1 change from 1 February 2022 to 30 June 2022" in page
    backwards = {**period, "end_2": "2021"}
    page = client.get(_url(partnership, "plan_history"), backwards).content.decode()
    assert "The end of the period must be the same as or after its start" in page


def test_a_priority_form_shows_every_problem_at_once(login, admin, partnership):
    response = login(admin).post(
        _url(partnership, "plan_priority_new"),
        {"financial_year": "22/23", "number": "x", "title": ""},
    )
    page = response.content.decode()
    assert "Write the first year in full, like 2022/23" in page
    assert "Enter the priority number as a whole number" in page
    assert "Enter the priority" in page


def test_a_two_digit_year_is_explained(login, admin, partnership):
    response = login(admin).post(
        _url(partnership, "plan_action_new"), _action_form(due_date_2="23")
    )
    assert "The year of the due date must have 4 numbers, like 2026" in response.content.decode()
