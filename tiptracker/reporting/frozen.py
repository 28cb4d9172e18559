"""A report's figures and document frozen as JSON, and what changed when figures are refreshed.

Issue 6: an issued report keeps the figures and the words it was made from, whatever happens
to the data later, so both are stored with the report as JSON. The dataclasses of figures.py
and document.py are turned into JSON (and back) by walking their fields and type hints, so a
field added there is frozen without touching this module; dates are ISO strings and money is
a decimal string, so nothing is rounded on the way. Each JSON carries a version: a later
change to the dataclasses bumps it and teaches `_read` the old shape, so old reports still open.

`figures_changes` is what "Refresh figures" shows the steering group: one plain line per
change, labelled from the small tables below rather than from field names.
"""

import dataclasses
import datetime as dt
import types
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Union, get_args, get_origin, get_type_hints

from tiptracker.lib.money import format_pounds
from tiptracker.lib.spc import Observation
from tiptracker.lib.suppression import Figure
from tiptracker.lived.selectors import StageCounts
from tiptracker.reporting.document import BoardReport
from tiptracker.reporting.figures import (
    ActionNote,
    Briefing,
    ChartNote,
    Coaching,
    CoachingOrganisation,
    Commitment,
    CourseAttendance,
    CoverageOnDay,
    Engagement,
    FundingYear,
    HeadlineMeasure,
    ImpactRow,
    ImprovementProject,
    LevelCoverage,
    Network,
    PlanProgress,
    PreviousReport,
    Published,
    ReportFigures,
    SourceCount,
)

# 2: coverage_trend and briefings_planned added; the lived-experience counts cover the whole
# quarters the period touches (their own start and end say which days).
# 3: the narrative's facts added (completions by source, resources, the previous report,
# progress notes, allocations' purposes, who took part in engagement); figures frozen
# before read them as none, and COMPLETIONS_SINCE says from which version they were gathered.
# 4: the improvement projects active in the period, each with its headline measure's values
# up to the period's end; figures frozen before read as none (the report said nothing of
# them), and coaching, mentoring and peer networks in the period (none before). Documents: a
# chart may be a measure's SPC chart, kept with its values.
VERSION = 4
COMPLETIONS_SINCE = 3


# To JSON and back ------------------------------------------------------------------------------


def figures_to_json(figures: ReportFigures) -> dict:
    return {"version": VERSION, "figures": _encode(figures, ReportFigures)}


def figures_from_json(data: dict) -> ReportFigures:
    found = _read(data, "figures")
    if data["version"] == 1 and isinstance(found, dict):
        found = _figures_from_1(found)
    return _decode(found, ReportFigures, "figures")


def _figures_from_1(found: dict) -> dict:
    """Format 1's figures in format 2's shape, as they were: their trend is the coverage
    they held (the first and last days of the period), and no planned briefing was
    gathered, so the report keeps saying what it said. Their lived-experience counts keep
    the dates they were counted over."""
    trend: list[dict] = []
    if isinstance(found.get("coverage"), list):
        for when, day in (("start", found.get("start")), ("end", found.get("end"))):
            if when == "end" and day == found.get("start"):
                break  # a one-day period: one point
            trend += [
                {
                    "day": day,
                    "level": level.get("level"),
                    "needed": level.get(f"needed_at_{when}"),
                    "trained": level.get(f"trained_at_{when}"),
                }
                for level in found["coverage"]
                if isinstance(level, dict)
            ]
    return {"coverage_trend": trend, "briefings_planned": []} | found


def document_to_json(report: BoardReport) -> dict:
    return {"version": VERSION, "document": _encode(report, BoardReport)}


def document_from_json(data: dict) -> BoardReport:
    return _decode(_read(data, "document"), BoardReport, "document")


def _read(data: object, what: str) -> object:
    """The frozen object inside `data`, once its version is one this code can read."""
    if not isinstance(data, dict) or "version" not in data or what not in data:
        raise ValueError(f"The report's frozen {what} are not in a form TIP Tracker can read.")
    if type(data["version"]) is not int or data["version"] not in (
        1,
        2,
        3,
        VERSION,
    ):  # 1 to 3: documents are unchanged; figures upgraded (fields added have defaults)
        raise ValueError(
            f"The report's frozen {what} were saved in format {data['version']!r}, which this "
            f"version of TIP Tracker cannot read (it reads formats 1 to {VERSION})."
        )
    return data[what]


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # get_type_hints resolves the forward reference list["Section"] in document.py.
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _optional(hint: Any) -> Any | None:
    """T for `T | None`, otherwise None."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0]
    return None


def _encode(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if (inner := _optional(hint)) is not None:
        return _encode(value, inner)
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        return [_encode(v, args[0]) for v in value]
    if origin is tuple:
        return [_encode(v, h) for v, h in zip(value, args, strict=True)]
    if origin is dict:
        return {k: _encode(v, args[1]) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        assert isinstance(hint, type)
        hints = _hints(hint)
        return {f.name: _encode(getattr(value, f.name), hints[f.name]) for f in _fields(hint)}
    if hint is Decimal:
        return str(value)
    if hint is dt.date:
        return value.isoformat()
    if hint in (int, str, bool, float):
        return value
    raise TypeError(f"cannot freeze a {hint!r}")  # a new kind of field: teach _encode and _decode


def _decode(value: Any, hint: Any, where: str) -> Any:
    """`value` read back as `hint`; ValueError naming the place when it is not one."""
    if (inner := _optional(hint)) is not None:
        return None if value is None else _decode(value, inner, where)
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        _expect(value, list, where)
        return [_decode(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is tuple:
        _expect(value, list, where)
        if len(value) != len(args):
            raise ValueError(f"{where} should have {len(args)} items, not {len(value)}.")
        return tuple(
            _decode(v, h, f"{where}[{i}]") for i, (v, h) in enumerate(zip(value, args, strict=True))
        )
    if origin is dict:
        _expect(value, dict, where)
        return {
            _decode(k, args[0], where): _decode(v, args[1], f"{where}.{k}")
            for k, v in value.items()
        }
    if dataclasses.is_dataclass(hint):
        assert isinstance(hint, type)
        _expect(value, dict, where)
        hints, found = _hints(hint), {}
        for f in _fields(hint):
            if f.name in value:
                found[f.name] = _decode(value[f.name], hints[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ValueError(f"{where} has no {f.name}.")
        return hint(**found)
    if hint is Decimal:
        _expect(value, str, where)
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{where} should be an amount, not {value!r}.") from None
    if hint is dt.date:
        _expect(value, str, where)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{where} should be a date, not {value!r}.") from None
    if hint is float:
        # JSON writes 2.0 back as 2.0 but a whole number stored as int stays an int.
        _expect(value, (int, float), where)
        return value
    if hint in (int, str, bool):
        _expect(value, hint, where)
        return value
    raise TypeError(f"cannot read a {hint!r}")


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> None:
    # bool is an int in Python, but a count stored as true is a damaged file.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"{where} is not in the form expected ({value!r}).")


def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


# What changed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """How the lines for one kind of figures read.

    `labels` names each field: a plain label goes into `line`; a label with "{" is the whole
    line (for fields that read better another way). Fields a list item is known by
    (`key`) need no label. `name` says which item of a list this is, `describe` what an
    added or removed one was.
    """

    labels: dict[str, str]
    line: str = "{where}, {label}: {old} → {new}"
    key: Callable[[Any], Hashable] | None = None
    name: Callable[[str, Any], str] = lambda section, item: f"{section}, {item}"
    describe: Callable[[Any], str] = str
    none: str = "none"  # how an optional figure that is None reads


def _date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


_PARTS: dict[type, _Part] = {
    ReportFigures: _Part(
        line="{label}: {old} → {new}",
        labels={
            "partnership": "Partnership",
            "council": "Council",
            "health_board": "NHS board",
            "start": "Period start",
            "end": "Period end",
            "coverage": "Coverage",
            "coverage_trend": "Coverage trend",
            "attendance": "Attendance",
            "impact": "Impact",
            "impact_start": "Impact, training counted from",
            "impact_end": "Impact, training counted to",
            "plan": "Plan",
            "funding": "Funding",
            "engagement": "Engagement",
            "network": "Network",
            "lived": "Lived experience",
            "briefings": "Briefings",
            "briefings_planned": "Briefings planned after the period",
            "completions": "Completions",
            "resources": "Resources published",
            "previous_report": "Previous report",
            "improvement": "Improvement projects",
            "coaching": "Coaching, mentoring and peer networks",
        },
    ),
    ImprovementProject: _Part(
        key=lambda p: p.title,
        name=lambda section, p: f"{section}, {p.title}",
        describe=lambda p: f"{p.title} ({p.stage.lower()})",
        labels={
            "stage": "stage",
            "cycles": "{where}: {old} → {new} PDSA cycles run",
            "adopted": "changes adopted",
            "headline": "headline measure",
        },
    ),
    HeadlineMeasure: _Part(
        line="{where}: {label} {old} → {new}",
        describe=lambda m: m.title,
        labels={
            "title": "title",
            "unit": "unit",
            "unit_label": "unit named",
            "chart": "chart",
            "rules": "rules",
            "improvement": "better direction",
            "baseline": "baseline points",
            "target": "target",
            "values": "values",
            "notes": "notes on the chart",
        },
    ),
    Observation: _Part(
        key=lambda o: o.on,
        name=lambda section, o: f"{section} on {_date(o.on)}",
        describe=lambda o: f"{_date(o.on)}: {o.value:g}",
        labels={
            "value": "{where}: {old} → {new}",
            "rebase": "{where}: a new centre line {old} → {new}",
            "note": "{where}: note {old} → {new}",
        },
    ),
    ChartNote: _Part(
        key=lambda n: (n.on, n.text),
        describe=lambda n: f"{_date(n.on)}: {n.text}",
        labels={},
    ),
    SourceCount: _Part(
        key=lambda c: c.source,
        name=lambda section, c: f"{section} ({c.source})",
        describe=lambda c: f"{c.completions:,} ({c.source})",
        labels={"completions": "{where}: {old} → {new}"},
    ),
    Published: _Part(
        key=lambda r: (r.title, r.on),
        name=lambda section, r: f"{section}, {r.title}",
        describe=lambda r: f"{r.title} ({_date(r.on)})",
        labels={"kind": "kind"},
    ),
    PreviousReport: _Part(
        line="{where}: {label} {old} → {new}",
        describe=lambda r: f"{r.title} ({r.reference or 'no number'})",
        labels={
            "title": "title",
            "reference": "number",
            "period_start": "period start",
            "period_end": "period end",
            "approved_on": "approved on",
        },
    ),
    ActionNote: _Part(
        key=lambda n: n.action,
        name=lambda section, n: f"{section}, note on {n.action}",
        describe=lambda n: f"{n.action} ({_date(n.written_on)})",
        labels={
            "status": "status",
            "written_on": "written on",
            "text": "{where}: the note changed",
        },
    ),
    LevelCoverage: _Part(
        key=lambda c: c.level,
        name=lambda section, c: f"{section}, level {c.level} ({c.name})",
        describe=lambda c: (
            f"level {c.level}, {c.name}: {c.trained_at_end:,} of {c.needed_at_end:,} "
            "trained at the end"
        ),
        labels={
            "name": "name",
            "needed_at_start": "needed at the start",
            "trained_at_start": "trained at the start",
            "needed_at_end": "needed at the end",
            "trained_at_end": "trained at the end",
        },
    ),
    CoverageOnDay: _Part(
        key=lambda c: (c.day, c.level),
        name=lambda section, c: f"{section}, {_date(c.day)}, level {c.level}",
        describe=lambda c: (
            f"{_date(c.day)}, level {c.level}: {c.trained:,} of {c.needed:,} trained"
        ),
        labels={
            "needed": "{where}: {old} → {new} needed",
            "trained": "{where}: {old} → {new} trained",
        },
    ),
    CourseAttendance: _Part(
        key=lambda c: c.course,
        name=lambda section, c: f"{section}, {c.course}",
        describe=lambda c: f"{c.course}: {_count(c.sessions, 'session')}, {c.attended:,} attended",
        labels={
            "level": "level",
            "sessions": "{where}: {old} → {new} sessions",
            "attended": "{where}: {old} → {new} attended",
            "months": "months held",
            "for_managers": "{where}: counted as a manager briefing {old} → {new}",
        },
    ),
    ImpactRow: _Part(
        key=lambda r: r.course,
        name=lambda section, r: f"{section}, {r.course}",
        describe=lambda r: f"{r.course}: {r.attended} attended",
        none="not measured",
        labels={
            "level": "level",
            "attended": "attended",
            "reacted": "reacted",
            "learned": "learned",
            "changed": "changed practice",
        },
    ),
    PlanProgress: _Part(
        line="{where}: {label} {old} → {new}",
        describe=lambda p: f"{_count(p.actions, 'action')}, {p.completed:,} completed",
        labels={
            "actions": "actions",
            "completed": "completed",
            "on_track": "on track",
            "at_risk": "at risk",
            "off_track": "off track",
            "not_started": "not started",
            "cancelled": "cancelled",
            "overdue": "overdue",
            "completed_in_period": "completed in the period",
            "at_risk_titles": "actions at risk",
            "next_year": "next steps for",
            "next_priorities": "next priorities",
            "notes": "progress notes",
        },
    ),
    FundingYear: _Part(
        line="{where} {label}: {old} → {new}",
        key=lambda y: y.year,
        name=lambda section, y: f"{section} {y.year}",
        describe=lambda y: (
            f"{y.year}: {format_pounds(y.allocated)} allocated, "
            f"{format_pounds(y.committed)} committed"
        ),
        labels={
            "allocated": "allocated",
            "committed": "committed",
            "remaining": "remaining",
            "sources": "sources",
            "commitments": "commitments",
            "purposes": "purposes",
        },
    ),
    Commitment: _Part(
        key=lambda c: (c.what, c.partner),
        # "Funding 2022/23, 1 FTE officer (partner)": the year's name, not "..., commitments".
        name=lambda section, c: f"{section.removesuffix(', commitments')}, {c.what} ({c.partner})",
        describe=lambda c: f"{c.what}, {c.partner}: {format_pounds(c.amount)}",
        labels={"amount": "{where}: {old} → {new}"},
    ),
    Engagement: _Part(
        key=lambda e: (e.date, e.kind, e.body),
        name=lambda section, e: f"{section}, {_date(e.date)} ({e.kind}, {e.body})",
        describe=lambda e: f"{_date(e.date)}: {e.kind}, {e.body}",
        labels={
            "summary": "{where}: summary edited",
            "represented_by": "{where}: who took part {old} → {new}",
        },
    ),
    Network: _Part(
        line="{where}: {label} {old} → {new}",
        describe=lambda n: (
            f"{_count(n.champions, 'champion')}, {_count(n.ambassadors, 'ambassador')}"
        ),
        labels={
            "champions": "champions",
            "ambassadors": "ambassadors",
            "teams_with_ambassador": "teams with an ambassador",
            "teams": "teams",
        },
    ),
    Coaching: _Part(
        line="{where}: {label} {old} → {new}",
        describe=lambda c: (
            f"{c.coaching_pairs + c.mentoring_pairs + c.peer_networks:,} pairs and groups, "
            f"{_count(c.meetings, 'meeting')}"
        ),
        labels={
            "coaching_pairs": "coaching pairs",
            "mentoring_pairs": "mentoring pairs",
            "peer_networks": "peer networks",
            "meetings": "meetings",
            "people": "people who met",
            "by_organisation": "by organisation",
        },
    ),
    CoachingOrganisation: _Part(
        key=lambda row: row.organisation,
        name=lambda section, row: f"{section}, {row.organisation}",
        describe=lambda row: row.organisation,
        labels={
            "groups": "{where}: {old} → {new} pairs and groups",
            "meetings": "{where}: {old} → {new} meetings",
            "people": "{where}: {old} → {new} people who met",
        },
    ),
    StageCounts: _Part(
        labels={
            "start": "period start",
            "end": "period end",
            "entered": "reached in the period",
            "at_end": "at the end of the period",
            "at_end_total": "all stages at the end of the period",
        },
    ),
    Briefing: _Part(
        key=lambda b: (b.date, b.title),
        name=lambda section, b: f"{section}, {b.title} on {_date(b.date)}",
        describe=lambda b: f"{_date(b.date)}: {b.title}",
        labels={
            "invited": "{where}: {old} → {new} invited",
            "accepted": "{where}: {old} → {new} accepted",
            "attended": "{where}: {old} → {new} attended",
        },
    ),
}


def figures_changes(old: ReportFigures, new: ReportFigures) -> list[str]:
    """What changed from `old` to `new`, one plain line per change; empty when nothing did."""
    lines: list[str] = []
    _compare(old, new, "", lines)
    return lines


def _compare(old: Any, new: Any, where: str, lines: list[str]) -> None:
    """The changes between two dataclasses of the same kind, field by field."""
    cls = type(old)
    part, hints = _PARTS[cls], _hints(cls)
    for f in _fields(cls):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before == after or (part.key is not None and f.name in _key_fields(part, cls)):
            continue
        label = part.labels.get(f.name, f.name.replace("_", " "))
        # Where the field's own lines start: "Plan" at the top, "Lived experience, ..." below.
        inner = label if not where else f"{where}, {label}"
        hint = _optional(hints[f.name]) or hints[f.name]
        if dataclasses.is_dataclass(hint) and hint is not Figure:
            if before is None or after is None:
                there = after if before is None else before
                shown = _PARTS[type(there)].describe(there)
                lines.append(
                    f"{inner}: added ({shown})"
                    if before is None
                    else f"{inner}: none now (was {shown})"
                )
            else:
                _compare(before, after, inner, lines)
        elif get_origin(hint) is list:
            _compare_lists(before, after, get_args(hint)[0], inner, lines, where, label)
        else:
            text = label if "{" in label else part.line
            lines.append(
                text.format(
                    where=where,
                    label=label,
                    old=_shown(before, part.none),
                    new=_shown(after, part.none),
                )
            )


def _key_fields(part: _Part, cls: type) -> frozenset[str]:
    """The fields a list item is known by: those without a label (its name shows them)."""
    return frozenset(f.name for f in _fields(cls) if f.name not in part.labels)


def _compare_lists(
    old: list, new: list, item: Any, section: str, lines: list[str], where: str, label: str
) -> None:
    """Items matched by their key (a course by its title, a stage by its label) are compared
    field by field; the rest are reported as added or removed."""
    if item is str:
        if Counter(old) == Counter(new):  # the same, in another order
            lines.append(f"{section}: the same, in another order")
            return
        _added_removed(old, new, str, section, lines)
        return
    if get_origin(item) is tuple:  # (label, Figure) pairs: StageCounts
        keyed_old, keyed_new = dict(old), dict(new)
        for stage in keyed_old:  # in the route's order
            if stage in keyed_new and keyed_old[stage] != keyed_new[stage]:
                lines.append(f"{where}, {stage}, {label}: {keyed_old[stage]} → {keyed_new[stage]}")
        _added_removed(
            [p for p in old if p[0] not in keyed_new],
            [p for p in new if p[0] not in keyed_old],
            lambda pair: f"{pair[0]}: {pair[1]}",
            section,
            lines,
        )
        return
    part = _PARTS[item]
    assert part.key is not None
    counts_old, counts_new = Counter(map(part.key, old)), Counter(map(part.key, new))
    unique = {k for k in counts_old if counts_old[k] == 1 and counts_new[k] == 1}
    matched = {part.key(i): i for i in old if part.key(i) in unique}
    for after in new:
        if part.key(after) in unique:
            _compare(matched[part.key(after)], after, part.name(section, after), lines)
    _added_removed(
        [i for i in old if part.key(i) not in unique],
        [i for i in new if part.key(i) not in unique],
        part.describe,
        section,
        lines,
    )


def _added_removed(
    old: list, new: list, describe: Callable[[Any], str], section: str, lines: list[str]
) -> None:
    """Items of `new` not in `old` were added, and the other way round (counting repeats)."""
    removed = list(old)
    added = []
    for item in new:
        if item in removed:
            removed.remove(item)
        else:
            added.append(item)
    for items, verb in ((added, "added"), (removed, "removed")):
        if items:
            lines.append(f"{section}: {len(items)} {verb} ({'; '.join(map(describe, items))})")


def _shown(value: Any, none: str) -> str:
    if value is None:
        return none
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):  # a measure's value or target: 70.0 reads as 70
        return f"{value:,.10g}"
    if isinstance(value, Decimal):
        return format_pounds(value)
    if isinstance(value, dt.date):
        return _date(value)
    if value == "":
        return "none"
    return str(value)
