"""Editing a draft report's words in the browser: saved with their history (before and
after), kept with their paragraph when a refresh of the figures renumbers the paragraphs,
never lost to someone else's save (both versions shown, nothing written), and refused once
the report has left draft."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.funding.tests.factories import AllocationFactory
from tiptracker.reporting import cover, lifecycle, paper, sections
from tiptracker.reporting.models import Report, ReportEvent

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


@pytest.fixture
def report(ld):
    return lifecycle.report_create(actor=ld, start=START, end=END)


def paragraph(report: Report, key: str):
    section = paper.report_section(report, "4.2")
    return next(p for p in section.paragraphs if p.ident == key)


def form_data(report: Report, number: str, **changed: str) -> dict:
    """The section's form as the page gives it, with some boxes changed (by ident)."""
    section = paper.report_section(report, number)
    data = {"version": report.version}
    for n, p in enumerate(section.paragraphs):
        data[f"p{n}"] = changed.get(p.ident, p.text)
    return data


def edit_url(report: Report, number: str) -> str:
    return reverse("report_section_edit", args=[report.partnership.slug, report.pk, number])


def test_edited_words_are_saved_shown_and_written_into_word(ld, login, report):
    client = login(ld)
    response = client.post(
        edit_url(report, "4.2"), form_data(report, "4.2", network="Our network grew.")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert paragraph(report, "network").text == "Our network grew."
    assert (
        "Our network grew."
        in client.get(reverse("report", args=[report.partnership.slug, report.pk])).content.decode()
    )
    word = docx.Document(
        io.BytesIO(
            client.get(reverse("report_docx", args=[report.partnership.slug, report.pk])).content
        )
    )
    assert any(p.text.endswith("\tOur network grew.") for p in word.paragraphs)
    event = report.events.get(action=ReportEvent.Action.EDITED)
    number = paragraph(report, "network").number
    assert event.by == ld and list(event.edited) == [number]
    assert event.edited[number][1] == "Our network grew."
    assert event.edited[number][0].startswith("No trauma champions")


def test_saving_unchanged_words_records_nothing(ld, report):
    sections.report_section_edit(
        actor=ld, report=report, number="4.2", texts={}, version=report.version
    )
    assert not report.events.filter(action=ReportEvent.Action.EDITED).exists()


def test_edited_words_stay_with_their_paragraph_when_a_refresh_renumbers(ld, report):
    before = paragraph(report, "network").number
    sections.report_section_edit(
        actor=ld,
        report=report,
        number="4.2",
        texts={"network": "Our network grew."},
        version=report.version,
    )
    # Money for 2021/22 and 2022/23 adds two funding paragraphs before the network's.
    for year in ("2021/22", "2022/23"):
        AllocationFactory(partnership=ld.partnership, financial_year=year)
    changes = lifecycle.report_refresh(actor=ld, report=report)
    assert changes
    report.refresh_from_db()
    after = paragraph(report, "network")
    assert after.text == "Our network grew." and after.number != before
    assert "was allocated" in paragraph(report, "funding:2021/22").text


def test_a_save_over_someone_elses_writes_nothing_and_shows_both(ld, admin, login, report):
    client = login(ld)
    mine = form_data(report, "4.2", network="My words.")  # the page as I opened it
    sections.report_section_edit(
        actor=admin,
        report=report,
        number="4.2",
        texts={"network": "Their words."},
        version=report.version,
    )
    response = client.post(edit_url(report, "4.2"), mine)
    page = response.content.decode()
    assert "Your changes have not been saved yet" in page
    assert "My words." in page and "Their words." in page
    report.refresh_from_db()
    assert paragraph(report, "network").text == "Their words."
    # Saving again from the page shown is deliberate: my version is saved over theirs.
    version = page.split('name="version" value="')[1].split('"')[0]
    client.post(edit_url(report, "4.2"), {**mine, "version": version})
    report.refresh_from_db()
    assert paragraph(report, "network").text == "My words."


def test_an_empty_paragraph_is_refused_against_its_box(ld, login, report):
    response = login(ld).post(edit_url(report, "1"), form_data(report, "1", **{"1.1": "  "}))
    assert "Enter the words of paragraph 1.1" in response.content.decode()
    report.refresh_from_db()
    assert report.edits == {}


def test_a_report_out_of_draft_cannot_be_edited(ld, admin, login, report):
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="in review: return it to draft"):
        sections.report_section_edit(
            actor=ld, report=report, number="1", texts={"1.1": "New"}, version=report.version
        )
    response = login(ld).get(edit_url(report, "1"), follow=True)
    assert "Only a draft can be edited" in response.content.decode()
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        sections.report_section_edit(
            actor=admin, report=report, number="1", texts={"1.1": "New"}, version=report.version
        )


def test_an_unknown_section_is_not_found(ld, login, report):
    assert login(ld).get(edit_url(report, "12")).status_code == 404
    assert login(ld).get(edit_url(report, "4")).status_code == 404  # headings only


def test_the_clerks_number_is_given_shown_and_written_into_word(ld, login, report):
    client = login(ld)
    slug = report.partnership.slug
    client.post(
        reverse("report_cover", args=[slug, report.pk]),
        {"reference": "DIJB42-2022", "report_to": "Integration Joint Board"},
    )
    report.refresh_from_db()
    assert report.reference == "DIJB42-2022"
    assert paper.report_document(report).reference == "DIJB42-2022"
    word = docx.Document(
        io.BytesIO(client.get(reverse("report_docx", args=[slug, report.pk])).content)
    )
    assert any("DIJB42-2022" in p.text for p in word.paragraphs)
    assert report.events.filter(action=ReportEvent.Action.NUMBERED).exists()


def test_an_approved_reports_number_cannot_change(ld, admin, report):
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        cover.report_reference_set(actor=admin, report=report, reference="DIJB1-2022")
