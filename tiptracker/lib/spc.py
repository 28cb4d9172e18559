"""Charts of a measure over time: run charts and XmR (SPC) charts, as formats.md ("Charts of a
measure over time") defines them. One computation for the pages, the documents, the API and
`tiptracker spc`: each of them draws or prints a `Chart` from `compute`, none works out a
centre, a limit or a signal of its own.

The series is sorted by date and cut into segments where a point says `rebase` (a change was
adopted: the process is a new one). Each segment is computed on its own: the centre (and an
XmR chart's limits) from its first `baseline` points, extended over the rest of the segment,
and its signals from its own points only.

Decided where formats.md is silent (docs/improvement.md says the same for people):
- a trend is a chain of points each strictly higher (or lower) than the one before; every point
  of a chain long enough is flagged, the first one included;
- an XmR point with a signal that lies exactly on the centre (only a trend can put one there)
  takes its side from the trend's direction, so a rising trend reads as above the centre;
- assurance (does the process meet the target) is read from the latest segment's limits, only
  when they are trusted (a baseline of 12 points or more).
"""

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median

# Making Data Count's constants: the limits sit 2.66 mean moving ranges from the centre
# (3 sigma, with sigma estimated as mR-bar / 1.128), and a moving range above 3.267 mR-bar
# (the upper limit of the moving ranges) is screened out before the limits are taken.
LIMITS_FACTOR = 2.66
SCREEN_FACTOR = 3.267
# A baseline shorter than this gives limits too uncertain to draw or to judge a target by.
TRUSTED_BASELINE = 12
XMR_SHIFT = 7
XMR_TREND = 7
IHI_SHIFT = 6
IHI_TREND = 5


class ChartKind(StrEnum):
    XMR = "xmr"  # mean and limits: SPC, Making Data Count
    RUN = "run"  # median only


class RuleSet(StrEnum):
    """The rules of a run chart (an XmR chart always has Making Data Count's)."""

    IHI = "ihi"  # shift of 6, trend of 5 (the Institute for Healthcare Improvement's)
    ANHOEJ = "anhoej"  # longest run and number of crossings (Anhøj)


class Improvement(StrEnum):
    """Which way is better, which decides whether a signal is an improvement or a concern."""

    UP = "up"
    DOWN = "down"
    NEUTRAL = "neutral"


class Signal(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    LONG_RUN = "long_run"


# A point's signals are worked out as bits (a thousand points take a few milliseconds), and
# read as the names in order at the end.
_BIT = {signal: 1 << i for i, signal in enumerate(Signal)}
_OUTSIDE, _SHIFT, _TREND, _TWO_OF_THREE, _LONG_RUN = (_BIT[s] for s in Signal)
_SIGNALS = [tuple(sorted(s for s in Signal if mask & _BIT[s])) for mask in range(1 << len(Signal))]


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"  # special cause, on a measure with no better direction


class Assurance(StrEnum):
    """Where the target lies against the latest limits."""

    CONSISTENT_PASS = "consistent_pass"  # noqa: S105 - every point the process gives will meet it
    CONSISTENT_FAIL = "consistent_fail"  # none will
    INCONSISTENT = "inconsistent"  # the limits straddle it: some will, some will not


@dataclass(frozen=True)
class Observation:
    on: dt.date
    value: float
    rebase: bool = False  # the first point of a new segment
    note: str = ""


@dataclass(frozen=True)
class Segment:
    number: int  # from 1
    first: dt.date
    last: dt.date
    size: int
    baseline_size: int
    centre: float
    upper: float | None  # XmR only, and only from a baseline of 2 or more
    lower: float | None
    useful_observations: int  # points not on the centre
    crossings: int | None = None  # Anhøj's rules only
    crossings_lower_limit: int | None = None
    longest_run_limit: int | None = None
    few_crossings: bool | None = None
    warnings: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """Whether its limits may be drawn and read (formats.md: 12 points or more)."""
        return self.upper is not None and self.baseline_size >= TRUSTED_BASELINE


@dataclass(slots=True)  # not frozen: a thousand points are made in a few milliseconds
class Point:
    on: dt.date
    value: float
    segment: int
    baseline: bool  # one of its segment's baseline points
    centre: float
    upper: float | None
    lower: float | None
    signals: tuple[Signal, ...]  # sorted by name
    variation: Variation
    note: str = ""


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    rules: RuleSet | None  # run charts only
    improvement: Improvement
    segments: tuple[Segment, ...]
    points: tuple[Point, ...]

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    def assurance(self, target: float | None) -> Assurance | None:
        """Whether the latest segment's limits meet the target (None where that cannot be
        said: no target, no better direction, a run chart, or limits not yet trusted)."""
        if target is None or self.improvement == Improvement.NEUTRAL or not self.segments:
            return None
        segment = self.segments[-1]
        if not segment.trusted:
            return None
        assert segment.upper is not None and segment.lower is not None
        low, high = segment.lower, segment.upper
        if self.improvement == Improvement.DOWN:
            low, high, target = -high, -low, -target
        if low > target:
            return Assurance.CONSISTENT_PASS
        if high < target:
            return Assurance.CONSISTENT_FAIL
        return Assurance.INCONSISTENT

    def as_json(self) -> dict:
        """formats.md's JSON: numbers rounded to 6 places (the arithmetic's noise away)."""
        anhoej = self.rules == RuleSet.ANHOEJ
        xmr = self.kind == ChartKind.XMR
        segments = []
        for s in self.segments:
            row: dict = {"first": s.first.isoformat(), "centre": _plain(s.centre)}
            if xmr:
                row |= {"upper": _plain(s.upper), "lower": _plain(s.lower)}
            row |= {
                "baseline_points": s.baseline_size,
                "useful_observations": s.useful_observations,
            }
            if anhoej:
                row |= {
                    "crossings": s.crossings,
                    "crossings_lower_limit": s.crossings_lower_limit,
                    "longest_run_limit": s.longest_run_limit,
                    "few_crossings": s.few_crossings,
                }
            if s.warnings:
                row["warnings"] = list(s.warnings)
            segments.append(row)
        points = []
        for p in self.points:
            row = {
                "date": p.on.isoformat(),
                "value": _plain(p.value),
                "segment": p.segment,
                "centre": _plain(p.centre),
            }
            if xmr:
                row |= {"upper": _plain(p.upper), "lower": _plain(p.lower)}
            row |= {"signals": [str(s) for s in p.signals], "variation": str(p.variation)}
            if p.note:
                row["note"] = p.note
            points.append(row)
        head: dict = {"chart": str(self.kind)}
        if self.rules is not None:
            head["rules"] = str(self.rules)
        head["improvement"] = str(self.improvement)
        return head | {"segments": segments, "points": points}


def _plain(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) and abs(rounded) < 1e15 else rounded


def compute(
    observations: Sequence[Observation],
    *,
    kind: ChartKind = ChartKind.XMR,
    baseline: int | None = None,
    improvement: Improvement = Improvement.NEUTRAL,
    rules: RuleSet = RuleSet.IHI,
) -> Chart:
    """The chart of a series: its segments' centres and limits and every point's signals.

    `baseline`: how many of each segment's first points set its centre and limits (default:
    all of them). Observations need not be in order; two on the same date keep theirs.
    """
    if baseline is not None and baseline < 1:
        raise ValueError("the baseline must be at least 1 point")
    ordered = sorted(observations, key=lambda o: o.on)
    # The variation of a point with a signal, by its side of the centre (+1, -1; 0 only when
    # nothing gave it a side, which no signal leaves).
    special = {side: _variation(side, improvement) for side in (1, -1, 0)}
    segments: list[Segment] = []
    points: list[Point] = []
    for number, part in enumerate(_segments(ordered), start=1):
        size = len(part)
        base = size if baseline is None else min(baseline, size)
        values = [o.value for o in part]
        if kind == ChartKind.XMR:
            segment, signals, sides = _xmr(number, part, values, base)
        else:
            segment, signals, sides = _run(number, part, values, base, rules)
        segments.append(segment)
        centre, upper, lower = segment.centre, segment.upper, segment.lower
        for i, o in enumerate(part):
            found = _SIGNALS[signals[i]]
            points.append(
                Point(
                    o.on,
                    o.value,
                    number,
                    i < base,
                    centre,
                    upper,
                    lower,
                    found,
                    special[sides[i]] if found else Variation.COMMON_CAUSE,
                    o.note,
                )
            )
    return Chart(
        kind=kind,
        rules=rules if kind == ChartKind.RUN else None,
        improvement=improvement,
        segments=tuple(segments),
        points=tuple(points),
    )


def _segments(ordered: list[Observation]) -> Iterator[list[Observation]]:
    current: list[Observation] = []
    for o in ordered:
        if o.rebase and current:
            yield current
            current = []
        current.append(o)
    if current:
        yield current


def _points(count: int) -> str:
    return f"{count} point{'' if count == 1 else 's'}"


def _variation(side: int, improvement: Improvement) -> Variation:
    """The variation a point with a signal shows, on `side` of the centre."""
    if improvement == Improvement.NEUTRAL:
        return Variation.NEUTRAL
    better = side > 0 if improvement == Improvement.UP else side < 0
    return Variation.IMPROVEMENT if better else Variation.CONCERN


def _runs(keys: Sequence[int], length: int) -> list[tuple[int, int]]:
    """(start, end) of each stretch of `length` or more equal, non-zero keys in a row."""
    spans = []
    start = 0
    n = len(keys)
    for end in range(1, n + 1):
        if end == n or keys[end] != keys[start]:
            if end - start >= length and keys[start] != 0:
                spans.append((start, end))
            start = end
    return spans


def _trends(values: Sequence[float], length: int, *, collapse_ties: bool) -> dict[int, int]:
    """Points in a chain of `length` or more points each strictly higher (or each strictly
    lower) than the one before, with the chain's direction (+1 or -1). With `collapse_ties`
    (run charts: "equal neighbours count once") a point equal to the one before neither counts
    nor breaks the chain; otherwise it breaks it."""
    # The steps between neighbours, +1 up and -1 down; a level step (0) breaks a chain, or
    # is left out when ties collapse. A chain is a run of equal steps: k steps, k + 1 points.
    steps = [
        (k, (b > a) - (b < a)) for k, (a, b) in enumerate(zip(values, values[1:], strict=False))
    ]
    if collapse_ties:
        steps = [step for step in steps if step[1]]
    found: dict[int, int] = {}
    start = 0
    for end in range(1, len(steps) + 1):
        if end == len(steps) or steps[end][1] != steps[start][1]:
            direction = steps[start][1]
            if direction != 0 and end - start + 1 >= length:
                for k in range(steps[start][0], steps[end - 1][0] + 2):
                    found.setdefault(k, direction)
            start = end
    return found


def _xmr(
    number: int, part: list[Observation], values: list[float], base: int
) -> tuple[Segment, list[int], list[int]]:
    baseline = values[:base]
    centre = math.fsum(baseline) / len(baseline)
    upper = lower = near = None
    warnings = []
    if base >= 2:
        ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:], strict=False)]
        mr_bar = math.fsum(ranges) / len(ranges)
        kept = [r for r in ranges if r <= SCREEN_FACTOR * mr_bar]
        mr_bar = math.fsum(kept) / len(kept)
        upper = centre + LIMITS_FACTOR * mr_bar
        lower = centre - LIMITS_FACTOR * mr_bar
        near = (2 / 3) * LIMITS_FACTOR * mr_bar
        if base < TRUSTED_BASELINE:
            warnings.append(
                f"The limits come from {_points(base)}: at least {TRUSTED_BASELINE} are needed "
                "before they can be trusted."
            )
    else:
        warnings.append("Limits need a baseline of at least 2 points.")
    if len(values) < XMR_SHIFT:
        warnings.append(
            f"With {_points(len(values))} this part of the chart cannot show a shift or a trend "
            f"(each needs {XMR_SHIFT} points in a row)."
        )

    n = len(values)
    signals = [0] * n  # each point's signals as bits (_BIT)
    sides = [(v > centre) - (v < centre) for v in values]
    if upper is not None and lower is not None and near is not None:
        close = []
        for i, v in enumerate(values):
            if v > upper or v < lower:
                signals[i] |= _OUTSIDE
                close.append(False)
            else:
                close.append(abs(v - centre) > near)
        for k in range(2, n):
            # The window k-2, k-1, k: all on one side, and 2 or 3 of them near a limit.
            side = sides[k]
            if side and sides[k - 1] == side and sides[k - 2] == side:
                if close[k - 2] + close[k - 1] + close[k] >= 2:
                    for j in (k - 2, k - 1, k):
                        if close[j]:
                            signals[j] |= _TWO_OF_THREE
    for start, end in _runs(sides, XMR_SHIFT):
        for i in range(start, end):
            signals[i] |= _SHIFT
    # Points off the centre, before a trend lends a point on it a side for its variation.
    useful = sum(1 for s in sides if s != 0)
    trends = _trends(values, XMR_TREND, collapse_ties=False)
    for i, direction in trends.items():
        signals[i] |= _TREND
        if sides[i] == 0:
            sides[i] = direction
    segment = Segment(
        number=number,
        first=part[0].on,
        last=part[-1].on,
        size=n,
        baseline_size=base,
        centre=centre,
        upper=upper,
        lower=lower,
        useful_observations=useful,
        warnings=tuple(warnings),
    )
    return segment, signals, sides


def crossings_lower_limit(useful: int) -> int:
    """Anhøj: the smallest c with P(X <= c) >= 0.05 for X ~ Binomial(useful - 1, 1/2),
    in whole numbers (no rounding at the edge)."""
    trials = max(useful - 1, 0)
    total = 2**trials
    cumulative = 0
    for c in range(trials + 1):
        cumulative += math.comb(trials, c)
        if cumulative * 20 >= total:
            return c
    return trials


def longest_run_limit(useful: int) -> int:
    return round(math.log2(useful) + 3)


def _run(
    number: int, part: list[Observation], values: list[float], base: int, rules: RuleSet
) -> tuple[Segment, list[int], list[int]]:
    centre = float(median(values[:base]))
    n = len(values)
    sides = [(v > centre) - (v < centre) for v in values]
    useful = [i for i in range(n) if sides[i] != 0]
    useful_sides = [sides[i] for i in useful]
    signals = [0] * n  # each point's signals as bits (_BIT)
    warnings = []
    extra: dict = {}
    if rules == RuleSet.IHI:
        for start, end in _runs(useful_sides, IHI_SHIFT):
            for i in useful[start:end]:
                signals[i] |= _SHIFT
        for i in _trends(values, IHI_TREND, collapse_ties=True):
            if sides[i] != 0:  # a point on the median carries no signal
                signals[i] |= _TREND
        if len(useful) < IHI_SHIFT:
            warnings.append(
                f"With {_points(len(useful))} off the median this part of the chart cannot "
                f"show a shift (it needs {IHI_SHIFT} in a row on one side)."
            )
        if n < IHI_TREND:
            warnings.append(
                f"With {_points(n)} this part of the chart cannot show a trend "
                f"(it needs {IHI_TREND} rising or falling)."
            )
    else:
        count = len(useful)
        limit = longest_run_limit(count) if count else None
        lower = crossings_lower_limit(count)
        crossings = sum(1 for a, b in zip(useful_sides, useful_sides[1:], strict=False) if a != b)
        if limit is not None:
            for start, end in _runs(useful_sides, limit + 1):
                for i in useful[start:end]:
                    signals[i] |= _LONG_RUN
        if limit is None or count <= limit:
            warnings.append(
                f"With {_points(count)} off the median this part of the chart cannot show an "
                "unusually long run."
            )
        if lower == 0:
            warnings.append(
                f"With {_points(count)} off the median this part of the chart cannot show "
                "unusually few crossings."
            )
        extra = {
            "crossings": crossings,
            "crossings_lower_limit": lower,
            "longest_run_limit": limit,
            "few_crossings": crossings < lower,
        }
    segment = Segment(
        number=number,
        first=part[0].on,
        last=part[-1].on,
        size=n,
        baseline_size=base,
        centre=centre,
        upper=None,
        lower=None,
        useful_observations=len(useful),
        warnings=tuple(warnings),
        **extra,
    )
    return segment, signals, sides
