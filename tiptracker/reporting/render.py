"""The board report's shared renderers: one BoardReport in, HTML, Word or PDF out.

All three walk the same outline (`outline`), so a heading, a paragraph number or a table
reads the same in every format. Charts come from lib/charts (cached by their figures): SVG in
HTML and PDF, PNG in Word, which cannot be relied on to show SVG. Every chart is followed by
its data table, the accessible version of the same figures.
"""

import copy
import datetime as dt
import functools
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.numbering import CT_Numbering
from docx.oxml.styles import CT_Styles
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Emu, Pt
from docx.styles import BabelFish
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tiptracker.lib.charts import (
    bar_chart_png,
    bar_chart_svg,
    grouped_bar_chart_png,
    grouped_bar_chart_svg,
    line_chart_png,
    line_chart_svg,
    svg_ids_prefixed,
)
from tiptracker.lib.dates import long_date
from tiptracker.lib.exports import printable
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table

# The default template's page, as board papers are printed: A4 with 2.54 cm margins, a
# sans-serif house font (Arial; LibreOffice shows it as the metric-compatible Liberation Sans).
_A4 = (Cm(21), Cm(29.7))
_MARGIN = Cm(2.54)
HOUSE_FONT = "Arial"
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


@dataclass(frozen=True)
class Heading:
    """One section or subsection in reading order, flattened so that no renderer recurses
    and every renderer agrees on the levels: 1 for "1.0 PURPOSE OF REPORT", 2 for
    "4.1 Background", 3 below that."""

    level: int
    text: str
    anchor: str
    section: Section


def outline(report: BoardReport) -> list[Heading]:
    headings: list[Heading] = []

    def visit(section: Section, level: int) -> None:
        headings.append(
            Heading(
                level=level,
                text=heading_text(section),
                anchor="section-" + section.number.replace(".", "-"),
                section=section,
            )
        )
        for subsection in section.subsections:
            visit(subsection, level + 1)

    for section in report.sections:
        visit(section, 1)
    return headings


def heading_text(section: Section) -> str:
    """The board writes a top-level section number as "1.0" and a subsection's as it is."""
    number = section.number if "." in section.number else f"{section.number}.0"
    return f"{number} {section.title}"


def period_text(report: BoardReport) -> str:
    return f"{report.period_start:%-d %B %Y} to {report.period_end:%-d %B %Y}"


# HTML ----------------------------------------------------------------------------------------


def report_html(report: BoardReport, *, standalone: bool = True) -> str:
    """The report as HTML: a complete document (for download, and what the PDF is made
    from) or, with standalone=False, the body alone to place inside one of our pages."""
    charts, tables = itertools.count(1), itertools.count(1)
    context = {
        "report": report,
        "period": period_text(report),
        "headings": [
            {
                "heading": heading,
                "paragraphs": [
                    _html_paragraph(p, charts, tables) for p in heading.section.paragraphs
                ],
            }
            for heading in outline(report)
        ],
    }
    template = "reporting/report_standalone.html" if standalone else "reporting/report_body.html"
    return render_to_string(template, context)


def _html_paragraph(
    paragraph: Paragraph, charts: Iterator[int], tables: Iterator[int]
) -> dict[str, object]:
    """The paragraph and, in Word's order, its tables then its charts, each chart with its
    data table: one list, so the template writes a table in one place. `charts` numbers the
    report's charts, so each SVG's ids are its own; `tables` its tables, so that each
    table's scrolling region is named by its own caption."""
    blocks: list[dict[str, object]] = [
        {"table": table, "number": next(tables)} for table in paragraph.tables
    ]
    blocks += [
        {
            "chart": chart,
            "svg": _chart_svg(chart, f"chart{next(charts)}-"),
            "table": chart.table,
            "number": next(tables),
        }
        for chart in paragraph.charts
    ]
    return {"paragraph": paragraph, "blocks": blocks}


def _chart_svg(chart: Chart, prefix: str) -> SafeString:
    # Our own matplotlib output, with the text alternative stripped of markup by lib/charts.
    # The aria-label is the chart's `alt`: the visible title is the figure's caption.
    if chart.kind == "bar":
        svg = bar_chart_svg(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
        )
    elif chart.kind == "bars":
        svg = grouped_bar_chart_svg(
            title=chart.alt, labels=chart.labels, series=dict(chart.series), axis_label=chart.axis
        )
    else:
        svg = line_chart_svg(title=chart.alt, x_labels=chart.labels, series=_lines(chart))
    return mark_safe(svg_ids_prefixed(svg, prefix))  # noqa: S308


def _only_series(chart: Chart) -> list[float | None]:
    """A bar chart has one series (one bar per label); an empty chart draws no bars."""
    return next(iter(chart.series.values()), [])


def _lines(chart: Chart) -> dict[str, Sequence[float | None]]:
    """A line chart's series; a kind we cannot draw is a drafting mistake, said loudly
    rather than drawn as the wrong chart."""
    if chart.kind != "line":
        raise ValueError(f"A chart is a bar, bars or line chart, not {chart.kind!r}.")
    return dict(chart.series)


def _chart_png(chart: Chart) -> bytes:
    if chart.kind == "bar":
        return bar_chart_png(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
        )
    if chart.kind == "bars":
        return grouped_bar_chart_png(
            title=chart.alt, labels=chart.labels, series=dict(chart.series), axis_label=chart.axis
        )
    return line_chart_png(title=chart.alt, x_labels=chart.labels, series=_lines(chart))


# PDF -----------------------------------------------------------------------------------------


def report_pdf(report: BoardReport) -> bytes:
    """The standalone HTML printed by WeasyPrint, as a tagged PDF (PDF/UA-1), so a screen
    reader can follow its headings, paragraphs and tables.

    The page needs nothing from outside (styles and charts are inside it), so WeasyPrint
    may fetch nothing: text typed into a report can never make the server read a file or
    call an address."""
    page = HTML(
        string=report_html(report, standalone=True),
        url_fetcher=URLFetcher(allowed_protocols=set()),
    )
    return page.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]


# Word ----------------------------------------------------------------------------------------

# The placeholders a Word template may hold (docxtpl's Jinja syntax): name -> how it is typed.
# The report fills each one; a template must hold the required ones and may hold no others
# (a misspelt placeholder would print nothing, unnoticed until the board's papers went out).
# The body takes docxtpl's `p`: it replaces its whole paragraph, as headings, tables and
# pictures cannot sit inside a line of text.
REQUIRED_PLACEHOLDERS = {
    "title": "{{ title }}",
    "reference": "{{ reference }}",
    "body": "{{p body }}",
}
OPTIONAL_PLACEHOLDERS = {
    "partnership": "{{ partnership }}",
    "period": "{{ period }}",
    # The cover: the board, the meeting's date (and the two as one line), report by.
    "report_to": "{{ report_to }}",
    "meeting_date": "{{ meeting_date }}",
    "meeting": "{{ meeting }}",
    "report_by": "{{ report_by }}",
    # The close: the author's name and designation, the report's date.
    "author": "{{ author }}",
    "author_designation": "{{ author_designation }}",
    "date": "{{ date }}",
}
PLACEHOLDERS = REQUIRED_PLACEHOLDERS | OPTIONAL_PLACEHOLDERS

# The styles the body (and the default's title) are written in. A template made in Word
# holds only the styles its own text uses, so any of these it lacks is copied in from the
# default before rendering: the headings stay headings (Word's navigation pane lists them)
# and nothing fails for want of a style, whatever the template.
BODY_STYLES = (
    "Title",
    *(f"Heading {level}" for level in range(1, 10)),
    "List Bullet",
    "Caption",
    "Table Grid",
)

# What stands for the body while docxtpl renders the template: a paragraph of its own, then
# swapped for the body's elements (see report_docx).
_BODY_MARK = "tiptracker-report-body-6f1c"


class TemplateProblem(ValueError):
    """A Word template that cannot make a report; the message says why in plain words."""


class _BodyMark:
    """The value of {{p body }} while docxtpl renders: a {{p ...}} value's markup takes the
    place of its whole paragraph, so this leaves one marked paragraph where the body goes."""

    def __html__(self) -> str:
        return f"<w:p><w:r><w:t>{_BODY_MARK}</w:t></w:r></w:p>"

    __str__ = __html__


class TemplateEnvironment(SandboxedEnvironment):
    """Jinja for templates people upload: sandboxed (no reaching Python's insides from a
    placeholder), escaping values for the XML they land in (a "&" in a title is text, not a
    broken file), and refusing arithmetic that could make a string or number big enough to
    exhaust the server."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        # range, dict, lipsum and the rest: a template fills placeholders, it makes nothing.
        self.globals.clear()

    def call_binop(self, context, operator, left, right):  # type: ignore[no-untyped-def]
        if operator == "**" or any(isinstance(v, int) and abs(v) > 1000 for v in (left, right)):
            raise SecurityError("The template multiplies by more than it may")
        return super().call_binop(context, operator, left, right)


@functools.cache
def default_template() -> bytes:
    """The product's own Word template: what a report is written into when its partnership
    has none, and what a partnership downloads to restyle in Word. Made here with
    python-docx (nothing binary is shipped), once per process."""
    document = Document()
    properties = document.core_properties
    properties.title = "Board report template"
    properties.author = "TIP Tracker"
    properties.comments = (
        "Restyle this document in Word, keep the placeholders in double curly brackets, "
        "and upload it to TIP Tracker as your partnership's template."
    )
    document.add_paragraph(PLACEHOLDERS["title"], style="Title")
    # The cover: docxtpl's paragraph tags leave out a line with nothing to say.
    _labelled(document, "Report to", "meeting")
    _labelled(document, "Report by", "report_by")
    _labelled(document, "Report number", "reference", optional=False)
    document.add_paragraph(f"{PLACEHOLDERS['partnership']}, {PLACEHOLDERS['period']}")
    document.add_paragraph(PLACEHOLDERS["body"])
    # The close, as the board's papers end: the author, their post, the date.
    document.add_paragraph("{%p if author or author_designation or date %}")
    closing = document.add_paragraph()
    closing.paragraph_format.space_before = Pt(24)
    closing.paragraph_format.keep_with_next = True
    closing.add_run(PLACEHOLDERS["author"]).bold = True
    document.add_paragraph("{%p if author_designation %}")
    document.add_paragraph(
        PLACEHOLDERS["author_designation"]
    ).paragraph_format.keep_with_next = True
    document.add_paragraph("{%p endif %}")
    _labelled(document, "Date", "date")
    document.add_paragraph("{%p endif %}")
    section = document.sections[0]
    section.page_width, section.page_height = _A4
    section.left_margin = section.right_margin = _MARGIN
    section.top_margin = section.bottom_margin = _MARGIN
    _house_font(document)
    _page_x_of_y(section.footer.paragraphs[0])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _labelled(document, label: str, name: str, *, optional: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A line of the cover or close, "Label: {{ name }}", left out when it has no value."""
    if optional:
        document.add_paragraph(f"{{%p if {name} %}}")
    line = document.add_paragraph()
    line.add_run(f"{label}: ").bold = True
    line.add_run(PLACEHOLDERS[name])
    if optional:
        document.add_paragraph("{%p endif %}")


def _house_font(document) -> None:  # type: ignore[no-untyped-def]
    """Every style, and the document's defaults, in HOUSE_FONT: the theme's fonts (Calibri
    and Cambria in python-docx's own template) would otherwise win over a named one."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for name in list(fonts.attrib):
            if name.endswith("Theme"):
                del fonts.attrib[name]
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), HOUSE_FONT)


def _page_x_of_y(footer) -> None:  # type: ignore[no-untyped-def]
    """ "Page 3 of 12", centred: Word's PAGE and NUMPAGES fields, which it and LibreOffice fill
    in as they lay the pages out."""
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:  # type: ignore[no-untyped-def]
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run("1")  # shown until the field is worked out
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


@functools.cache
def _default_parts() -> tuple[CT_Styles, CT_Numbering]:
    """The default template's styles and numbering, parsed once: where the styles a
    partnership's template lacks are copied from. Only read."""
    document = Document(io.BytesIO(default_template()))
    return document.styles.element, document.part.numbering_part.element


def _add_missing_styles(document) -> None:  # type: ignore[no-untyped-def]
    """Copy into the template each of BODY_STYLES it lacks, with the styles those are based
    on, followed by or linked to, and the bullets' numbering."""
    for name in BODY_STYLES:
        _style_id(document, name)


def _style_id(document, name: str) -> str:  # type: ignore[no-untyped-def]
    """The id in `document` of the style called `name` (as python-docx names it, which is
    how the body asks for it), copied from the default if the document has none."""
    own = document.styles.element.get_by_name(BabelFish.ui2internal(name))
    if own is not None:
        return own.styleId  # type: ignore[no-any-return]
    styles, _ = _default_parts()
    # One of BODY_STYLES, all of which the default holds.
    copied: Any = copy.deepcopy(styles.get_by_name(BabelFish.ui2internal(name)))
    taken = {style.styleId for style in document.styles.element.style_lst}
    original = copied.styleId
    while copied.styleId in taken:  # the id is another style's in this template
        copied.styleId = copied.styleId + "1"
    document.styles.element.append(copied)
    for tag in ("w:basedOn", "w:next", "w:link"):
        reference = copied.find(qn(tag))
        if reference is None:
            continue
        target = styles.get_by_id(reference.get(qn("w:val")))
        if target is None:
            copied.remove(reference)
        elif target.styleId == original:
            reference.set(qn("w:val"), copied.styleId)
        else:
            reference.set(qn("w:val"), _style_id(document, BabelFish.internal2ui(target.name_val)))
    number = copied.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if number is not None:
        number.set(qn("w:val"), _numbering_copied(document, number.get(qn("w:val"))))
    return copied.styleId  # type: ignore[no-any-return]


def _numbering_copied(document, number: str) -> str:  # type: ignore[no-untyped-def]
    """Copy the default's list `number` (List Bullet's bullets) into the template's numbering
    under new ids, making its numbering part if it has none; the new number."""
    _, numbering = _default_parts()
    source = numbering.num_having_numId(int(number))
    abstract = copy.deepcopy(
        next(
            a
            for a in numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == str(source.abstractNumId.val)
        )
    )
    part = document.part
    try:
        own = part.numbering_part.element
    except NotImplementedError:  # python-docx makes none: a template without any list
        own = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        made = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, own, part.package)
        part.relate_to(made, RT.NUMBERING)
    ids = [int(a.get(qn("w:abstractNumId"))) for a in own.findall(qn("w:abstractNum"))]
    abstract.set(qn("w:abstractNumId"), str(max(ids, default=-1) + 1))
    first = own.find(qn("w:num"))
    if first is not None:
        first.addprevious(abstract)  # the schema puts every abstractNum before the first num
    else:
        own.append(abstract)
    return str(own.add_num(int(abstract.get(qn("w:abstractNumId")))).numId)


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
        _add_missing_styles(document)
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
    width = (section.page_width or _A4[0]) - (section.left_margin or 0)
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
        picture = document.add_picture(io.BytesIO(_chart_png(chart)), width=width)
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
    longest word (no word is broken, a header like "Attended" included), and the room left
    goes to the columns in proportion to what they lack."""
    longest = [0] * columns
    longest_word = [0] * columns
    for row in [table.header, *table.rows]:
        for number, text in enumerate(row):
            longest[number] = max(longest[number], len(str(text)))
            words = str(text).split() or [""]
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
