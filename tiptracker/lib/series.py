"""Reading a measure's values from a file: the columns `date` and `value`, and optionally
`rebase` and `note` (formats.md, "Charts of a measure over time"), with the import rules of
formats.md (every row checked before anything is used, each problem with its row and column).

`tiptracker spc FILE` and a measure's import on its page both read through `read_series`.
"""

import math
from dataclasses import dataclass
from typing import IO

from tiptracker.lib.dates import parse_date
from tiptracker.lib.spc import Observation
from tiptracker.lib.tabular import FileProblem, control_character, open_tabular

COLUMNS = ["date", "value", "rebase", "note"]
NOTE_MAX = 500
_YES = {"1", "yes", "y", "true"}
_NO = {"", "0", "no", "n", "false"}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.problem}"


class SeriesProblems(Exception):
    """The file cannot be used: one problem with the whole file, or one per bad row."""

    def __init__(self, problems: list[RowProblem] | None = None, *, file: str = ""):
        self.problems = problems or []
        self.file = file
        super().__init__(file or "; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Series:
    observations: list[Observation]
    rows: list[int]  # each observation's row in the file, in the same order
    extra_columns: list[str]  # ignored, with one warning naming them (formats.md)
    columns: frozenset[str]  # which of COLUMNS the file has


def read_series(binary: IO[bytes], filename: str) -> Series:
    """Every row of the file as an Observation, in the file's order.

    Raises SeriesProblems naming each bad row (all of them, not the first only), or the file's
    one problem (not CSV or XLSX, no header, a required column missing, no rows).
    """
    try:
        table = open_tabular(binary, filename, required=["date", "value"], known=COLUMNS)
        observations: list[Observation] = []
        rows: list[int] = []
        problems: list[RowProblem] = []
        first_row_of: dict = {}
        for number, cells in table.rows:
            found = _observation(number, cells, problems)
            if found is None:
                continue
            earlier = first_row_of.setdefault(found.on, number)
            if earlier != number:
                problems.append(
                    RowProblem(number, "date", f"{found.on.isoformat()} is also on row {earlier}")
                )
                continue
            observations.append(found)
            rows.append(number)
    except FileProblem as problem:
        raise SeriesProblems(file=str(problem)) from None
    if problems:
        raise SeriesProblems(problems)
    if not observations:
        raise SeriesProblems(file="the file has a header but no rows of values")
    return Series(
        observations=observations,
        rows=rows,
        extra_columns=table.extra_columns,
        columns=frozenset(name for name in COLUMNS if name in table.header),
    )


def _observation(
    number: int, cells: dict[str, object], problems: list[RowProblem]
) -> Observation | None:
    found = len(problems)
    raw_date = cells.get("date")
    day = None
    if raw_date is None or not str(raw_date).strip():
        problems.append(RowProblem(number, "date", "is blank"))
    else:
        try:
            day = parse_date(raw_date)
        except ValueError as error:
            problems.append(RowProblem(number, "date", str(error)))
    value = _value(number, cells.get("value"), problems)
    rebase = _rebase(number, cells.get("rebase"), problems)
    note = "" if cells.get("note") is None else str(cells["note"]).strip()
    if note:
        if len(note) > NOTE_MAX:
            problems.append(RowProblem(number, "note", f"is longer than {NOTE_MAX} characters"))
        control = control_character(note)
        if control:
            problems.append(RowProblem(number, "note", control))
    if len(problems) > found or day is None or value is None:
        return None
    return Observation(on=day, value=value, rebase=rebase, note=note)


def _value(number: int, raw: object, problems: list[RowProblem]) -> float | None:
    if isinstance(raw, bool):
        problems.append(RowProblem(number, "value", f"'{raw}' is not a number"))
        return None
    if isinstance(raw, int | float):
        number_value = float(raw)
    else:
        text = "" if raw is None else str(raw).strip()
        if not text:
            problems.append(RowProblem(number, "value", "is blank"))
            return None
        try:
            if "_" in text:  # Python reads 1_000 as a thousand; a person did not mean that
                raise ValueError(text)
            number_value = float(text)
        except ValueError:
            problems.append(
                RowProblem(number, "value", f"'{text}' is not a number (write it like 41.2)")
            )
            return None
    if not math.isfinite(number_value) or abs(number_value) > 1e12:
        problems.append(RowProblem(number, "value", f"'{raw}' is not a usable number"))
        return None
    return number_value


def _rebase(number: int, raw: object, problems: list[RowProblem]) -> bool:
    text = "" if raw is None else str(raw).strip().lower()
    if text in _YES or text == "1.0":
        return True
    if text in _NO or text == "0.0":
        return False
    problems.append(
        RowProblem(number, "rebase", f"'{raw}' is not 1 or 0 (1 starts a new part of the chart)")
    )
    return False
