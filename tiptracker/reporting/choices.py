"""The clerk's choices for sections 5, 6, 8 and 9 (the impact assessment, the risks, the
direction, the background papers): checked by papers.py, stored on the report, recorded in
its history. Risks are added and removed one at a time under the report's lock."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tiptracker.lib.exports import one_line
from tiptracker.partnerships.models import Membership
from tiptracker.reporting import papers
from tiptracker.reporting.models import Report, ReportEvent
from tiptracker.reporting.states import Action, State, locked_error, record_event

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
                summary = one_line(str(value or ""))
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
        raise locked_error(report, "have its impact assessment, risks, direction or papers changed")
    checked = _choices_checked(report, values)
    changed = [name for name, value in checked.items() if getattr(report, name) != value]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, checked[name])
    report.version += 1
    report.save(update_fields=[*changed, "version"])
    record_event(
        report, actor, Action.DECIDED, [_choice_line(name, checked[name]) for name in changed]
    )
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
        raise locked_error(locked, "have its risks changed")
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
