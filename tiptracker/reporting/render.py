"""The board report's shared renderers: one BoardReport in, HTML, Word or PDF out.

All three walk the same outline (`outline`), so a heading, a paragraph number or a table
reads the same in every format. Charts come from lib/charts (cached by their figures): SVG in
HTML and PDF, PNG in Word, which cannot be relied on to show SVG. Every chart is followed by
its data table, the accessible version of the same figures.
"""

import io
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tiptracker.lib.charts import bar_chart_png, bar_chart_svg, line_chart_png, line_chart_svg
from tiptracker.lib.exports import printable
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table

# A4 less Word's default margins: charts fill the text width.
_CHART_WIDTH = Cm(16)
# Numbered paragraphs hang from their number, as in the board's own reports.
_NUMBER_INDENT = Cm(1.6)


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
    charts = itertools.count(1)
    context = {
        "report": report,
        "period": period_text(report),
        "headings": [
            {
                "heading": heading,
                "paragraphs": [_html_paragraph(p, charts) for p in heading.section.paragraphs],
            }
            for heading in outline(report)
        ],
    }
    template = "reporting/report_standalone.html" if standalone else "reporting/report_body.html"
    return render_to_string(template, context)


def _html_paragraph(paragraph: Paragraph, charts: Iterator[int]) -> dict[str, object]:
    """The paragraph and, in Word's order, its tables then its charts, each chart with its
    data table: one list, so the template writes a table in one place. `charts` numbers the
    report's charts, so each SVG's ids are its own."""
    blocks: list[dict[str, object]] = [{"table": table} for table in paragraph.tables]
    blocks += [
        {"chart": chart, "svg": _chart_svg(chart, f"chart{next(charts)}-"), "table": chart.table}
        for chart in paragraph.charts
    ]
    return {"paragraph": paragraph, "blocks": blocks}


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _with_ids_prefixed(svg: str, prefix: str) -> str:
    """Matplotlib names its glyphs and clip paths the same in every chart, and one page may
    not hold the same id twice (the PDF printer complains, and a reference could find the
    wrong chart's shape)."""
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
    # The id itself, and every reference to it: href="#id" and url(#id).
    reference = re.compile(rf'(\bid="|#)({names})(?=[")])')
    return reference.sub(lambda match: match.group(1) + prefix + match.group(2), svg)


def _chart_svg(chart: Chart, prefix: str) -> SafeString:
    # Our own matplotlib output, with the text alternative stripped of markup by lib/charts.
    # The aria-label is the chart's `alt`: the visible title is the figure's caption.
    if chart.kind == "bar":
        svg = bar_chart_svg(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
        )
    else:
        svg = line_chart_svg(title=chart.alt, x_labels=chart.labels, series=_lines(chart))
    return mark_safe(_with_ids_prefixed(svg, prefix))  # noqa: S308


def _only_series(chart: Chart) -> list[float | None]:
    """A bar chart has one series (one bar per label); an empty chart draws no bars."""
    return next(iter(chart.series.values()), [])


def _lines(chart: Chart) -> dict[str, Sequence[float | None]]:
    """A line chart's series; a kind we cannot draw is a drafting mistake, said loudly
    rather than drawn as the wrong chart."""
    if chart.kind != "line":
        raise ValueError(f"A chart is a bar or a line chart, not {chart.kind!r}.")
    return dict(chart.series)


def _chart_png(chart: Chart) -> bytes:
    if chart.kind == "bar":
        return bar_chart_png(
            title=chart.alt, labels=chart.labels, values=_only_series(chart), unit=chart.unit
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


def report_docx(report: BoardReport) -> bytes:
    """The report as a Word document from python-docx's default template: real headings
    (Word's navigation pane lists them), real tables with a repeating header row, and every
    chart as a picture with alternative text, followed by its data table."""
    document = Document()
    # The template's own properties (python-docx as author, its 2013 dates) would show in
    # Word's File > Info as this report's.
    properties = document.core_properties
    properties.title = printable(report.title)
    properties.subject = printable(f"Report {report.reference}")
    properties.author = printable(report.author or report.partnership)
    properties.comments = ""
    properties.created = properties.modified = timezone.now()
    document.add_heading(printable(report.title), level=0)
    document.add_paragraph(printable(f"Report number: {report.reference}"))
    document.add_paragraph(printable(f"{report.partnership}, {period_text(report)}"))
    if report.author or report.date:
        byline = [report.author] if report.author else []
        if report.date:
            byline.append(f"{report.date:%-d %B %Y}")
        document.add_paragraph(printable(", ".join(byline)))
    for heading in outline(report):
        document.add_heading(printable(heading.text), level=min(heading.level, 9))
        for paragraph in heading.section.paragraphs:
            _docx_paragraph(document, paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_paragraph(document, paragraph: Paragraph) -> None:  # type: ignore[no-untyped-def]
    if paragraph.number:
        written = document.add_paragraph(printable(f"{paragraph.number}\t{paragraph.text}"))
        layout = written.paragraph_format
        layout.left_indent = _NUMBER_INDENT
        layout.first_line_indent = -_NUMBER_INDENT
        layout.tab_stops.add_tab_stop(_NUMBER_INDENT)
    elif paragraph.text:
        document.add_paragraph(printable(paragraph.text))
    for bullet in paragraph.bullets:
        document.add_paragraph(printable(bullet), style="List Bullet")
    for table in paragraph.tables:
        _docx_table(document, table)
    for chart in paragraph.charts:
        document.add_paragraph(printable(chart.title), style="Caption")
        picture = document.add_picture(io.BytesIO(_chart_png(chart)), width=_CHART_WIDTH)
        # Word's "alternative text": descr is what screen readers read, title its name.
        properties = picture._inline.docPr
        properties.set("descr", printable(chart.alt))
        properties.set("title", printable(chart.title))
        _docx_table(document, chart.table)


def _docx_table(document, table: Table) -> None:  # type: ignore[no-untyped-def]
    document.add_paragraph(printable(table.caption), style="Caption")
    columns = max([1, len(table.header)] + [len(row) for row in table.rows])
    written = document.add_table(rows=1, cols=columns)
    written.style = "Table Grid"
    written.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(written.rows[0].cells, table.header, strict=False):
        cell.text = ""
        cell.paragraphs[0].add_run(printable(text)).bold = True
    _repeat_header(written)
    for row in table.rows:
        for cell, text in zip(written.add_row().cells, row, strict=False):
            cell.text = printable(text)


def _repeat_header(table) -> None:  # type: ignore[no-untyped-def]
    """Mark the first row as a header row: screen readers announce it, Word repeats it on
    each page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
