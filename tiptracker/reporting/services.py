"""Writes for board reports: create (freezing the figures), refresh a draft's figures (saying
what changed), and the named transitions draft -> in review -> approved. Every write records
a ReportEvent in the same transaction. An approved report is locked: nothing here changes it.
"""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tiptracker.accounts.services import user_name
from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Membership
from tiptracker.reporting import frozen
from tiptracker.reporting.document import BoardReport, Section
from tiptracker.reporting.draft import report_draft
from tiptracker.reporting.figures import report_figures
from tiptracker.reporting.models import Report, ReportEvent

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
    report.save(update_fields=["state", "version"])
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


def report_document(report: Report) -> BoardReport:
    """The report as the renderers take it: the frozen document with the steering group's
    words laid over its paragraphs, and the board's number once the clerk has given it."""
    document = _with_edits(frozen.document_from_json(report.document), report.edits)
    return replace(document, reference=report.reference) if report.reference else document


@transaction.atomic
def report_reference_set(*, actor: Membership, report: Report, reference: str) -> Report:
    """The board's number for the report (DIJBnn-YYYY, from the clerk), until it is approved."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state == State.APPROVED:
        raise _locked(report, "have its number changed")
    reference = reference.strip()
    if len(reference) > 60:
        raise ValidationError({"reference": "The report number must be 60 characters or fewer"})
    if reference != report.reference:
        report.reference = reference
        report.version += 1
        report.save(update_fields=["reference", "version"])
        ReportEvent.objects.create(
            report=report,
            at=timezone.now(),
            by=actor,
            by_name=_name(actor),
            action=Action.NUMBERED,
            changes=[f"Report number: {reference or '(none)'}"],
        )
    return report


def report_section(report: Report, number: str) -> Section | None:
    """The section or subsection `number` ("4.2") of the report as it reads now."""
    return section_of(report_document(report), number)


class EditConflict(Exception):
    """Someone saved the report since this edit read it: nothing was written."""

    def __init__(self, current: Report, event: ReportEvent | None) -> None:
        super().__init__("The report was saved by someone else since it was opened")
        self.current = current
        self.event = event


@transaction.atomic
def report_section_edit(
    *, actor: Membership, report: Report, number: str, texts: dict[str, str], version: int
) -> Report:
    """Save the words of one section's paragraphs (Paragraph.ident -> text), from the
    version the editor read. A draft only; a stale version is refused (EditConflict) and
    nothing is written; an empty paragraph is refused. Recorded with before and after."""
    if report.state != State.DRAFT:
        raise _locked(report, "be edited")
    section = report_section(report, number)
    if section is None:
        raise ValidationError(f"The report has no section {number}.")
    current = {p.ident: p.text for p in section.paragraphs}
    numbers = {p.ident: p.number for p in section.paragraphs}
    errors = {n: "Enter the paragraph's words" for n, t in texts.items() if not t.strip()}
    unknown = set(texts) - set(current)
    if unknown:
        raise ValidationError(f"Section {number} has no paragraph {', '.join(sorted(unknown))}.")
    if errors:
        raise ValidationError(errors)
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
    own = section_of(frozen.document_from_json(report.document), number)
    drafted = {p.ident: p.text for p in own.paragraphs} if own else {}
    edited: dict[str, list[str]] = {}
    edits = dict(report.edits)
    for n, text in texts.items():
        text = text.strip()
        if text == current[n]:
            continue
        edited[numbers[n]] = [current[n], text]
        if text == drafted.get(n):
            edits.pop(n, None)  # back to the draft's own words
        else:
            edits[n] = text
    if edited:
        report.edits = edits
        report.save(update_fields=["edits"])
        ReportEvent.objects.create(
            report=report,
            at=timezone.now(),
            by=actor,
            by_name=_name(actor),
            action=Action.EDITED,
            changes=[f"Paragraph {which} edited" for which in edited],
            edited=edited,
        )
    return report


def section_of(document: BoardReport, number: str) -> Section | None:
    """The section or subsection `number` of a document, or None."""
    waiting = list(document.sections)
    while waiting:
        section = waiting.pop(0)
        if section.number == number:
            return section
        waiting.extend(section.subsections)
    return None
