"""Reading import files row by row, with memory that does not grow with the file.

CSV (UTF-8, with or without a byte-order mark) or XLSX (first worksheet). The header is
row 1; each data row comes back as (row number, {normalised header: value}).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

# What openpyxl raises for a file that is not a workbook, or a damaged one.
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    ParseError,
    InvalidFileException,
)

_NOT_UTF8 = "the file is not readable as UTF-8 text (in Excel, save it as 'CSV UTF-8')"


class FileProblem(Exception):
    """The file as a whole cannot be imported (as opposed to a bad row)."""


def normalise_header(name: object) -> str:
    return " ".join(str(name or "").strip().lower().split()).replace(" ", "_")


@dataclass
class TabularFile:
    """An opened import file: its header and a row iterator."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, object]]]
    extra_columns: list[str] = field(default_factory=list)


class _TextOverCallersFile(io.TextIOWrapper):
    """Decodes the caller's binary file and leaves it open when done: the caller owns it."""

    def close(self) -> None:
        pass


def _text(binary: IO[bytes]) -> Iterator[str]:
    # TextIOWrapper decodes in C, several times faster than a codecs reader; newline=""
    # hands line endings (also a lone \r) to the csv module as it expects.
    if isinstance(binary, io.IOBase):
        return _TextOverCallersFile(binary, encoding="utf-8-sig", errors="strict", newline="")  # type: ignore[arg-type]
    return codecs.getreader("utf-8-sig")(binary, "strict")


def _csv_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    if binary.seekable():
        start = binary.read(4)
        binary.seek(0)
        if start == b"PK\x03\x04":  # a workbook saved with the wrong ending: say so plainly
            raise FileProblem("the file is an Excel workbook, not CSV: give it the ending .xlsx")
    reader = csv.reader(_text(binary))
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("the file is empty") from None
    except UnicodeDecodeError:
        raise FileProblem(_NOT_UTF8) from None
    except csv.Error as error:
        raise FileProblem(f"the file is not valid CSV: {error}") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for values in reader:
                number += 1
                yield number, values
        except UnicodeDecodeError:
            raise FileProblem(f"{_NOT_UTF8}: the problem is at or near row {number + 1}") from None
        except csv.Error as error:
            raise FileProblem(f"row {number + 1} is not valid CSV: {error}") from None

    return header, rows()


def _xlsx_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    unreadable = "the file is not a readable XLSX workbook"
    try:
        book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileProblem("the workbook has no worksheet")
        iterator = sheet.iter_rows(values_only=True)
        header = list(next(iterator))
    except StopIteration:
        raise FileProblem("the file is empty") from None
    except _XLSX_ERRORS:
        raise FileProblem(unreadable) from None

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 1
        try:
            for number, values in enumerate(iterator, start=2):  # noqa: B007 - the number is reported below
                yield number, list(values)
        except _XLSX_ERRORS:
            raise FileProblem(f"{unreadable}: it is damaged at or near row {number + 1}") from None
        book.close()

    return [str(h) if h is not None else "" for h in header], rows()


def open_tabular(
    binary: IO[bytes], filename: str, *, required: list[str], known: list[str]
) -> TabularFile:
    """Open `binary` as CSV or XLSX (by the name's ending) and check its header.

    Raises FileProblem for a file that cannot be imported at all.
    """
    suffix = Path(filename).suffix.lower()
    raw_header: list[str]
    raw_rows: Iterator[tuple[int, list]]
    if suffix == ".csv":
        raw_header, raw_rows = _csv_rows(binary)
    elif suffix == ".xlsx":
        raw_header, raw_rows = _xlsx_rows(binary)
    else:
        raise FileProblem(f"'{Path(filename).name}' is not a CSV or XLSX file")

    header = [normalise_header(h) for h in raw_header]
    if not any(header):
        raise FileProblem("the first row must be a header naming the columns")
    missing = [name for name in required if name not in header]
    if missing:
        names = ", ".join(missing)
        raise FileProblem(f"missing required column{'s' if len(missing) > 1 else ''}: {names}")
    twice = sorted({h for h in header if h in known and header.count(h) > 1})
    if twice:
        # Which of the two to believe is a guess we should not make for the user.
        raise FileProblem(
            f"the column{'s' if len(twice) > 1 else ''} {', '.join(twice)} appear{'' if len(twice) > 1 else 's'} more than once"
        )
    extra = [
        str(raw).strip() for raw, h in zip(raw_header, header, strict=True) if h and h not in known
    ]

    # Worked out once, not per row: a million-row file spends its time in this loop.
    wanted = [(i, name) for i, name in enumerate(header) if name in known]

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        for number, values in raw_rows:
            for value in values:
                if value is not None and str(value).strip():
                    break
            else:
                continue  # blank lines at the end of a spreadsheet are not rows
            yield number, {name: values[i] if i < len(values) else None for i, name in wanted}

    return TabularFile(header=header, rows=rows(), extra_columns=extra)


def open_path(path: Path) -> IO[bytes]:
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def bytes_io(data: bytes) -> IO[bytes]:
    return io.BytesIO(data)
