"""Board reports through the API: listed, drafted, refreshed, moved through their states and
downloaded, by the roles the pages allow and nobody else."""

import datetime as dt
import io

import docx
import pytest

from tiptracker.partnerships.models import Role
from tiptracker.reporting import lifecycle
from tiptracker.reporting.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

START, END = dt.date(2022, 1, 1), dt.date(2022, 6, 30)
PERIOD = {"start": "2022-01-01", "end": "2022-06-30"}


def url(partnership, path=""):
    return f"/api/partnerships/{partnership.slug}/reports/{path}"


@pytest.fixture
def report(admin):
    return lifecycle.report_create(actor=admin, start=START, end=END, title="Board report")


def _moved(report, admin, *transitions):
    for name in transitions:
        lifecycle.report_transition(actor=admin, report=report, transition=name)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER, Role.BOARD])
def test_the_roles_allowed_list_reports_and_read_one(api, persona, report, partnership, role):
    client = api(persona(role))
    listed = client.get(url(partnership))
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["id"] == report.pk and row["state"] == "draft" and row["state_label"] == "Draft"
    assert row["period_start"] == "2022-01-01" and row["title"] == "Board report"
    assert "document" not in row
    one = client.get(url(partnership, f"{report.pk}/")).json()
    assert one["document"] == Report.objects.get().document
    assert [e["action"] for e in one["history"]] == ["created"]
    assert one["history"][0]["action_label"] == "Created the draft"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LD_OFFICER])
def test_an_editor_drafts_a_report_for_a_period(api, persona, partnership, role):
    response = api(persona(role)).post(
        url(partnership), {**PERIOD, "title": "Spring"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Spring" and body["period_end"] == "2022-06-30"
    assert body["state"] == "draft" and body["history"][0]["action"] == "created"
    assert Report.objects.get().pk == body["id"]


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"start": "2022-06-30", "end": "2022-01-01"}, "end"),
        ({"start": "2022-01-01", "end": "2099-01-01"}, "end"),
        ({"end": "2022-01-01"}, "start"),
        ({"start": "01/01/2022", "end": "2022-06-30"}, "start"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(api, admin, partnership, period, field):
    response = api(admin).post(url(partnership), period, format="json")
    # An end before the start, or after today, is well formed but refused (409).
    assert response.status_code == (409 if field == "end" else 400)
    assert field in response.json()["errors"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.LE_COORDINATOR])
def test_other_roles_are_refused_everything(api, persona, report, partnership, role):
    client = api(persona(role))
    one = url(partnership, f"{report.pk}/")
    assert client.get(url(partnership)).status_code == 403
    assert client.post(url(partnership), PERIOD, format="json").status_code == 403
    assert client.get(one).status_code == 403
    assert client.post(f"{one}refresh/").status_code == 403
    assert client.post(f"{one}transitions/", {"transition": "submit"}).status_code == 403
    assert client.get(f"{one}download/", {"format": "pdf"}).status_code == 403
    assert Report.objects.get().state == Report.State.DRAFT


def test_the_board_reads_but_does_not_draft_or_move_reports(api, board, report, partnership):
    client = api(board)
    one = url(partnership, f"{report.pk}/")
    assert client.post(url(partnership), PERIOD, format="json").status_code == 403
    assert client.post(f"{one}refresh/").status_code == 403
    assert client.post(f"{one}transitions/", {"transition": "submit"}).status_code == 403
    assert Report.objects.count() == 1 and report.events.count() == 1


def test_another_partnerships_report_is_a_404(api, admin, outsider, partnership):
    theirs = lifecycle.report_create(actor=outsider, start=START, end=END)
    client = api(admin)
    one = url(partnership, f"{theirs.pk}/")
    assert client.get(one).status_code == 404
    assert client.post(f"{one}refresh/").status_code == 404
    assert client.post(f"{one}transitions/", {"transition": "submit"}).status_code == 404
    assert client.get(f"{one}download/", {"format": "html"}).status_code == 404
    assert client.get(url(partnership)).json()["count"] == 0
    assert theirs.events.count() == 1


def test_an_outsider_gets_404_for_the_partnership(api, outsider, report, partnership):
    client = api(outsider)
    assert client.get(url(partnership)).status_code == 404
    assert client.get(url(partnership, f"{report.pk}/")).status_code == 404


def test_anonymous_is_a_401(api, report, partnership):
    client = api()
    assert client.get(url(partnership)).status_code == 401
    assert client.get(url(partnership, f"{report.pk}/download/?format=pdf")).status_code == 401
    assert client.post(url(partnership, f"{report.pk}/refresh/")).status_code == 401


def test_an_editor_refreshes_a_draft_and_it_is_in_the_history(api, ld, report, partnership):
    response = api(ld).post(url(partnership, f"{report.pk}/refresh/"))
    assert response.status_code == 200
    body = response.json()
    assert body["changes"] == []
    assert [e["action"] for e in body["report"]["history"]] == ["refreshed", "created"]
    assert body["report"]["history"][0]["changes"] == ["Nothing changed."]
    assert report.events.filter(action=ReportEvent.Action.REFRESHED, by=ld).exists()


@pytest.mark.parametrize(
    ("moves", "message"),
    [(["submit"], "in review"), (["submit", "approve"], "approved, so it is locked")],
)
def test_refreshing_a_report_not_in_draft_is_a_400_saying_why(
    api, admin, report, partnership, moves, message
):
    _moved(report, admin, *moves)
    taken = Report.objects.get().figures_taken_at
    response = api(admin).post(url(partnership, f"{report.pk}/refresh/"))
    assert response.status_code == 409
    assert message in response.json()["detail"]
    assert Report.objects.get().figures_taken_at == taken


def test_an_ld_officer_submits_and_returns_a_report(api, ld, report, partnership):
    client = api(ld)
    moves = url(partnership, f"{report.pk}/transitions/")
    submitted = client.post(moves, {"transition": "submit"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"
    returned = client.post(moves, {"transition": "return"}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "draft"
    assert [e["action"] for e in returned.json()["history"]] == [
        "returned",
        "submitted",
        "created",
    ]


def test_an_ld_officer_may_not_approve(api, ld, admin, report, partnership):
    _moved(report, admin, "submit")
    response = api(ld).post(
        url(partnership, f"{report.pk}/transitions/"), {"transition": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert "administrator" in response.json()["detail"]
    assert Report.objects.get().state == Report.State.IN_REVIEW


def test_an_administrator_approves_a_report_in_review(api, admin, report, partnership):
    _moved(report, admin, "submit")
    response = api(admin).post(
        url(partnership, f"{report.pk}/transitions/"), {"transition": "approve"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert Report.objects.get().state == Report.State.APPROVED


@pytest.mark.parametrize(
    ("moves", "transition", "message"),
    [
        ([], "approve", "cannot be approved now; it can be sent for review"),
        ([], "return", "cannot be returned to draft now"),
        (["submit", "approve"], "submit", "approved, so it is locked"),
    ],
)
def test_a_transition_not_allowed_now_is_a_400_with_the_message(
    api, admin, report, partnership, moves, transition, message
):
    _moved(report, admin, *moves)
    state = Report.objects.get().state
    response = api(admin).post(
        url(partnership, f"{report.pk}/transitions/"), {"transition": transition}, format="json"
    )
    assert response.status_code == 409
    assert message in response.json()["detail"]
    assert Report.objects.get().state == state


@pytest.mark.parametrize("body", [{}, {"transition": "publish"}])
def test_an_unknown_or_missing_transition_is_a_400_naming_it(api, admin, report, partnership, body):
    response = api(admin).post(url(partnership, f"{report.pk}/transitions/"), body, format="json")
    assert response.status_code == 400 and "transition" in response.json()["errors"]


def _download(client, partnership, report, form):
    return client.get(url(partnership, f"{report.pk}/download/"), {"format": form})


def test_the_board_downloads_the_report_as_word(api, board, report, partnership):
    response = _download(api(board), partnership, report, "docx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="board-report.docx"'
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "1.0 PURPOSE OF REPORT" in headings


def test_an_ld_officer_downloads_the_report_as_pdf(api, ld, report, partnership):
    response = _download(api(ld), partnership, report, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="board-report.pdf"'
    assert response.content.startswith(b"%PDF")


def test_an_administrator_downloads_the_report_as_html(api, admin, report, partnership):
    response = _download(api(admin), partnership, report, "html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"] == 'attachment; filename="board-report.html"'
    assert "PURPOSE OF REPORT" in response.content.decode("utf-8")


@pytest.mark.parametrize("form", ["odt", "", None])
def test_an_unknown_or_missing_format_is_a_400_naming_it(api, admin, report, partnership, form):
    client = api(admin)
    query = "" if form is None else f"?format={form}"
    response = client.get(url(partnership, f"{report.pk}/download/{query}"))
    assert response.status_code == 400 and "format" in response.json()["errors"]


@pytest.mark.parametrize("start", ["0001-02-01", "1899-12-31"])
def test_a_period_before_1900_is_a_400_naming_the_field(api, admin, partnership, start):
    # Found by schemathesis: the year 1 made a financial year 0, a server error.
    response = api(admin).post(url(partnership), {"start": start, "end": "2000-02-01"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"start": ["The date is before 1900: check the year"]}
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("link", "status"),
    [("BEGIN:VCALENDAR", 400), ("mailto:clerk@example.org", 400), ("https://not a link", 400)],
)
def test_a_link_that_is_not_a_web_address_is_refused_naming_the_field(
    api, admin, report, partnership, link, status
):
    """What the schema says (a pattern: http:// or https://) the API holds to: anything else
    is a 400 on the field, never stored (schemathesis found "BEGIN:VCALENDAR" taken for one)."""
    response = api(admin).patch(
        url(partnership, f"{report.pk}/"),
        {"impact_assessed": True, "impact_link": link},
        format="json",
    )
    assert response.status_code == status and "impact_link" in response.json()["errors"]
    report.refresh_from_db()
    assert link not in str(report.__dict__)


def test_the_schema_documents_the_links_pattern(api, admin):
    schema = api(admin).get("/api/schema/?format=json").json()
    link = schema["components"]["schemas"]["ReportChangeInputRequest"]["properties"]["impact_link"]
    # A web address, or nothing (allowed blank).
    assert {"type": "string", "pattern": "^https?://\\S+$", "maxLength": 500} in link["oneOf"]
