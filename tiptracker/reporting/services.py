"""Writes for board reports: create (freezing the figures), refresh a draft's figures (saying
what changed), and the named transitions draft -> in review -> approved. Every write records
a ReportEvent in the same transaction. An approved report is locked: nothing here changes it.
"""

import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from docx import Document
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from tiptracker.accounts.services import user_name
from tiptracker.lib.dates import today
from tiptracker.lib.exports import printable
from tiptracker.partnerships.models import Membership
from tiptracker.reporting import compare, frozen, papers
from tiptracker.reporting import layout as layouts
from tiptracker.reporting import render as renderers
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table
from tiptracker.reporting.draft import consultations_sentence, report_draft
from tiptracker.reporting.figures import report_figures
from tiptracker.reporting.models import Consultation, Report, ReportEvent, ReportTemplate

logger = logging.getLogger(__name__)

State = Report.State
Action = ReportEvent.Action

# state -> {transition: (the state it leads to, the event it records)}
TRANSITIONS: dict[str, dict[str, tuple[str, str]]] = {
    State.DRAFT: {"submit": (State.IN_REVIEW, Action.SUBMITTED)},
    State.IN_REVIEW: {
        "return": (State.DRAFT, Action.RETURNED),
        "approve": (State.APPROVED, Action.APPROVED),
    },
    State.APPROVED: {},
}


# What each transition does, for messages.
DONE = {"submit": "sent for review", "return": "returned to draft", "approve": "approved"}


def _name(actor: Membership) -> str:
    return user_name(actor.user)


def _event(
    report: Report, actor: Membership, action: str, changes: list[str] | None = None
) -> None:
    ReportEvent.objects.create(
        report=report,
        at=timezone.now(),
        by=actor,
        by_name=_name(actor),
        action=action,
        changes=changes or [],
    )


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """A report covers what has happened: it ends on or after it starts, and by today."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Enter the date the period starts"
    if end is None:
        errors["end"] = "Enter the date the period ends"
    elif start is not None and end < start:
        errors["end"] = "The period must end on or after the day it starts"
    elif end > today():
        errors["end"] = "The period cannot end in the future: a report covers what has happened"
    if errors:
        raise ValidationError(errors)


def _drafted(
    partnership_id: int, start: dt.date, end: dt.date, title: str
) -> tuple[dict, BoardReport]:
    figures = report_figures(partnership_id=partnership_id, start=start, end=end)
    return frozen.figures_to_json(figures), report_draft(figures, title=title)


@transaction.atomic
def report_create(*, actor: Membership, start: dt.date, end: dt.date, title: str = "") -> Report:
    """A new draft for the actor's partnership and the period, its figures frozen now."""
    check_period(start, end)
    title = title.strip()
    figures, document = _drafted(actor.partnership_id, start, end, title)
    now = timezone.now()
    report = Report.objects.create(
        partnership_id=actor.partnership_id,
        title=document.title,
        period_start=start,
        period_end=end,
        figures=figures,
        document=frozen.document_to_json(document),
        figures_taken_at=now,
        report_to=REPORT_TO,
        created_at=now,
        created_by=actor,
    )
    _event(report, actor, Action.CREATED)
    return report


def _locked(report: Report, what: str) -> ValidationError:
    if report.state == State.APPROVED:
        return ValidationError(f"This report is approved, so it is locked: it cannot {what}.")
    return ValidationError(f"This report is in review: return it to draft before it can {what}.")


@transaction.atomic
def report_refresh(*, actor: Membership, report: Report) -> list[str]:
    """Take the period's figures again, on purpose, for a draft; returns what changed (also
    kept in the report's history). The document is drafted again from the new figures."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != State.DRAFT:
        raise _locked(report, "have its figures refreshed")
    old = frozen.figures_from_json(report.figures)
    figures, document = _drafted(
        report.partnership_id, report.period_start, report.period_end, report.title
    )
    changes = frozen.figures_changes(old, frozen.figures_from_json(figures))
    report.figures, report.document = figures, frozen.document_to_json(document)
    report.figures_taken_at = timezone.now()
    report.version += 1  # an edit begun before the refresh is shown what it changed
    report.save(update_fields=["figures", "document", "figures_taken_at", "version"])
    _event(report, actor, Action.REFRESHED, changes or ["Nothing changed."])
    return changes


@transaction.atomic
def report_transition(*, actor: Membership, report: Report, transition: str) -> Report:
    """submit, return or approve, if the report's state allows it."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    allowed = TRANSITIONS[report.state]
    if transition not in allowed:
        if report.state == State.APPROVED:
            raise ValidationError("This report is approved, so it is locked.")
        names = " or ".join(DONE[name] for name in sorted(allowed))
        raise ValidationError(
            f"A report that is {report.get_state_display().lower()} cannot be "
            f"{DONE.get(transition, transition)} now; it can be {names}."
        )
    report.state, action = allowed[transition]
    report.version += 1
    # Approved, the report keeps the template it was approved in (locked, in Word too).
    report.approved_template = (
        report_template_for(report.partnership_id) if report.state == State.APPROVED else None
    )
    report.save(update_fields=["state", "version", "approved_template"])
    _event(report, actor, action)
    return report


def report_filename(report: Report, ending: str) -> str:
    """The name a download gets: the report's title, made safe for a file name."""
    return f"{slugify(report.title)[:80] or 'board-report'}.{ending}"


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
    document = _with_consultations(
        document, _consultees(report), report.edits.get(CONSULTED_PARAGRAPH)
    )
    document = layouts.laid(document, layout, keep_hidden=keep_hidden)
    return with_cover(document, {name: getattr(report, name) for name in COVER_FIELDS})


def report_reference_set(*, actor: Membership, report: Report, reference: str) -> Report:
    """The board's number for the report (DIJBnn-YYYY, from the clerk), until it is approved."""
    return report_cover_set(actor=actor, report=report, reference=reference)


# The cover and close -------------------------------------------------------------------------

# Report field -> what the cover calls it (messages and history); the texts, then the dates.
COVER_TEXTS = {
    "reference": "Report number",
    "report_to": "Report to",
    "report_by": "Report by",
    "author_name": "Author's name",
    "author_designation": "Author's designation",
}
COVER_DATES = {"meeting_date": "Date of the meeting", "report_date": "Date of the report"}
COVER_FIELDS = COVER_TEXTS | COVER_DATES
# Each text's longest: the report number is the clerk's short code.
COVER_MAX = {"reference": 60} | dict.fromkeys(
    ("report_to", "report_by", "author_name", "author_designation"), 300
)
# What a new draft's "Report to" reads: the board a partnership's progress report goes to.
REPORT_TO = "Integration Joint Board"


def cover_checked(
    period_end: dt.date, values: dict[str, object], current: dict[str, object] | None = None
) -> dict[str, object]:
    """The cover's fields (COVER_FIELDS) trimmed to one line each, or a ValidationError
    naming each field that is wrong. The report is dated on or after its period ends (it
    reports a period that has ended), and the board meets on or after both; `current` holds
    the dates already set, that the ones given are checked with."""
    errors: dict[str, str] = {}
    checked: dict[str, object] = {}
    for name, value in values.items():
        if name in COVER_TEXTS:
            text = " ".join(printable(str(value or "")).split())  # one line, as printed
            if len(text) > COVER_MAX[name]:
                errors[name] = f"{COVER_TEXTS[name]} must be {COVER_MAX[name]} characters or fewer"
            checked[name] = text
        elif name in COVER_DATES:
            checked[name] = value
    dates = (current or {}) | checked
    report_date, meeting_date = dates.get("report_date"), dates.get("meeting_date")
    ended = f"{period_end.day} {period_end:%B %Y}"
    if isinstance(report_date, dt.date) and report_date < period_end:
        errors["report_date"] = (
            f"The date of the report must be on or after the period it covers ends ({ended})"
        )
    if isinstance(meeting_date, dt.date):
        if meeting_date < period_end:
            errors["meeting_date"] = (
                "The date of the meeting must be on or after the period the report covers "
                f"ends ({ended})"
            )
        elif isinstance(report_date, dt.date) and meeting_date < report_date:
            if "meeting_date" in values or "report_date" not in values:
                errors["meeting_date"] = (
                    "The date of the meeting must be on or after the date of the report "
                    f"({report_date.day} {report_date:%B %Y})"
                )
            else:  # only the report's date was given: it is the one out of order
                errors["report_date"] = (
                    "The date of the report must be on or before the meeting's "
                    f"({meeting_date.day} {meeting_date:%B %Y})"
                )
    if errors:
        raise ValidationError(errors)
    return checked


def _cover_line(name: str, value: object) -> str:
    if isinstance(value, dt.date):
        value = f"{value:%-d %B %Y}"
    return f"{COVER_FIELDS[name]}: {value or '(none)'}"


@transaction.atomic
def report_cover_set(*, actor: Membership, report: Report, **values: object) -> Report:
    """Set the cover and close (any of COVER_FIELDS; those not given keep theirs), until
    the report is approved. Recorded with what changed; the number's change as "numbered"."""
    unknown = set(values) - set(COVER_FIELDS)
    if unknown:
        raise TypeError(f"not fields of the cover: {', '.join(sorted(unknown))}")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.APPROVED:
        raise _locked(report, "have its cover changed")
    checked = cover_checked(
        report.period_end, values, {name: getattr(report, name) for name in COVER_DATES}
    )
    changed = [name for name, value in checked.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, checked[name])
    report.version += 1
    report.save(update_fields=[*changed, "version"])
    action = Action.NUMBERED if changed == ["reference"] else Action.COVERED
    _event(report, actor, action, [_cover_line(name, checked[name]) for name in changed])
    return report


def with_cover(document: BoardReport, cover: dict[str, object]) -> BoardReport:
    """The document with the cover and close (COVER_FIELDS -> values; blank ones leave the
    drafted reference as it is)."""
    return replace(
        document,
        reference=str(cover.get("reference") or document.reference),
        report_to=str(cover.get("report_to", document.report_to)),
        meeting_date=cover.get("meeting_date"),  # type: ignore[arg-type]
        report_by=str(cover.get("report_by", "")),
        author=str(cover.get("author_name", "")),
        author_designation=str(cover.get("author_designation", "")),
        date=cover.get("report_date"),  # type: ignore[arg-type]
    )


# Impact assessment, risks, direction and background papers (sections 5, 6, 8 and 9) -------

CHOICE_FIELDS = (
    "direction",
    "risks",
    "impact_assessed",
    "impact_summary",
    "impact_link",
    "background_papers",
)


def _choices_checked(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    for name, value in values.items():
        try:
            if name == "direction":
                if value not in papers.DIRECTIONS:
                    raise ValidationError(
                        {"direction": f"Choose the direction: {', '.join(papers.DIRECTIONS)}"}
                    )
                checked[name] = value
            elif name == "risks":
                checked[name] = papers.risks_checked(value)
            elif name == "background_papers":
                checked[name] = papers.papers_checked(value)
            elif name == "impact_assessed":
                checked[name] = bool(value)
            elif name == "impact_summary":
                summary = " ".join(printable(str(value or "")).split())
                if len(summary) > papers.SUMMARY_MAX:
                    raise ValidationError(
                        {
                            "impact_summary": "The outcome of the assessment must be "
                            f"{papers.SUMMARY_MAX:,} characters or fewer"
                        }
                    )
                checked[name] = summary
            elif name == "impact_link":
                checked[name] = papers.link_checked(value, "impact_link")
        except ValidationError as problem:
            for field, messages in problem.message_dict.items():
                field = "impact_link" if name == "impact_link" else field
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return checked


def _choice_line(name: str, value: Any) -> str:
    if name == "direction":
        return f"Direction: {papers.DIRECTION_LABELS[value]}"
    if name == "risks":
        return f"Risks: {len(value)}" if value else "Risks: none (not subject to a risk assessment)"
    if name == "background_papers":
        return "Background papers: " + ("; ".join(p["title"] for p in value) or "none")
    if name == "impact_assessed":
        return "Integrated impact assessment: " + ("carried out" if value else "screened")
    label = {"impact_summary": "Its outcome", "impact_link": "Its link"}[name]
    return f"{label}: {value or '(none)'}"


@transaction.atomic
def report_choices_set(*, actor: Membership, report: Report, **values: Any) -> Report:
    """Set any of CHOICE_FIELDS (those not given keep theirs) on a draft or a report in
    review; `risks` and `background_papers` are whole lists. Recorded with what changed."""
    unknown = set(values) - set(CHOICE_FIELDS)
    if unknown:
        raise TypeError(f"not choices of the report: {', '.join(sorted(unknown))}")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.APPROVED:
        raise _locked(report, "have its impact assessment, risks, direction or papers changed")
    checked = _choices_checked(report, values)
    changed = [name for name, value in checked.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, checked[name])
    report.version += 1
    report.save(update_fields=[*changed, "version"])
    _event(report, actor, Action.DECIDED, [_choice_line(name, checked[name]) for name in changed])
    return report


@transaction.atomic
def risk_add(*, actor: Membership, report: Report, risk: dict[str, Any]) -> Report:
    """One more risk at the end of section 6's table, under the report's lock (two clerks
    adding at once both keep theirs)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    checked = papers.risk_checked(risk)  # its own field names, for the page's form
    return report_choices_set(actor=actor, report=locked, risks=[*locked.risks, checked])


@transaction.atomic
def risk_remove(*, actor: Membership, report: Report, place: int, description: str) -> str:
    """Take off the risk at `place` (0 for the first) if it is still the one the clerk saw
    (`description`), under the report's lock; its words are kept in the history. Returns
    the description removed; a ValidationError if it is no longer there."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state == State.APPROVED:
        raise _locked(locked, "have its risks changed")
    risks = list(locked.risks)
    if not (0 <= place < len(risks)) or risks[place].get("description") != description:
        raise ValidationError(
            "That risk is not on the report as it was shown: it may have been removed or "
            "changed already. Nothing was removed."
        )
    removed = risks.pop(place)
    report_choices_set(actor=actor, report=locked, risks=risks)
    event = locked.events.first()
    if event is not None:
        event.changes = [*event.changes, f"Removed the risk: {removed['description']}"]
        event.save(update_fields=["changes"])
    return str(removed["description"])


def previous_report(report: Report) -> Report | None:
    """The partnership's latest approved report for an earlier period: the one the board had
    before this, that this one is compared with."""
    return (
        Report.objects.filter(
            partnership_id=report.partnership_id,
            state=State.APPROVED,
            period_end__lt=report.period_end,
            period_start__lt=report.period_start,
        )
        .exclude(pk=report.pk)
        .order_by("-period_end", "-id")
        .defer("document", "approved_template")
        .first()
    )


def report_comparison(report: Report) -> tuple[Report | None, list[compare.Moved]]:
    """The previous report and what moved from its figures to this one's."""
    before = previous_report(report)
    if before is None:
        return None, []
    stored = before.figures.get("version") if isinstance(before.figures, dict) else None
    return before, compare.compare(
        frozen.figures_from_json(before.figures),
        frozen.figures_from_json(report.figures),
        completions_known=isinstance(stored, int) and stored >= frozen.COMPLETIONS_SINCE,
    )


def previous_reports(report: Report) -> list[str]:
    """The partnership's approved reports for earlier periods, latest first, named as 9.1
    would list them: what the clerk is offered as background papers."""
    earlier = (
        Report.objects.filter(
            partnership_id=report.partnership_id,
            state=State.APPROVED,
            period_end__lt=report.period_end,
        )
        .exclude(pk=report.pk)
        .order_by("-period_end", "-id")
    )
    approved = dict(
        ReportEvent.objects.filter(report__in=earlier, action=Action.APPROVED)
        .order_by("at")
        .values_list("report_id", "at")
    )
    return [
        papers.previous_report_paper(
            found.title,
            found.reference,
            timezone.localdate(approved[found.pk]) if found.pk in approved else None,
        )
        for found in earlier[:10]
    ]


# Consultations ----------------------------------------------------------------------------

# Section 7, and its paragraph that names who was consulted.
CONSULTED_SECTION, CONSULTED_PARAGRAPH = "7", "7.1"


def _consulted_on(consultation: Consultation) -> str:
    return f"{consultation.consultee} (consulted {consultation.consulted_on:%-d %B %Y})"


def _with_consultations(
    document: BoardReport, consultees: list[str], edited: str | None
) -> BoardReport:
    """Section 7 from the consultations recorded. The steering group's own words for 7.1,
    if they have edited it, win (they are never overwritten); the consultees then follow as
    the paragraph's bullets, so the report always names who was recorded as consulted."""

    def paragraph(p: Paragraph) -> Paragraph:
        if p.ident != CONSULTED_PARAGRAPH:
            return p
        if edited is None:
            return replace(p, text=consultations_sentence(consultees))
        return replace(p, text=edited, bullets=list(consultees))

    return replace(
        document,
        sections=[
            replace(s, paragraphs=[paragraph(p) for p in s.paragraphs])
            if s.number == CONSULTED_SECTION
            else s
            for s in document.sections
        ],
    )


def _consultees(report: Report) -> list[str]:
    """In the order recorded: the order the group want them named in."""
    return list(report.consultations.order_by("id").values_list("consultee", flat=True))


def _consultation_checked(
    report: Report, consultee: str, consulted_on: dt.date | None
) -> tuple[str, dt.date]:
    """The consultee, trimmed, and the date, or a ValidationError naming each field that is
    wrong. The date is on or after the period starts (a consultation on a report for a period
    yet to begin is a mistyped year) and not in the future; it may fall before the draft was
    made here, as groups are often consulted on a paper draft first."""
    errors: dict[str, str] = {}
    consultee = consultee.strip()
    if not consultee:
        errors["consultee"] = "Enter who was consulted"
    elif len(consultee) > 300:
        errors["consultee"] = "Who was consulted must be 300 characters or fewer"
    if consulted_on is None:
        errors["consulted_on"] = "Enter the date they were consulted"
    elif consulted_on > today():
        errors["consulted_on"] = "The date they were consulted cannot be in the future"
    elif consulted_on < report.period_start:
        errors["consulted_on"] = (
            "The date they were consulted cannot be before the period the report covers "
            f"starts ({report.period_start:%-d %B %Y})"
        )
    if errors or consulted_on is None:
        raise ValidationError(errors)
    return consultee, consulted_on


def _consultations_open(report: Report) -> Report:
    """The report, locked for the change; consultations happen while it is drafted and while
    the steering group reviews it, and stop when it is approved."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.APPROVED:
        raise _locked(report, "have its consultations changed")
    return report


def _consultation_event(report: Report, actor: Membership, action: str, line: str) -> None:
    # An edit of section 7 begun before this change is shown it rather than saved over it.
    report.version += 1
    report.save(update_fields=["version"])
    _event(report, actor, action, [line])


@transaction.atomic
def consultation_add(
    *, actor: Membership, report: Report, consultee: str, consulted_on: dt.date | None
) -> Consultation:
    """Record who was consulted (a group or a post) and when, on a draft or a report in
    review; section 7 of the report names them."""
    consultee, on = _consultation_checked(report, consultee, consulted_on)
    report = _consultations_open(report)
    consultation = Consultation.objects.create(
        report=report,
        consultee=consultee,
        consulted_on=on,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _consultation_event(report, actor, Action.CONSULTED, _consulted_on(consultation))
    return consultation


@transaction.atomic
def consultation_remove(*, actor: Membership, report: Report, consultation: Consultation) -> None:
    """Take a consultation off a draft or a report in review (recorded by mistake, say)."""
    report = _consultations_open(report)
    if consultation.report_id != report.pk:
        raise ValidationError("That consultation is not recorded on this report.")
    # Under the report's lock: of two removals at once, the second finds it gone and
    # records nothing.
    removed, _ = Consultation.objects.filter(pk=consultation.pk, report=report).delete()
    if removed:
        _consultation_event(report, actor, Action.UNCONSULTED, _consulted_on(consultation))


def report_section(report: Report, number: str, *, keep_hidden: bool = False) -> Section | None:
    """The section or subsection `number` ("4.2") of the report as it reads now (with the
    paragraphs left out, numbered "", if `keep_hidden`)."""
    return section_of(report_document(report, keep_hidden=keep_hidden), number)


class EditConflict(Exception):
    """Someone saved the report since this edit read it: nothing was written."""

    def __init__(self, current: Report, event: ReportEvent | None) -> None:
        super().__init__("The report was saved by someone else since it was opened")
        self.current = current
        self.event = event


# The most a paragraph's words may run to, in the browser and through the API.
PARAGRAPH_MAX = 10_000


# The most own paragraphs a section may have.
OWN_MAX = 20


def _layout_problems(
    section: Section,
    texts: dict[str, str],
    hidden: list[str] | None,
    order: list[str] | None,
    added: list[str],
    removed: list[str],
    already_hidden: list[str],
) -> dict[str, str]:
    """What is wrong with a section's edit, by paragraph ident ("new" for an added one,
    "order" for the order, "hidden" for what is left out); empty if nothing is. A reference
    to a paragraph the section does not have raises at once, naming the field."""
    idents = [p.ident for p in section.paragraphs]
    own = [ident for ident in idents if ident.startswith(layouts.OWN)]
    errors: dict[str, str] = {}
    for field, given in (("paragraphs", list(texts)), ("hidden", hidden or []),
                         ("order", order or []), ("removed", removed)):  # fmt: skip
        unknown = [ident for ident in given if ident not in idents]
        if unknown:
            raise ValidationError(
                {field: f"Section {section.number} has no paragraph {', '.join(unknown)}."}
            )
    drafted = [ident for ident in removed if ident not in own]
    if drafted:
        raise ValidationError(
            {
                "removed": f"Paragraph {', '.join(drafted)} of section {section.number} was "
                "drafted from the figures: leave it out instead of removing it."
            }
        )
    left_out = set(hidden or []) | set(removed)
    names = {p.ident: p.number or p.ident for p in section.paragraphs}
    for ident, text in texts.items():
        if not text.strip() and ident not in left_out:
            errors[ident] = f"Enter the words of paragraph {names[ident]}, or leave it out"
    for n, text in enumerate(added):
        if not text.strip():
            errors[f"new{n}"] = "Enter the new paragraph's words"
        elif len(text) > PARAGRAPH_MAX:
            errors[f"new{n}"] = f"A paragraph must be {PARAGRAPH_MAX:,} characters or fewer"
    if len(own) - len(removed) + len(added) > OWN_MAX:
        errors["new0"] = f"A section can have at most {OWN_MAX} paragraphs of your own"
    if order is not None and sorted(order) != sorted(idents):
        errors["order"] = "Give every paragraph of the section a place, each once"
    # A section of the board's paper always says something: its heading alone would not.
    out = (set(hidden) if hidden is not None else set(already_hidden)) | set(removed)
    if idents and not added and all(ident in out for ident in idents):
        errors["hidden"] = (
            f"Keep at least one paragraph of section {section.number} in the report: its "
            "heading alone would tell the board nothing"
        )
    return errors


@transaction.atomic
def report_section_edit(
    *,
    actor: Membership,
    report: Report,
    number: str,
    texts: dict[str, str],
    version: int,
    hidden: list[str] | None = None,
    order: list[str] | None = None,
    added: list[str] | None = None,
    removed: list[str] | None = None,
) -> Report:
    """Save one section from the version the editor read: the words of its paragraphs
    (Paragraph.ident -> text), and, if given, which are left out (`hidden`: all of the
    section's, replacing the last choice), their order (every ident once), paragraphs of the
    clerk's own added (`added`, at the end unless the order places them) and own ones
    removed. A draft only; a stale version is refused (EditConflict) and nothing is written;
    an empty paragraph that is shown is refused. Recorded with before and after."""
    if report.state != State.DRAFT:
        raise _locked(report, "be edited")
    section = report_section(report, number, keep_hidden=True)
    if section is None:
        raise ValidationError(f"The report has no section {number}.")
    added, removed = list(added or []), list(removed or [])
    errors = _layout_problems(
        section, texts, hidden, order, added, removed, layouts.read(report.layout)["hidden"]
    )
    if errors:
        raise ValidationError(errors)
    current = {p.ident: p.text for p in section.paragraphs}
    shown = report_section(report, number)
    numbers = {p.ident: p.number for p in shown.paragraphs} if shown else {}
    # The first statement: the version check, so two saves never both succeed.
    claimed = Report.objects.filter(pk=report.pk, version=version, state=State.DRAFT).update(
        version=version + 1
    )
    if not claimed:
        latest = Report.objects.get(pk=report.pk)
        if latest.state != State.DRAFT:
            raise _locked(latest, "be edited")
        raise EditConflict(latest, latest.events.first())
    report.refresh_from_db()
    # The drafted words; 7.1's are drafted from the consultations (saving those words
    # again hands the paragraph back to them).
    own = section_of(
        _with_consultations(frozen.document_from_json(report.document), _consultees(report), None),
        number,
    )
    drafted = {p.ident: p.text for p in own.paragraphs} if own else {}
    edited: dict[str, list[str]] = {}
    edits = dict(report.edits)
    for n, text in texts.items():
        text = text.strip()
        if text == current[n] or n in removed:
            continue
        edited[numbers.get(n) or n] = [current[n], text]
        if text == drafted.get(n):
            edits.pop(n, None)  # back to the draft's own words
        else:
            edits[n] = text
    for n in removed:  # kept in the history, so a box ticked by mistake loses nothing
        edited[numbers.get(n) or n] = [current[n], ""]
    layout = layouts.read(report.layout)
    changes = _layout_changes(layout, section, numbers, edits, hidden, order, added, removed)
    if edited or changes:
        report.edits, report.layout = edits, layout
        report.save(update_fields=["edits", "layout"])
        ReportEvent.objects.create(
            report=report,
            at=timezone.now(),
            by=actor,
            by_name=_name(actor),
            action=Action.EDITED,
            changes=[f"Paragraph {which} edited" for which in edited] + changes,
            edited=edited,
        )
    return report


def _layout_changes(
    layout: dict,
    section: Section,
    numbers: dict[str, str],
    edits: dict[str, str],
    hidden: list[str] | None,
    order: list[str] | None,
    added: list[str],
    removed: list[str],
) -> list[str]:
    """Lay the section's edit into `layout` and `edits` (both changed in place); the lines
    of what changed, for the history."""
    changes = []
    # As the clerk knows them: by number, or (one left out, so numberless) by its opening.
    named = {
        p.ident: numbers.get(p.ident)
        or f"“{p.text[:40].rstrip()}{'…' if len(p.text) > 40 else ''}”"
        for p in section.paragraphs
    }
    for ident in removed:
        layout["own"].pop(ident, None)
        edits.pop(ident, None)
        changes.append(f"Removed paragraph {named[ident]}")
    # A removed paragraph is out of the hidden list too, so its ident, never given again
    # (layouts.next_own counts on), leaves nothing behind.
    layout["hidden"] = [ident for ident in layout["hidden"] if ident not in removed]
    new = []
    for text in added:
        ident = layouts.next_own(layout)
        layout["own"][ident] = section.number
        edits[ident] = text.strip()
        new.append(ident)
        changes.append(f"Added a paragraph to section {section.number}")
    if hidden is not None:
        idents = {p.ident for p in section.paragraphs}
        before = set(layout["hidden"]) & idents
        after = set(hidden) - set(removed)
        changes += [f"Left out paragraph {named[i]}" for i in sorted(after - before)]
        changes += [f"Brought back paragraph {named[i]}" for i in sorted(before - after)]
        layout["hidden"] = sorted((set(layout["hidden"]) - idents) | after)
    if order is not None:
        kept = [ident for ident in order if ident not in removed]
        was = [p.ident for p in section.paragraphs if p.ident not in removed]
        if kept != was:
            changes.append(f"Changed the order of section {section.number}")
        layout["order"][section.number] = kept + new
    elif removed and section.number in layout["order"]:
        layout["order"][section.number] = [
            ident for ident in layout["order"][section.number] if ident not in removed
        ]
    return changes


def section_of(document: BoardReport, number: str) -> Section | None:
    """The section or subsection `number` of a document, or None."""
    waiting = list(document.sections)
    while waiting:
        section = waiting.pop(0)
        if section.number == number:
            return section
        waiting.extend(section.subsections)
    return None


# A partnership's Word template ------------------------------------------------------------

TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
# What each placeholder (render.PLACEHOLDERS) is replaced by, for the template page.
PLACEHOLDER_MEANINGS = {
    "title": "the report's title",
    "reference": "the report number the board gave it (“To be given by the board's clerk” "
    "until the clerk gives it)",
    "body": "the report itself: every section with its numbered paragraphs, tables and "
    "charts; it must be alone in its own paragraph",
    "partnership": "the partnership's name",
    "period": "the period the report covers, for example 1 December 2021 to 30 June 2022",
    "report_to": "who the report goes to, for example Integration Joint Board (blank if not set)",
    "meeting_date": "the date of the board's meeting, for example 24 August 2022 (blank if "
    "not set)",
    "meeting": "who the report goes to and the meeting's date as one line, for example "
    "Integration Joint Board – 24 August 2022",
    "report_by": "who presents the report, for example Chief Officer (blank if not set)",
    "author": "the author's name, printed at the end (blank if not set)",
    "author_designation": "the author's designation, for example Lead Officer, Protecting "
    "People (blank if not set)",
    "date": "the report's date, for example 1 August 2022 (blank if not set)",
}
# Unpacked, a .docx larger than this is not a letterhead: a zip made to fill the server.
_TEMPLATE_MAX_UNPACKED = 50 * 1024 * 1024
_NOT_WORD = "The file is not a Word document (.docx): "
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _placeholder_list(names: list[str]) -> str:
    return ", ".join(renderers.PLACEHOLDERS[name] for name in names)


def _sample_report() -> BoardReport:
    """A small report with one of everything the body writes (headings at three levels,
    a numbered paragraph, bullets, a table, a chart), for the trial render at upload."""
    table = Table(caption="Sample table", header=["Level", "Coverage"], rows=[["Informed", "1"]])
    chart = Chart(
        title="Sample chart",
        alt="Bar chart: a sample",
        kind="bar",
        labels=["Informed"],
        series={"Coverage": [1.0]},
        unit="%",
        table=table,
    )
    paragraph = Paragraph("1.1.1", "Sample & <text>", bullets=["One"], tables=[table])
    inner = Section(number="1.1.1", title="Sample", paragraphs=[paragraph])
    return BoardReport(
        reference="DIJB1-2000",
        title="Sample & title",
        partnership="Sample partnership",
        period_start=dt.date(2000, 1, 1),
        period_end=dt.date(2000, 6, 30),
        author="Sample Author",
        date=dt.date(2000, 7, 1),
        report_to="Sample Board",
        meeting_date=dt.date(2000, 8, 1),
        report_by="Chief Officer",
        author_designation="Lead Officer",
        sections=[
            Section(
                number="1",
                title="SAMPLE",
                paragraphs=[Paragraph("1.1", "Sample", charts=[chart])],
                subsections=[Section(number="1.1", title="Sample", subsections=[inner])],
            )
        ],
    )


def _word_document(content: bytes):  # type: ignore[no-untyped-def]
    """The upload opened as a Word document, or a ValidationError saying why it is not one."""
    if not content:
        raise ValidationError(_NOT_WORD + "the file is empty.")
    if len(content) > TEMPLATE_MAX_BYTES:
        raise ValidationError(
            f"The template must be smaller than {TEMPLATE_MAX_BYTES // (1024 * 1024)} MB: "
            f"this file is {len(content) / (1024 * 1024):.1f} MB."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if sum(info.file_size for info in package.infolist()) > _TEMPLATE_MAX_UNPACKED:
                raise ValidationError(
                    _NOT_WORD + "it unpacks to far more than a Word document does."
                )
            if "word/document.xml" not in package.namelist():
                raise ValidationError(_NOT_WORD + "it is a zip file with no Word document inside.")
            _package_check(package)
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError(
            _NOT_WORD + "it could not be opened as one. Save it from Word as a Word Document."
        ) from None
    try:
        return Document(io.BytesIO(content))
    except ValueError as problem:  # python-docx names the content type it found
        if "template" in str(problem):
            raise ValidationError(
                _NOT_WORD + "it is a Word template (.dotx). Open it in Word and save it as "
                "a Word Document (.docx)."
            ) from None
        if "macroEnabled" in str(problem):
            raise ValidationError(
                _NOT_WORD + "it is a macro-enabled document (.docm). Save it from Word as a "
                "Word Document (.docx), without macros."
            ) from None
        raise ValidationError(_NOT_WORD + "Word could not read its contents.") from None
    except Exception:  # noqa: BLE001 (a damaged package: python-docx's and lxml's errors vary)
        raise ValidationError(_NOT_WORD + "its contents are damaged.") from None


# The parts docxtpl fills (the text, headers, footers, footnotes): a letterhead's are tens of
# kilobytes. Every report's download fills them again, so their size is bounded well below
# what would keep the server busy for seconds.
_TEMPLATE_MAX_TEXT = 1024 * 1024
_FILLED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*>")


def _package_check(package: zipfile.ZipFile) -> None:
    """Refuse what Word does not write and a template must not carry: declarations of
    entities or document types (XML's way to expand a little into a lot), links to files
    outside the document other than hyperlinks (every report would carry them to every
    reader: an attached .dotx on a network share gives away who opened it), and more text
    than a letterhead has."""
    filled = 0
    for info in package.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        data = package.read(info)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ValidationError(
                _NOT_WORD + f"its part {info.filename} declares XML entities, which Word "
                "does not write. Save it from Word as a Word Document."
            )
        if _FILLED_PART.fullmatch(info.filename):
            filled += len(data)
        for relation in _EXTERNAL.findall(data) if info.filename.endswith(".rels") else []:
            if b'TargetMode="External"' in relation and not re.search(
                rb'Type="[^"]*/hyperlink"', relation
            ):
                raise ValidationError(
                    "The template links to a file outside itself (for example a Word "
                    "template on a network drive), which every report would carry to "
                    "its readers. In Word, remove the link (File > Options > Add-ins > "
                    "Templates, or Edit Links to Files) and upload it again."
                )
    if filled > _TEMPLATE_MAX_TEXT:
        raise ValidationError(
            "The template's text, headers and footers come to more than a letterhead's "
            f"({filled / (1024 * 1024):.1f} MB of Word's markup; the most is "
            f"{_TEMPLATE_MAX_TEXT // (1024 * 1024)} MB). A template holds the letterhead and "
            "the placeholders; the report writes the rest."
        )


def template_check(content: bytes) -> None:
    """Raise a ValidationError saying what is wrong with a Word template, if anything: not a
    Word document, its placeholders unreadable, required ones missing or unknown ones, or
    the report failing to be written into it. Nothing is saved; the caller saves after."""
    document = _word_document(content)
    try:
        names = _placeholders(document)
    except (etree.XMLSyntaxError, ValueError):
        raise ValidationError(_NOT_WORD + "its contents are damaged.") from None
    except TemplateSyntaxError as problem:
        raise ValidationError(
            "The template's placeholders cannot be read: "
            f"{problem.message} (on the line with “{_line_of(problem)}”). Placeholders are "
            "written in double curly brackets, like {{ title }}; check the brackets and "
            "quotation marks around them."
        ) from None
    unknown = sorted(names - set(renderers.PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            "The template has placeholders TIP Tracker cannot fill (they would print nothing): "
            f"{', '.join(f'{{{{ {name} }}}}' for name in unknown)}. The placeholders it can "
            f"fill are {_placeholder_list(list(renderers.PLACEHOLDERS))}."
        )
    missing = [name for name in renderers.REQUIRED_PLACEHOLDERS if name not in names]
    where = _body_placeholder(document)
    if where != "ok" and "body" not in missing:
        missing.append("body")
    if missing:
        extra = (
            " The body must be written {{p body }}, with the p, alone in its own paragraph."
            if where == "misplaced"
            else ""
        )
        raise ValidationError(
            f"The template lacks these placeholders: {_placeholder_list(missing)}.{extra}"
        )
    try:
        written = renderers.report_docx(_sample_report(), template=content)
        Document(io.BytesIO(written))
    except Exception as problem:  # noqa: BLE001 (the board report would fail the same way)
        raise ValidationError(
            f"A report could not be written into this template: {str(problem).rstrip('.')}. "
            "Check its "
            "placeholders, or start again from the default template."
        ) from None


def _placeholders(document) -> set[str]:  # type: ignore[no-untyped-def]
    """The names the template's placeholders use, in its body, headers, footers and
    footnotes, read as docxtpl reads them when it renders (one line per paragraph, so an
    error has a place)."""
    template = DocxTemplate(io.BytesIO())
    parts = [document.element.body]
    parts += [
        parse_xml(rel.target_part.blob)
        for rel in document.part.rels.values()
        if rel.reltype in (template.HEADER_URI, template.FOOTER_URI) and rel.target_part.blob
    ]
    parts += [
        parse_xml(part.blob)
        for part in document.part.package.parts
        if part.content_type == _FOOTNOTES and part.blob
    ]
    xml = "".join(template.patch_xml(template.xml_to_string(part)) for part in parts)
    parsed = renderers.TemplateEnvironment().parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
    beyond = sorted(
        {
            _NOT_ALLOWED.get(type(node), "other template code")
            for node in parsed.find_all(nodes.Node)
            if not isinstance(node, _ALLOWED)
        }
    )
    if beyond:
        raise ValidationError(
            "The template can hold only placeholders, like {{ title }}, and {% if %} blocks: "
            f"it has {' and '.join(beyond)}. Take them out and upload it again."
        )
    return meta.find_undeclared_variables(parsed)


# All a template may hold: text, placeholders, and {% if %} blocks with their comparisons.
# Anything else (a loop, a filter, arithmetic, a call) could print blank, fail at the board's
# deadline, or keep the server busy on every download; listed as allowed, not as refused, so
# that nothing Jinja adds later slips through.
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
)
# How the message names some of what is not allowed.
_NOT_ALLOWED = {
    nodes.Filter: "a filter, with a |",
    nodes.Test: "a test, with is",
    nodes.Concat: "joining with ~",
    nodes.Getattr: "a placeholder with a dot in it",
    nodes.Getitem: "a placeholder with square brackets",
    nodes.Call: "a call, with round brackets",
    nodes.For: "a {% for %} loop",
    nodes.Macro: "a {% macro %}",
    nodes.Assign: "a {% set %}",
    nodes.AssignBlock: "a {% set %}",
    nodes.Include: "an {% include %}",
    nodes.Import: "an {% import %}",
    nodes.FromImport: "an {% import %}",
    nodes.Extends: "an {% extends %}",
    nodes.Mul: "arithmetic",
    nodes.Pow: "arithmetic",
    nodes.Add: "arithmetic",
    nodes.Sub: "arithmetic",
    nodes.Div: "arithmetic",
    nodes.FloorDiv: "arithmetic",
    nodes.Mod: "arithmetic",
}


_BODY = re.compile(r"\{\{p\s+body\s*\}\}")
_ANY_BODY = re.compile(r"\{\{[a-z]?\s*body\b")


def _body_placeholder(document) -> str:  # type: ignore[no-untyped-def]
    """'ok' if the body's placeholder is written as it must be ({{p body }} in a paragraph
    of the document's own text), 'misplaced' if body appears otherwise, 'missing' if not."""
    texts = [p.text for p in document.paragraphs]
    texts += [
        p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    if any(_BODY.search(text) for text in texts):
        return "ok"
    if any(_ANY_BODY.search(text) for text in texts):
        return "misplaced"
    return "missing"


def _line_of(problem: TemplateSyntaxError) -> str:
    """The words of the template near a Jinja syntax error (its lines are the XML's)."""
    source = (problem.source or "").splitlines()
    if not problem.lineno or problem.lineno > len(source):
        return ""
    return re.sub(r"<[^>]+>", "", source[problem.lineno - 1]).strip()[:80]


def report_template_upload(*, actor: Membership, upload: UploadedFile) -> ReportTemplate:
    """The actor's partnership's own Word template for its board reports, replacing any
    before it, once template_check passes. A refused file changes nothing."""
    content = upload.read(TEMPLATE_MAX_BYTES + 1)
    # Shown on the page and sent back as a download's name: no control characters.
    filename = printable(Path(upload.name or "template.docx").name).strip()[-255:]
    if not filename.lower().endswith(".docx"):
        raise ValidationError(
            _NOT_WORD + f"{filename} does not end in .docx. Save it from Word as a Word Document."
        )
    template_check(content)  # before any write: the trial render takes a moment
    saved, _ = ReportTemplate.objects.update_or_create(
        partnership_id=actor.partnership_id,
        defaults={
            "content": content,
            "filename": filename,
            "uploaded_at": timezone.now(),
            "uploaded_by": actor,
        },
    )
    return saved


@transaction.atomic
def report_template_remove(*, actor: Membership) -> bool:
    """Back to the product's default template; False if the partnership had none."""
    removed, _ = ReportTemplate.objects.filter(partnership_id=actor.partnership_id).delete()
    return bool(removed)


def report_word(report: Report) -> bytes:
    """The report as Word, written into the partnership's own template if it has one (an
    approved report: the one it was approved in). Every template is tried at upload, so one
    failing here is rare; if it does, the message says so plainly rather than a server
    error, and the default template is not silently used in its place (the board would
    receive a report in the wrong house style)."""
    return word_in_template(report_document(report), _template_of(report), report.partnership_id)


def _template_of(report: Report) -> bytes | None:
    if report.state == State.APPROVED:
        return bytes(report.approved_template) if report.approved_template else None
    return report_template_for(report.partnership_id)


def word_in_template(document: BoardReport, template: bytes | None, partnership_id: int) -> bytes:
    """`document` as Word in `template` (None: the default), a failure in plain words."""
    if template is None:
        return renderers.report_docx(document)
    try:
        return renderers.report_docx(document, template=template)
    except Exception as problem:  # noqa: BLE001 (docxtpl's and Jinja's errors vary)
        logger.warning("Partnership %s: its Word template failed: %r", partnership_id, problem)
        raise ValidationError(
            "This report could not be written into your partnership's Word template "
            f"({str(problem).rstrip('.')}). Upload a corrected template, or remove it to use "
            "the default; the PDF and web page versions are not affected."
        ) from None


def report_template_for(partnership_id: int) -> bytes | None:
    """The partnership's own template, or None for the default."""
    content = (
        ReportTemplate.objects.filter(partnership_id=partnership_id)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None
