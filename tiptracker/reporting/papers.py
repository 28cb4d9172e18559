"""The clerk's choices for the paper's later sections, as the board's papers carry them:
5 the integrated impact assessment (screened, or assessed with its outcome and a link),
6 the risk assessment (the "not subject to a risk assessment" statement, or a table of risks
rated likelihood x impact before and after mitigation, each rating with its band),
8 the direction (none, the council, the health board or both) and 9 the background papers.

Stored on the report (models.Report), checked here, and laid over the drafted paragraphs
5.1, 6.1, 8.1 and 9.1 (paper.report_document) before the steering group's own words, which
win where they have rewritten a paragraph. Nothing here reads the database.
"""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from tiptracker.lib.dates import long_date
from tiptracker.lib.exports import one_line
from tiptracker.reporting.document import BoardReport, Paragraph, Section, Table

# The direction chosen -> its row in paragraph 8.1's table (draft.report_draft writes them in
# this order: none, the council, the health board, both).
DIRECTIONS = ("none", "council", "health_board", "both")
DIRECTION_LABELS = {
    "none": "No direction required",
    "council": "Direction to the council",
    "health_board": "Direction to the health board",
    "both": "Direction to both",
}

# The drafted words, where the clerk has chosen nothing else.
NOT_RISK_ASSESSED = (
    "This report has not been subject to a risk assessment as it does not require any "
    "policy or financial decisions at this time."
)
SCREENED = (
    "This report has been screened for any policy implications in respect of Equality "
    "Impact Assessment. There are no major issues."
)

# A 5 x 5 risk matrix: likelihood and impact each 1 (rare, negligible) to 5 (almost certain,
# extreme); the rating is their product, banded as the NHS and councils in Scotland band it.
SCALE = range(1, 6)
BANDS = ((3, "Low"), (6, "Moderate"), (12, "High"), (25, "Extreme"))
RISKS_MAX, PAPERS_MAX = 20, 30
TEXT_MAX = {"description": 1000, "mitigations": 2000, "title": 300, "link": 500}
SUMMARY_MAX = 2000

_WEB_LINK = URLValidator(schemes=["http", "https"])


def band(rating: int) -> str:
    return next(name for most, name in BANDS if rating <= most)


def rating_text(likelihood: int, impact: int) -> str:
    """ "4 × 4 = 16 (Extreme)": what the board's risk tables print."""
    rating = likelihood * impact
    return f"{likelihood} × {impact} = {rating} ({band(rating)})"


# Checking ----------------------------------------------------------------------------------


def _text(
    value: object, name: str, label: str, errors: dict[str, str], *, most: int, required: bool
) -> str:
    """One line of text, trimmed; a mistake recorded in `errors` under `name`."""
    if not isinstance(value, str | None):
        errors[name] = f"{label}: send it as text"
        return ""
    text = one_line(value or "")
    if required and not text:
        errors[name] = f"Enter the {label.lower()}"
    elif len(text) > most:
        errors[name] = f"{label} must be {most:,} characters or fewer"
    return text


def _link(value: object, name: str, errors: dict[str, str]) -> str:
    link = _text(value, name, "The link", errors, most=TEXT_MAX["link"], required=False)
    if link and name not in errors:
        try:
            _WEB_LINK(link)
        except ValidationError:
            errors[name] = (
                "Enter the link as a full web address starting http:// or https://, like "
                "https://example.org/paper"
            )
    return link


def link_checked(value: object, name: str) -> str:
    """A web link, trimmed, or a ValidationError under `name`."""
    errors: dict[str, str] = {}
    link = _link(value, name, errors)
    if errors:
        raise ValidationError(errors)
    return link


def _score(value: object, name: str, label: str, errors: dict[str, str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[name] = f"Choose the {label} from 1 to 5"
        return 0
    try:
        score = int(value)
    except ValueError:
        score = 0
    if score not in SCALE:
        errors[name] = f"Choose the {label} from 1 to 5"
    return score


RISK_FIELDS = {
    "description": "Risk",
    "likelihood": "likelihood before mitigation",
    "impact": "impact before mitigation",
    "mitigations": "Mitigating actions",
    "planned_likelihood": "likelihood after mitigation",
    "planned_impact": "impact after mitigation",
}


def risk_checked(risk: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One risk, trimmed and scored, or a ValidationError naming each field (`prefix` puts
    them under the list's place: "risks.2.impact"). The mitigated rating is no higher than
    the rating before mitigation: mitigation that makes a risk worse is a typing slip."""
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {
        "description": _text(
            risk.get("description"),
            f"{prefix}description",
            "Risk",
            errors,
            most=TEXT_MAX["description"],
            required=True,
        ),
        "mitigations": _text(
            risk.get("mitigations"),
            f"{prefix}mitigations",
            "Mitigating actions",
            errors,
            most=TEXT_MAX["mitigations"],
            required=False,
        ),
    }
    for name in ("likelihood", "impact", "planned_likelihood", "planned_impact"):
        checked[name] = _score(risk.get(name), f"{prefix}{name}", RISK_FIELDS[name], errors)
    if not errors and (
        checked["planned_likelihood"] * checked["planned_impact"]
        > checked["likelihood"] * checked["impact"]
    ):
        errors[f"{prefix}planned_impact"] = (
            "The risk after mitigation cannot be rated higher than before it "
            f"({rating_text(checked['likelihood'], checked['impact'])})"
        )
    if errors:
        raise ValidationError(errors)
    return checked


def risks_checked(risks: object) -> list[dict[str, Any]]:
    if not isinstance(risks, list):
        raise ValidationError({"risks": "Send the risks as a list"})
    if len(risks) > RISKS_MAX:
        raise ValidationError({"risks": f"A report can carry at most {RISKS_MAX} risks"})
    checked: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for n, risk in enumerate(risks):
        try:
            checked.append(risk_checked(risk if isinstance(risk, dict) else {}, f"risks.{n}."))
        except ValidationError as problem:
            errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)
    return checked


def papers_checked(papers: object) -> list[dict[str, str]]:
    """Background papers: each a title and, if it is published, a link."""
    if not isinstance(papers, list):
        raise ValidationError({"background_papers": "Send the background papers as a list"})
    if len(papers) > PAPERS_MAX:
        raise ValidationError(
            {"background_papers": f"A report can list at most {PAPERS_MAX} background papers"}
        )
    checked: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    for n, paper in enumerate(papers):
        paper = paper if isinstance(paper, dict) else {}
        where = f"background_papers.{n}."
        checked.append(
            {
                "title": _text(
                    paper.get("title"),
                    f"{where}title",
                    "Title",
                    errors,
                    most=TEXT_MAX["title"],
                    required=True,
                ),
                "link": _link(paper.get("link"), f"{where}link", errors),
            }
        )
    if errors:
        raise ValidationError(
            {
                field: f"Background paper {int(field.split('.')[1]) + 1}: {message}"
                for field, message in errors.items()
            }
        )
    return checked


def papers_from_lines(text: str) -> list[dict[str, str]]:
    """The page's box, one paper per line: its title, then its web address if it has one
    ("Trauma Steering Group annual report 2021 https://example.org/report.pdf")."""
    papers = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        link = words[-1] if words[-1].lower().startswith(("http://", "https://")) else ""
        title = " ".join(words[:-1] if link else words)
        papers.append({"title": title or link, "link": link})
    return papers


def papers_as_lines(papers: list[dict[str, str]]) -> str:
    return "\n".join(" ".join(part for part in (p["title"], p["link"]) if part) for p in papers)


def previous_report_paper(title: str, reference: str, approved: dt.date | None) -> str:
    """How a report the board had before is named in 9.1: "Title (DIJB40-2022), approved
    3 August 2022"."""
    named = f"{title} ({reference})" if reference else title
    return f"{named}, approved {long_date(approved)}" if approved else named


# Laying the choices over the draft ---------------------------------------------------------


def _stored(risk: dict, name: str) -> int:
    """A stored score, read leniently: what the services wrote is 1 to 5; anything else
    (a hand-edited database) is shown as the nearest score rather than failing the paper."""
    value = risk.get(name)
    return min(max(value, 1), 5) if isinstance(value, int) else 1


def _risk_table(risks: list[dict[str, Any]]) -> Table:
    return Table(
        caption="Risk assessment",
        header=[
            "Risk",
            "Before mitigation (likelihood × impact)",
            "Mitigating actions",
            "Planned risk level (likelihood × impact)",
        ],
        rows=[
            [
                str(risk.get("description", "")),
                rating_text(_stored(risk, "likelihood"), _stored(risk, "impact")),
                str(risk.get("mitigations") or "None recorded"),
                rating_text(_stored(risk, "planned_likelihood"), _stored(risk, "planned_impact")),
            ]
            for risk in risks
            if isinstance(risk, dict)
        ],
    )


def _impact_assessment(assessed: bool, summary: str, link: str) -> str:
    if not assessed:
        return SCREENED
    text = "An Integrated Impact Assessment has been carried out"
    text += f": {summary.rstrip('.')}." if summary else "."
    return text + (f" It is published at {link}." if link else "")


def _direction_marked(table: Table, direction: str) -> Table:
    chosen = DIRECTIONS.index(direction)
    return replace(
        table,
        rows=[[row[0], "X" if n == chosen else "", *row[2:]] for n, row in enumerate(table.rows)],
    )


def with_choices(
    document: BoardReport,
    *,
    direction: str,
    risks: list[dict[str, Any]],
    impact_assessed: bool,
    impact_summary: str,
    impact_link: str,
    background_papers: list[dict[str, str]],
) -> BoardReport:
    """The drafted paragraphs 5.1, 6.1, 8.1 and 9.1 with the clerk's choices."""

    def paragraph(p: Paragraph) -> Paragraph:
        if p.ident == "5.1":
            return replace(p, text=_impact_assessment(impact_assessed, impact_summary, impact_link))
        if p.ident == "6.1" and risks:
            return replace(
                p,
                text="The risks below have been assessed, each rated likelihood × impact (each "
                "1 to 5) before and after mitigation: a rating of 1 to 3 is low, 4 to 6 "
                "moderate, 8 to 12 high and 15 to 25 extreme.",
                tables=[_risk_table(risks)],
            )
        if p.ident == "8.1" and p.tables and len(p.tables[0].rows) == len(DIRECTIONS):
            return replace(p, tables=[_direction_marked(p.tables[0], direction), *p.tables[1:]])
        if p.ident == "9.1" and background_papers:
            return replace(
                p,
                text="The following background papers were relied on in preparing this report:",
                bullets=[
                    f"{paper.get('title', '')} ({paper['link']})"
                    if paper.get("link")
                    else str(paper.get("title", ""))
                    for paper in background_papers
                    if isinstance(paper, dict)
                ],
            )
        return p

    def section(s: Section) -> Section:
        return replace(
            s,
            paragraphs=[paragraph(p) for p in s.paragraphs],
            subsections=[section(sub) for sub in s.subsections],
        )

    return replace(document, sections=[section(s) for s in document.sections])


def direction_choices(document: BoardReport) -> list[tuple[str, str]]:
    """(value, label) for the page's radios, named as 8.1's table names the bodies."""
    table = next(
        (
            p.tables[0]
            for s in document.sections
            for p in s.paragraphs
            if p.ident == "8.1" and p.tables and len(p.tables[0].rows) == len(DIRECTIONS)
        ),
        None,
    )
    if table is None:
        return list(DIRECTION_LABELS.items())
    labels = [row[0].split(". ", 1)[-1] for row in table.rows]
    return [
        (value, label[:1].upper() + label[1:])
        for value, label in zip(DIRECTIONS, labels, strict=True)
    ]
