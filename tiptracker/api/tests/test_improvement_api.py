"""The improvement programme through the API: projects, driver diagrams, change ideas, PDSA
cycles, measures, their values and the computed chart."""

import datetime as dt

import pytest

from tiptracker.improvement.models import ChangeIdea, Driver, Measure, MeasureValue, Project
from tiptracker.improvement.selectors import chart_of
from tiptracker.improvement.tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)
from tiptracker.lib.dates import month_end, months_after
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import OrganisationFactory
from tiptracker.workforce.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

PROJECT = {
    "title": "Trauma-informed first appointments",
    "aim_what": "More young people come to their first appointment",
    "aim_for_whom": "Young people referred to the adolescent service",
    "aim_how_much": "From 55% to 80%",
    "aim_by": "2023-03-31",
    "status": "testing",
}


def url(partnership, path):
    return f"/api/partnerships/{partnership.slug}/improvement/{path}"


@pytest.fixture
def project(partnership, member):
    """A project whose team is the staff member `member`."""
    project = ProjectFactory(partnership=partnership)
    project.members.create(partnership=partnership, membership=member)
    return project


def _months(measure, values, first=dt.date(2021, 1, 1)):
    return [
        MeasureValueFactory(measure=measure, on=month_end(months_after(first, n)), value=v)
        for n, v in enumerate(values)
    ]


# Projects ------------------------------------------------------------------------------------


def test_an_ld_officer_starts_a_multi_agency_project_with_its_team(
    api, ld, member, partnership, team
):
    council = OrganisationFactory(partnership=partnership, name="Dundee City Council")
    body = {
        **PROJECT,
        "lead_email": member.user.email.upper(),  # as typed, whatever its case
        "team_emails": [member.user.email],
        "organisations": [council.pk, team.organisation_id],
        "teams": [team.pk],
        "sponsor": "Chief Social Work Officer",
    }
    created = api(ld).post(url(partnership, "projects/"), body, format="json")
    assert created.status_code == 201, created.json()
    got = created.json()
    assert got["aim"] == (
        "More young people come to their first appointment: from 55% to 80%, for young "
        "people referred to the adolescent service, by 31 March 2023"
    )
    assert got["lead_email"] == member.user.email and got["team_emails"] == [member.user.email]
    assert sorted(o["id"] for o in got["organisations"]) == sorted(
        [council.pk, team.organisation_id]
    )
    assert [t["id"] for t in got["teams"]] == [team.pk] and got["can_edit"] is True
    # A reader who does not run the programme sees names, not addresses.
    read = api(member).get(url(partnership, f"projects/{got['id']}/")).json()
    assert read["lead"] == got["lead"] and read["lead_email"] is None
    assert read["team_emails"] is None and read["can_edit"] is True  # on the team


def test_only_those_who_run_the_programme_start_projects(api, member, partnership):
    response = api(member).post(url(partnership, "projects/"), PROJECT, format="json")
    assert response.status_code == 403 and not Project.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"team_emails": ["nobody@example.org"]}, "team_emails", 409),
        ({"lead_email": "nobody@example.org"}, "lead_email", 409),
        ({"aim_how_much": "  "}, "aim_how_much", 400),
        ({"ends_on": "2020-01-01", "starts_on": "2021-01-01"}, "ends_on", 409),
        ({"aim_what": ""}, "aim_what", 400),
        ({"status": "finished"}, "status", 400),
        ({"aim_by": "31 March"}, "aim_by", 400),
    ],
)
def test_a_bad_project_names_its_field_and_writes_nothing(
    api, ld, partnership, change, field, status
):
    response = api(ld).post(url(partnership, "projects/"), {**PROJECT, **change}, format="json")
    assert response.status_code == status and field in response.json()["errors"]
    assert not Project.objects.exists()


def test_another_partnerships_team_is_refused(api, ld, partnership, other_partnership):
    theirs = TeamFactory(partnership=other_partnership)
    body = {**PROJECT, "teams": [theirs.pk]}
    response = api(ld).post(url(partnership, "projects/"), body, format="json")
    assert response.status_code == 409 and "teams" in response.json()["errors"]
    assert not Project.objects.exists()


def test_the_team_changes_its_project_and_others_may_not(
    api, member, persona, partnership, project
):
    measure = MeasureFactory(project=project)
    changed = api(member).patch(
        url(partnership, f"projects/{project.pk}/"),
        {"status": "implementing", "headline_measure": measure.pk},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["status"] == "implementing"
    assert changed.json()["headline_measure"] == measure.pk
    project.refresh_from_db()
    assert project.title.startswith("Test of change")  # what was not sent is kept
    assert project.members.count() == 1
    manager = persona(Role.MANAGER)
    refused = api(manager).patch(
        url(partnership, f"projects/{project.pk}/"), {"status": "closed"}, format="json"
    )
    assert refused.status_code == 403
    project.refresh_from_db()
    assert project.status == "implementing"


def test_a_headline_measure_of_another_project_is_refused(api, ld, partnership, project):
    elsewhere = MeasureFactory(project=ProjectFactory(partnership=partnership))
    response = api(ld).patch(
        url(partnership, f"projects/{project.pk}/"),
        {"headline_measure": elsewhere.pk},
        format="json",
    )
    assert response.status_code == 409 and "headline_measure" in response.json()["errors"]


def test_projects_filter_by_stage_and_organisation(api, board, partnership):
    council = OrganisationFactory(partnership=partnership)
    taking_part = ProjectFactory(partnership=partnership, title="A", status="testing")
    taking_part.organisations.create(partnership=partnership, organisation=council)
    ProjectFactory(partnership=partnership, title="B", status="closed")
    client = api(board)
    assert client.get(url(partnership, "projects/")).json()["count"] == 2
    found = client.get(url(partnership, "projects/"), {"status": "closed"}).json()
    assert [p["title"] for p in found["results"]] == ["B"]
    found = client.get(url(partnership, "projects/"), {"organisation": council.pk}).json()
    assert [p["title"] for p in found["results"]] == ["A"]


def test_another_partnerships_project_is_not_found(api, outsider, partnership, project):
    assert api(outsider).get(url(partnership, f"projects/{project.pk}/")).status_code == 404


@pytest.mark.parametrize("rows", [10, 60])
def test_the_project_list_costs_the_same_at_any_length(
    api, ld, member, partnership, team, rows, django_assert_max_num_queries
):
    for _n in range(rows):
        project = ProjectFactory(partnership=partnership, lead=member)
        project.members.create(partnership=partnership, membership=member)
        project.teams.create(partnership=partnership, team=team)
        project.organisations.create(partnership=partnership, organisation=team.organisation)
    client = api(ld)
    with django_assert_max_num_queries(16):
        body = client.get(url(partnership, "projects/"), {"page_size": 100}).json()
    assert len(body["results"]) == min(rows, 50) or body["count"] == rows


# Driver diagrams and change ideas ------------------------------------------------------------


def test_the_team_builds_a_driver_diagram_and_a_change_idea(api, member, partnership, project):
    client = api(member)
    primary = client.post(
        url(partnership, f"projects/{project.pk}/drivers/"),
        {"kind": "primary", "title": "Young people feel safe"},
        format="json",
    ).json()
    secondary = client.post(
        url(partnership, f"projects/{project.pk}/drivers/"),
        {"kind": "secondary", "title": "A choice of where to meet", "parent": primary["id"]},
        format="json",
    )
    assert secondary.status_code == 201 and secondary.json()["parent"] == primary["id"]
    listed = client.get(url(partnership, f"projects/{project.pk}/drivers/")).json()["results"]
    assert [d["kind"] for d in listed] == ["primary", "secondary"]
    idea = client.post(
        url(partnership, f"projects/{project.pk}/ideas/"),
        {"title": "Offer a café", "drivers": [secondary.json()["id"]]},
        format="json",
    )
    assert idea.status_code == 201
    assert idea.json()["drivers"] == [secondary.json()["id"]] and idea.json()["cycles"] == 0
    renamed = client.patch(
        url(partnership, f"drivers/{primary['id']}/"), {"title": "Safety"}, format="json"
    )
    assert renamed.json()["title"] == "Safety"
    assert Driver.objects.get(pk=primary["id"]).title == "Safety"


def test_a_secondary_driver_needs_a_primary_driver_of_its_project(
    api, member, partnership, project
):
    elsewhere = Driver.objects.create(
        partnership=partnership,
        project=ProjectFactory(partnership=partnership),
        kind="primary",
        title="Theirs",
    )
    client = api(member)
    for parent in (None, elsewhere.pk):
        response = client.post(
            url(partnership, f"projects/{project.pk}/drivers/"),
            {"kind": "secondary", "title": "Choice", "parent": parent},
            format="json",
        )
        assert response.status_code == 409 and "parent" in response.json()["errors"]
    assert not Driver.objects.filter(project=project).exists()


def test_removing_a_driver_keeps_the_idea_and_a_tested_idea_cannot_be_removed(
    api, member, partnership, project
):
    client = api(member)
    primary = Driver.objects.create(
        partnership=partnership, project=project, kind="primary", title="P"
    )
    secondary = Driver.objects.create(
        partnership=partnership, project=project, kind="secondary", title="S", parent=primary
    )
    idea = client.post(
        url(partnership, f"projects/{project.pk}/ideas/"),
        {"title": "Texts", "drivers": [secondary.pk]},
        format="json",
    ).json()
    client.post(
        url(partnership, f"ideas/{idea['id']}/cycles/"),
        {"title": "A week", "starts_on": "2022-01-03", "question": "Q?", "prediction": "P"},
        format="json",
    )
    assert client.delete(url(partnership, f"ideas/{idea['id']}/")).status_code == 409
    assert client.delete(url(partnership, f"drivers/{primary.pk}/")).status_code == 204
    assert client.get(url(partnership, f"drivers/{secondary.pk}/")).status_code == 404
    kept = client.get(url(partnership, f"ideas/{idea['id']}/")).json()
    assert kept["drivers"] == [] and kept["cycles"] == 1
    assert ChangeIdea.objects.filter(pk=idea["id"]).exists()


# PDSA cycles --------------------------------------------------------------------------------


def test_a_ramp_of_cycles_numbers_them_and_links_an_adapted_one_to_the_next(
    api, member, partnership, project
):
    idea = ChangeIdea.objects.create(partnership=partnership, project=project, title="Texts")
    client = api(member)
    cycles = url(partnership, f"ideas/{idea.pk}/cycles/")
    plan = {"title": "One week", "starts_on": "2022-01-03", "question": "Q?", "prediction": "P"}
    first = client.post(cycles, plan, format="json").json()
    acted = client.patch(
        url(partnership, f"cycles/{first['id']}/"),
        {"results": "Some came", "act": "adapt"},
        format="json",
    )
    assert acted.status_code == 200 and acted.json()["act"] == "adapt"
    second = client.post(cycles, {**plan, "title": "Two weeks"}, format="json").json()
    assert (first["number"], second["number"]) == (1, 2)
    assert (
        client.get(url(partnership, f"cycles/{first['id']}/")).json()["next_cycle"]
        == (second["id"])
    )
    assert [c["number"] for c in client.get(cycles).json()["results"]] == [1, 2]


def test_a_cycle_cannot_act_before_it_is_studied(api, member, partnership, project):
    idea = ChangeIdea.objects.create(partnership=partnership, project=project, title="Texts")
    response = api(member).post(
        url(partnership, f"ideas/{idea.pk}/cycles/"),
        {
            "title": "One week",
            "starts_on": "2022-01-03",
            "question": "Q?",
            "prediction": "P",
            "act": "adopt",
        },
        format="json",
    )
    assert response.status_code == 409 and "results" in response.json()["errors"]
    assert not idea.cycles.exists()


def test_a_board_member_reads_cycles_but_cannot_add_one(api, board, partnership, project):
    idea = ChangeIdea.objects.create(partnership=partnership, project=project, title="Texts")
    client = api(board)
    assert client.get(url(partnership, f"ideas/{idea.pk}/cycles/")).status_code == 200
    response = client.post(
        url(partnership, f"ideas/{idea.pk}/cycles/"),
        {"title": "A", "starts_on": "2022-01-03", "question": "Q?", "prediction": "P"},
        format="json",
    )
    assert response.status_code == 403 and not idea.cycles.exists()


# Measures, values and the chart --------------------------------------------------------------

MEASURE = {
    "title": "First appointments attended (%)",
    "kind": "outcome",
    "definition": "Attended of offered, each month",
    "unit": "percentage",
    "improvement": "up",
    "chart": "xmr",
    "target": 80,
}


def test_the_team_adds_a_measure_that_heads_the_project(api, member, partnership, project):
    created = api(member).post(
        url(partnership, f"projects/{project.pk}/measures/"), MEASURE, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["computed"] is False and created.json()["rules"] == "ihi"
    project.refresh_from_db()
    assert project.headline_measure_id == created.json()["id"]


def test_an_entered_measure_needs_its_unit_and_a_computed_one_takes_its_own(
    api, member, partnership, project
):
    client = api(member)
    measures = url(partnership, f"projects/{project.pk}/measures/")
    no_unit = {k: v for k, v in MEASURE.items() if k != "unit"}
    response = client.post(measures, no_unit, format="json")
    assert response.status_code == 409 and "unit" in response.json()["errors"]
    coverage = client.post(
        measures, {**no_unit, "source": "coverage", "level": "skilled"}, format="json"
    )
    assert coverage.status_code == 201, coverage.json()
    got = coverage.json()
    assert got["computed"] is True and got["unit"] == "percentage" and got["level"] == "skilled"
    assert got["frequency"] == "monthly"
    no_level = client.post(measures, {**no_unit, "source": "coverage"}, format="json")
    assert no_level.status_code == 409 and "level" in no_level.json()["errors"]
    assert Measure.objects.count() == 1


def test_values_are_recorded_corrected_refused_and_removed(api, member, partnership, project):
    measure = MeasureFactory(project=project)
    client = api(member)
    values = url(partnership, f"measures/{measure.pk}/values/")
    first = client.post(values, {"date": "2022-01-31", "value": 50}, format="json")
    assert first.status_code == 201
    again = client.post(
        values, {"date": "31/01/2022", "value": 55, "note": "Recounted"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert MeasureValue.objects.get().value == 55
    for body, field in (
        ({"date": "2022-02-28", "value": 150}, "value"),  # a percentage above 100
        ({"date": (dt.date.today() + dt.timedelta(days=40)).isoformat(), "value": 5}, "date"),
    ):
        response = client.post(values, body, format="json")
        assert response.status_code == 409 and field in response.json()["errors"]
    assert MeasureValue.objects.count() == 1
    assert client.delete(url(partnership, f"values/{first.json()['id']}/")).status_code == 204
    assert client.get(url(partnership, f"values/{first.json()['id']}/")).status_code == 404


def test_a_computed_measures_values_cannot_be_entered(api, member, partnership, project):
    measure = MeasureFactory(project=project, source="ambassadors", unit="count")
    response = api(member).post(
        url(partnership, f"measures/{measure.pk}/values/"),
        {"date": "2022-01-31", "value": 3},
        format="json",
    )
    assert response.status_code == 409 and "value" in response.json()["errors"]


def test_a_member_off_the_team_reads_values_but_cannot_record_one(
    api, persona, partnership, project
):
    measure = MeasureFactory(project=project)
    _months(measure, [50, 51])
    manager = persona(Role.MANAGER)
    client = api(manager)
    assert client.get(url(partnership, f"measures/{measure.pk}/values/")).json()["count"] == 2
    response = client.post(
        url(partnership, f"measures/{measure.pk}/values/"),
        {"date": "2022-01-31", "value": 3},
        format="json",
    )
    assert response.status_code == 403 and measure.values.count() == 2


def test_the_chart_is_the_one_computation_with_every_key(api, board, partnership, project):
    measure = MeasureFactory(project=project, chart="xmr", target=60)
    # 12 baseline months around 50, then a change adopted and 8 months around 65.
    points = _months(measure, [50, 52, 49, 51, 50, 53, 48, 50, 52, 49, 51, 50])
    later = _months(measure, [64, 66, 65, 67, 64, 66, 65, 68], first=dt.date(2022, 1, 1))
    later[0].rebase = True
    later[0].save()
    body = api(board).get(url(partnership, f"measures/{measure.pk}/chart/")).json()
    computed = chart_of(measure).as_json()
    assert body["chart"] == "xmr" and body["improvement"] == "up" and body["target"] == 60
    assert len(body["points"]) == len(points) + len(later) == len(computed["points"])
    for got, expected in zip(body["points"], computed["points"], strict=True):
        assert {k: got[k] for k in expected} == expected
    assert [s["first"] for s in body["segments"]] == ["2021-01-31", "2022-01-31"]
    # The second segment has too few points for trusted limits: it says so, no assurance.
    assert body["segments"][1]["warnings"] and body["assurance"] is None
    assert body["segments"][0]["crossings"] is None  # Anhøj's fields: null on an XmR chart
    assert body["rules"] is None


def test_a_run_chart_has_no_limits_and_names_its_rules(api, board, partnership, project):
    measure = MeasureFactory(project=project, chart="run", rules="anhoej")
    _months(measure, [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    body = api(board).get(url(partnership, f"measures/{measure.pk}/chart/")).json()
    assert body["rules"] == "anhoej"
    assert all(p["upper"] is None and p["lower"] is None for p in body["points"])
    assert body["segments"][0]["crossings_lower_limit"] is not None


def test_a_patch_keeps_every_field_not_sent():
    """The fields a PATCH reads from the object as it is are every field of its input."""
    from tiptracker.api.improvement_cycles import CYCLE_FIELDS, CycleInput
    from tiptracker.api.improvement_measures import MEASURE_FIELDS, MeasureInput

    assert set(MEASURE_FIELDS) == set(MeasureInput().fields)
    assert set(CYCLE_FIELDS) == set(CycleInput().fields)


def test_a_manager_on_the_team_chooses_any_team_of_the_partnership(
    api, persona, partnership, project, team
):
    elsewhere = TeamFactory(partnership=partnership, name="Not managed by them")
    manager = persona(Role.MANAGER, teams=[team])
    project.members.create(partnership=partnership, membership=manager)
    response = api(manager).patch(
        url(partnership, f"projects/{project.pk}/"),
        {"teams": [team.pk, elsewhere.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(t["id"] for t in response.json()["teams"]) == sorted([team.pk, elsewhere.pk])


def test_a_primary_driver_takes_no_parent(api, member, partnership, project):
    primary = Driver.objects.create(
        partnership=partnership, project=project, kind="primary", title="P"
    )
    other = Driver.objects.create(
        partnership=partnership, project=project, kind="primary", title="Q"
    )
    response = api(member).patch(
        url(partnership, f"drivers/{primary.pk}/"), {"parent": other.pk}, format="json"
    )
    assert response.status_code == 409 and "parent" in response.json()["errors"]
    primary.refresh_from_db()
    assert primary.parent is None


def test_control_characters_are_refused_as_on_the_pages(api, ld, member, partnership, project):
    response = api(ld).post(
        url(partnership, "projects/"),
        {**PROJECT, "title": "First\u0007 appointments"},
        format="json",
    )
    assert response.status_code == 409 and "U+0007" in response.json()["errors"]["title"][0]
    assert Project.objects.count() == 1  # the fixture's
    idea = ChangeIdea.objects.create(partnership=partnership, project=project, title="Texts")
    plan = {"title": "A", "starts_on": "2022-01-03", "question": "Q?", "prediction": "P"}
    client = api(member)
    refused = client.post(
        url(partnership, f"ideas/{idea.pk}/cycles/"), {**plan, "title": "A\tB"}, format="json"
    )
    assert refused.status_code == 409 and "tab" in refused.json()["errors"]["title"][0]
    # Several lines are fine where the page's box takes several lines.
    kept = client.post(
        url(partnership, f"ideas/{idea.pk}/cycles/"),
        {**plan, "question": "Will more come?\nAnd stay?"},
        format="json",
    )
    assert kept.status_code == 201
    measure = MeasureFactory(project=project)
    note = client.post(
        url(partnership, f"measures/{measure.pk}/values/"),
        {"date": "2022-01-31", "value": 5, "note": "New\nline"},
        format="json",
    )
    assert note.status_code == 409 and "line break" in note.json()["errors"]["note"][0]
    assert not measure.values.exists()
