"""Computed indicators: each defined once, with a code, a definition and a unit, and worked
out from TIP Tracker's records for any partnership on any date. So far the four coverage
indicators (`coverage-informed` ... `coverage-specialist`): of the people who need the level
on the date, the share who have it, exactly as formats.md's coverage rule counts them (the
totals of training.coverage). Each is a proportion, so it can be compared across the
partnerships that share their indicators on a funnel plot (lib.funnel).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tiptracker.lib.funnel import Count, Funnel, Placed, funnel
from tiptracker.lib.levels import LEVELS, Level
from tiptracker.partnerships.models import Partnership
from tiptracker.training.coverage import coverage


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    definition: str
    unit: str  # "percentage": a proportion x of n, shown as a percentage
    # For each partnership, (n, x): the people counted and those of them meeting it.
    counts: Callable[[list[Partnership], dt.date], dict[int, tuple[int, int]]]


class UnknownIndicator(LookupError):
    pass


def _coverage_counts(level: Level) -> Callable[[list[Partnership], dt.date], dict]:
    def counts(partnerships: list[Partnership], on: dt.date) -> dict[int, tuple[int, int]]:
        found = {}
        for partnership in partnerships:
            totals = coverage(
                partnership_id=partnership.pk, partnership_slug=partnership.slug, as_of=on
            ).totals
            row = next(r for r in totals if r.level == level)
            found[partnership.pk] = (row.needed, row.met)
        return found

    return counts


INDICATORS: dict[str, Indicator] = {
    f"coverage-{level.slug}": Indicator(
        code=f"coverage-{level.slug}",
        title=f"Coverage at {level.label}",
        definition=(
            f"Of the workforce on the date who need {level.label} or above, the share with a "
            f"completion of a course at {level.label} or above on or before it (the coverage "
            "rule)."
        ),
        unit="percentage",
        counts=_coverage_counts(level),
    )
    for level in LEVELS
}


def indicator_by_code(code: str) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise UnknownIndicator(code) from None


def sharing_partnerships() -> list[Partnership]:
    """The partnerships whose indicators take part in comparisons, by slug (read each time:
    one that stops sharing is out of the next comparison)."""
    return list(Partnership.objects.filter(shares_indicators=True).order_by("slug"))


def compare(
    code: str, *, on: dt.date, threshold: int, partnerships: Iterable[Partnership] | None = None
) -> Funnel:
    """One indicator across the partnerships that share their indicators, on a funnel plot
    (formats.md, "Comparing partnerships"); small partnerships withheld."""
    indicator = indicator_by_code(code)
    chosen = sharing_partnerships() if partnerships is None else list(partnerships)
    counts = indicator.counts(chosen, on)
    return funnel(
        [Count(p.slug, *counts[p.pk]) for p in chosen],
        threshold=threshold,
    )


@dataclass(frozen=True)
class Point:
    """A partnership on a funnel as another partnership sees it: its own point named, the
    others not."""

    yours: bool
    placed: Placed


def as_seen_by(found: Funnel, slug: str) -> list[Point]:
    """The funnel's points for the partnership `slug`: its own first, then the others by size
    (the funnel's own axis) and proportion, withheld ones last; never in an order (such as by
    slug) that would name them."""
    own = [Point(True, p) for p in found.partnerships if p.partnership == slug]
    others = [p for p in found.partnerships if p.partnership != slug]
    shown = sorted(
        (p for p in others if not p.suppressed), key=lambda p: (p.n or 0, p.proportion or 0)
    )
    withheld = [p for p in others if p.suppressed]
    return own + [Point(False, p) for p in [*shown, *withheld]]
