"""The implementation plan through the API: the same rules as the pages, a stale edit is a
409 with the saved version, and nothing leaks to another partnership."""

from tiptracker.partnerships.models import Role
from tiptracker.plan.models import Action, PlanChange, ProgressUpdate
from tiptracker.plan.tests.factories import ActionFactory, PhaseFactory, PriorityFactory


def url(partnership, path):
    return f"/api/partnerships/{partnership.slug}/plan/{path}"


def _body(**overrides):
    return {"title": "Build the ambassadors network", "owner_group": "Steering group", **overrides}


def test_every_member_reads_the_actions_with_their_flags(api, member, partnership):
    ActionFactory(partnership=partnership, title="Late", start_date=None, due_date="2020-01-01")
    response = api(member).get(url(partnership, "actions/"))
    assert response.status_code == 200
    [action] = response.json()["results"]
    assert (action["title"], action["overdue"], action["version"]) == ("Late", True, 1)


def test_an_administrator_adds_an_action_with_its_evidence(api, admin, partnership, ours):
    phase = PhaseFactory(partnership=partnership)
    priority = PriorityFactory(partnership=partnership)
    response = api(admin).post(
        url(partnership, "actions/"),
        _body(
            phase=phase.pk, priority=priority.pk, courses=[ours.course.pk], due_date="31/03/2023"
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["courses"] == [ours.course.pk] and body["due_date"] == "2023-03-31"
    assert PlanChange.objects.get().actor == admin.user


def test_an_owner_who_is_not_a_member_is_a_400_naming_the_field(api, admin, outsider, partnership):
    response = api(admin).post(
        url(partnership, "actions/"),
        _body(owner_group="", owner_email=outsider.user.email),
        format="json",
    )
    assert response.status_code == 409
    assert "owner_email" in response.json()["errors"]
    assert not Action.objects.exists()


def test_a_due_date_before_the_start_is_a_400(api, admin, partnership):
    response = api(admin).post(
        url(partnership, "actions/"),
        _body(start_date="2022-05-01", due_date="2022-04-01"),
        format="json",
    )
    assert response.status_code == 409 and "due_date" in response.json()["errors"]


def test_evidence_from_another_partnership_is_refused(api, admin, partnership, theirs):
    response = api(admin).post(
        url(partnership, "actions/"), _body(courses=[theirs.course.pk]), format="json"
    )
    assert response.status_code == 409 and "courses" in response.json()["errors"]


def test_a_stale_edit_is_a_409_with_the_saved_version_and_writes_nothing(api, admin, partnership):
    action = ActionFactory(partnership=partnership)
    client = api(admin)
    first = client.patch(
        url(partnership, f"actions/{action.pk}/"), _body(status="at_risk", version=1), format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        url(partnership, f"actions/{action.pk}/"),
        _body(status="complete", version=1),
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["saved"]["status"] == "at_risk"
    action.refresh_from_db()
    assert (action.status, action.version) == ("at_risk", 2)


def test_only_the_owner_or_an_administrator_changes_an_action(api, member, partnership):
    owned = ActionFactory(partnership=partnership, owner=member, owner_group="")
    someone_elses = ActionFactory(partnership=partnership)
    client = api(member)
    mine = url(partnership, f"actions/{owned.pk}/")
    assert (
        client.patch(mine, {"status": "on_track", "version": 1}, format="json").status_code == 200
    )
    theirs = url(partnership, f"actions/{someone_elses.pk}/")
    assert (
        client.patch(theirs, {"status": "on_track", "version": 1}, format="json").status_code == 403
    )
    response = client.post(
        url(partnership, f"actions/{owned.pk}/updates/"),
        {"written_on": "2022-06-01", "text": "Venue booked"},
        format="json",
    )
    assert response.status_code == 201
    assert ProgressUpdate.objects.get().author == member.user


def test_an_owner_cannot_hand_their_action_to_someone_else_or_retitle_it(
    api, member, persona, partnership
):
    owned = ActionFactory(partnership=partnership, owner=member, owner_group="", title="Mine")
    board = persona(Role.BOARD)
    client = api(member)
    mine = url(partnership, f"actions/{owned.pk}/")
    response = client.patch(mine, {"owner_email": board.user.email, "version": 1}, format="json")
    assert response.status_code == 409 and "owner_email" in response.json()["errors"]
    response = client.patch(mine, {"title": "Renamed", "version": 1}, format="json")
    assert response.status_code == 409 and "title" in response.json()["errors"]
    owned.refresh_from_db()
    assert (owned.owner, owned.title, owned.version) == (member, "Mine", 1)


def test_a_patch_changes_only_the_fields_sent(api, admin, partnership, ours):
    phase = PhaseFactory(partnership=partnership)
    action = ActionFactory(partnership=partnership, phase=phase, description="Keep me")
    action.courses.add(ours.course)
    response = api(admin).patch(
        url(partnership, f"actions/{action.pk}/"),
        {"status": "complete", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.phase, action.description) == ("complete", phase, "Keep me")
    assert list(action.courses.all()) == [ours.course]


def test_a_patch_without_the_version_read_is_refused(api, admin, partnership):
    action = ActionFactory(partnership=partnership)
    response = api(admin).patch(
        url(partnership, f"actions/{action.pk}/"), {"status": "complete"}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_the_board_reads_but_cannot_add(api, persona, partnership):
    board = persona(Role.BOARD)
    assert api(board).get(url(partnership, "priorities/")).status_code == 200
    assert (
        api(board)
        .post(url(partnership, "phases/"), {"number": 1, "title": "x"}, format="json")
        .status_code
        == 403
    )


def test_another_partnerships_action_is_not_found(api, outsider, partnership):
    action = ActionFactory(partnership=partnership)
    assert api(outsider).get(url(partnership, f"actions/{action.pk}/")).status_code == 404
    assert api(outsider).get(url(partnership, "history/")).status_code == 404


def test_a_priority_with_a_bad_financial_year_is_a_400(api, admin, partnership):
    response = api(admin).post(
        url(partnership, "priorities/"),
        {"financial_year": "2022/24", "number": 1, "title": "x"},
        format="json",
    )
    assert response.status_code == 409 and "financial_year" in response.json()["errors"]


def test_the_history_lists_changes_field_by_field(api, admin, partnership):
    client = api(admin)
    client.post(url(partnership, "actions/"), _body(), format="json")
    [change] = client.get(url(partnership, "history/")).json()["results"]
    assert (
        change["verb"] == "created"
        and ["Title", "", "Build the ambassadors network"] in change["changes"]
    )


def test_an_id_out_of_range_is_a_400_not_a_server_error(api, admin, partnership):
    response = api(admin).post(
        url(partnership, "actions/"), _body(courses=[2**70], phase=2**70), format="json"
    )
    assert response.status_code == 400
    assert {"courses.0", "phase"} <= set(response.json()["errors"])


def test_owners_addresses_are_shown_to_administrators_only(api, admin, member, partnership):
    ActionFactory(partnership=partnership, owner=member, owner_group="")
    as_admin = api(admin).get(url(partnership, "actions/")).json()["results"][0]
    as_member = api(member).get(url(partnership, "actions/")).json()["results"][0]
    assert as_admin["owner_email"] == member.user.email
    assert as_member["owner_email"] is None and as_member["owner"]


def test_a_priority_is_changed_from_the_version_read_and_a_stale_change_is_a_409(
    api, admin, member, partnership
):
    priority = PriorityFactory(partnership=partnership, title="Old wording")
    path = url(partnership, f"priorities/{priority.pk}/")
    assert api(member).patch(path, {"title": "x", "version": 1}, format="json").status_code == 403
    response = api(admin).patch(path, {"title": "New wording", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert response.json()["financial_year"] == "2022/23"  # unsent fields kept
    stale = api(admin).patch(path, {"title": "Clash", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["saved"]["title"] == "New wording"
    bad = api(admin).patch(path, {"financial_year": "2022/24", "version": 2}, format="json")
    assert bad.status_code == 409 and "financial_year" in bad.json()["errors"]
    assert api(admin).patch(path, {"title": "No version"}, format="json").status_code == 400


def test_a_phase_reads_and_changes(api, admin, partnership):
    phase = PhaseFactory(partnership=partnership, number=1, title="Foundations")
    path = url(partnership, f"phases/{phase.pk}/")
    assert api(admin).get(path).json()["title"] == "Foundations"
    response = api(admin).patch(
        path, {"description": "Leadership buy-in", "version": 1}, format="json"
    )
    assert response.status_code == 200
    phase.refresh_from_db()
    assert (phase.title, phase.description, phase.version) == (
        "Foundations",
        "Leadership buy-in",
        2,
    )


def test_an_administrator_deletes_an_action_and_the_history_keeps_it(
    api, admin, member, partnership
):
    action = ActionFactory(partnership=partnership, owner=member, owner_group="", title="Dropped")
    path = url(partnership, f"actions/{action.pk}/")
    assert api(member).delete(path).status_code == 403  # even its owner
    assert api(admin).delete(path).status_code == 204
    assert not Action.objects.exists()
    assert PlanChange.objects.get(verb="deleted").title == "Dropped"


def test_an_action_due_before_1900_is_a_400_naming_the_date(api, admin, partnership):
    response = api(admin).post(
        url(partnership, "actions/"), _body(due_date="0001-01-01"), format="json"
    )
    assert response.status_code == 400
    assert "before 1900" in str(response.json()["errors"]["due_date"])
    assert not Action.objects.exists()
