"""Tables as CSV for machines and XLSX for people: the same numbers, plain in CSV and shown
with thousands separators in a spreadsheet, which still holds them as numbers."""

import io

import openpyxl
import pytest

from tiptracker.lib.exports import neutralise, to_csv, to_xlsx, unneutralise

HEADER = ["What", "Figure"]
ROWS = [["Asked", 1234], ["Response rate (%)", 59.8], ["Answered", 7], ["Note", "=1+1"]]


def test_a_spreadsheet_shows_thousands_separators_and_keeps_the_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(HEADER, ROWS, title="Results"))).active
    asked, rate, answered, note = (sheet.cell(row=n, column=2) for n in range(2, 6))
    assert asked.value == 1234 and asked.number_format == "#,##0"
    assert rate.value == 59.8 and rate.number_format == "#,##0.0##"
    assert answered.value == 7 and answered.number_format == "#,##0"
    assert note.value == "'=1+1"  # text that a spreadsheet would run is still neutralised


def test_csv_keeps_numbers_plain_for_machines():
    lines = to_csv(HEADER, ROWS).decode("utf-8-sig").splitlines()
    assert lines[1] == "Asked,1234" and lines[2] == "Response rate (%),59.8"


@pytest.mark.parametrize("text", ["=SUM(A1)", "+44 1382", "-5", "@cmd", "  =x", "plain", "'quoted"])
def test_what_neutralise_writes_unneutralise_reads_back(text):
    assert unneutralise(neutralise(text)) == text
