"""Drafting the implementation plan's paragraphs: its progress in 4.2 (every action counted
by its status, what was completed, what is at risk and why) and the next steps of 4.3 (the
plan's priorities for the coming financial year).
"""

from collections.abc import Callable

from tiptracker.lib.dates import long_date
from tiptracker.reporting.document import Paragraph
from tiptracker.reporting.draft_words import Numbers, and_list, count
from tiptracker.reporting.figures import ReportFigures

_day = long_date


def plan(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    plan = f.plan
    if plan is None or not plan.actions:
        return [p("No implementation plan is recorded for the partnership yet.")]
    # Every action counted once, by its status; a status no action has is left out.
    statuses = [
        (plan.completed, "complete"),
        (plan.on_track, "on track"),
        (plan.at_risk, "at risk"),
        (plan.off_track, "off track"),
        (plan.not_started, "not started"),
        (plan.cancelled, "cancelled"),
    ]
    held = [f"{n:,} {label}" for n, label in statuses if n]
    if len(held) == 1:
        held = [f"all {held[0].split(' ', 1)[1]}"] if plan.actions > 1 else held
    overdue = (
        "none was overdue"
        if plan.overdue == 0
        else f"{count(plan.overdue, 'action was', 'actions were')} overdue"
    )
    text = (
        f"The Trauma Steering Group implementation plan is a collaborative and evolving "
        f"document. On {_day(f.end)} it held {count(plan.actions, 'action')}: "
        f"{and_list(held)}; {overdue}."
    )
    if plan.completed_in_period:
        text += f" Completed during the period: {and_list(plan.completed_in_period)}."
    if plan.at_risk_titles:
        text += f" At risk: {and_list(plan.at_risk_titles)}."
    if not plan.notes:
        return [p(text)]
    # Why: the latest note in the period on each action at risk or off track.
    troubled = " or ".join(dict.fromkeys(sorted(n.status for n in plan.notes)))
    text += (
        f" The latest progress note on the action {troubled}:"
        if len(plan.notes) == 1
        else f" The latest progress notes on the actions {troubled}:"
    )
    return [
        p(
            text,
            bullets=[
                f"{n.action} ({n.status}, {_day(n.written_on)}): {n.text}" for n in plan.notes
            ],
        )
    ]


def next_steps(f: ReportFigures) -> list[Paragraph]:
    """4.3: the plan's priorities for the financial year after the period."""
    numbers = Numbers("4.3")
    if f.plan is not None and f.plan.next_priorities:
        return [
            numbers(
                "As described in the implementation plan, the Trauma Steering Group has "
                f"identified key priorities for {f.plan.next_year}:",
                key="next-steps",
                bullets=list(f.plan.next_priorities),
            )
        ]
    return [numbers("No priorities are recorded in the plan for the coming year.")]
