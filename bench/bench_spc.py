"""A measure of 1,000 points: its chart computed (tiptracker.lib.spc) beside the same limits
and signals computed with numpy, in the same run.

    python bench/bench_spc.py [--points 1000] [--repeat 200]

The series: seeded monthly-like values with a shift a third of the way in and a rising
stretch later, so every XmR rule and both run-chart rules have points to find. The numpy
baseline (written here, apart from lib/spc.py, vectorised where numpy can be) computes the XmR
chart's centre, limits and the four Making Data Count signals, and the run chart's median,
shifts and trends (IHI); the run fails unless both give the same centre, limits and signals
at every point. Then each is timed (median of --repeat runs) and the ratio printed.
Target (issue 17): computation / numpy <= 3.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tiptracker.lib.spc import ChartKind, Observation, RuleSet, compute  # noqa: E402


def make_series(points: int, seed: int = 17) -> list[Observation]:
    rng = random.Random(seed)
    start = dt.date(1940, 1, 1)
    values = []
    for i in range(points):
        level = 40 + (8 if i > points // 3 else 0)
        drift = (i - 2 * points // 3) * 0.8 if 2 * points // 3 < i < 2 * points // 3 + 9 else 0
        values.append(round(level + drift + rng.gauss(0, 3), 1))
    return [Observation(on=start + dt.timedelta(days=i), value=v) for i, v in enumerate(values)]


def _runs(keys: np.ndarray, length: int) -> np.ndarray:
    """Mask of positions in runs of `length`+ equal non-zero keys (vectorised run lengths)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=bool)
    change = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [n]))
    lengths = ends - starts
    long_ = (lengths >= length) & (keys[starts] != 0)
    return np.repeat(long_, lengths)


def numpy_xmr(values: np.ndarray) -> tuple[float, float, float, list[set[str]]]:
    centre = values.mean()
    mr = np.abs(np.diff(values))
    mr_bar = mr.mean()
    mr_bar = mr[mr <= 3.267 * mr_bar].mean()
    upper, lower = centre + 2.66 * mr_bar, centre - 2.66 * mr_bar
    side = np.sign(values - centre)
    outside = (values > upper) | (values < lower)
    near = ~outside & (np.abs(values - centre) > (2 / 3) * 2.66 * mr_bar)
    shift = _runs(side, 7)
    steps = np.sign(np.diff(values))
    chain = _runs(steps, 6)  # 6 equal steps = 7 points
    trend = np.zeros(len(values), dtype=bool)
    trend[:-1] |= chain
    trend[1:] |= chain
    same = (side[:-2] == side[1:-1]) & (side[1:-1] == side[2:]) & (side[:-2] != 0)
    two = same & ((near[:-2].astype(int) + near[1:-1] + near[2:]) >= 2)
    in_window = np.zeros(len(values), dtype=bool)
    for offset in range(3):
        in_window[offset : len(values) - 2 + offset] |= two
    two_of_three = in_window & near
    signals = []
    for flags in zip(outside, shift, trend, two_of_three, strict=True):
        signals.append(
            {
                name
                for name, on in zip(
                    ("outside_limits", "shift", "trend", "two_of_three"), flags, strict=True
                )
                if on
            }
        )
    return float(centre), float(upper), float(lower), signals


def numpy_run(values: np.ndarray) -> tuple[float, list[set[str]]]:
    centre = float(np.median(values))
    side = np.sign(values - centre)
    useful = np.flatnonzero(side)
    shift = np.zeros(len(values), dtype=bool)
    shift[useful] = _runs(side[useful], 6)
    # Equal neighbours count once: keep the first of each level stretch, find chains of 4
    # equal steps (5 points) among the kept points, then spread back over the stretches.
    keep = np.concatenate(([True], np.diff(values) != 0))
    kept = np.flatnonzero(keep)
    steps = np.sign(np.diff(values[kept]))
    chain = _runs(steps, 4)
    kept_trend = np.zeros(len(kept), dtype=bool)
    kept_trend[:-1] |= chain
    kept_trend[1:] |= chain
    # A chain runs from its first kept point to its last: the repeats inside belong to it.
    trend = np.zeros(len(values), dtype=bool)
    starts = kept[:-1][chain]
    ends = kept[1:][chain]
    delta = np.zeros(len(values) + 1, dtype=int)
    np.add.at(delta, starts, 1)
    np.add.at(delta, ends + 1, -1)
    trend = (np.cumsum(delta)[:-1] > 0) & (side != 0)
    signals = [
        {name for name, on in (("shift", s), ("trend", t)) if on}
        for s, t in zip(shift, trend, strict=True)
    ]
    return centre, signals


def check(observations: list[Observation]) -> None:
    values = np.array([o.value for o in observations])
    xmr = compute(observations, kind=ChartKind.XMR)
    centre, upper, lower, signals = numpy_xmr(values)
    (segment,) = xmr.segments
    assert abs(segment.centre - centre) < 1e-9 and segment.upper is not None
    assert abs(segment.upper - upper) < 1e-9 and segment.lower is not None
    assert abs(segment.lower - lower) < 1e-9
    assert [set(p.signals) for p in xmr.points] == signals, "XmR signals differ from numpy's"
    run = compute(observations, kind=ChartKind.RUN, rules=RuleSet.IHI)
    centre, signals = numpy_run(values)
    assert run.segments[0].centre == centre
    assert [set(p.signals) for p in run.points] == signals, "run-chart signals differ"
    found = {s for p in xmr.points for s in p.signals} | {s for p in run.points for s in p.signals}
    assert {"outside_limits", "shift", "trend", "two_of_three"} <= found, found


def median_ms(work, repeat: int) -> float:
    work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    observations = make_series(args.points)
    check(observations)
    values = np.array([o.value for o in observations])
    print(f"A measure of {args.points:,} points (median of {args.repeat} runs)")
    worst = 0.0
    for label, ours, theirs in (
        ("XmR", lambda: compute(observations, kind=ChartKind.XMR), lambda: numpy_xmr(values)),
        (
            "run (IHI)",
            lambda: compute(observations, kind=ChartKind.RUN),
            lambda: numpy_run(values),
        ),
    ):
        mine, baseline = median_ms(ours, args.repeat), median_ms(theirs, args.repeat)
        ratio = mine / baseline
        worst = max(worst, ratio)
        print(f"  {label:10} lib.spc {mine:6.2f} ms   numpy {baseline:6.2f} ms   ratio {ratio:.2f}")
    print(f"Target: computation / numpy <= 3: {'met' if worst <= 3 else 'NOT MET'} ({worst:.2f})")
    return 0 if worst <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
