"""A board report's life: drafted from the period's figures (frozen), refreshed on purpose
(saying what changed), sent for review, returned, approved (locked); compared with the one
before. Every write records a ReportEvent in the same transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tiptracker.lib.dates import today
from tiptracker.partnerships.models import Membership
from tiptracker.reporting import compare, frozen
from tiptracker.reporting.cover import REPORT_TO
from tiptracker.reporting.document import BoardReport
from tiptracker.reporting.draft import report_draft
from tiptracker.reporting.gather import report_figures
from tiptracker.reporting.models import Report
from tiptracker.reporting.states import DONE, TRANSITIONS, Action, State, locked_error, record_event
from tiptracker.reporting.word_template import report_template_for


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
    record_event(report, actor, Action.CREATED)
    return report


@transaction.atomic
def report_refresh(*, actor: Membership, report: Report) -> list[str]:
    """Take the period's figures again, on purpose, for a draft; returns what changed (also
    kept in the report's history). The document is drafted again from the new figures."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != State.DRAFT:
        raise locked_error(report, "have its figures refreshed")
    old = frozen.figures_from_json(report.figures)
    figures, document = _drafted(
        report.partnership_id, report.period_start, report.period_end, report.title
    )
    changes = frozen.figures_changes(old, frozen.figures_from_json(figures))
    report.figures, report.document = figures, frozen.document_to_json(document)
    report.figures_taken_at = timezone.now()
    report.version += 1  # an edit begun before the refresh is shown what it changed
    report.save(update_fields=["figures", "document", "figures_taken_at", "version"])
    record_event(report, actor, Action.REFRESHED, changes or ["Nothing changed."])
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
    record_event(report, actor, action)
    return report


def report_filename(report: Report, ending: str) -> str:
    """The name a download gets: the report's title, made safe for a file name."""
    return f"{slugify(report.title)[:80] or 'board-report'}.{ending}"


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
