"""Through the API, a board report's consultations (listed, recorded, removed), the words of
its sections (read, and saved from the version read: a stale version is a 409 with the
words as they are now, nothing written) and its number: by the roles the pages allow, with
the same locking as the pages."""

import datetime as dt

import pytest
from django.core.management import call_command

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Role
from tiptracker.reporting import consultations, lifecycle, paper
from tiptracker.reporting.models import Consultation, Report, ReportEvent

pytestmark = pytest.mark.django_db

START, END = dt.date(2022, 1, 1), dt.date(2022, 6, 30)


def url(report, path=""):
    return f"/api/partnerships/{report.partnership.slug}/reports/{report.pk}/{path}"


@pytest.fixture
def report(admin):
    return lifecycle.report_create(actor=admin, start=START, end=END, title="Board report")


def _consult(actor, report, consultee, on=dt.date(2022, 7, 4)):
    return consultations.consultation_add(
        actor=actor, report=report, consultee=consultee, consulted_on=on
    )


def _approved(report, admin):
    for name in ("submit", "approve"):
        lifecycle.report_transition(actor=admin, report=report, transition=name)
    report.refresh_from_db()


# Consultations -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER, Role.BOARD])
def test_the_roles_that_read_reports_list_consultations_in_the_order_recorded(
    api, persona, admin, report, role
):
    _consult(admin, report, "the Clerk", on=dt.date(2022, 7, 5))
    _consult(admin, report, "the Chief Finance Officer", on=dt.date(2022, 7, 1))
    response = api(persona(role)).get(url(report, "consultations/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["consultee"] for r in rows] == ["the Clerk", "the Chief Finance Officer"]
    assert rows[0]["consulted_on"] == "2022-07-05" and rows[0]["id"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_an_editor_records_a_consultation_and_7_1_names_it(api, persona, report, role):
    member = persona(role)
    response = api(member).post(
        url(report, "consultations/"),
        {"consultee": "members of the Trauma Steering Group", "consulted_on": "2022-07-04"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["consultee"] == "members of the Trauma Steering Group"
    made = Consultation.objects.get()
    assert made.recorded_by == member and made.report == report
    report.refresh_from_db()
    assert paper.report_section(report, "7").paragraphs[0].text == (
        "This report was prepared in consultation with members of the Trauma Steering Group."
    )
    assert report.events.first().action == ReportEvent.Action.CONSULTED


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"consulted_on": "2022-07-04"}, "consultee", "Enter who was consulted"),
        ({"consultee": "   ", "consulted_on": "2022-07-04"}, "consultee", "Enter who was"),
        ({"consultee": "x" * 301, "consulted_on": "2022-07-04"}, "consultee", "300 characters"),
        ({"consultee": "the Clerk"}, "consulted_on", "Enter the date they were consulted"),
        ({"consultee": "the Clerk", "consulted_on": "04/07/2022"}, "consulted_on", "YYYY-MM-DD"),
        ({"consultee": "the Clerk", "consulted_on": "tomorrow"}, "consulted_on", "the future"),
        ({"consultee": "the Clerk", "consulted_on": "2021-12-31"}, "consulted_on", "period"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_recorded(
    api, admin, report, body, field, says
):
    if body.get("consulted_on") == "tomorrow":
        body = {**body, "consulted_on": (today() + dt.timedelta(days=1)).isoformat()}
    response = api(admin).post(url(report, "consultations/"), body, format="json")
    assert response.status_code in (400, 409)
    assert says in response.json()["errors"][field][0]
    assert not Consultation.objects.exists()
    report.refresh_from_db()
    assert report.version == 1


def test_an_editor_removes_a_consultation_and_removing_it_again_changes_nothing(
    api, ld, admin, report
):
    clerk = _consult(admin, report, "the Clerk")
    client = api(ld)
    assert client.delete(url(report, f"consultations/{clerk.pk}/")).status_code == 204
    assert not Consultation.objects.exists()
    assert client.delete(url(report, f"consultations/{clerk.pk}/")).status_code == 204
    assert report.events.filter(action=ReportEvent.Action.UNCONSULTED).count() == 1


def test_another_reports_consultation_is_not_removed_through_this_one(api, admin, report):
    other = lifecycle.report_create(actor=admin, start=START, end=END)
    theirs = _consult(admin, other, "the Clerk")
    assert api(admin).delete(url(report, f"consultations/{theirs.pk}/")).status_code == 204
    assert Consultation.objects.filter(pk=theirs.pk).exists()


def test_an_approved_reports_consultations_are_a_400_saying_it_is_locked(api, admin, report):
    clerk = _consult(admin, report, "the Clerk")
    _approved(report, admin)
    client = api(admin)
    added = client.post(
        url(report, "consultations/"),
        {"consultee": "the Chief Finance Officer", "consulted_on": "2022-07-04"},
        format="json",
    )
    assert added.status_code == 409 and "locked" in added.json()["detail"]
    removed = client.delete(url(report, f"consultations/{clerk.pk}/"))
    assert removed.status_code == 409 and "locked" in removed.json()["detail"]
    assert list(Consultation.objects.all()) == [clerk]


def test_the_board_reads_consultations_but_cannot_change_them(api, board, admin, report):
    clerk = _consult(admin, report, "the Clerk")
    client = api(board)
    body = {"consultee": "x", "consulted_on": "2022-07-04"}
    assert client.post(url(report, "consultations/"), body, format="json").status_code == 403
    assert client.delete(url(report, f"consultations/{clerk.pk}/")).status_code == 403
    assert Consultation.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STAFF])
def test_other_roles_cannot_see_consultations(api, persona, report, role):
    assert api(persona(role)).get(url(report, "consultations/")).status_code == 403


def test_another_partnership_gets_404(api, admin, outsider, report):
    clerk = _consult(admin, report, "the Clerk")
    client = api(outsider)
    assert client.get(url(report, "consultations/")).status_code == 404
    assert client.delete(url(report, f"consultations/{clerk.pk}/")).status_code == 404
    theirs = lifecycle.report_create(actor=outsider, start=START, end=END)
    mine = f"/api/partnerships/{report.partnership.slug}/reports/{theirs.pk}/consultations/"
    assert api(admin).get(mine).status_code == 404
    assert Consultation.objects.count() == 1


# The words of a section ----------------------------------------------------------------------


def test_a_section_is_read_with_its_paragraphs_and_the_reports_version(api, board, report):
    response = api(board).get(url(report, "sections/1/"))
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == "1" and body["title"] == "PURPOSE OF REPORT"
    assert body["version"] == 1
    assert body["paragraphs"][0]["ident"] == "1.1" and body["paragraphs"][0]["text"]


@pytest.mark.parametrize("number", ["12", "4", "x"])
def test_an_unknown_or_heading_only_section_is_a_404(api, admin, report, number):
    assert api(admin).get(url(report, f"sections/{number}/")).status_code == 404
    body = {"version": 1, "paragraphs": {"1.1": "New"}}
    assert (
        api(admin).put(url(report, f"sections/{number}/"), body, format="json").status_code == 404
    )


def test_an_editor_saves_a_sections_words_from_the_version_read(api, ld, report):
    client = api(ld)
    read = client.get(url(report, "sections/1/")).json()
    response = client.put(
        url(report, "sections/1/"),
        {"version": read["version"], "paragraphs": {"1.1": "Our own words."}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["paragraphs"][0]["text"] == "Our own words."
    assert response.json()["version"] == read["version"] + 1
    report.refresh_from_db()
    assert report.edits == {"1.1": "Our own words."}
    event = report.events.get(action=ReportEvent.Action.EDITED)
    assert event.by == ld and event.edited["1.1"][1] == "Our own words."


def test_a_stale_version_is_a_409_with_the_words_as_they_are_and_nothing_is_written(
    api, ld, admin, report
):
    read = api(ld).get(url(report, "sections/7/")).json()
    _consult(admin, report, "the Clerk")  # moves the version on
    response = api(ld).put(
        url(report, "sections/7/"),
        {"version": read["version"], "paragraphs": {"7.1": "My words."}},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "nothing was written" in body["detail"]
    assert body["saved"]["version"] == read["version"] + 1
    assert body["saved"]["paragraphs"][0]["text"] == (
        "This report was prepared in consultation with the Clerk."
    )
    assert body["saved_by"] and body["saved_at"]
    report.refresh_from_db()
    assert report.edits == {}


def test_hand_words_for_7_1_keep_the_consultees_as_bullets(api, admin, report):
    _consult(admin, report, "the Clerk")
    report.refresh_from_db()
    response = api(admin).put(
        url(report, "sections/7/"),
        {"version": report.version, "paragraphs": {"7.1": "These were consulted:"}},
        format="json",
    )
    assert response.status_code == 200
    [paragraph] = response.json()["paragraphs"]
    assert paragraph["text"] == "These were consulted:" and paragraph["bullets"] == ["the Clerk"]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_paragraph_is_a_400_naming_it(api, admin, report, text):
    response = api(admin).put(
        url(report, "sections/1/"), {"version": 1, "paragraphs": {"1.1": text}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "paragraphs": ["Paragraph 1.1: enter the paragraph's words."]
    }
    report.refresh_from_db()
    assert report.edits == {} and report.version == 1


def test_no_change_at_all_records_nothing(api, admin, report):
    response = api(admin).put(
        url(report, "sections/1/"), {"version": 1, "paragraphs": {}}, format="json"
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.edits == {} and not report.events.filter(action="edited").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paragraphs": {"1.1": "New"}}, "version"),
        ({"version": "one", "paragraphs": {"1.1": "New"}}, "version"),
        ({"version": 1, "paragraphs": ["New"]}, "paragraphs"),
        ({"version": 1, "paragraphs": {"1.1": 7}}, "paragraphs"),
        ({"version": 1, "paragraphs": {"1.1": "x" * 10001}}, "paragraphs"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(api, admin, report, body, field):
    response = api(admin).put(url(report, "sections/1/"), body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    # Field -> a list of messages, as the schema's 400 says.
    assert all(isinstance(message, str) for message in response.json()["errors"][field])


def test_a_paragraph_the_section_does_not_have_is_a_400_naming_it(api, admin, report):
    response = api(admin).put(
        url(report, "sections/1/"), {"version": 1, "paragraphs": {"9.9": "New"}}, format="json"
    )
    assert response.status_code == 409
    [message] = response.json()["errors"]["paragraphs"]
    assert message.startswith("Section 1 has no paragraph 9.9: its paragraphs are 1.1")
    report.refresh_from_db()
    assert report.edits == {}


def test_words_in_review_or_approved_are_a_400_saying_why(api, admin, report):
    client = api(admin)
    lifecycle.report_transition(actor=admin, report=report, transition="submit")
    report.refresh_from_db()
    body = {"version": report.version, "paragraphs": {"1.1": "New"}}
    response = client.put(url(report, "sections/1/"), body, format="json")
    assert response.status_code == 409 and "in review" in response.json()["detail"]
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    body = {"version": report.version, "paragraphs": {"1.1": "New"}}
    response = client.put(url(report, "sections/1/"), body, format="json")
    assert response.status_code == 409 and "locked" in response.json()["detail"]
    report.refresh_from_db()
    assert report.edits == {}


def test_the_board_reads_words_but_cannot_save_them(api, board, report):
    body = {"version": 1, "paragraphs": {"1.1": "New"}}
    assert api(board).put(url(report, "sections/1/"), body, format="json").status_code == 403
    report.refresh_from_db()
    assert report.edits == {}


# The report's number -------------------------------------------------------------------------


def test_an_editor_gives_the_report_its_number(api, ld, report):
    response = api(ld).patch(url(report), {"reference": " DIJB42-2022 "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == "DIJB42-2022" and body["version"] == 2
    assert body["history"][0]["action"] == "numbered"
    assert Report.objects.get().reference == "DIJB42-2022"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"reference": "x" * 61}, "Report number must be 60 characters or fewer"),
        ({"reference": None}, "null"),
    ],
)
def test_a_bad_number_is_a_400_naming_it(api, admin, report, body, says):
    response = api(admin).patch(url(report), body, format="json")
    assert response.status_code == 400 and says in response.json()["errors"]["reference"][0]
    assert Report.objects.get().reference == ""


def test_an_empty_change_of_the_cover_changes_nothing(api, admin, report):
    response = api(admin).patch(url(report), {}, format="json")
    assert response.status_code == 200
    assert Report.objects.get().version == 1 and not Report.objects.get().events.filter(
        action="covered"
    )


def test_a_number_where_text_belongs_is_a_400(api, admin, report):
    response = api(admin).patch(url(report), {"report_by": 0.5}, format="json")
    assert response.status_code == 400 and "Not a valid string" in str(response.json())
    assert Report.objects.get().report_by == ""


def test_an_approved_reports_number_is_a_400_saying_it_is_locked(api, admin, report):
    _approved(report, admin)
    response = api(admin).patch(url(report), {"reference": "DIJB1-2022"}, format="json")
    assert response.status_code == 409 and "locked" in response.json()["detail"]
    assert Report.objects.get().reference == ""


def test_the_board_cannot_number_a_report(api, board, report):
    response = api(board).patch(url(report), {"reference": "DIJB1-2022"}, format="json")
    assert response.status_code == 403


# The schema ---------------------------------------------------------------------------------


def test_the_schema_is_valid_and_made_without_warnings(tmp_path):
    """A warning is a wrong schema: two serializers of one name (reports' and lived's
    TransitionInput) once documented the report transitions with the lived route's body."""
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_words_with_a_nul_character_are_a_400_naming_the_paragraph(api, admin, report):
    # A NUL cannot be stored in PostgreSQL: refused like any other bad value, not a 500.
    response = api(admin).put(
        url(report, "sections/1/"), {"version": 1, "paragraphs": {"1.1": "a\x00b"}}
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"]["paragraphs"][0]
    report.refresh_from_db()
    assert report.edits == {} and report.version == 1
