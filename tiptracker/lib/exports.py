"""Writing tables as CSV and XLSX, safe to open in a spreadsheet.

A cell beginning with = + - or @ would be run as a formula by Excel or LibreOffice
(CSV/formula injection), so text cells beginning with one of them are prefixed with a
single quote. Numbers are written as numbers and left alone: plain in CSV (for machines),
and in XLSX with a number format that shows thousands separators (1,234) to the person
reading the sheet while the cell still holds the number.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab and line breaks: XLSX and Word files cannot hold them
# (openpyxl refuses the cell), and nobody means to type them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(text: str) -> str:
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Printable, on one line, its runs of spaces and line breaks made single spaces: how a
    short field (a name, a title, a link) is kept and printed."""
    return " ".join(printable(text).split())


def neutralise(value: object) -> object:
    if isinstance(value, str):
        value = printable(value)
        # Spreadsheets skip leading spaces and line breaks before deciding it is a formula.
        if value.lstrip(" \n\r\t").startswith(_FORMULA_STARTS):
            return "'" + value
    return value


def unneutralise(text: str) -> str:
    """What `neutralise` wrote, read back (an import of a file this app exported): the
    quote it put before a formula's first character is dropped."""
    if text.startswith("'") and text[1:].lstrip(" \n\r\t").startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# How a spreadsheet shows a whole number and a figure with decimals (a percentage, an
# average): with thousands separators.
WHOLE_NUMBER_FORMAT = "#,##0"
DECIMAL_NUMBER_FORMAT = "#,##0.0##"


def xlsx_cell(sheet: Worksheet, value: object) -> object:
    """`value` as a write-only sheet takes it: a number with a number format that groups its
    thousands, text made safe (neutralise)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    whole = isinstance(value, int) or value == int(value)
    cell.number_format = WHOLE_NUMBER_FORMAT if whole else DECIMAL_NUMBER_FORMAT
    return cell


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
