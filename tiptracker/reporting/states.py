"""Board reports' states and history: the named transitions draft -> in review -> approved,
the event every write records, and the refusal a locked report gives."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from tiptracker.lib.users import user_name
from tiptracker.partnerships.models import Membership
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


def actor_name(actor: Membership) -> str:
    return user_name(actor.user)


def record_event(
    report: Report, actor: Membership, action: str, changes: list[str] | None = None
) -> None:
    ReportEvent.objects.create(
        report=report,
        at=timezone.now(),
        by=actor,
        by_name=actor_name(actor),
        action=action,
        changes=changes or [],
    )


def locked_error(report: Report, what: str) -> ValidationError:
    if report.state == State.APPROVED:
        return ValidationError(f"This report is approved, so it is locked: it cannot {what}.")
    return ValidationError(f"This report is in review: return it to draft before it can {what}.")
