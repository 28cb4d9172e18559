"""The axes of a measure's chart (lib/spc_charts.py): round-numbered values up the side, and
dates along the foot labelled so that no two labels overlap, whatever the series' length.

x is days since matplotlib's day 0 (1 January 1970).
"""

import datetime as dt
import functools
import math
from collections.abc import Sequence

from matplotlib.ticker import MaxNLocator

from tiptracker.lib.charts import GAP, text_width
from tiptracker.lib.numbers import thousands
from tiptracker.lib.spc import Chart

EPOCH = dt.date(1970, 1, 1).toordinal()  # matplotlib's day 0; x is days since it


def x_of(day: dt.date) -> float:
    return float(day.toordinal() - EPOCH)


def day_of(x: float) -> dt.date:
    return dt.date.fromordinal(int(round(x)) + EPOCH)


# The y axis ------------------------------------------------------------------------------------


def y_range(chart: Chart, target: float | None) -> tuple[list[float], int]:
    """Round-numbered ticks from below the lowest thing drawn to above the highest, and the
    decimal places they are written with."""
    shown = [p.value for p in chart.points] + [s.centre for s in chart.segments]
    for s in chart.segments:
        if s.trusted and s.upper is not None and s.lower is not None:
            shown += [s.upper, s.lower]
    if target is not None:
        shown.append(target)
    shown = [v for v in shown if math.isfinite(v)] or [0.0, 1.0]
    low, high = min(shown), max(shown)
    spread = high - low or max(abs(high), 1.0)
    low, high = low - spread * 0.04, high + spread * 0.04
    found = [
        float(t) for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    ]
    # From the last tick at or below the lowest value to the first at or above the highest.
    bottom = max([t for t in found if t <= low], default=found[0])
    top = min([t for t in found if t >= high], default=found[-1])
    ticks = [t for t in found if bottom <= t <= top]
    places = next(
        (n for n in range(7) if all(abs(t * 10**n - round(t * 10**n)) < 1e-6 for t in ticks)), 6
    )
    return ticks, places


def y_text(value: float, places: int, unit: str) -> str:
    text = thousands(round(value, places) + 0.0, places)
    return f"{text}%" if unit == "%" else text


# The x axis ------------------------------------------------------------------------------------


def monthly(days: Sequence[dt.date]) -> bool:
    """Whether the points are one a month, month after month (a month end, or any day)."""
    if len(days) < 2:
        return False
    months = [d.year * 12 + d.month for d in days]
    return all(b - a == 1 for a, b in zip(months, months[1:], strict=False))


def calendar_ticks(low: float, high: float, step: tuple[str, int]) -> list[float]:
    unit, every = step
    first, last = day_of(math.ceil(low)), day_of(math.floor(high))
    ticks: list[float] = []
    if unit == "day":
        start = math.ceil(low / every) * every
        return [float(x) for x in range(int(start), int(high) + 1, every)]
    if unit == "month":
        month = first.year * 12 + first.month - 1
        while True:
            day = dt.date(month // 12, month % 12 + 1, 1)
            if day > last:
                return ticks
            if day >= first and (month % 12) % every == 0:
                ticks.append(x_of(day))
            month += 1
    for year in range(first.year, last.year + 1):
        day = dt.date(year, 1, 1)
        if day >= first and year % every == 0:
            ticks.append(x_of(day))
    return ticks


CALENDAR = [("day", n) for n in (1, 2, 7, 14)] + [("month", n) for n in (1, 2, 3, 4, 6)]
CALENDAR += [("year", n) for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)]


def calendar_text(x: float, unit: str) -> str:
    day = day_of(x)
    if unit == "day":
        return f"{day.day} {day:%b %Y}"
    return f"{day:%b %Y}" if unit == "month" else str(day.year)


@functools.lru_cache(maxsize=4096)
def label_width(text: str) -> float:
    """The width of a label's widest line, in points (remembered: a long series asks for the
    same few labels again and again)."""
    return max(text_width(line) for line in text.split("\n"))


def x_ticks(
    days: Sequence[dt.date], low: float, high: float, scale: float, room: tuple[float, float]
) -> tuple[list[float], list[str]]:
    """Where to label the x axis, and how, so that no two labels overlap and none sticks out
    more than `room` (points, left and right) beyond the plot: a monthly series labels its own
    points (every one, or every second, third ... month, always the latest); any other labels
    the calendar, in days, months or years, as finely as there is room for."""

    def fits(ticks: list[float], texts: list[str]) -> bool:
        widest = max(label_width(t) for t in texts)
        return all((b - a) * scale >= widest + GAP for a, b in zip(ticks, ticks[1:], strict=False))

    def inside(ticks: list[float], texts: list[str]) -> tuple[list[float], list[str]]:
        kept = [
            (t, s)
            for t, s in zip(ticks, texts, strict=True)
            if (t - low) * scale >= label_width(s) / 2 - room[0]
            and (high - t) * scale >= label_width(s) / 2 - room[1]
        ]
        return [t for t, _ in kept], [s for _, s in kept]

    if monthly(days):
        n = len(days)
        for every in (1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600, 1200):
            shown = list(range(n - 1, -1, -every))[::-1]
            ticks = [x_of(days[i]) for i in shown]
            # On one line ("Jan 2022") or, where that is too wide, on two.
            for form in ("%b %Y", "%b\n%Y"):
                texts = [f"{days[i]:{form}}" for i in shown]
                if len(ticks) < 2 or fits(ticks, texts):
                    return inside(ticks, texts)
    for step in CALENDAR:
        ticks = calendar_ticks(low, high, step)
        # Far too many to fit, judged by one label: a coarser step, without measuring them all.
        sample = label_width(calendar_text(ticks[0], step[0])) if ticks else 0.0
        if (len(ticks) - 1) * (sample + GAP) > (high - low) * scale * 1.2:
            continue
        ticks, texts = inside(ticks, [calendar_text(t, step[0]) for t in ticks])
        if ticks and fits(ticks, texts):
            return ticks, texts
    return [], []
