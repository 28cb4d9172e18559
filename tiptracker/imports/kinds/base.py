"""What every import kind shares: a row's problems, and the checks every row passes.

A kind is built once per import with what it needs to look up (existing staff, courses,
teams), validates each row into a plain tuple or a list of problems, and writes batches of
valid rows. Lookups are loaded once, so validation costs no query per row.

Every kind's rows pass the same checks first (Kind.validate): no cell may hold a control
character, and no text may be longer than the model field it goes into. Both would
otherwise pass the check and fail at the import (PostgreSQL refuses a NUL and an overlong
value) or be kept as they are (SQLite).
"""

import abc
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from tiptracker.lib.dates import parse_date, today
from tiptracker.lib.exports import unneutralise
from tiptracker.lib.levels import parse_level
from tiptracker.lib.tabular import control_character
from tiptracker.partnerships.models import Partnership


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


class RowInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def cell_text(value: object) -> str:
    """A cell as the kinds read it: text, trimmed (None: empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a staff number typed into a spreadsheet comes back as 1234.0
    # A file exported here carries a quote before text that would run as a formula.
    return unneutralise(str(value).strip())


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or not field.max_length:
        raise TypeError(f"{model.__name__}.{name} is not a text field with a max_length")
    return field.max_length


class Kind(abc.ABC):
    required: list[str] = []
    optional: list[str] = []
    # The model field each text column is kept in or looked up by, for its max_length.
    text_fields: dict[str, tuple[type[models.Model], str]] = {}
    # The columns meant to hold several lines, where a tab or a line break is no mistake.
    multiline: frozenset[str] = frozenset()
    # True when coverage's inputs change, so the trend's derived table must be rebuilt.
    affects_coverage = True

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.today = today()
        self.max_lengths = [
            (column, _max_length(model, name)) for column, (model, name) in self.text_fields.items()
        ]

    @property
    def known(self) -> list[str]:
        return self.required + self.optional

    def validate(self, number: int, row: dict[str, object]) -> Any:
        """A row as the tuple `write` takes; raises RowInvalid with every problem found."""
        problems = self._cell_problems(number, row)
        if not problems:
            return self.check(number, row, problems)
        # The kind's own checks see a bad cell as empty, and what they say about its column
        # is left out: "is required", or a message quoting the very value found bad.
        bad = {problem.column for problem in problems}
        found = len(problems)
        try:
            self.check(number, {c: None if c in bad else v for c, v in row.items()}, problems)
        except RowInvalid:
            pass
        raise RowInvalid(problems[:found] + [p for p in problems[found:] if p.column not in bad])

    def _cell_problems(self, number: int, row: dict[str, object]) -> list[Problem]:
        problems = []
        # The whole row at once first, as nearly every row is clean; then cell by cell, on
        # the value as kept, since a line break at either end of a cell is trimmed away.
        if control_character("".join(v for v in row.values() if isinstance(v, str))):
            for column, value in row.items():
                if isinstance(value, str):
                    problem = control_character(
                        cell_text(value), multiline=column in self.multiline
                    )
                    if problem:
                        problems.append(Problem(number, column, problem))
        for column, limit in self.max_lengths:
            value = row.get(column)
            if value is None or len(value if isinstance(value, str) else str(value)) <= limit:
                continue
            length = len(cell_text(value))
            if length > limit and all(p.column != column for p in problems):
                problems.append(
                    Problem(
                        number,
                        column,
                        f"is {length:,} characters long: it can be at most {limit:,}",
                    )
                )
        return problems

    @abc.abstractmethod
    def check(self, number: int, row: dict[str, object], problems: list[Problem]) -> Any:
        """The kind's own checks of a row whose cells have passed the shared ones (`problems`
        holds any they found): the tuple `write` takes, or RowInvalid with `problems` and
        every problem the kind finds added."""

    @abc.abstractmethod
    def write(self, records: list) -> tuple[int, int, int]:
        """Write a batch; returns (created, updated, unchanged)."""

    def notes(self) -> list[str]:
        """What the file brings besides its rows, for the preview (nothing by default)."""
        return []

    # Shared field checks: each appends to `problems` and returns the cleaned value.
    def _required(self, number: int, row: dict, column: str, problems: list[Problem]) -> str:
        value = cell_text(row.get(column))
        if not value:
            problems.append(Problem(number, column, "is required"))
        return value

    def _date(
        self,
        number: int,
        row: dict,
        column: str,
        problems: list[Problem],
        *,
        required: bool = False,
    ) -> dt.date | None:
        raw = row.get(column)
        if raw is None or cell_text(raw) == "":
            if required:
                problems.append(Problem(number, column, "is required"))
            return None
        try:
            return parse_date(raw)
        except ValueError as error:
            problems.append(Problem(number, column, str(error)))
            return None

    def _level(
        self,
        number: int,
        row: dict,
        column: str,
        problems: list[Problem],
        *,
        required: bool = False,
    ) -> int | None:
        raw = cell_text(row.get(column))
        if not raw:
            if required:
                problems.append(Problem(number, column, "is required"))
            return None
        try:
            return parse_level(raw).value
        except ValueError as error:
            problems.append(Problem(number, column, str(error)))
            return None
