"""The clerk's structure over the drafted paragraphs: paragraphs of their own added, drafted
ones left out (kept, to be brought back), and each section's order, the paragraphs numbered
again as shown. Through the page and the API; kept through a refresh of the figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiptracker.reporting import lifecycle, paper, sections
from tiptracker.reporting.models import Report
from tiptracker.reporting.tests.reading import word_lines

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


@pytest.fixture
def report(ld):
    return lifecycle.report_create(actor=ld, start=START, end=END)


def shown(report: Report, number: str) -> list[tuple[str, str]]:
    """(number, ident) of the section's paragraphs as printed."""
    report.refresh_from_db()
    return [(p.number, p.ident) for p in paper.report_section(report, number).paragraphs]


def edit_url(report: Report, number: str) -> str:
    return reverse("report_section_edit", args=[report.partnership.slug, report.pk, number])


def page_form(report: Report, number: str, **changes: str) -> dict:
    """The section's form as the page gives it (every paragraph, left-out ones too)."""
    report.refresh_from_db()
    section = paper.report_section(report, number, keep_hidden=True)
    data = {"version": report.version}
    for n, p in enumerate(section.paragraphs):
        data[f"i{n}"] = p.ident
        data[f"p{n}"] = p.text
        data[f"o{n}"] = str(n + 1)
    return data | changes


def test_a_paragraph_of_ones_own_is_added_numbered_and_printed(ld, login, report):
    client = login(ld)
    before = shown(report, "4.2")
    response = client.post(
        edit_url(report, "4.2"), page_form(report, "4.2", new="The group met six times.")
    )
    assert response.status_code == 302
    after = shown(report, "4.2")
    assert after[:-1] == before and after[-1] == (f"4.2.{len(before) + 1}", "own-1")
    lines = word_lines(
        client.get(reverse("report_docx", args=[report.partnership.slug, report.pk])).content
    )
    assert f"4.2.{len(before) + 1}\tThe group met six times." in lines
    assert "Added a paragraph to section 4.2" in report.events.first().changes


def test_a_drafted_paragraph_left_out_closes_the_numbers_and_can_be_brought_back(ld, login, report):
    client = login(ld)
    before = shown(report, "4.2")
    left_out = before[1][1]
    form = page_form(report, "4.2", h1="on")
    assert client.post(edit_url(report, "4.2"), form).status_code == 302
    after = shown(report, "4.2")
    assert left_out not in [ident for _, ident in after]
    assert [number for number, _ in after] == [f"4.2.{n}" for n in range(1, len(before))]
    # Still on the editor, ticked, with its words: nothing is lost.
    page = client.get(edit_url(report, "4.2")).content.decode()
    assert 'id="id_h1" name="h1" type="checkbox" value="on" checked' in page
    # and the section stays on the list of sections to edit
    assert (
        "sections/4.2/"
        in client.get(reverse("report", args=[report.partnership.slug, report.pk])).content.decode()
    )
    assert client.post(edit_url(report, "4.2"), page_form(report, "4.2")).status_code == 302
    assert shown(report, "4.2") == before
    changes = [line for e in report.events.all() for line in e.changes]
    assert f"Left out paragraph {before[1][0]}" in changes
    assert any(line.startswith("Brought back paragraph “") for line in changes)


def test_the_order_chosen_renumbers_and_the_words_stay_with_their_paragraph(ld, login, report):
    client = login(ld)
    client.post(edit_url(report, "2"), page_form(report, "2", new="Agree the new plan."))
    idents = [ident for _, ident in shown(report, "2")]
    assert idents == ["recommend", "2.1", "own-1"]
    # The own recommendation first after the lead-in; 2.1's words edited in the same save.
    form = page_form(report, "2", o2="2", o1="3", p1="Note the report.")
    assert client.post(edit_url(report, "2"), form).status_code == 302
    assert shown(report, "2") == [("", "recommend"), ("2.1", "own-1"), ("2.2", "2.1")]
    section = paper.report_section(report, "2")
    assert [p.text for p in section.paragraphs][1:] == ["Agree the new plan.", "Note the report."]


def test_a_refresh_of_the_figures_keeps_the_structure(ld, report):
    before = shown(report, "4.2")
    sections.report_section_edit(
        actor=ld,
        report=report,
        number="4.2",
        texts={},
        version=report.version,
        hidden=[before[0][1]],
        added=["Our own note."],
        order=[ident for _, ident in reversed(before)],
    )
    laid = shown(report, "4.2")
    lifecycle.report_refresh(actor=ld, report=report)
    assert shown(report, "4.2") == laid
    assert laid[0][1] == before[-1][1] and laid[-1][1] == "own-1"


def test_an_own_paragraph_is_removed_and_a_drafted_one_cannot_be(ld, login, report):
    client = login(ld)
    client.post(edit_url(report, "9"), page_form(report, "9", new="A paper of ours."))
    assert [i for _, i in shown(report, "9")] == ["9.1", "own-1"]
    assert client.post(edit_url(report, "9"), page_form(report, "9", r1="on")).status_code == 302
    assert [i for _, i in shown(report, "9")] == ["9.1"]
    assert "own-1" not in report.edits
    with pytest.raises(ValidationError, match="leave it out instead"):
        sections.report_section_edit(
            actor=ld, report=report, number="9", texts={}, version=report.version, removed=["9.1"]
        )


def test_an_empty_paragraph_may_be_left_out_but_not_shown(ld, login, report):
    client = login(ld)
    refused = client.post(edit_url(report, "5"), page_form(report, "5", p0=""))
    assert "Enter the words of paragraph 5.1, or leave it out" in refused.content.decode()
    left = client.post(edit_url(report, "2"), page_form(report, "2", p1="", h1="on"))
    assert left.status_code == 302
    assert [ident for _, ident in shown(report, "2")] == ["recommend"]


def test_a_section_keeps_at_least_one_paragraph(ld, login, report):
    refused = login(ld).post(edit_url(report, "5"), page_form(report, "5", h0="on"))
    assert "Keep at least one paragraph of section 5 in the report" in refused.content.decode()
    assert shown(report, "5") == [("5.1", "5.1")]


def test_rows_follow_their_paragraphs_when_someone_else_reordered_meanwhile(ld, login, report):
    client = login(ld)
    mine = page_form(report, "4.2")
    first = paper.report_section(report, "4.2").paragraphs[0]
    mine["p0"] = "My words for the first paragraph."
    # Someone else reverses the section's order and saves first.
    idents = [ident for _, ident in shown(report, "4.2")]
    sections.report_section_edit(
        actor=ld, report=report, number="4.2", texts={}, version=report.version,
        order=list(reversed(idents)),
    )  # fmt: skip
    page = client.post(edit_url(report, "4.2"), mine)
    assert "Your changes have not been saved yet" in page.content.decode()
    # Saving again from the page shown: my words go to the paragraph I wrote them for.
    version = page.content.decode().split('name="version" value="')[1].split('"')[0]
    again = dict(mine, version=version)
    assert client.post(edit_url(report, "4.2"), again).status_code == 302
    report.refresh_from_db()
    texts = {p.ident: p.text for p in paper.report_section(report, "4.2").paragraphs}
    assert texts[first.ident] == "My words for the first paragraph."
    assert sum(t == "My words for the first paragraph." for t in texts.values()) == 1


def test_a_removed_paragraphs_words_stay_in_the_history_and_its_ident_is_not_given_again(
    ld, report
):
    def save(**changes):
        report.refresh_from_db()
        sections.report_section_edit(
            actor=ld, report=report, number="9", texts={}, version=report.version, **changes
        )

    save(added=["First own.", "Second own."])
    save(hidden=["own-2"])
    save(removed=["own-2"])
    save(added=["Third own."])
    report.refresh_from_db()
    assert [i for _, i in shown(report, "9")] == ["9.1", "own-1", "own-3"]
    removal = report.events.filter(changes__icontains="Removed").first()
    assert ["Second own.", ""] in removal.edited.values()


def test_the_api_adds_leaves_out_and_orders(ld, login, report):
    client = login(ld)
    url = reverse("api_report_section", args=[report.partnership.slug, report.pk, "6"])
    got = client.get(url).json()
    response = client.put(
        url,
        {
            "version": got["version"],
            "added": ["A second statement."],
            "order": ["6.1", "6.1"],
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "every paragraph of the section a place" in response.json()["errors"]["order"][0]
    response = client.put(
        url,
        {"version": got["version"], "added": ["A second statement."], "hidden": ["6.1"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    paragraphs = response.json()["paragraphs"]
    assert [(p["ident"], p["number"], p["hidden"], p["own"]) for p in paragraphs] == [
        ("6.1", "", True, False),
        ("own-1", "6.1", False, True),
    ]
    unknown = client.put(
        url,
        {"version": response.json()["version"], "hidden": ["6.9"]},
        content_type="application/json",
    )
    assert unknown.status_code == 409 and "no paragraph 6.9" in unknown.json()["detail"]
