"""What the attacker of test_disclosure reads: every output (the results service narrowed
every way it allows, the results API, the impact page's figures and the board report's
for overlapping periods), each figure taken as the people it is about and the interval
of true counts it allows, narrowed by its own totals and shares."""

import datetime as dt
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.feedback.impact import CHANGED, impact_for
from tiptracker.feedback.periods import Period
from tiptracker.feedback.results import Filters, results_for
from tiptracker.feedback.tests.disclosure_world import (
    AT,
    CHANGE,
    EXTRA,
    QUARTERS,
    YEAR,
    World,
)
from tiptracker.reporting.gather import report_figures

# What the attacker reads ---------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A figure as the attacker understands it: the people it is about, what it counts,
    and the true counts it allows."""

    source: str
    scope: frozenset[int]
    quantity: str  # "answered", "<question>=<answer>", or "<question> sum"
    low: int
    high: int


def _interval(figure: dict) -> tuple[int, int] | None:
    """From {value, suppressed, rounded}: the true counts it allows."""
    if figure.get("suppressed"):
        return (0, AT - 1)
    value = figure["value"]
    if value is None:
        return None
    if figure.get("rounded"):
        return (max(0, value - 2), value + 2)
    return (value, value)


class Reader:
    """Turns outputs into Seen figures, knowing the cohort's attendance."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.released: dict[str, set[str]] = defaultdict(set)  # course -> period keys seen

    def people(self, course: str | None = None, **where: object) -> set[int]:
        return {
            p.key
            for p in self.world.people
            if (course is None or p.course == course)
            and all(getattr(p, name) == value for name, value in where.items())
        }

    def period_scope(self, course: str, key: str) -> set[int]:
        if key.endswith(("q1", "q2", "q3", "q4")):
            return self.people(course, quarter=int(key[-1]))
        released = {int(k[-1]) for k in self.released[course] if "q" in k}
        return {p for p in self.people(course) if self._quarter(p) not in released}

    def _quarter(self, key: int) -> int:
        return next(p.quarter for p in self.world.people if p.key == key)

    def results(
        self, source: str, body: dict, *, course_filter: set[str], where: dict
    ) -> list[Seen]:
        """Figures from a results output (the API's JSON, or the service's, made the same)."""
        seen = []
        for result in body["results"]:
            course = result["course"].removeprefix("Course ")
            if course not in course_filter:
                continue
            if result.get("periods"):
                self.released[course] |= set(result["periods"])
                scope: set[int] = set()
                for key in result["periods"]:
                    scope |= self.period_scope(course, key)
                scope &= self.people(course, **where)
            else:
                scope = self.people(course, **where)
            if not scope:
                continue
            add = _adder(seen, source, frozenset(scope))
            add("answered", result["answered"])
            for question in result["questions"]:
                text = question["question"]
                ask = frozenset(scope)
                if text == EXTRA:  # asked only in version 2: quarters 3 and 4
                    ask = frozenset(p for p in scope if self._quarter(p) >= 3)
                add_q = _adder(seen, source, ask)
                cells = {a["answer"]: _interval(a["people"]) for a in question["answers"]}
                total = _interval(question["total"])
                exact_total = total is not None and total[0] == total[1]
                if exact_total:
                    cells = _narrow(cells, total[0])  # the total less every other cell
                    share = question.get("share_changed") or {}
                    if share.get("percent") is not None and question.get("change_answer"):
                        # A share of an exact total gives its part, to within the rounding.
                        p = share["percent"] / 100
                        part = (
                            math.ceil((p - 0.0005) * total[0]),
                            math.floor((p + 0.0005) * total[0]),
                        )
                        label = question["change_answer"]
                        low, high = cells[label]
                        cells[label] = (max(low, part[0]), min(high, part[1]))
                        cells = _narrow(cells, total[0])
                    average = question.get("average") or {}
                    if average.get("value") is not None:
                        # An average of an exact total gives the sum of the answers.
                        m = average["value"]
                        add_q(
                            f"{text} sum",
                            None,
                            interval=(
                                math.ceil((m - 0.005) * total[0]),
                                math.floor((m + 0.005) * total[0]),
                            ),
                        )
                for label, interval in cells.items():
                    if interval is not None:
                        add_q(f"{text}={label}", None, interval=interval)
        return seen


def _narrow(cells: dict, total: int) -> dict:
    """Each cell's interval narrowed by the exact total less the others' intervals."""
    known = {k: v for k, v in cells.items() if v is not None}
    for _ in range(3):
        for label, (low, high) in list(known.items()):
            others_low = sum(v[0] for k, v in known.items() if k != label)
            others_high = sum(v[1] for k, v in known.items() if k != label)
            known[label] = (max(low, total - others_high), min(high, total - others_low))
    return {**cells, **known}


def _adder(seen: list[Seen], source: str, scope: frozenset[int]):  # type: ignore[no-untyped-def]
    def add(quantity: str, figure: dict | None, interval: tuple[int, int] | None = None) -> None:
        found = interval if interval is not None else (_interval(figure) if figure else None)
        if found is not None and scope:
            seen.append(Seen(source, scope, quantity, found[0], found[1]))

    return add


def _service_json(found) -> dict:  # type: ignore[no-untyped-def]
    """The results service's figures in the API's shape."""
    return {
        "results": [
            {
                "course": r.course,
                "periods": [p.key for p in r.periods],
                "answered": r.answered.as_json(),
                "questions": [
                    {
                        "question": q.question.text,
                        "answers": [
                            {"answer": label, "people": figure.as_json()}
                            for label, figure in q.pairs
                        ],
                        "total": q.counts.total.as_json(),
                        "change_answer": q.question.change_answer,
                        "share_changed": q.changed.as_json() if q.changed else None,
                        "average": (
                            None
                            if q.mean is None
                            or q.mean.value is None
                            # An average of rounded counts says nothing of the true answers.
                            or q.counts.total.rounded
                            else {"value": round(q.mean.value, 2)}
                        ),
                    }
                    for q in r.questions
                ],
            }
            for r in found.timepoints
            if r.timepoint == "follow_up"
        ]
    }


def _read_everything(world: World, reader: Reader, *, api: bool) -> list[Seen]:
    p = world.partnership
    seen: list[Seen] = []
    courses = {"A": (world.courses["A"],), "B": (world.courses["B"],)}
    choices = [("A", {"A"}), ("B", {"B"}), ("level", {"A", "B"})]
    periods: list[tuple[str, dict, dict]] = [("any time", {}, {})]
    for period in [Period(YEAR), *QUARTERS]:
        key = period.key
        range_ = {"start": period.starts_on, "end": period.ends_before}
        where = {} if period.quarter is None else {"quarter": period.quarter}
        periods.append((key, range_, where))
    narrowings: list[tuple[dict, dict]] = [({}, {})]
    for (course, quarter, number), session in world.sessions.items():
        narrowings.append(
            ({"session_id": session}, {"quarter": quarter, "session": number, "course": course})
        )
    for n, organisation in enumerate(world.organisations):
        narrowings.append(({"organisation_id": organisation}, {"org": n}))
    for (name, course_filter), (key, range_, where), (narrow, narrow_where) in itertools.product(
        choices, periods, narrowings
    ):
        ids = courses[name] if name in courses else (world.courses["A"], world.courses["B"])
        found = results_for(p.pk, at=AT, filters=Filters(course_ids=ids, **range_, **narrow))
        whose = {**where, **{k: v for k, v in narrow_where.items() if k != "course"}}
        within = course_filter & (
            {narrow_where["course"]} if "course" in narrow_where else course_filter
        )
        seen += reader.results(
            f"results {name} {key} {narrow}",
            _service_json(found),
            course_filter=within,
            where=whose,
        )
    if api:
        client = signed_in(world.admin.user)
        url = f"/api/partnerships/{p.slug}/feedback/results/"
        for (key, _range, where), (narrow, narrow_where) in itertools.product(periods, narrowings):
            query = {"course": world.courses["A"]}
            if key != "any time":
                query["period"] = key
            if "session_id" in narrow:
                if narrow_where["course"] != "A":
                    continue
                query["session"] = narrow["session_id"]
            if "organisation_id" in narrow:
                query["organisation"] = narrow["organisation_id"]
            response = client.get(url, query)
            assert response.status_code == 200, response.content
            whose = {**where, **{k: v for k, v in narrow_where.items() if k != "course"}}
            seen += reader.results(
                f"api {query}", response.json(), course_filter={"A"}, where=whose
            )
    # The impact page: each course's "changed practice", and the level's by period.
    impact = impact_for(p.pk, at=AT)
    for level in impact.levels:
        for chain in level.courses:
            course = chain.title.removeprefix("Course ")
            step = next(s for s in chain.steps if s.step == CHANGED)
            if step.people is not None:
                scope = set()
                for key in reader.released[course]:
                    scope |= reader.period_scope(course, key)
                _adder(seen, "impact course", frozenset(scope))(
                    f"{CHANGE}=Yes", step.people.as_json()
                )
        for row in level.periods:
            cell = next(c for c in row.cells if c.step == CHANGED)
            if cell.people is None:
                continue
            scope = set()
            for course in ("A", "B"):
                if row.period.key in reader.released[course]:
                    scope |= reader.period_scope(course, row.period.key)
            _adder(seen, f"impact {row.period.key}", frozenset(scope))(
                f"{CHANGE}=Yes", cell.people.as_json()
            )
    # The board report for overlapping periods.
    for start, end in [
        (dt.date(2022, 4, 1), dt.date(2022, 6, 30)),
        (dt.date(2022, 4, 1), dt.date(2022, 9, 30)),
        (dt.date(2022, 7, 1), dt.date(2022, 12, 31)),
        (dt.date(2022, 4, 1), dt.date(2023, 3, 31)),
    ]:
        figures = report_figures(partnership_id=p.pk, start=start, end=end)
        inside = {
            q.key
            for q in QUARTERS
            if figures.impact_start <= q.starts_on
            and q.ends_before <= figures.impact_end + dt.timedelta(days=1)
        }
        if figures.impact_start <= YEAR.starts_on and figures.impact_end >= dt.date(2023, 3, 31):
            inside.add(Period(YEAR).key)
        for row in figures.impact:
            course = row.course.removeprefix("Course ")
            if row.changed is None:
                continue
            scope = set()
            for key in reader.released[course] & inside:
                scope |= reader.period_scope(course, key)
            _adder(seen, f"board {start}..{end}", frozenset(scope))(
                f"{CHANGE}=Yes", row.changed.as_json()
            )
    return seen
