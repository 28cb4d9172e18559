"""Sections 5, 6, 8 and 9 as the clerk chooses them: the integrated impact assessment, the
risk assessment (the statement, or a table rated likelihood x impact with bands), the
direction, and the background papers with the earlier reports kept here offered. Set on a
page and through the API, checked alike, printed in every format, locked once approved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.reporting import choices, cover, lifecycle, paper, papers, sections
from tiptracker.reporting.document import Paragraph
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.reporting.tests.reading import pdf_text, word_lines

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)

RISK = {
    "description": "Staff cannot be released to attend training",
    "likelihood": "4",
    "impact": "3",
    "mitigations": "Sessions offered online and at weekends",
    "planned_likelihood": "2",
    "planned_impact": "3",
}


@pytest.fixture
def report(ld):
    return lifecycle.report_create(actor=ld, start=START, end=END)


def paragraph(report: Report, ident: str) -> Paragraph:
    document = paper.report_document(report)
    return next(p for s in document.sections for p in s.paragraphs if p.ident == ident)


def url(name: str, report: Report) -> str:
    return reverse(name, args=[report.partnership.slug, report.pk])


def test_a_new_draft_carries_the_boards_usual_statements(report):
    assert paragraph(report, "5.1").text == papers.SCREENED
    assert paragraph(report, "6.1").text == papers.NOT_RISK_ASSESSED
    assert not paragraph(report, "6.1").tables
    assert [row[1] for row in paragraph(report, "8.1").tables[0].rows] == ["X", "", "", ""]
    assert paragraph(report, "9.1").text == "None."


@pytest.mark.parametrize(
    "rating", [(1, 1, "Low"), (2, 3, "Moderate"), (3, 4, "High"), (3, 5, "Extreme")]
)
def test_a_rating_is_likelihood_times_impact_in_its_band(rating):
    likelihood, impact, band = rating
    assert (
        papers.rating_text(likelihood, impact)
        == f"{likelihood} × {impact} = {likelihood * impact} ({band})"
    )


def test_the_choices_made_on_the_page_are_printed_in_every_format(ld, admin, login, report):
    earlier = lifecycle.report_create(
        actor=ld, start=dt.date(2021, 4, 1), end=dt.date(2021, 11, 30)
    )
    cover.report_reference_set(actor=ld, report=earlier, reference="DIJB40-2021")
    lifecycle.report_transition(actor=ld, report=earlier, transition="submit")
    lifecycle.report_transition(actor=admin, report=earlier, transition="approve")
    client = login(ld)
    page = client.get(url("report_choices", report)).content.decode()
    offered = choices.previous_reports(report)
    assert len(offered) == 1 and "(DIJB40-2021), approved" in offered[0]
    assert offered[0] in page

    response = client.post(
        url("report_choices", report),
        {
            "impact_assessed": "yes",
            "impact_summary": "A positive impact on staff wellbeing",
            "impact_link": "https://example.org/iia.pdf",
            "direction": "both",
            "previous": [offered[0]],
            "other_papers": "Trauma Steering Group action plan https://example.org/plan.pdf\n\nNTTP framework",
        },
    )
    assert response.status_code == 302
    response = client.post(url("report_risks", report), RISK)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.direction == "both" and len(report.background_papers) == 3
    lines = report.events.filter(action=ReportEvent.Action.DECIDED).values_list(
        "changes", flat=True
    )
    assert any("Direction: Direction to both" in changes for changes in lines)

    word = word_lines(client.get(url("report_docx", report)).content)
    text = "\n".join(word)
    assert (
        "An Integrated Impact Assessment has been carried out: A positive impact on staff wellbeing. It is published at https://example.org/iia.pdf"
        in text
    )
    # The risk table: a header row and the risk, each rating with its band.
    assert "4 × 3 = 12 (High)" in word and "2 × 3 = 6 (Moderate)" in word
    assert "Staff cannot be released to attend training" in word
    # The direction marked on the last row of 8.1's table, and only there.
    rows = word[word.index("Direction to") : word.index("Direction to") + 10]
    assert rows.count("X") == 1 and rows[rows.index("X") - 1].startswith("4.")
    assert "9.1\tThe following background papers were relied on in preparing this report:" in word
    assert "Trauma Steering Group action plan (https://example.org/plan.pdf)" in word
    assert "NTTP framework" in word and offered[0] in word

    pdf = pdf_text(client.get(url("report_pdf", report)).content)
    assert "12 (High)" in pdf and "NTTP framework" in pdf

    page = client.get(url("report_choices", report)).content.decode()
    assert "Trauma Steering Group action plan https://example.org/plan.pdf" in page  # kept
    assert 'value="both" checked' in page


def test_a_risk_rated_higher_after_mitigation_is_refused_on_its_field(ld, login, report):
    response = login(ld).post(
        url("report_risks", report), RISK | {"planned_likelihood": "5", "planned_impact": "5"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be rated higher than before it (4 × 3 = 12 (High))" in html
    assert 'href="#id_planned_impact"' in html
    report.refresh_from_db()
    assert report.risks == []


def test_a_risk_is_taken_off_and_the_statement_comes_back(ld, login, report):
    client = login(ld)
    client.post(url("report_risks", report), RISK)
    report.refresh_from_db()
    assert paragraph(report, "6.1").tables[0].rows[0][0] == RISK["description"]
    client.post(url("report_risks", report), {"remove": "0", "description": RISK["description"]})
    report.refresh_from_db()
    assert report.risks == [] and paragraph(report, "6.1").text == papers.NOT_RISK_ASSESSED


def test_words_written_for_a_paragraph_win_over_the_choice(ld, report):
    sections.report_section_edit(
        actor=ld, report=report, number="5", texts={"5.1": "Our own words."}, version=report.version
    )
    report.refresh_from_db()
    choices.report_choices_set(actor=ld, report=report, impact_assessed=True)
    report.refresh_from_db()
    assert paragraph(report, "5.1").text == "Our own words."


def test_a_bad_link_or_direction_is_refused_and_nothing_changes(ld, login, report):
    response = login(ld).post(
        url("report_choices", report),
        {"impact_assessed": "yes", "impact_link": "javascript:alert(1)", "direction": "none"},
    )
    assert response.status_code == 200
    assert "full web address starting http:// or https://" in response.content.decode()
    with pytest.raises(ValidationError, match="Choose the direction"):
        choices.report_choices_set(actor=ld, report=report, direction="everyone")
    report.refresh_from_db()
    assert report.impact_assessed is False and report.direction == "none"


def test_an_approved_reports_choices_are_locked(ld, admin, login, report):
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="approved, so it is locked"):
        choices.report_choices_set(actor=admin, report=report, direction="council")
    assert login(admin).post(url("report_risks", report), RISK).status_code == 302
    report.refresh_from_db()
    assert report.risks == [] and report.direction == "none"


def test_the_api_sets_risks_papers_and_direction_and_names_a_mistakes_place(ld, login, report):
    client = login(ld)
    api = reverse("api_report", args=[report.partnership.slug, report.pk])
    risk = {k: int(v) if k != "description" and k != "mitigations" else v for k, v in RISK.items()}
    response = client.patch(
        api,
        {"direction": "council", "risks": [risk], "background_papers": [{"title": "A paper"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["direction"] == "council" and shown["risks"][0]["planned_impact"] == 3
    assert shown["background_papers"] == [{"title": "A paper", "link": ""}]
    refused = client.patch(
        api, {"risks": [risk, risk | {"planned_likelihood": 5}]}, content_type="application/json"
    )
    assert refused.status_code == 409
    assert "risks.1.planned_impact" in refused.json()["errors"]
    refused = client.patch(api, {"risks": [risk | {"impact": 6}]}, content_type="application/json")
    assert refused.status_code == 400 and "risks.0.impact" in refused.json()["errors"]
    report.refresh_from_db()
    assert len(report.risks) == 1


def test_a_new_report_says_what_the_board_last_received(ld, admin, report):
    cover.report_reference_set(actor=ld, report=report, reference="DIJB42-2022")
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")
    later = lifecycle.report_create(actor=ld, start=dt.date(2022, 7, 1), end=dt.date(2022, 12, 31))
    text = paper.report_section(later, "4.1").paragraphs[1].text
    assert "The board last received a report on this work, Trauma-informed practice" in text
    assert "(DIJB42-2022), covering 1 December 2021 to 30 June 2022, approved on" in text


def test_a_risk_is_removed_only_if_it_is_still_the_one_shown(ld, login, report):
    client = login(ld)
    client.post(url("report_risks", report), RISK)
    client.post(url("report_risks", report), RISK | {"description": "Second risk"})
    # A second press of Remove for the first risk (or a stale page) removes nothing more.
    first = {"remove": "0", "description": RISK["description"]}
    client.post(url("report_risks", report), first)
    again = client.post(url("report_risks", report), first, follow=True)
    assert "Nothing was removed." in again.content.decode()
    report.refresh_from_db()
    assert [r["description"] for r in report.risks] == ["Second risk"]
    lines = [line for e in report.events.all() for line in e.changes]
    assert f"Removed the risk: {RISK['description']}" in lines
    junk = client.post(url("report_risks", report), {"remove": "x"}, follow=True)
    assert junk.status_code == 200 and "Nothing was removed." in junk.content.decode()


def test_the_impact_link_is_refused_under_its_own_name(ld, report):
    with pytest.raises(ValidationError) as refused:
        choices.report_choices_set(actor=ld, report=report, impact_link="ftp://example.org/x")
    assert list(refused.value.message_dict) == ["impact_link"]
    assert "Background paper" not in str(refused.value)


def test_only_the_date_sent_is_named_when_the_dates_are_out_of_order(ld, report):
    cover.report_cover_set(actor=ld, report=report, meeting_date=dt.date(2022, 8, 24))
    report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        cover.report_cover_set(actor=ld, report=report, report_date=dt.date(2022, 9, 1))
    assert list(refused.value.message_dict) == ["report_date"]
    assert "on or before the meeting's (24 August 2022)" in str(refused.value)
