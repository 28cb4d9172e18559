"""Reading a hostile workbook costs no more than its limits: a part that unpacks to more than
the zip says, a row of a few hundred thousand cells, a worksheet that says it is a million
columns wide. Each test measures what was allocated while the file was read (tracemalloc),
so a guard that went missing would show as memory, not only as a message.

The control characters a cell may not hold are here too, as the import's checks name them.
"""

import io
import tracemalloc
import zipfile

import pytest

from tiptracker.lib import tabular
from tiptracker.lib.tabular import FileProblem, control_character, open_tabular
from tiptracker.lib.tests import workbooks

STAFF = ["staff_id", "organisation", "team"]


def read(content: bytes) -> tuple[list | str, float]:
    """Read `content` as a staff file: (its rows, or the problem's message), and the most
    memory in MB the reading held at once."""
    tracemalloc.start()
    try:
        table = open_tabular(io.BytesIO(content), "staff.xlsx", required=STAFF, known=STAFF)
        outcome: list | str = list(table.rows)
    except FileProblem as problem:
        outcome = str(problem)
    finally:
        peak = tracemalloc.get_traced_memory()[1] / workbooks.MEGABYTE
        tracemalloc.stop()
    return outcome, peak


def staff_workbook(**replaced: workbooks.Part) -> bytes:
    parts = workbooks.workbook_parts(STAFF, ["S1", "NHS Tayside", "Ward 1"])
    parts.update(replaced)
    return workbooks.zip_of(parts)


def test_an_ordinary_workbook_reads_as_ever():
    rows, peak = read(staff_workbook())
    assert rows == [(2, {"staff_id": "S1", "organisation": "NHS Tayside", "team": "Ward 1"})]


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_a_part_that_unpacks_to_more_than_the_zip_says_is_read_a_chunk_at_a_time(part):
    # 300 MB that the zip says are 1,000 bytes. Read whole in one step (zipfile's read(), as
    # openpyxl reads most parts), all 300 MB are unpacked before the extra is cut off.
    bomb = workbooks.lying(workbooks.repeated(b"<x>", b"A" * workbooks.MEGABYTE, 300), 1000)
    outcome, peak = read(staff_workbook(**{part: bomb}))
    assert outcome == "the file is not a readable XLSX workbook"
    assert peak < 20


@pytest.mark.parametrize(
    ("part", "what"),
    [
        ("xl/worksheets/sheet1.xml", "the worksheet unpacks to 2.0 GB, more than the 1.0 GB"),
        ("xl/sharedStrings.xml", "the workbook's text (its shared strings) unpacks to 2.0 GB"),
        ("xl/styles.xml", "the part xl/styles.xml unpacks to 2.0 GB, more than the 20 MB"),
        ("xl/media/image1.png", "the part xl/media/image1.png unpacks to 2.0 GB"),
    ],
)
def test_a_part_that_says_it_unpacks_to_more_than_its_limit_is_refused_unread(
    part, what, monkeypatch
):
    content = staff_workbook(**{part: workbooks.shared_strings_bomb(2048 * workbooks.MEGABYTE)})

    def unpack(self, *args):
        raise AssertionError(f"{self.name} was unpacked")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", unpack)
    outcome, peak = read(content)
    assert outcome.startswith(what)
    assert outcome.endswith(
        "an import reads: save the sheet as CSV (UTF-8) and import that, or split the file"
    )


def test_a_row_of_hundreds_of_thousands_of_cells_is_refused_while_it_is_read():
    # 1.2 MB of "<c/>": openpyxl holds a row whole, about 300 bytes a cell.
    head, tail = workbooks.sheet_xml(b'<row r="2">' + b"<c/>" * 300_000 + b"</row>")
    outcome, peak = read(
        staff_workbook(**{"xl/worksheets/sheet1.xml": workbooks.packed(head + tail)})
    )
    assert outcome == (
        "a row of the worksheet is too large to read safely (more than 8 MB, or more than "
        "100,000 XML tags): save the sheet as CSV (UTF-8) and import that, or split the file"
    )
    assert peak < 40


def test_one_text_of_the_shared_strings_larger_than_a_row_may_be_is_refused():
    strings = workbooks.shared_strings_bomb(16 * workbooks.MEGABYTE)
    outcome, peak = read(staff_workbook(**{"xl/sharedStrings.xml": strings}))
    assert outcome.startswith(
        "one of the workbook's texts (its shared strings) is too large to read safely (more "
        "than 8 MB"
    )
    assert peak < 40


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_many_rows_each_within_the_limits_are_read_however_the_rows_are_written(
    prefix, monkeypatch
):
    # The limits are per row: a row's start is recognised with or without a namespace prefix.
    monkeypatch.setattr(tabular, "XLSX_ROW_ELEMENTS", 40)
    row = (
        '<{p}row r="{n}"><{p}c r="A{n}" t="inlineStr"><{p}is><{p}t>S{n}</{p}t></{p}is></{p}c>'
        '<{p}c r="B{n}" t="inlineStr"><{p}is><{p}t>NHS</{p}t></{p}is></{p}c></{p}row>'
    )
    rows = "".join(row.format(p=prefix, n=n) for n in range(2, 202)).encode()
    main = workbooks.MAIN
    sheet = (
        f"<{prefix[:-1] or 'worksheet'}{':worksheet' if prefix else ''} "
        f'xmlns{":" + prefix[:-1] if prefix else ""}="{main}"><{prefix}sheetData>'
        f'<{prefix}row r="1"><{prefix}c r="A1" t="inlineStr"><{prefix}is><{prefix}t>staff_id'
        f"</{prefix}t></{prefix}is></{prefix}c></{prefix}row>"
    ).encode() + rows
    sheet += f"</{prefix}sheetData></{prefix}worksheet>".encode()
    table = open_tabular(
        io.BytesIO(staff_workbook(**{"xl/worksheets/sheet1.xml": workbooks.packed(sheet)})),
        "staff.xlsx",
        required=["staff_id"],
        known=STAFF,
    )
    assert len(list(table.rows)) == 200


@pytest.mark.parametrize("dimension", ["A1:A1", "A1:XFD1048576"])
def test_a_worksheet_is_read_as_it_is_whatever_size_it_says_it_has(dimension):
    # openpyxl reads as many rows and columns as the worksheet says it has: too few (as some
    # programs write) and the file loses columns and rows; too many, and every row is padded
    # to 16,384 cells.
    rows = b"".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>S{n}</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>Ward</t></is></c></row>'.encode()
        for n in (2, 3)
    )
    head, tail = workbooks.sheet_xml(rows, dimension=dimension)
    sheet = workbooks.packed(head + tail)
    rows, peak = read(staff_workbook(**{"xl/worksheets/sheet1.xml": sheet}))
    assert rows == [
        (2, {"staff_id": "S2", "organisation": None, "team": "Ward"}),
        (3, {"staff_id": "S3", "organisation": None, "team": "Ward"}),
    ]


def test_a_workbook_packed_other_than_by_deflate_is_refused():
    # bzip2 and lzma unpack without a bound on each step.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for name, part in workbooks.workbook_parts(STAFF, ["S1", "NHS", "Ward"]).items():
            archive.writestr(
                name, zipfile.ZipFile(io.BytesIO(workbooks.zip_of({name: part}))).read(name)
            )
    outcome, peak = read(buffer.getvalue())
    assert outcome == "the file is not a readable XLSX workbook"


# Control characters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "multiline", "problem"),
    [
        ("Ward 1", False, None),
        ("Ward\x001", False, "contains an invisible control character (NUL, at character 5): remove it"),
        ("\x1b[0m", False, "contains an invisible control character (U+001B, at character 1): remove it"),
        ("caf\x9b", False, "contains an invisible control character (U+009B, at character 4): remove it"),
        ("a\nb", False, "contains a line break (at character 2): this column takes one line of text"),
        ("a\rb", False, "contains a line break (at character 2): this column takes one line of text"),
        ("a\tb", False, "contains a tab (at character 2): use a space instead"),
        ("a\n\tb\r\n", True, None),
        ("a\n\x00", True, "contains an invisible control character (NUL, at character 3): remove it"),
        ("Zoë – “quoted” \u00a0", False, None),
    ],
)  # fmt: skip
def test_control_characters_are_named_for_the_person_fixing_the_file(text, multiline, problem):
    assert control_character(text, multiline=multiline) == problem
