"""The board report as PDF: its standalone HTML (render_html.py) printed by WeasyPrint."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from tiptracker.reporting.document import BoardReport
from tiptracker.reporting.render_html import report_html


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
