"""Who completes what, and when: each demo person's learning drawn from the roll-out curves
of data.ROLLOUT. Pure functions of a random generator, so the loader stays about writing."""

import bisect
import datetime as dt
import random

from tiptracker.demo import data
from tiptracker.lib.levels import Level


def learning(
    rng: random.Random,
    *,
    team: data.TeamSpec,
    required: Level,
    is_manager: bool,
    start: dt.date | None,
    leaving: dt.date | None,
) -> list[tuple[str, dt.date]]:
    """(course code, day) for what one person completes, whatever today is: the caller
    keeps what is on or before today. Everyone draws the same count of random numbers, so
    the past comes out the same whichever day the demo is loaded."""
    # One engagement figure per person, nudged per level: someone early to one level tends
    # to be early to the next, and rarely does a higher level without the lower.
    engagement = rng.random()
    days = {level: _draw(rng, level, engagement + rng.gauss(0, 0.06), start) for level in Level}
    sowing_seeds, stilt, topic = rng.random() < 0.5, rng.random() < 0.2, rng.random() < 0.45
    gap = dt.timedelta(days=rng.randint(14, 120))
    done: list[tuple[str, dt.date]] = []
    if (informed := days[Level.INFORMED]) is not None:
        children = team.topic == data.CYP and sowing_seeds
        done.append((data.SOWING_SEEDS if children else data.OPENING_DOORS, informed))
    if required >= Level.SKILLED and (skilled := days[Level.SKILLED]) is not None:
        done.append((data.STILT if is_manager and stilt else data.SKILLED_MODULE, skilled))
        if team.topic and topic:
            done.append((data.TOPIC_MODULES[team.topic], skilled + gap))
    if required >= Level.ENHANCED and (enhanced := days[Level.ENHANCED]) is not None:
        done.append((data.SAFETY_STABILISATION, enhanced))
    if required >= Level.SPECIALIST and (specialist := days[Level.SPECIALIST]) is not None:
        done.append((data.PHASED_THERAPY, specialist))
    return [(code, day) for code, day in done if leaving is None or day <= leaving]


def _draw(rng: random.Random, level: Level, share: float, start: dt.date | None) -> dt.date | None:
    """The day the level's roll-out curve reaches `share`, or None beyond its end (they
    never do it). Someone who joined after that day does it in their first months."""
    induction = dt.timedelta(days=rng.randint(21, 200))
    points = data.ROLLOUT[level]
    shares = [point[1] for point in points]
    share = max(share, 0.0)
    if share >= shares[-1]:
        return None
    i = bisect.bisect_right(shares, share) - 1
    (day0, share0), (day1, share1) = points[i], points[i + 1]
    day = day0 + dt.timedelta(days=int((day1 - day0).days * (share - share0) / (share1 - share0)))
    return start + induction if start and day < start else day
