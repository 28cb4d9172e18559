"""The report as it reads now: the frozen draft with the clerk's choices (papers.py), own
paragraphs and layout (layout.py), the steering group's words, the consultations and the
cover laid over it, in that order. What every renderer is given."""

from dataclasses import replace

from tiptracker.reporting import frozen, papers
from tiptracker.reporting import layout as layouts
from tiptracker.reporting.choices import CHOICE_FIELDS
from tiptracker.reporting.consultations import (
    CONSULTED_PARAGRAPH,
    consultees_of,
    with_consultations,
)
from tiptracker.reporting.cover import COVER_FIELDS, with_cover
from tiptracker.reporting.document import BoardReport, Section
from tiptracker.reporting.models import Report


def _with_edits(document: BoardReport, edits: dict[str, str]) -> BoardReport:
    def section(s: Section) -> Section:
        return replace(
            s,
            paragraphs=[
                replace(p, text=edits[p.ident]) if p.ident in edits else p for p in s.paragraphs
            ],
            subsections=[section(sub) for sub in s.subsections],
        )

    return replace(document, sections=[section(s) for s in document.sections])


def report_document(report: Report, *, keep_hidden: bool = False) -> BoardReport:
    """The report as the renderers take it: the frozen document with the steering group's
    words laid over its paragraphs, section 7 from the consultations recorded, and the
    cover and close as set on it (the board's number once the clerk has given it)."""
    document = papers.with_choices(
        frozen.document_from_json(report.document),
        **{name: getattr(report, name) for name in CHOICE_FIELDS},
    )
    layout = layouts.read(report.layout)
    document = layouts.with_own(document, layout, report.edits)
    document = _with_edits(document, report.edits)
    document = with_consultations(
        document, consultees_of(report), report.edits.get(CONSULTED_PARAGRAPH)
    )
    document = layouts.laid(document, layout, keep_hidden=keep_hidden)
    return with_cover(document, {name: getattr(report, name) for name in COVER_FIELDS})


def report_section(report: Report, number: str, *, keep_hidden: bool = False) -> Section | None:
    """The section or subsection `number` ("4.2") of the report as it reads now (with the
    paragraphs left out, numbered "", if `keep_hidden`)."""
    return section_of(report_document(report, keep_hidden=keep_hidden), number)


def section_of(document: BoardReport, number: str) -> Section | None:
    """The section or subsection `number` of a document, or None."""
    waiting = list(document.sections)
    while waiting:
        section = waiting.pop(0)
        if section.number == number:
            return section
        waiting.extend(section.subsections)
    return None
