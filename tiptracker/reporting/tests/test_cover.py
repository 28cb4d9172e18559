"""The paper's cover and close (report to and the meeting, report by, the number; the author,
their designation and the date): set on the report's page, through the API and by
`tiptracker report`, checked the same way each time, and printed in every format."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.imports.tests.helpers import cli
from tiptracker.reporting import cover, lifecycle, paper
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.reporting.render_html import report_html
from tiptracker.reporting.tests.reading import pdf_reader, pdf_text, word_lines

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)

FILLED = {
    "report_to": "Integration Joint Board",
    "meeting_date_0": "24",
    "meeting_date_1": "8",
    "meeting_date_2": "2022",
    "report_by": "Chief Officer",
    "reference": "DIJB42-2022",
    "author_name": "Diane McCulloch",
    "author_designation": "Lead Officer, Protecting People",
    "report_date_0": "1",
    "report_date_1": "8",
    "report_date_2": "2022",
}


@pytest.fixture
def report(ld):
    return lifecycle.report_create(actor=ld, start=START, end=END)


def cover_url(report: Report) -> str:
    return reverse("report_cover", args=[report.partnership.slug, report.pk])


def download(client, report: Report, name: str) -> bytes:
    return client.get(reverse(name, args=[report.partnership.slug, report.pk])).content


def test_a_new_draft_goes_to_the_board_and_awaits_its_number(report):
    document = paper.report_document(report)
    assert document.meeting == "Integration Joint Board"
    assert not document.numbered
    page = report_html(document)
    assert "<title>Trauma-informed practice" in page
    assert "(To be given by the board&#x27;s clerk)</title>" not in page
    assert "Report by" not in page  # a line with nothing set is left out
    assert 'class="tip-report__close"' not in page


def test_the_cover_and_close_set_in_the_browser_are_printed_in_every_format(ld, login, report):
    client = login(ld)
    response = client.post(cover_url(report), FILLED)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.meeting_date == dt.date(2022, 8, 24)
    assert report.author_name == "Diane McCulloch"
    event = report.events.get(action=ReportEvent.Action.COVERED)
    assert "Date of the meeting: 24 August 2022" in event.changes
    assert "Author's name: Diane McCulloch" in event.changes

    page = client.get(reverse("report", args=[report.partnership.slug, report.pk]))
    html = page.content.decode()
    assert "Integration Joint Board – 24 August 2022" in html
    assert "Diane McCulloch" in html and "Lead Officer, Protecting People" in html
    assert "Date: 1 August 2022" in html

    lines = word_lines(download(client, report, "report_docx"))
    assert "Report to: Integration Joint Board – 24 August 2022" in lines
    assert "Report by: Chief Officer" in lines
    assert "Report number: DIJB42-2022" in lines
    # The close comes last: after section 9, the author, their post and the date.
    assert lines[-3:] == [
        "Diane McCulloch",
        "Lead Officer, Protecting People",
        "Date: 1 August 2022",
    ]
    word = docx.Document(io.BytesIO(download(client, report, "report_docx")))
    assert word.core_properties.author == "Diane McCulloch"
    assert word.core_properties.subject == "Report DIJB42-2022"

    pdf = download(client, report, "report_pdf")
    text = pdf_text(pdf)
    for words in (
        "Integration Joint Board – 24 August 2022",
        "Chief Officer",
        "DIJB42-2022",
        "Diane McCulloch",
        "Lead Officer, Protecting People",
        "Date: 1 August 2022",
    ):
        assert words in text
    metadata = pdf_reader(pdf).metadata
    assert metadata.title.endswith("(DIJB42-2022)") and metadata.author == "Diane McCulloch"


def test_an_unset_line_is_left_out_of_the_word_cover(ld, login, report):
    cover.report_cover_set(actor=ld, report=report, report_to="", report_by="")
    lines = word_lines(download(login(ld), report, "report_docx"))
    assert not any(line.startswith(("Report to", "Report by")) for line in lines)
    assert "Report number: To be given by the board's clerk" in lines
    assert not any(line.startswith("Date:") for line in lines)


@pytest.mark.parametrize(
    ("changed", "field", "says"),
    [
        (
            {"report_date_0": "29", "report_date_1": "6", "report_date_2": "2022"},
            "report_date",
            "on or after the period it covers ends (30 June 2022)",
        ),
        (
            {"meeting_date_0": "31", "meeting_date_1": "7", "meeting_date_2": "2022"},
            "meeting_date",
            "on or after the date of the report (1 August 2022)",
        ),
        ({"reference": "D" * 61}, "reference", "Report number must be 60 characters or fewer"),
        ({"report_by": "x" * 301}, "report_by", "Report by must be 300 characters or fewer"),
        ({"meeting_date_1": "13"}, "meeting_date", "must be a real date"),
    ],
)
def test_a_mistake_is_shown_on_its_field_and_nothing_is_saved(
    ld, login, report, changed, field, says
):
    response = login(ld).post(cover_url(report), FILLED | changed)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("govuk-error-message") == 1 and says in html
    assert f'href="#id_{field}' in html  # the error summary links to the field
    report.refresh_from_db()
    assert report.author_name == "" and report.reference == ""
    assert not report.events.filter(action=ReportEvent.Action.COVERED).exists()


def test_an_approved_reports_cover_is_locked(ld, admin, login, report):
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        cover.report_cover_set(actor=admin, report=report, author_name="Someone")
    response = login(admin).post(cover_url(report), FILLED)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.author_name == ""


def test_a_board_member_cannot_change_the_cover(board, login, report):
    assert login(board).post(cover_url(report), FILLED).status_code == 403
    assert login(board).get(cover_url(report)).status_code == 403


def test_the_api_sets_only_the_fields_sent_and_refuses_dates_out_of_order(ld, login, report):
    client = login(ld)
    url = reverse("api_report", args=[report.partnership.slug, report.pk])
    response = client.patch(
        url,
        {"report_by": "Chief Officer", "report_date": "2022-08-01"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["report_by"] == "Chief Officer" and shown["report_date"] == "2022-08-01"
    assert shown["report_to"] == "Integration Joint Board"  # not sent: kept
    refused = client.patch(url, {"meeting_date": "2022-07-15"}, content_type="application/json")
    assert refused.status_code == 409
    assert "on or after the date of the report" in refused.json()["errors"]["meeting_date"][0]
    report.refresh_from_db()
    assert report.meeting_date is None


def test_the_command_line_prints_the_cover_given_and_checks_it(capsys, partnership, tmp_path):
    out = tmp_path / "report.pdf"
    period = ["--partnership", partnership.slug, "--from", "2021-12-01", "--to", "2022-06-30"]
    front = [
        "--number",
        "DIJB42-2022",
        "--meeting-date",
        "2022-08-24",
        "--report-by",
        "Chief Officer",
    ]
    close = [
        "--author",
        "Diane McCulloch",
        "--author-designation",
        "Lead Officer",
        "--date",
        "2022-08-01",
    ]
    code, _said, err = cli(capsys, "report", *period, *front, *close, "--out", out)
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "Integration Joint Board – 24 August 2022" in text and "DIJB42-2022" in text
    assert "Diane McCulloch" in text and "Date: 1 August 2022" in text

    late = tmp_path / "late.docx"
    code, _said, err = cli(capsys, "report", *period, "--date", "2022-06-01", "--out", late)
    assert code == 1 and "--date: The date of the report must be on or after" in err
    assert not late.exists()
