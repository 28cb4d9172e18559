"""Who was consulted in preparing a report (section 7), recorded on a draft or a report in
review; paragraph 7.1 is drafted from them unless the group has written its own words."""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Membership
from tiptracker.reporting.document import BoardReport, Paragraph
from tiptracker.reporting.draft import consultations_sentence
from tiptracker.reporting.models import Consultation, Report
from tiptracker.reporting.states import Action, State, locked_error, record_event

# Consultations ----------------------------------------------------------------------------

# Section 7, and its paragraph that names who was consulted.
CONSULTED_SECTION, CONSULTED_PARAGRAPH = "7", "7.1"


def _consulted_on(consultation: Consultation) -> str:
    return f"{consultation.consultee} (consulted {consultation.consulted_on:%-d %B %Y})"


def with_consultations(
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


def consultees_of(report: Report) -> list[str]:
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
        raise locked_error(report, "have its consultations changed")
    return report


def _consultation_event(report: Report, actor: Membership, action: str, line: str) -> None:
    # An edit of section 7 begun before this change is shown it rather than saved over it.
    report.version += 1
    report.save(update_fields=["version"])
    record_event(report, actor, action, [line])


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
