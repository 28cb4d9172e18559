"""The Word report written into a template other than the default: a partnership's own, made
in Word, which may lack the styles the report's body is written in.

The renderers read no database, so these tests need none; the persona fixtures do not apply.
Uploading and checking a template (services) is test_template.py's.
"""

import dataclasses
import datetime as dt
import io
import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from jinja2 import UndefinedError
from jinja2.sandbox import SecurityError

from tiptracker.reporting.render_word import report_docx
from tiptracker.reporting.render_word_template import TemplateProblem, default_template
from tiptracker.reporting.tests.test_render import COVERAGE, HEADINGS, TREND, _own_chart_cache
from tiptracker.reporting.tests.test_render import a_report as board_report

LETTERHEAD = "Dundee Health and Social Care Partnership"
# What Word itself keeps in a new blank document's styles.xml: no headings, no lists.
WORDS_OWN = ("Normal", "Default Paragraph Font", "Normal Table", "No List")


def a_report():  # type: ignore[no-untyped-def]
    return dataclasses.replace(board_report(), title="Trauma-informed practice & <leadership>")


def _saved(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _without_numbering(content: bytes) -> bytes:
    """The package with no numbering part at all, as a document that never had a list."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/numbering.xml":
                continue
            if item.filename in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                data = re.sub(rb"<(Relationship|Override) [^>]*numbering\.xml\"[^>]*/>", b"", data)
            package.writestr(item, data)
    return out.getvalue()


def bare_template(*paragraphs: str) -> bytes:
    """A letterhead template as someone might make it in a new Word document: only Word's
    own four styles, no numbering part, the placeholders typed into its text and header."""
    document = Document()
    styles = document.styles.element
    for style in list(styles.style_lst):
        if style.name_val not in WORDS_OWN and style.name_val.title() not in WORDS_OWN:
            styles.remove(style)
    document.sections[0].header.paragraphs[0].text = "{{ partnership }}"
    for text in paragraphs or (
        LETTERHEAD,
        "{{ title }}",
        "Report {{ reference }}, {{ period }}",
        "{{p body }}",
        "{{ author }}, {{ date }}",
    ):
        document.add_paragraph(text)
    return _without_numbering(_saved(document))


def _opened(content: bytes):  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(content))


@pytest.fixture(scope="module")
def from_bare():  # type: ignore[no-untyped-def]
    with _own_chart_cache():
        return _opened(report_docx(a_report(), template=bare_template()))


def test_the_bare_template_really_lacks_the_styles_and_the_numbering():
    document = _opened(bare_template())
    names = {style.name for style in document.styles}
    assert not names & {"Heading 1", "List Bullet", "Caption", "Table Grid", "Title"}
    assert "numbering" not in " ".join(zipfile.ZipFile(io.BytesIO(bare_template())).namelist())


def test_a_template_without_heading_styles_still_gets_real_headings(from_bare):
    headings = [
        (p.style.name, p.text) for p in from_bare.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == HEADINGS
    heading = from_bare.styles["Heading 1"].element
    assert heading.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "0"


def test_a_template_without_lists_still_gets_bullets_with_their_numbering(from_bare):
    bullets = [p.text for p in from_bare.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Launch the skilled level course", "Recruit more champions"]
    number = from_bare.styles["List Bullet"].element.find(
        f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}"
    )
    numbering = from_bare.part.numbering_part.element
    assert numbering.num_having_numId(int(number.get(qn("w:val")))) is not None


def test_the_template_keeps_its_letterhead_with_the_placeholders_filled(from_bare):
    report = a_report()
    texts = [p.text for p in from_bare.paragraphs]
    assert texts[:3] == [
        LETTERHEAD,
        report.title,  # "&" and "<" are the title's text, not broken XML
        "Report DIJB42-2022, 1 December 2021 to 30 June 2022",
    ]
    assert texts[3] == "1.0 PURPOSE OF REPORT"  # the body in the placeholder's place
    assert texts[-1] == "Chief Officer, 24 August 2022"
    assert from_bare.sections[0].header.paragraphs[0].text == LETTERHEAD
    assert from_bare.core_properties.title == report.title
    assert "{{" not in "".join(texts)


def test_the_templates_charts_keep_their_alternative_text_and_ids_of_their_own(from_bare):
    pictures = [shape._inline.docPr for shape in from_bare.inline_shapes]
    assert [(p.get("descr"), p.get("title")) for p in pictures] == [
        (COVERAGE.alt, COVERAGE.title),
        (TREND.alt, TREND.title),
    ]
    ids = [e.get("id") for e in from_bare.element.body.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)) == 2


def test_the_templates_tables_are_real_tables_in_the_table_grid_style(from_bare):
    assert len(from_bare.tables) == 4
    assert {table.style.name for table in from_bare.tables} == {"Table Grid"}


def test_the_body_may_sit_in_a_table_cell_of_the_template():
    document = Document()
    document.add_paragraph("{{ title }} {{ reference }}")
    document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].text = "{{p body }}"
    with _own_chart_cache():
        written = _opened(report_docx(a_report(), template=_saved(document)))
    cell = written.tables[0].cell(0, 0)
    assert [p.text for p in cell.paragraphs if p.style.name == "Heading 1"][:1] == [
        "1.0 PURPOSE OF REPORT"
    ]
    assert cell._tc[-1].tag == qn("w:p")  # Word wants a cell to end with a paragraph


def test_a_template_with_the_body_twice_is_a_template_problem():
    with _own_chart_cache(), pytest.raises(TemplateProblem, match="body"):
        report_docx(a_report(), template=bare_template("{{ title }}", "{{p body }}", "{{p body }}"))


@pytest.mark.parametrize(
    "placeholder",
    [
        "{{ title.__class__.__mro__ }}",
        "{{ title * 100000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{% for n in range(99999) %}{% for m in range(99999) %}{% endfor %}{% endfor %}",
    ],
)
def test_a_template_cannot_reach_pythons_insides_or_make_something_huge(placeholder):
    template = bare_template(placeholder, "{{ reference }}", "{{p body }}")
    with _own_chart_cache(), pytest.raises((SecurityError, UndefinedError)):
        report_docx(a_report(), template=template)


def test_the_default_template_holds_every_placeholder_for_a_partnership_to_restyle():
    text = "\n".join(p.text for p in _opened(default_template()).paragraphs)
    for placeholder in (
        "{{ title }}",
        "{{ reference }}",
        "{{p body }}",
        "{{ partnership }}",
        "{{ period }}",
        "{{ meeting }}",
        "{{ report_by }}",
        "{{ author }}",
        "{{ author_designation }}",
        "{{ date }}",
    ):
        assert placeholder in text


def test_the_default_template_writes_the_cover_and_the_close():
    report = dataclasses.replace(
        a_report(), report_to="Integration Joint Board", meeting_date=dt.date(2022, 8, 24)
    )
    with _own_chart_cache():
        written = _opened(report_docx(report))
    assert [(p.style.name, p.text) for p in written.paragraphs[:5]] == [
        ("Title", report.title),
        ("Normal", "Report to: Integration Joint Board – 24 August 2022"),
        ("Normal", "Report number: DIJB42-2022"),
        ("Normal", f"{report.partnership}, 1 December 2021 to 30 June 2022"),
        ("Heading 1", "1.0 PURPOSE OF REPORT"),
    ]
    # The close, after the last section: the author (bold) and the date, no empty lines.
    close = [p for p in written.paragraphs if p.text][-2:]
    assert [p.text for p in close] == ["Chief Officer", "Date: 24 August 2022"]
    assert close[0].runs[0].bold
    without_close = dataclasses.replace(
        report, author="", date=None, report_to="", meeting_date=None
    )
    with _own_chart_cache():
        written = _opened(report_docx(without_close))
    assert written.paragraphs[1].text == "Report number: DIJB42-2022"
    assert written.paragraphs[-1].text != "" and "Date" not in written.paragraphs[-1].text
