"""The phrasing every drafted section shares: counts in words ("1 session", "no trauma
champions"), lists joined the way the board writes them ("A, B and C"), months, "the" before
a body's name, percentages, and the board's paragraph numbers.
"""

from collections.abc import Iterable

from tiptracker.reporting.document import Paragraph


def count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def and_list(items: Iterable[str]) -> str:
    """ "A, B and C"; where an item has its own comma or "and" ("Map training need at levels
    one and two"), "A; B; and C", so that no two items read as one."""
    listed = list(items)
    if len(listed) < 2:
        return "".join(listed)
    if any(", " in item or " and " in item for item in listed):
        return "; ".join(listed[:-1]) + "; and " + listed[-1]
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def count_or_no(n: int, one: str, many: str | None = None) -> str:
    """ "3 trauma champions", "1 trauma champion", "no trauma champions": a zero in words."""
    return f"no {many or one + 's'}" if n == 0 else count(n, one, many)


def months_listed(months: Iterable[str]) -> str:
    """["April 2022", "May 2022"] as "April and May 2022": the year once for each run of
    months in the same year ("December 2021, January and February 2022")."""
    listed = [m.rsplit(" ", 1) for m in months]
    return and_list(
        name if n + 1 < len(listed) and listed[n + 1][1] == year else f"{name} {year}"
        for n, (name, year) in enumerate(listed)
    )


# A body named by what it is ("... Sexual Abuse Centre") takes "the" in a sentence; one named
# like a place ("Dundee City Council", "NHS Tayside") does not.
_THE_NOUNS = frozenset(
    "Centre Center Trust Foundation Association Alliance Project Network Service Services "
    "Group Collective Forum Society Consortium Charity".split()
)


def with_the(name: str) -> str:
    words = name.split()
    if words and words[0].lower() != "the" and words[-1] in _THE_NOUNS:
        return f"the {name}"
    return name


def percent(value: float | None) -> str:
    return "not needed" if value is None else f"{value:.1f}%"


class Numbers:
    """Hands out a section's paragraph numbers in order: 4.2.1, 4.2.2, ..."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.n = 0

    def __call__(self, text: str = "", **parts: object) -> Paragraph:
        self.n += 1
        return Paragraph(number=f"{self.prefix}.{self.n}", text=text, **parts)  # type: ignore[arg-type]
