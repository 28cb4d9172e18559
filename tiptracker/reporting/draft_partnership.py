"""Drafting 4.2's paragraphs on the partnership's work beyond training and the plan: its
engagement with national work, resources published, the network of trauma champions and
ambassadors, the lived-experience route, and briefings for board and elected members (with
recommendation 2.2 when the next briefing is planned).
"""

from collections.abc import Callable

from tiptracker.lib.dates import long_date
from tiptracker.reporting.document import Paragraph, Table
from tiptracker.reporting.draft_words import and_list, count, count_or_no
from tiptracker.reporting.figures import Engagement, ReportFigures

_day = long_date


def engagement(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.engagement:
        return [p("No engagement with national work was recorded in the period.")]
    return [
        p(
            "Over the period the partnership contributed to national developments in "
            "trauma-informed practice and leadership:",
            bullets=[_engaged(e) for e in f.engagement],
        )
    ]


def _engaged(e: Engagement) -> str:
    """ "7 December 2021: Minister for ... (meeting). Taking part for the partnership: ...
    Invited to speak ...": who represented the partnership and what came of it."""
    text = f"{_day(e.date)}: {e.body} ({e.kind.lower()})."
    if e.represented_by:
        text += f" Taking part for the partnership: {e.represented_by.rstrip('.')}."
    summary = " ".join(e.summary.split())
    return f"{text} {summary}" if summary else text


def resources(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.resources:
        return [p("No resources or toolkits were published in the period.")]
    return [
        p(
            f"{count(len(f.resources), 'resource was', 'resources were')} published or "
            "updated for the workforce in the period:",
            bullets=[f"{r.title} ({r.kind.lower()}, {_day(r.on)})" for r in f.resources],
        )
    ]


def network(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    n = f.network
    if n is None:
        return [p("No trauma champions or ambassadors are recorded yet.")]
    text = (
        f"On {_day(f.end)} the partnership had {count_or_no(n.champions, 'trauma champion')} "
        f"and {count_or_no(n.ambassadors, 'trauma ambassador')}"
    )
    teams = count(n.teams, "team")
    if not n.teams:
        text += "."
    elif not n.teams_with_ambassador:
        text += f"; none of its {teams} had an ambassador yet."
    else:
        text += f"; {n.teams_with_ambassador:,} of its {teams} had an ambassador."
    return [p(text)]


def lived(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    """The route in one sentence with its total (suppressed below the threshold), and a
    table only of the stages with a figure to show: eleven rows of "fewer than 5" tell a
    board nothing the sentence does not."""
    counts = f.lived
    rows = [
        [label, str(entered), str(standing)]
        for (label, entered), (_same, standing) in zip(counts.entered, counts.at_end, strict=True)
        if entered.value or standing.value
    ]
    total = counts.at_end_total
    if total.value is None:
        on_route = f"{total} people were on the route"
    elif total.value == 0:
        on_route = "no one was on the route"
    else:
        on_route = f"{count(total.value, 'person was', 'people were')} on the route"
    text = (
        "A safe process for professionals within the workforce with lived experience of "
        "trauma to contribute to services and strategy runs from an expression of "
        "interest, through detailed information and a screening and consent discussion, "
        "to involvement. Only counts by stage are reported; none names anyone. They "
        f"cover {_day(counts.start)} to {_day(counts.end)}, the whole financial-year "
        "quarters the period touches, so that reports for overlapping periods count "
        "the same people and no small number can be worked out from the difference. "
        f"On {_day(counts.end)} {on_route}"
        + (
            "; the stages with a figure to show are in the table below."
            if rows
            else f"; no stage had {total.threshold} or more people, so none is shown apart."
        )
    )
    if not rows:
        return [p(text)]
    table = Table(
        caption=(
            "The professionals with lived experience route, "
            f"{_day(counts.start)} to {_day(counts.end)}: the stages with a figure to show "
            f"(fewer than {total.threshold} is not shown)"
        ),
        header=["Stage", f"Reached it from {_day(counts.start)}", f"At it on {_day(counts.end)}"],
        rows=[*rows, ["Total", "", str(total)]],
    )
    return [p(text, tables=[table])]


def briefings(f: ReportFigures, p: Callable[..., Paragraph]) -> list[Paragraph]:
    if not f.briefings:
        return [p("No briefing for board or elected members was held in the period.")]
    return [
        p(
            f"A briefing for board and elected members, {b.title}, on {_day(b.date)}: "
            f"{count(b.invited, 'member')} invited, {b.accepted:,} accepted"
            + (f", {b.attended:,} attended." if b.attended else "."),
            key=f"briefing:{b.date}:{b.title}",
        )
        for b in f.briefings
    ]


def planned_briefing(f: ReportFigures) -> list[Paragraph]:
    """2.2, when a briefing for board and elected members is planned after the period (as
    the reference report's "will be offered by the end of the summer"); none otherwise."""
    if not f.briefings_planned:
        return []
    council = f.council or "the council"
    dates = and_list(dict.fromkeys(_day(b.date) for b in f.briefings_planned))
    one = len(f.briefings_planned) == 1
    return [
        Paragraph(
            "2.2",
            f"Note that {'a briefing session' if one else 'briefing sessions'} for IJB members "
            f"and {council} elected members will be offered on {dates}.",
            key="briefing-planned",
        )
    ]
