"""Reading import files row by row, with memory that does not grow with the file.

CSV (UTF-8, with or without a byte-order mark) or XLSX (first worksheet). The header is
row 1; each data row comes back as (row number, {normalised header: value}).

An XLSX file is a zip of XML parts, and a few megabytes of it can unpack to gigabytes (a
"zip bomb"): every part is read through a bounded stream (see _BoundedZip), so that no
part, no row and no worksheet can cost more than its limit below, whatever the file says.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.reader.excel import ExcelReader
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

# What a workbook may unpack to. The worksheet is read as a stream, so its size costs time,
# not memory; the shared strings (the workbook's text) are held in memory whole; any other
# part (styles, the workbook's list of sheets, ...) is held whole as an XML tree, which costs
# many times its size. A row is held whole while it is read, so it has limits of its own, as
# has any one text. Far above what a spreadsheet of staff or completions needs: a legitimate
# file of the largest size an import takes (50 MB) unpacks to a few hundred megabytes.
XLSX_SHEET_BYTES = 1024**3
XLSX_SHARED_STRINGS_BYTES = 100 * 1024**2
XLSX_PART_BYTES = 20 * 1024**2
# A row of the worksheet (or one text of the shared strings): its bytes, and its XML
# elements ("<"), each of which costs a few hundred bytes while the row is parsed. Excel's
# widest row, 16,384 cells of a few elements each, fits.
XLSX_ROW_BYTES = 8 * 1024**2
XLSX_ROW_ELEMENTS = 100_000
# Any other part's elements.
XLSX_PART_ELEMENTS = 500_000
# Cells read, counting each row as wide as the header: the worksheet's XML can say a row is
# a million rows further down, and openpyxl gives every row in between.
XLSX_CELLS = 20_000_000

_SAVE_AS_CSV = "save the sheet as CSV (UTF-8) and import that, or split the file"

# Control characters (Unicode's Cc): NUL, which PostgreSQL cannot keep in text at all, and the
# other invisible characters that a damaged export or a copy from another system leaves.
# A tab or a line break is allowed only in a column meant to hold several lines.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class FileProblem(Exception):
    """The file as a whole cannot be imported (as opposed to a bad row)."""


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with `text` if it holds a control character, as words that follow the
    column's name ("contains ..."); None if it holds none."""
    found = (_CONTROL_BUT_LAYOUT if multiline else _CONTROL).search(text)
    if found is None:
        return None
    character, at = found.group(), found.start() + 1
    if character in "\n\r":
        return f"contains a line break (at character {at}): this column takes one line of text"
    if character == "\t":
        return f"contains a tab (at character {at}): use a space instead"
    name = "NUL" if character == "\x00" else f"U+{ord(character):04X}"
    return f"contains an invisible control character ({name}, at character {at}): remove it"


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


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GB"
    if count >= 1024**2:
        return f"{count / 1024**2:.0f} MB"
    return f"{count:,} bytes"


class _TooLarge(FileProblem):
    """A workbook that would cost more to read than an import may spend."""


_CHUNK = 64 * 1024
# Where a row (<row ...>, or <x:row ...> with a namespace prefix) or a shared string (<si>)
# starts. Text in XML cannot hold a bare "<", so nothing inside a cell can look like one.
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_STRING_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


@dataclass(frozen=True)
class _PartLimits:
    what: str
    total: int  # bytes the part may unpack to
    unit: re.Pattern[bytes] | None  # where a row (or a string) starts; None: the part is one
    unit_what: str
    unit_bytes: int
    unit_elements: int


def _limits(name: str) -> _PartLimits:
    # By the names every spreadsheet program writes. A part under another name gets the
    # smallest limits, and a worksheet part that is not rows is stopped by the row limits.
    if name.startswith("xl/worksheets/"):
        return _PartLimits(
            "the worksheet",
            XLSX_SHEET_BYTES,
            _ROW_START,
            "a row of the worksheet",
            XLSX_ROW_BYTES,
            XLSX_ROW_ELEMENTS,
        )
    if name == "xl/sharedStrings.xml":
        return _PartLimits(
            "the workbook's text (its shared strings)",
            XLSX_SHARED_STRINGS_BYTES,
            _STRING_START,
            "one of the workbook's texts (its shared strings)",
            XLSX_ROW_BYTES,
            XLSX_ROW_ELEMENTS,
        )
    what = f"the part {name[:100]}"
    return _PartLimits(what, XLSX_PART_BYTES, None, what, XLSX_PART_BYTES, XLSX_PART_ELEMENTS)


class _BoundedPart:
    """One part of the workbook, unpacked a chunk at a time and refused as soon as it passes
    its limits. The zip's own record of each part's size can lie, and zipfile unpacks a
    whole part in one step when asked for all of it: counting what actually comes out, a
    chunk at a time, is the guard that holds."""

    def __init__(self, raw: IO[bytes], limits: _PartLimits):
        self._raw = raw
        self._limits = limits
        self._read = 0
        self._unit_start = 0  # where the current row (or string) starts in the part
        self._unit_elements = 0
        self._tail = b""  # the end of the last chunk, where a row's start may be cut in two

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_CHUNK), b""))
        data = self._raw.read(min(size, _CHUNK))
        self._read += len(data)
        limits = self._limits
        if self._read > limits.total:
            raise _TooLarge(
                f"{limits.what} unpacks to more than {_size(limits.total)}, more than an "
                f"import reads: {_SAVE_AS_CSV}"
            )
        self._watch_units(data)
        return data

    def _watch_units(self, data: bytes) -> None:
        limits = self._limits
        if limits.unit is not None:
            window = self._tail + data
            offset = self._read - len(window)  # where window[0] is in the part
            counted = len(self._tail)  # the tail's elements were counted with its chunk
            for match in limits.unit.finditer(window):
                start = offset + match.start()
                if start <= self._unit_start:
                    continue  # found in the last chunk already
                self._unit_elements += window.count(b"<", counted, match.start())
                self._check_unit(start)
                self._unit_start, self._unit_elements = start, 0
                counted = match.start()
            self._unit_elements += window.count(b"<", counted)
            self._tail = window[-32:]
        else:
            self._unit_elements += data.count(b"<")
        self._check_unit(self._read)

    def _check_unit(self, end: int) -> None:
        limits = self._limits
        if end - self._unit_start > limits.unit_bytes or self._unit_elements > limits.unit_elements:
            raise _TooLarge(
                f"{limits.unit_what} is too large to read safely (more than "
                f"{_size(limits.unit_bytes)}, or more than {limits.unit_elements:,} XML tags): "
                f"{_SAVE_AS_CSV}"
            )

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> "_BoundedPart":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _BoundedZip(zipfile.ZipFile):
    """The workbook's zip, refused at once if it says a part unpacks to more than that
    part's limit, and whose parts are read through _BoundedPart (in case it lies)."""

    def __init__(self, binary: IO[bytes]):
        super().__init__(binary)
        for info in self.infolist():
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                # Excel and every other program deflate; bzip2 and lzma unpack without a
                # bound on each step, so they are not read at all.
                raise zipfile.BadZipFile(f"{info.filename} is packed in an unusual way")
            limits = _limits(info.filename)
            if info.file_size > limits.total:
                raise _TooLarge(
                    f"{limits.what} unpacks to {_size(info.file_size)}, more than the "
                    f"{_size(limits.total)} an import reads: {_SAVE_AS_CSV}"
                )

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):  # type: ignore[no-untyped-def, override]
        part = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return part
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return _BoundedPart(part, _limits(filename))  # type: ignore[return-value]


def _open_workbook(binary: IO[bytes]) -> openpyxl.Workbook:
    """openpyxl's load_workbook (read-only, values only), reading through _BoundedZip.

    ExcelReader is what load_workbook uses; it opens the zip itself, so its archive is
    replaced by the bounded one before it reads anything."""
    bounded = _BoundedZip(binary)
    reader = ExcelReader(binary, read_only=True, data_only=True)
    reader.archive = bounded
    reader.read()
    return reader.wb


def _xlsx_rows(binary: IO[bytes]) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    unreadable = "the file is not a readable XLSX workbook"
    try:
        book = _open_workbook(binary)
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FileProblem("the workbook has no worksheet")
        # The size the worksheet says it has can be wrong (or hostile: a million columns
        # padding every row): rows are read as they are, as wide as the header.
        sheet.reset_dimensions()
        first = sheet.iter_rows(max_row=1, values_only=True)
        header = list(next(first))
        first.close()
        while header and header[-1] in (None, ""):
            header.pop()
        iterator = sheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
    except StopIteration:
        raise FileProblem("the file is empty") from None
    except _XLSX_ERRORS:
        raise FileProblem(unreadable) from None

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 1
        cells = 0
        try:
            for number, values in enumerate(iterator, start=2):  # noqa: B007 - the number is reported below
                cells += len(values)
                if cells > XLSX_CELLS:
                    raise _TooLarge(
                        f"the worksheet has more than {XLSX_CELLS:,} cells (rows times the "
                        f"header's columns) by row {number}, more than an import reads: split the file"
                    )
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
    for position, name in enumerate(header, start=1):
        # Line breaks and tabs in a header are spaces (normalise_header); anything else
        # would reach the page and the database in the warning about unknown columns.
        problem = control_character(name)
        if problem:
            raise FileProblem(f"the header (row 1), column {position} {problem}")
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
