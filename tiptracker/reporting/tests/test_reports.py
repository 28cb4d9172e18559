"""Board reports kept in the system: a report freezes its figures, refreshing a draft is a
deliberate act that says what changed, the states run draft -> in review -> approved with an
approved report locked, and the pages and downloads work for the roles allowed."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.engagement.tests.factories import EngagementFactory
from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Role
from tiptracker.reporting import lifecycle, paper
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.training.tests.factories import CompletionFactory, CourseFactory
from tiptracker.workforce.tests.factories import StaffMemberFactory

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


@pytest.fixture
def funded(partnership, team):
    """A partnership with a course and two people trained on it in the period."""
    course = CourseFactory(partnership=partnership, title="Trauma informed e-learning", level=1)
    for n in range(2):
        CompletionFactory(
            staff=StaffMemberFactory(team=team), course=course, completed_on=dt.date(2022, 2, n + 1)
        )
    return course


def text_of(report: Report) -> str:
    document = paper.report_document(report)

    def walk(sections):
        for section in sections:
            for paragraph in section.paragraphs:
                yield paragraph.text
                yield from paragraph.bullets
                for table in paragraph.tables:
                    yield " ".join(" ".join(row) for row in table.rows)
            yield from walk(section.subsections)

    return "\n".join(walk(document.sections))


def test_creating_a_report_freezes_its_figures(ld, team, funded):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    frozen_figures, frozen_document = report.figures, report.document
    EngagementFactory(partnership=ld.partnership, date=dt.date(2022, 3, 1))
    report.refresh_from_db()
    assert report.figures == frozen_figures and report.document == frozen_document
    assert report.state == Report.State.DRAFT
    assert [e.action for e in report.events.all()] == [ReportEvent.Action.CREATED]


def test_refreshing_a_draft_says_what_changed(ld, team, funded):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    EngagementFactory(partnership=ld.partnership, date=dt.date(2022, 3, 1))
    changes = lifecycle.report_refresh(actor=ld, report=report)
    assert changes, "an engagement in the period was recorded after the report was drafted"
    event = report.events.get(action=ReportEvent.Action.REFRESHED)
    assert event.changes == changes and event.by == ld
    assert lifecycle.report_refresh(actor=ld, report=report) == []


@pytest.mark.parametrize(
    ("start", "end", "field", "says"),
    [
        (END, START, "end", "must end on or after the day it starts"),
        (START, today() + dt.timedelta(days=1), "end", "cannot end in the future"),
    ],
)
def test_a_period_it_cannot_cover_is_refused_and_nothing_is_made(ld, start, end, field, says):
    with pytest.raises(ValidationError) as refused:
        lifecycle.report_create(actor=ld, start=start, end=end)
    assert says in " ".join(refused.value.message_dict[field])
    assert not Report.objects.exists()


def test_a_partnership_with_no_data_gets_a_report_that_says_so(ld):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    text = text_of(report)
    assert "No training sessions were held in the period" in text
    assert "No implementation plan is recorded" in text


def test_the_states_run_from_draft_to_approved_and_approved_is_locked(ld, admin):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    with pytest.raises(ValidationError, match="in review: return it to draft"):
        lifecycle.report_refresh(actor=ld, report=report)
    lifecycle.report_transition(actor=ld, report=report, transition="return")
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    assert report.state == Report.State.APPROVED
    for refused in (
        lambda: lifecycle.report_refresh(actor=admin, report=report),
        lambda: lifecycle.report_transition(actor=admin, report=report, transition="return"),
    ):
        with pytest.raises(ValidationError, match="approved, so it is locked"):
            refused()
    assert [e.action for e in report.events.order_by("id")] == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]


def test_a_draft_cannot_be_approved_before_review(admin):
    report = lifecycle.report_create(actor=admin, start=START, end=END)
    with pytest.raises(ValidationError, match="cannot be approved now; it can be sent for review"):
        lifecycle.report_transition(actor=admin, report=report, transition="approve")


# Pages -----------------------------------------------------------------------------------------


def url(membership, name, *args):
    return reverse(name, args=[membership.partnership.slug, *args])


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_an_ld_officer_drafts_a_report_from_the_page(ld, login, funded):
    client = login(ld)
    response = client.post(url(ld, "reports"), {**_date("start", START), **_date("end", END)})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == url(ld, "report", report.pk)
    page = client.get(url(ld, "report", report.pk)).content.decode()
    assert "PURPOSE OF REPORT" in page and "Refresh figures" in page and "Send for review" in page
    assert "Approve" not in page  # administrators approve


def test_a_bad_period_on_the_page_is_shown_against_its_field(ld, login):
    response = login(ld).post(url(ld, "reports"), {**_date("start", END), **_date("end", START)})
    assert "must end on or after the day it starts" in response.content.decode()
    assert not Report.objects.exists()


def test_the_board_reads_reports_but_cannot_draft_one(persona, login, ld):
    board = persona(Role.BOARD)
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    client = login(board)
    page = client.get(url(board, "report", report.pk)).content.decode()
    assert "PURPOSE OF REPORT" in page and "Refresh figures" not in page
    assert client.post(url(board, "reports"), {}).status_code == 403
    assert client.post(url(board, "report_refresh", report.pk)).status_code == 403


def test_refreshing_on_the_page_lists_what_changed(ld, login, team, funded):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    EngagementFactory(partnership=ld.partnership, date=dt.date(2022, 3, 1))
    client = login(ld)
    page = client.post(url(ld, "report_refresh", report.pk), follow=True).content.decode()
    assert "What the last refresh changed" in page


def test_an_approved_report_offers_no_changes_and_refuses_them(ld, admin, login):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    client = login(admin)
    page = client.get(url(admin, "report", report.pk)).content.decode()
    assert "Approved reports are locked" in page and "Refresh figures" not in page
    refused = client.post(url(admin, "report_refresh", report.pk), follow=True).content.decode()
    assert "approved, so it is locked" in refused


def test_the_downloads_are_word_pdf_and_html(ld, login):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    client = login(ld)
    word = client.get(url(ld, "report_docx", report.pk))
    assert word["Content-Disposition"].endswith('.docx"')
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(word.content)).paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert headings[0].endswith("PURPOSE OF REPORT")
    assert client.get(url(ld, "report_pdf", report.pk)).content.startswith(b"%PDF")
    assert b"PURPOSE OF REPORT" in client.get(url(ld, "report_html", report.pk)).content


def test_another_partnerships_report_is_not_found(ld, login, outsider):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    client = login(outsider)
    assert (
        client.get(reverse("report", args=[outsider.partnership.slug, report.pk])).status_code
        == 404
    )
