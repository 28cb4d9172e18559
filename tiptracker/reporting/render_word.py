"""The board report as a Word document, written into a Word template (render_word_template.py:
a partnership's own, or the product's default): real headings, numbered paragraphs hanging
from their numbers, tables sized to their text with a repeating header row, and every chart
as a picture with alternative text, followed by its data table.
"""

import datetime as dt
import io
import itertools

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docxtpl import DocxTemplate

from tiptracker.lib.dates import long_date
from tiptracker.lib.exports import printable
from tiptracker.reporting.document import BoardReport, Paragraph, Table
from tiptracker.reporting.render import chart_png, outline, period_text
from tiptracker.reporting.render_word_template import (
    A4,
    TemplateEnvironment,
    TemplateProblem,
    add_missing_styles,
    default_template,
)

# A table's column is sized to its longest text at about this width a character (11 pt
# Arial, bold in the header), plus the cell's padding, within the text width.
_CHARACTER = Cm(0.24)
_CELL_PADDING = Cm(0.45)
_NARROWEST_COLUMN = Cm(1.5)
# The space between a table and whatever follows it.
_AFTER_TABLE = Pt(12)
# Numbered paragraphs hang from their number, as in the board's own reports.
_NUMBER_INDENT = Cm(1.6)
# A bullet's text hangs this far from its bullet.
_BULLET_HANG = Cm(0.63)

# What stands for the body while docxtpl renders the template: a paragraph of its own, then
# swapped for the body's elements (see report_docx).
_BODY_MARK = "tiptracker-report-body-6f1c"


class _BodyMark:
    """The value of {{p body }} while docxtpl renders: a {{p ...}} value's markup takes the
    place of its whole paragraph, so this leaves one marked paragraph where the body goes."""

    def __html__(self) -> str:
        return f"<w:p><w:r><w:t>{_BODY_MARK}</w:t></w:r></w:p>"

    __str__ = __html__


def report_docx(report: BoardReport, template: bytes | None = None) -> bytes:
    """The report as a Word document written into a template (a partnership's own, or the product's default): its placeholders filled by docxtpl, and
    {{p body }} replaced by every section, with real headings (Word's navigation pane lists
    them), real tables with a repeating header row, and every chart as a picture with
    alternative text, followed by its data table.

    The body is written with python-docx into the template's own document (so its pictures
    and styles are the template's), taken out again before docxtpl renders, and moved into
    the marked paragraph after. docxtpl's Subdoc would write the body out as text for Jinja
    to copy, scan and parse back (the same document, at the cost of handling a long
    report's XML three more times), and needs docxcompose, which this needs not."""
    page = DocxTemplate(io.BytesIO(template or default_template()))
    document = page.get_docx()
    if template:
        add_missing_styles(document)
    text = document.element.body
    before = len(text)
    width = _text_width(document)
    for heading in outline(report):
        document.add_heading(printable(heading.text), level=min(heading.level, 9))
        for paragraph in heading.section.paragraphs:
            _docx_paragraph(document, paragraph, width)
    # python-docx adds before the section properties, which stay last: the body is there.
    start = before - 1 if text.sectPr is not None else before
    blocks = list(text[start : start + len(text) - before])
    for block, following in itertools.pairwise(blocks):
        if block.tag == qn("w:tbl") and following.tag == qn("w:p"):
            spacing = following.get_or_add_pPr().get_or_add_spacing()
            spacing.set(qn("w:before"), str(int(_AFTER_TABLE.pt * 20)))
    for block in blocks:
        text.remove(block)
    context: dict[str, object] = {
        "title": printable(report.title),
        "reference": printable(report.reference),
        "partnership": printable(report.partnership),
        "period": printable(period_text(report)),
        "report_to": printable(report.report_to),
        "meeting_date": _day(report.meeting_date),
        "meeting": printable(report.meeting),
        "report_by": printable(report.report_by),
        "author": printable(report.author),
        "author_designation": printable(report.author_designation),
        "date": _day(report.date),
        "body": _BodyMark(),
    }
    # docxtpl fills the document's properties too: nothing the report needs, and a place a
    # template's code would go unchecked. Written afresh below; the language kept if plain.
    for name in ("author", "comments", "identifier", "subject", "title", "language"):
        value = getattr(document.core_properties, name) or ""
        if name != "language" or "{" in value or "%" in value:
            setattr(document.core_properties, name, "")
    page.render(context, jinja_env=TemplateEnvironment())
    document = page.docx
    marks = document.element.body.xpath(f".//w:p[w:r/w:t='{_BODY_MARK}']")
    if len(marks) != 1:
        raise TemplateProblem(
            "{{p body }} must be in the document's own text once, alone in its paragraph"
        )
    mark = marks[0]
    for block in blocks:
        mark.addprevious(block)
    if mark.getparent().tag == qn("w:tc") and blocks and blocks[-1].tag == qn("w:tbl"):
        mark.addprevious(OxmlElement("w:p"))  # a table cell ends with a paragraph, or Word objects
    mark.getparent().remove(mark)
    # docxtpl renumbered the template's pictures while the body was out: number them all
    # again, as each needs an id of its own (Word reports a repeated one as damage).
    for number, picture in enumerate(document.element.body.iter(qn("wp:docPr")), start=1001):
        picture.set("id", str(number))
    # The template's own properties (its author, its dates) would show in Word's File > Info
    # as this report's.
    properties = document.core_properties
    properties.title = _property(report.title)
    properties.subject = _property(
        f"Report {report.reference}"
        if report.numbered
        else f"{report.partnership}, {period_text(report)}"
    )
    properties.author = _property(report.author or report.partnership)
    properties.comments = ""
    properties.created = properties.modified = timezone.now()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _day(day: dt.date | None) -> str:
    return long_date(day) if day else ""


# Word's document properties (File > Info) hold at most 255 characters each, and
# python-docx refuses more; the report's own text, its title included, has no such limit.
_PROPERTY_LENGTH = 255


def _property(text: str) -> str:
    text = printable(text)
    return text if len(text) <= _PROPERTY_LENGTH else f"{text[: _PROPERTY_LENGTH - 1]}…"


def _text_width(document) -> Emu:  # type: ignore[no-untyped-def]
    """The width between the margins of the document's last section, where the body goes."""
    section = document.sections[-1]
    width = (section.page_width or A4[0]) - (section.left_margin or 0)
    return Emu(width - (section.right_margin or 0))


def _docx_paragraph(document, paragraph: Paragraph, width: Emu) -> None:  # type: ignore[no-untyped-def]
    if paragraph.number:
        written = document.add_paragraph(printable(f"{paragraph.number}\t{paragraph.text}"))
        layout = written.paragraph_format
        layout.left_indent = _NUMBER_INDENT
        layout.first_line_indent = -_NUMBER_INDENT
        layout.tab_stops.add_tab_stop(_NUMBER_INDENT)
    elif paragraph.text:
        document.add_paragraph(printable(paragraph.text))
    for bullet in paragraph.bullets:
        written = document.add_paragraph(printable(bullet), style="List Bullet")
        if paragraph.number:  # the bullets under the numbered paragraph's text, not its number
            layout = written.paragraph_format
            layout.left_indent = _NUMBER_INDENT + _BULLET_HANG
            layout.first_line_indent = -_BULLET_HANG
    for table in paragraph.tables:
        _docx_table(document, table, width)
    for chart in paragraph.charts:
        _caption(document, chart.title)
        picture = document.add_picture(io.BytesIO(chart_png(chart)), width=width)
        # Word's "alternative text": descr is what screen readers read, title its name.
        properties = picture._inline.docPr
        properties.set("descr", printable(chart.alt))
        properties.set("title", printable(chart.title))
        _docx_table(document, chart.table, width)


def _caption(document, text: str) -> None:  # type: ignore[no-untyped-def]
    """A caption stays on the page of the table or chart it names."""
    document.add_paragraph(printable(text), style="Caption").paragraph_format.keep_with_next = True


def _docx_table(document, table: Table, width: Emu) -> None:  # type: ignore[no-untyped-def]
    _caption(document, table.caption)
    columns = max([1, len(table.header)] + [len(row) for row in table.rows])
    written = document.add_table(rows=1, cols=columns)
    written.style = "Table Grid"
    written.alignment = WD_TABLE_ALIGNMENT.LEFT
    written.autofit = False  # the widths below, in Word and LibreOffice alike
    for cell, text in zip(written.rows[0].cells, table.header, strict=False):
        cell.text = ""
        cell.paragraphs[0].add_run(printable(text)).bold = True
    _repeat_header(written)
    for row in table.rows:
        for cell, text in zip(written.add_row().cells, row, strict=False):
            cell.text = printable(text)
    for column, size in zip(written.columns, _column_widths(table, columns, width), strict=True):
        column.width = size
        for cell in column.cells:
            cell.width = size
    for row in written.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row on one page


def _column_widths(table: Table, columns: int, width: Emu) -> list[Emu]:
    """Each column as wide as its longest text (a course's name on one line where it fits)
    and the table no wider than the text. Short of room, every column keeps at least its
    longest word (no word is broken, a header like "Attended" included; a hyphenated word
    may break after its hyphen), and the room left goes to the columns in proportion to
    what they lack."""
    longest = [0] * columns
    longest_word = [0] * columns
    for row in [table.header, *table.rows]:
        for number, text in enumerate(row):
            longest[number] = max(longest[number], len(str(text)))
            # Word and LibreOffice break a line after a hyphen ("Trauma-informed"): each
            # part is a word that must fit, not the whole.
            words = str(text).replace("-", "- ").split() or [""]
            longest_word[number] = max(longest_word[number], *(len(w) for w in words))
    least = [float(max(_NARROWEST_COLUMN, _CHARACTER * n + _CELL_PADDING)) for n in longest_word]
    wanted = [
        max(low, float(_CHARACTER * n + _CELL_PADDING))
        for low, n in zip(least, longest, strict=True)
    ]
    sizes: list[float]
    if sum(wanted) <= width:
        sizes = wanted
    elif sum(least) >= width:
        sizes = [width * low / sum(least) for low in least]
    else:
        room, lacking = width - sum(least), sum(wanted) - sum(least)
        sizes = [
            low + room * (want - low) / lacking for low, want in zip(least, wanted, strict=True)
        ]
    return [Emu(int(size)) for size in sizes]


def _repeat_header(table) -> None:  # type: ignore[no-untyped-def]
    """Mark the first row as a header row: screen readers announce it, Word repeats it on
    each page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
