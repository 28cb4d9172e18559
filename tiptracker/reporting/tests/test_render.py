"""The shared renderers: one hand-built board report, opened again as Word, read as HTML and
searched as PDF.

The renderers read no database, so these tests need none; the persona fixtures do not apply.
"""

import datetime as dt
import io
import re
import zlib
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table
from tiptracker.reporting.render import outline
from tiptracker.reporting.render_html import report_html
from tiptracker.reporting.render_pdf import report_pdf
from tiptracker.reporting.render_word import _column_widths, report_docx
from tiptracker.reporting.tests.reading import pdf_figures

DIRECTIONS = Table(
    caption="Direction required to Dundee City Council, NHS Tayside or both",
    header=["Direction to", "Mark"],
    rows=[
        ["1. No direction required", "X"],
        ["2. Dundee City Council", ""],
        ["3. NHS Tayside", ""],
        ["4. Dundee City Council and NHS Tayside", ""],
    ],
)
COVERAGE = Chart(
    title="Coverage by level at 30 June 2022",
    alt="Bar chart: 62.5% of those who need informed level training have it, 40.0% skilled.",
    kind="bar",
    labels=["Informed", "Skilled"],
    series={"Coverage": [62.5, 40.0]},
    unit="%",
    table=Table(
        caption="Coverage by level at 30 June 2022",
        header=["Level", "Coverage"],
        rows=[["Informed", "62.5%"], ["Skilled", "40.0%"]],
    ),
)
TREND = Chart(
    title="Coverage by month",
    alt="Line chart: informed level coverage rose from 50% in December to 62.5% in June.",
    kind="line",
    labels=["Dec 2021", "Mar 2022", "Jun 2022"],
    series={"Informed": [50.0, 55.0, 62.5], "Skilled": [30.0, None, 40.0]},
    unit="%",
    table=Table(
        caption="Coverage by month",
        header=["Month", "Informed", "Skilled"],
        rows=[
            ["Dec 2021", "50.0%", "30.0%"],
            ["Mar 2022", "55.0%", "-"],
            ["Jun 2022", "62.5%", "40.0%"],
        ],
    ),
)
SESSIONS = Table(
    caption="Sessions held in the period",
    header=["Session", "Date", "Attended"],
    rows=[["Launch webinar", "14 December 2021", "87"], ["Manager briefings", "April 2022", "141"]],
)


def a_report() -> BoardReport:
    def numbered(number: str, title: str, text: str) -> Section:
        return Section(number=number, title=title, paragraphs=[Paragraph(f"{number}.1", text)])

    main = Section(
        number="4",
        title="MAIN TEXT",
        subsections=[
            Section(
                number="4.1",
                title="Background",
                paragraphs=[Paragraph("4.1.1", "Trauma-informed practice is a model.")],
            ),
            Section(
                number="4.2",
                title="Progress Update",
                paragraphs=[
                    Paragraph(
                        "4.2.1",
                        "87 people attended the launch webinar.",
                        tables=[SESSIONS],
                        charts=[COVERAGE],
                    ),
                    Paragraph("4.2.2", "Coverage rose over the period.", charts=[TREND]),
                ],
            ),
            Section(
                number="4.3",
                title="Next Steps",
                paragraphs=[
                    Paragraph(
                        "4.3.1",
                        "The steering group's priorities for the next six months are:",
                        bullets=["Launch the skilled level course", "Recruit more champions"],
                    )
                ],
            ),
        ],
    )
    return BoardReport(
        reference="DIJB42-2022",
        title="Trauma-informed practice and leadership: progress report",
        partnership="Dundee Health and Social Care Partnership",
        period_start=dt.date(2021, 12, 1),
        period_end=dt.date(2022, 6, 30),
        author="Chief Officer",
        date=dt.date(2022, 8, 24),
        sections=[
            numbered("1", "PURPOSE OF REPORT", "To update the board on progress."),
            numbered("2", "RECOMMENDATIONS", "Note the content of this report."),
            numbered("3", "FINANCIAL IMPLICATIONS", "None."),
            main,
            numbered("5", "POLICY IMPLICATIONS", "This report has been screened."),
            numbered(
                "6", "RISK ASSESSMENT", "This report has not been subject to a risk assessment."
            ),
            numbered("7", "CONSULTATIONS", "The Chief Finance Officer has been consulted."),
            Section(
                number="8",
                title="DIRECTIONS",
                paragraphs=[
                    Paragraph(
                        "8.1",
                        "The board requires a mechanism to action its plans.",
                        tables=[DIRECTIONS],
                    )
                ],
            ),
            numbered("9", "BACKGROUND PAPERS", "None."),
        ],
    )


HEADINGS = [
    ("Heading 1", "1.0 PURPOSE OF REPORT"),
    ("Heading 1", "2.0 RECOMMENDATIONS"),
    ("Heading 1", "3.0 FINANCIAL IMPLICATIONS"),
    ("Heading 1", "4.0 MAIN TEXT"),
    ("Heading 2", "4.1 Background"),
    ("Heading 2", "4.2 Progress Update"),
    ("Heading 2", "4.3 Next Steps"),
    ("Heading 1", "5.0 POLICY IMPLICATIONS"),
    ("Heading 1", "6.0 RISK ASSESSMENT"),
    ("Heading 1", "7.0 CONSULTATIONS"),
    ("Heading 1", "8.0 DIRECTIONS"),
    ("Heading 1", "9.0 BACKGROUND PAPERS"),
]


def _own_chart_cache():  # type: ignore[no-untyped-def]
    """The module's documents are made once (before the per-test settings apply), with a
    cache of their own rather than the machine's chart cache."""
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )


# Word ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_file():
    with _own_chart_cache():
        return Document(io.BytesIO(report_docx(a_report())))


def test_the_word_file_has_real_headings_in_the_boards_order(docx_file):
    headings = [
        (p.style.name, p.text) for p in docx_file.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == HEADINGS
    assert docx_file.core_properties.title == a_report().title


def test_the_word_file_numbers_paragraphs_with_the_number_and_a_tab(docx_file):
    texts = [p.text for p in docx_file.paragraphs]
    assert "4.2.1\t87 people attended the launch webinar." in texts
    assert "1.1\tTo update the board on progress." in texts


def test_the_word_file_writes_bullets_in_the_list_bullet_style(docx_file):
    bullets = [p.text for p in docx_file.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Launch the skilled level course", "Recruit more champions"]


def test_the_word_file_has_real_tables_with_a_repeating_header_and_a_caption(docx_file):
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in docx_file.tables]
    assert tables == [
        [SESSIONS.header, *SESSIONS.rows],
        [COVERAGE.table.header, *COVERAGE.table.rows],
        [TREND.table.header, *TREND.table.rows],
        [DIRECTIONS.header, *DIRECTIONS.rows],
    ]
    for table in docx_file.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.style.name == "Table Grid"
        # The caption is the paragraph just before the table.
        caption = table._tbl.getprevious()
        assert caption.tag == qn("w:p")
        assert caption.pPr.pStyle.val == "Caption"
    assert [row[1] for row in tables[3][1:]] == ["X", "", "", ""]


def test_the_word_file_shows_each_chart_as_a_picture_with_alternative_text(docx_file):
    pictures = docx_file.inline_shapes
    assert [(p._inline.docPr.get("descr"), p._inline.docPr.get("title")) for p in pictures] == [
        (COVERAGE.alt, COVERAGE.title),
        (TREND.alt, TREND.title),
    ]
    for picture in pictures:
        blip = picture._inline.graphic.graphicData.pic.blipFill.blip
        image = docx_file.part.related_parts[blip.embed]
        assert image.content_type == "image/png"
        assert image.blob.startswith(b"\x89PNG")


def _text_width(document) -> int:  # type: ignore[no-untyped-def]
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin  # type: ignore[no-any-return]


def test_the_default_word_file_is_a4_with_2_54_cm_margins_and_page_x_of_y(docx_file):
    section = docx_file.sections[0]
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21.0, 29.7)
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert {round(margin.cm, 2) for margin in margins} == {2.54}
    footer = section.footer.paragraphs[0]
    fields = [code.text.strip() for code in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert re.fullmatch(r"Page 1 of 1", footer.text)  # the fields' placeholders, until laid out


def test_the_default_word_file_is_set_in_a_sans_serif_font_throughout(docx_file):
    fonts = list(docx_file.styles.element.iter(qn("w:rFonts")))
    assert fonts  # the document's defaults at least
    for font in fonts:
        # No theme font (Calibri, Cambria) may override the named one.
        assert not [name for name in font.attrib if name.endswith("Theme")]
        assert font.get(qn("w:ascii")) == "Arial"
        assert font.get(qn("w:hAnsi")) == "Arial"


def test_captions_stay_with_what_they_name_and_nothing_is_wider_than_the_text(docx_file):
    width = _text_width(docx_file)
    captions = [p for p in docx_file.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 6  # two tables, two charts and their two data tables
    assert all(caption.paragraph_format.keep_with_next for caption in captions)
    assert [p.width for p in docx_file.inline_shapes] == [width, width]
    for table in docx_file.tables:
        assert sum(column.width for column in table.columns) <= width
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None  # a row is not split


def test_tables_are_as_wide_as_their_words_with_a_gap_after_them(docx_file):
    sessions = docx_file.tables[0]
    session, date, attended = (column.width for column in sessions.columns)
    # "14 December 2021" on one line; "Attended" whole; the table narrower than the text.
    assert date > attended > 0 and session > attended
    assert sum((session, date, attended)) < _text_width(docx_file)
    assert date.cm >= 0.24 * len("14 December 2021")
    body = docx_file.element.body
    for table in body.iter(qn("w:tbl")):
        following = table.getnext()
        if following is not None and following.tag == qn("w:p"):
            spacing = following.pPr.find(qn("w:spacing"))
            assert spacing is not None and spacing.get(qn("w:before")) == "240"  # 12 pt


def test_a_numbered_paragraphs_bullets_line_up_under_its_text(docx_file):
    numbered = next(p for p in docx_file.paragraphs if p.text.startswith("4.3.1"))
    bullets = [p for p in docx_file.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 2
    for bullet in bullets:
        layout = bullet.paragraph_format
        # The bullet itself where the numbered paragraph's text starts.
        assert (
            layout.left_indent + layout.first_line_indent == numbered.paragraph_format.left_indent
        )
        assert layout.first_line_indent < 0  # its text hangs from the bullet


# HTML ----------------------------------------------------------------------------------------


class _Outline(HTMLParser):
    """Headings (level, text), captions and other elements met, as a reader would meet them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.captions: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]|caption", tag):
            self._open, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            if tag == "caption":
                self.captions.append(self._text.strip())
            else:
                self.headings.append((int(tag[1]), self._text.strip()))
            self._open = None


@pytest.fixture(scope="module")
def html_page():
    with _own_chart_cache():
        page = report_html(a_report())
    outline = _Outline()
    outline.feed(page)
    return page, outline


def test_the_html_has_the_sections_as_headings_in_order_without_skipping_a_level(html_page):
    _, outline = html_page
    assert outline.headings[0] == (1, a_report().title)
    assert [(level - 1, text) for level, text in outline.headings[1:]] == [
        (int(style[-1]), text) for style, text in HEADINGS
    ]


def test_the_html_writes_each_paragraph_number_before_its_text(html_page):
    page, _ = html_page
    assert re.search(
        r'<span class="tip-report__number">4\.2\.1</span>\s*87 people attended the launch webinar',
        page,
    )


def test_the_html_tables_have_captions_and_column_headers(html_page):
    page, outline = html_page
    assert outline.captions == [
        SESSIONS.caption,
        COVERAGE.table.caption,
        TREND.table.caption,
        DIRECTIONS.caption,
    ]
    column_headers = [attrs for tag, attrs in outline.tags if tag == "th"]
    assert len(column_headers) == 2 + 3 + 2 + 3
    assert all(attrs.get("scope") == "col" for attrs in column_headers)
    assert '<td class="govuk-table__cell">X</td>' in page


def test_the_html_draws_each_chart_as_an_image_labelled_with_its_alternative_text(html_page):
    _, outline = html_page
    charts = [attrs for tag, attrs in outline.tags if tag == "svg"]
    # Each drawn for a phone and for a page or print (lib/charts.py): one of the two shows.
    assert [(c.get("role"), c.get("aria-label"), c.get("class")) for c in charts] == [
        ("img", COVERAGE.alt, "tip-chart tip-chart--narrow"),
        ("img", COVERAGE.alt, "tip-chart tip-chart--wide"),
        ("img", TREND.alt, "tip-chart tip-chart--narrow"),
        ("img", TREND.alt, "tip-chart tip-chart--wide"),
    ]


def test_the_html_gives_each_charts_shapes_ids_of_their_own(html_page):
    # matplotlib names glyphs alike in every chart; one page may not repeat an id.
    page, outline = html_page
    ids = [attrs["id"] for _, attrs in outline.tags if attrs.get("id")]
    assert len(ids) > 20
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', page):
        assert reference in ids


def test_a_chart_of_a_kind_it_cannot_draw_is_refused():
    pie = Chart(
        title="Pie",
        alt="A pie chart",
        kind="pie",
        labels=["a"],
        series={"a": [1.0]},
        unit="%",
        table=Table(caption="Pie", header=["a"], rows=[["1"]]),
    )
    report = a_report()
    report.sections[0].paragraphs[0] = Paragraph("1.1", "A pie.", charts=[pie])
    with pytest.raises(ValueError, match="not 'pie'"):
        report_html(report)


def test_the_standalone_html_is_a_whole_document_and_the_body_is_not(html_page):
    page, outline = html_page
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in outline.tags
    assert f"<title>{a_report().title} (DIJB42-2022)</title>" in page
    assert "GDS Transport" not in page
    body = report_html(a_report(), standalone=False)
    assert "<html" not in body and "<style" not in body
    assert "4.1 Background" in body


def test_the_html_escapes_the_reports_text():
    report = a_report()
    report.sections[0].paragraphs[0] = Paragraph("1.1", "<script>alert(1)</script>")
    page = report_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# PDF -----------------------------------------------------------------------------------------


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (and object streams) inflated beside it."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue  # not a deflated stream (an image, say)
    return b"\n".join(parts)


def _pdf_strings(text: bytes) -> str:
    """The text strings in the PDF: the bookmarks WeasyPrint makes from the headings and the
    document's title are readable there (the page text is glyph numbers)."""
    decoded = []
    for literal in re.finditer(rb"\((?:\\.|[^\\)])*\)|<FEFF[0-9A-Fa-f]*>", text):
        raw = literal.group(0)
        if raw.startswith(b"<"):
            decoded.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16-be"))
        else:
            decoded.append(raw[1:-1].decode("latin-1"))
    return "\n".join(decoded)


def test_the_pdf_is_a_tagged_pdf_with_the_sections_as_bookmarks():
    pdf = report_pdf(a_report())
    assert pdf.startswith(b"%PDF")
    inflated = _inflated(pdf)
    strings = _pdf_strings(inflated)
    for _, heading in HEADINGS:
        assert heading in strings
    assert a_report().title in strings  # the document's title, from <title>
    assert b"/StructTreeRoot" in inflated  # tagged: headings, paragraphs and tables marked up


def test_every_figure_in_the_pdf_has_its_charts_alternative_text():
    report = a_report()
    alts = [c.alt for s in outline(report) for p in s.section.paragraphs for c in p.charts]
    assert len(alts) >= 2
    assert pdf_figures(report_pdf(report)) == alts  # the narrow drawing is not printed


def test_a_hyphenated_word_may_break_after_its_hyphen_leaving_room_for_the_others():
    # Word and LibreOffice break "Trauma-informed" after its hyphen: counted as one word
    # of 15 letters, it left too little room for "Attended" whole in 5 cm.
    table = Table(
        caption="Courses", header=["Course", "Attended"], rows=[["Trauma-informed", "12"]]
    )
    course, attended = _column_widths(table, 2, Cm(5))
    assert attended >= Cm(0.24) * len("Attended") + Cm(0.45)
    assert course >= Cm(0.24) * len("Trauma-") + Cm(0.45)
    assert course + attended <= Cm(5)
