"""Small numbers: the one place that decides which figures are shown and which are not.

A figure drawn from fewer than the threshold (setting SMALL_NUMBER_THRESHOLD, default 5) of
people or responses is shown as "fewer than 5", on pages, in exports, in the API and in the
board report, so that nobody in a small group can be picked out (domain.md: UK GDPR Art 5,
data minimisation). Every output that shows such counts goes through this module.

Primary suppression hides each small count. Secondary suppression then stops a hidden count
being worked out by subtraction: in a table whose totals are shown, every row and column
(each with its total) is an equation, and an equation with exactly one hidden term gives
that term away. So while some equation has exactly one hidden term, the smallest shown
count in it is hidden too. At the end every equation has no hidden term or at least two.
(That is the standard rule for published tables; it does not claim to defeat an attacker
solving many equations at once, which small tables of counts rarely allow.)

The functions here take the threshold as an argument and know nothing of Django;
`threshold()` reads the setting for callers that have it to hand.
"""

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction


def threshold() -> int:
    from django.conf import settings

    return int(settings.SMALL_NUMBER_THRESHOLD)


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown: its value, or None when it is suppressed."""

    value: int | None
    threshold: int
    # Published rounded to the nearest five (anonymous answers: feedback/release.py). Not
    # part of what the figure is: a frozen report's 52 and today's rounded 52 are the same.
    rounded: bool = field(default=False, compare=False)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"fewer than {self.threshold}" if self.value is None else f"{self.value:,}"

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "suppressed": self.suppressed,
            "rounded": self.rounded,
            "shown": str(self),
        }


@dataclass(frozen=True)
class Rate:
    """A proportion as it may be shown: None when drawn from too few."""

    value: Fraction | None
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def percent(self, places: int = 0) -> float | None:
        return None if self.value is None else round(float(self.value) * 100, places)

    def __str__(self) -> str:
        if self.value is None:
            return f"fewer than {self.threshold}"
        return f"{self.percent():.0f}%"

    def as_json(self) -> dict:
        return {"percent": self.percent(1), "suppressed": self.suppressed, "shown": str(self)}


def count(value: int, *, at: int) -> Figure:
    """One count standing alone (no total beside it to subtract from)."""
    _check(value, at)
    return Figure(None if value < at else value, at)


def published(value: int, *, at: int) -> Figure:
    """A count that is published rounded (already rounded by the caller): shown as it is,
    0 included, since a rounded 0 stands for 0 to 2."""
    _check(value, at)
    return Figure(value, at, rounded=True)


def rate(numerator: int, denominator: int, *, at: int) -> Rate:
    """numerator / denominator, unless either is drawn from fewer than `at` people: a share
    of 2 in 40 says who the 2 are as well as a count of 2 would."""
    _check(numerator, at)
    _check(denominator, at)
    if numerator > denominator:
        raise ValueError("the numerator of a rate cannot exceed its denominator")
    if denominator < at or numerator < at:
        return Rate(None, at)
    return Rate(Fraction(numerator, denominator), at)


@dataclass(frozen=True)
class Row:
    """A list of counts and their total, as they may be shown."""

    cells: list[Figure]
    total: Figure


def row(values: Sequence[int], *, at: int) -> Row:
    """Counts with their total shown beside them (counts by kind, by stage ...)."""
    table = table_of([list(values)], at=at)
    return Row(table.cells[0], table.grand_total)


@dataclass(frozen=True)
class Table:
    """A table of counts with row totals, column totals and the grand total."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    grand_total: Figure


def table_of(values: Sequence[Sequence[int]], *, at: int) -> Table:
    """Suppress a table whose row, column and grand totals are all shown."""
    rows = [list(r) for r in values]
    width = len(rows[0]) if rows else 0
    if any(len(line) != width for line in rows):
        raise ValueError("every row of a table needs the same number of cells")
    for line in rows:
        for v in line:
            _check(v, at)
    row_totals = [sum(line) for line in rows]
    column_totals = [sum(line[c] for line in rows) for c in range(width)]
    grand = sum(row_totals)

    # Every shown number is a term; ("cell", r, c), ("row", r), ("column", c), ("grand",).
    value: dict[tuple, int] = {("grand",): grand}
    for r, cells in enumerate(rows):
        value[("row", r)] = row_totals[r]
        for c, v in enumerate(cells):
            value[("cell", r, c)] = v
    for c in range(width):
        value[("column", c)] = column_totals[c]

    # Equations: the parts of each line, and the line's total. A table of one row needs only
    # the row's equation (its column totals are its cells).
    equations: list[tuple[list[tuple], tuple]] = []
    for r in range(len(rows)):
        equations.append(([("cell", r, c) for c in range(width)], ("row", r)))
    if len(rows) > 1:
        for c in range(width):
            equations.append(([("cell", r, c) for r in range(len(rows))], ("column", c)))
        equations.append(([("row", r) for r in range(len(rows))], ("grand",)))
        if width > 1:
            equations.append(([("column", c) for c in range(width)], ("grand",)))
    elif width:
        # One row: the column totals are the cells themselves.
        for c in range(width):
            value[("column", c)] = rows[0][c]

    hidden = {term for term, v in value.items() if v < at}
    if len(rows) == 1:
        hidden |= {("column", c) for c in range(width) if ("cell", 0, c) in hidden}
    changed = True
    while changed:
        changed = False
        for parts, total in equations:
            terms = [*parts, total]
            if sum(term in hidden for term in terms) != 1:
                continue
            # Hide the smallest shown part (a total only when no part is left to hide).
            shown = [t for t in parts if t not in hidden] or [total]
            victim = min(shown, key=lambda t: (value[t], t))
            hidden.add(victim)
            if len(rows) == 1 and victim[0] == "cell":
                hidden.add(("column", victim[2]))
            changed = True

    def figure(term: tuple) -> Figure:
        return Figure(None if term in hidden else value[term], at)

    return Table(
        cells=[[figure(("cell", r, c)) for c in range(width)] for r in range(len(rows))],
        row_totals=[figure(("row", r)) for r in range(len(rows))],
        column_totals=[figure(("column", c)) for c in range(width)],
        grand_total=figure(("grand",)),
    )


def linked(
    values: Mapping[Hashable, int],
    sums: Iterable[Collection[Hashable]],
    *,
    at: int,
    rounded: Collection[Hashable] = (),
) -> dict[Hashable, Figure]:
    """Counts shown together that add up in ways a reader can see, each sum given as the
    set of its terms: one term the sum of the others (attended = answered + did not answer),
    or two groups with the same total (a year's quarters and a level's courses). Hidden as
    `table_of` hides a table: every count below `at`, then, while some sum has exactly one
    hidden term, the smallest shown term of that sum too. Terms in `rounded` are published
    rounded figures (and are marked so)."""
    for v in values.values():
        _check(v, at)
    equations = [tuple(dict.fromkeys(terms)) for terms in sums]
    containing: dict[Hashable, list[int]] = defaultdict(list)
    for index, terms in enumerate(equations):
        for term in terms:
            containing[term].append(index)
    # A rounded figure is already protected (a rounded 0 stands for 0 to 2): it is hidden
    # only where hiding it keeps another hidden figure from being worked out.
    hidden = {term for term, v in values.items() if v < at and term not in rounded}
    pending = list(range(len(equations)))
    while pending:
        terms = equations[pending.pop()]
        if sum(term in hidden for term in terms) != 1:
            continue
        shown = [term for term in terms if term not in hidden]
        if not shown:
            continue
        # The smallest, ties broken by the term's name, so the same figures hide the same way.
        victim = min(shown, key=lambda term: (values[term], repr(term)))
        hidden.add(victim)
        pending.extend(containing[victim])
    return {
        term: Figure(None if term in hidden else v, at, rounded=term in rounded)
        for term, v in values.items()
    }


def _check(value: int, at: int) -> None:
    if at < 1:
        raise ValueError("the small-number threshold must be 1 or more")
    if value < 0:
        raise ValueError("a count cannot be negative")
