"""Editing one section of a draft: its paragraphs' words, the clerk's own paragraphs, those
left out and their order, saved from the version read (no lost updates)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.partnerships.models import Membership
from tiptracker.reporting import frozen
from tiptracker.reporting import layout as layouts
from tiptracker.reporting.consultations import consultees_of, with_consultations
from tiptracker.reporting.document import Section
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.reporting.paper import report_section, section_of
from tiptracker.reporting.states import Action, State, actor_name, locked_error


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
        raise locked_error(report, "be edited")
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
            raise locked_error(latest, "be edited")
        raise EditConflict(latest, latest.events.first())
    report.refresh_from_db()
    # The drafted words; 7.1's are drafted from the consultations (saving those words
    # again hands the paragraph back to them).
    own = section_of(
        with_consultations(frozen.document_from_json(report.document), consultees_of(report), None),
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
            by_name=actor_name(actor),
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
