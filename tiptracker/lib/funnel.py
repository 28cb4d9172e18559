"""A proportion compared across partnerships on a funnel plot, exactly as formats.md
("Comparing partnerships") states it. No Django: the CLI, the pages and the API give it the
counts and show what it returns.

For partnership i with n(i) people of whom x(i) meet the indicator, p(i) = x(i)/n(i). The
target line is the pooled p = sum x / sum n over the partnerships shown. At size n the limits
are p +/- z * sqrt(p(1 - p) / n), z = 1.959964 (95%) and 3.090232 (99.8%), clipped to [0, 1].
A partnership is placed against the 99.8% limits first (`above_99.8`, `below_99.8`), then the
95% ones (`above_95`, `below_95`), otherwise `within`; a point on a limit is within it. A
partnership whose n is under the small-number threshold is listed with its figures withheld
(`suppressed`) and left out of the pooled value, so that nothing about it can be worked out
from the others.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

Z = {"95": 1.959964, "99.8": 3.090232}


class Position(StrEnum):
    WITHIN = "within"
    ABOVE_95 = "above_95"
    BELOW_95 = "below_95"
    ABOVE_998 = "above_99.8"
    BELOW_998 = "below_99.8"


@dataclass(frozen=True)
class Count:
    """One partnership's counts: n people, x of them meeting the indicator."""

    partnership: str
    n: int
    x: int


@dataclass(frozen=True)
class Placed:
    partnership: str
    suppressed: bool
    n: int | None  # None when suppressed, as are the rest
    x: int | None
    proportion: float | None
    limits: dict[str, tuple[float, float]] | None
    position: Position | None

    @property
    def percent(self) -> float | None:
        return None if self.proportion is None else round(100 * self.proportion, 1)


@dataclass(frozen=True)
class Funnel:
    pooled: float | None  # None when no partnership can be shown
    partnerships: tuple[Placed, ...]

    def as_json(self, *, indicator: str, as_of: str) -> dict:
        """formats.md's JSON; a suppressed partnership has only its slug and "suppressed"."""
        rows = []
        for placed in self.partnerships:
            if placed.suppressed:
                rows.append({"partnership": placed.partnership, "suppressed": True})
                continue
            assert placed.limits is not None and placed.position is not None
            rows.append(
                {
                    "partnership": placed.partnership,
                    "n": placed.n,
                    "x": placed.x,
                    "percent": placed.percent,
                    "limits": {
                        level: [_plain(lo), _plain(hi)] for level, (lo, hi) in placed.limits.items()
                    },
                    "position": str(placed.position),
                }
            )
        return {
            "indicator": indicator,
            "as_of": as_of,
            "pooled": None if self.pooled is None else _plain(self.pooled),
            "partnerships": rows,
        }


def limits_at(pooled: float, n: int) -> dict[str, tuple[float, float]]:
    """The 95% and 99.8% limits at size n around the pooled proportion, within [0, 1]."""
    spread = math.sqrt(pooled * (1 - pooled) / n)
    return {
        level: (max(0.0, pooled - z * spread), min(1.0, pooled + z * spread))
        for level, z in Z.items()
    }


def position_of(proportion: float, limits: dict[str, tuple[float, float]]) -> Position:
    low, high = limits["99.8"]
    if proportion > high:
        return Position.ABOVE_998
    if proportion < low:
        return Position.BELOW_998
    low, high = limits["95"]
    if proportion > high:
        return Position.ABOVE_95
    if proportion < low:
        return Position.BELOW_95
    return Position.WITHIN


def funnel(counts: Iterable[Count], *, threshold: int) -> Funnel:
    """Each partnership placed on the funnel, in the order given; those with n under
    `threshold` (and any with no one at all) withheld and left out of the pooled value."""
    given = list(counts)
    for c in given:
        if c.n < 0 or not 0 <= c.x <= c.n:
            raise ValueError(f"{c.partnership}: x must be from 0 to n (got x={c.x}, n={c.n})")
    shown = [c for c in given if c.n >= max(threshold, 1)]
    total = sum(c.n for c in shown)
    pooled = sum(c.x for c in shown) / total if total else None
    placed = []
    for c in given:
        if pooled is None or c.n < max(threshold, 1):
            placed.append(Placed(c.partnership, True, None, None, None, None, None))
            continue
        limits = limits_at(pooled, c.n)
        proportion = c.x / c.n
        placed.append(
            Placed(
                c.partnership, False, c.n, c.x, proportion, limits, position_of(proportion, limits)
            )
        )
    return Funnel(pooled=pooled, partnerships=tuple(placed))


def _plain(value: float) -> float:
    return round(value, 6)
