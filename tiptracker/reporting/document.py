"""The board report as a plain object: what the renderers (render_html.py, render_pdf.py,
render_word.py) turn into a document, and nothing else. Drafting (draft.py) fills it from
the period's figures (figures.py); the board's structure is the order of its sections.

Paragraph numbers are the board's (4.2.1, 4.2.2, ...): they are part of the object, so every
renderer writes the same numbers.
"""

import datetime as dt
from dataclasses import dataclass, field

from tiptracker.lib.dates import long_date
from tiptracker.lib.spc import Observation


@dataclass(frozen=True)
class Table:
    """A real table: a caption, a header row and rows of text (figures already formatted,
    small numbers already suppressed)."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SpcSeries:
    """What a measure's run chart or SPC chart is drawn from: the measure's settings and its
    values as they stood, kept in the document so that the chart is drawn again the same
    whatever is entered later. The chart is computed and drawn as on the measure's page
    (improvement.period.series_chart, lib/spc_charts)."""

    chart: str  # "xmr" or "run"
    rules: str  # "ihi" or "anhoej"
    improvement: str  # "up", "down" or "neutral"
    baseline: int | None
    target: float | None
    unit_label: str  # above the axis: "Percentage"
    values: list[Observation]
    notes: list[tuple[dt.date, str]] = field(default_factory=list)  # marked along its foot


@dataclass(frozen=True)
class Chart:
    """A chart, always with its data table beside it. `alt` is the text alternative for the
    image (Word's alternative text, HTML's aria-label)."""

    title: str
    alt: str
    # "bar" (horizontal bars, one per label: `series` has one entry), "bars" (a group of
    # horizontal bars per label, one bar per series, percentages along `axis`), "line"
    # (x labels along the bottom, one line per series) or "spc" (a measure's run chart or
    # SPC chart, drawn from `spc`; `labels` are its dates and `series` its values).
    kind: str
    labels: list[str]
    series: dict[str, list[float | None]]
    unit: str
    table: Table
    axis: str = ""
    spc: SpcSeries | None = None  # a "spc" chart's measure and values


@dataclass(frozen=True)
class Paragraph:
    number: str  # "2.1", "4.2.3"; "" for an unnumbered paragraph
    text: str
    # A bulleted list after the text (the next steps' priorities, say).
    bullets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # What the paragraph is about ("coverage", "funding:2022/23"), steady when a refresh of
    # the figures renumbers the paragraphs; the steering group's words are kept against it.
    # Blank: the number is steady (sections 1 to 3 and 5 to 9).
    key: str = ""

    @property
    def ident(self) -> str:
        return self.key or self.number


@dataclass(frozen=True)
class Section:
    number: str  # "1", "4", "4.2"
    title: str  # "PURPOSE OF REPORT", "Progress Update"
    paragraphs: list[Paragraph] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)


# What the report number reads until the clerk gives one.
NOT_NUMBERED = "To be given by the board's clerk"


@dataclass(frozen=True)
class BoardReport:
    reference: str  # the report number, e.g. "DIJB42-2022"; NOT_NUMBERED until given
    title: str
    partnership: str
    period_start: dt.date
    period_end: dt.date
    # Sections 1 to 9 in the board's order. Section 8's table of the four directions, with
    # the one chosen marked, is an ordinary Table: no renderer needs to know about it.
    sections: list[Section]
    # The cover, as the board's papers carry it: "Report to" (the board) and the meeting's
    # date, "Report by" (a designation, "Chief Officer"); and the close: the author's name
    # and designation, and the report's date. Blank until set on the report.
    author: str = ""
    date: dt.date | None = None
    report_to: str = ""
    meeting_date: dt.date | None = None
    report_by: str = ""
    author_designation: str = ""

    @property
    def numbered(self) -> bool:
        return bool(self.reference) and self.reference != NOT_NUMBERED

    @property
    def meeting(self) -> str:
        """The cover's "Report to" line: "Integration Joint Board – 24 August 2022"."""
        day = long_date(self.meeting_date) if self.meeting_date else ""
        return " – ".join(part for part in (self.report_to, day) if part)
