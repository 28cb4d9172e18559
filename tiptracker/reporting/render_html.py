"""The board report as HTML: a complete document (for download, and what the PDF is printed
from) or the body alone, to place inside one of our pages. Each chart is an SVG followed by
its data table.
"""

import itertools
from collections.abc import Iterator

from django.template.loader import render_to_string

from tiptracker.reporting.document import BoardReport, Paragraph
from tiptracker.reporting.render import chart_svg, outline, period_text


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
            "svg": chart_svg(chart, f"chart{next(charts)}-"),
            "table": chart.table,
            "number": next(tables),
        }
        for chart in paragraph.charts
    ]
    return {"paragraph": paragraph, "blocks": blocks}
