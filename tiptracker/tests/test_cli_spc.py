"""`tiptracker spc FILE` as formats.md describes it: a chart's centre, limits and signals as a
table or JSON from a CSV or XLSX series; every bad row named, and nothing charted, for a bad
file. It reads no database, so these tests need none."""

import json

import pytest
from openpyxl import Workbook

from tiptracker.cli import main

# Twelve months alternating 10 and 12 (mean 11, limits 5.68 to 16.32), then a month at 30 (far
# outside), then a new segment from a change adopted in February 2023.
CSV = """\ufeffDate,Value,Rebase,Note
2022-01-31,10,,
2022-02-28,12,,
2022-03-31,10,,
2022-04-30,12,,
2022-05-31,10,,
2022-06-30,12,,
2022-07-31,10,,
2022-08-31,12,,
2022-09-30,10,,
2022-10-31,12,,
2022-11-30,10,,
31/12/2022,12,,
2023-01-31,30,,a bad month
2023-02-28,20,1,new first appointments adopted
2023-03-31,22,0,
"""


@pytest.fixture
def series_file(tmp_path):
    path = tmp_path / "waits.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def spc(capsys, *argv):
    status = main(["spc", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_gives_each_segment_and_point(series_file, capsys):
    status, out, err = spc(
        capsys,
        series_file,
        "--chart",
        "xmr",
        "--baseline",
        "12",
        "--improvement",
        "up",
        "--format",
        "json",
    )
    assert status == 0 and err == ""
    data = json.loads(out)
    first, second = data["segments"]
    assert (first["first"], first["centre"], first["upper"], first["lower"]) == (
        "2022-01-31",
        11,
        16.32,
        5.68,
    )
    assert first["baseline_points"] == 12 and "warnings" not in first
    assert second["first"] == "2023-02-28" and second["centre"] == 21
    assert any("at least 12" in w for w in second["warnings"])
    bad_month = data["points"][12]
    assert bad_month == {
        "date": "2023-01-31",
        "value": 30,
        "segment": 1,
        "centre": 11,
        "upper": 16.32,
        "lower": 5.68,
        "signals": ["outside_limits"],
        "variation": "improvement",
        "note": "a bad month",
    }
    assert data["points"][11]["date"] == "2022-12-31"  # the UK date read


def test_the_table_is_for_people(series_file, capsys):
    status, out, _ = spc(capsys, series_file, "--chart", "xmr", "--baseline", "12")
    assert status == 0
    assert (
        "Segment 1 from 2022-01-31 (13 points, baseline 12): mean 11, limits 5.68 to 16.32" in out
    )
    assert "Warning: The limits come from 2 points" in out
    line = next(line for line in out.splitlines() if line.startswith("2023-01-31"))
    assert line.split()[:6] == ["2023-01-31", "30", "1", "11", "5.68", "16.32"]
    assert "outside the limits" in line and line.endswith("neutral")


def test_a_run_chart_with_anhoej_rules(series_file, capsys):
    status, out, _ = spc(
        capsys, series_file, "--chart", "run", "--rules", "anhoej", "--format", "json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["chart"] == "run" and data["rules"] == "anhoej"
    segment = data["segments"][0]
    assert segment["centre"] == 12  # the median of six 10s, six 12s and 30: the seventh
    assert {"crossings", "crossings_lower_limit", "longest_run_limit", "few_crossings"} <= set(
        segment
    )
    assert "upper" not in data["points"][0]


def test_an_xlsx_series_reads_like_the_csv(tmp_path, series_file, capsys):
    book = Workbook()
    sheet = book.active
    for line in CSV.lstrip("\ufeff").splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "waits.xlsx"
    book.save(path)
    _, from_xlsx, _ = spc(capsys, path, "--chart", "xmr", "--format", "json")
    _, from_csv, _ = spc(capsys, series_file, "--chart", "xmr", "--format", "json")
    assert json.loads(from_xlsx) == json.loads(from_csv)


def test_every_bad_row_is_named_and_nothing_is_charted(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,value,rebase\n2022-01-31,10,\n2022-02-30,11,\n2022-03-31,lots,\n"
        "2022-04-30,,\n2022-05-31,12,maybe\n2022-01-31,13,\n",
        encoding="utf-8",
    )
    status, out, err = spc(capsys, path, "--chart", "xmr")
    assert status != 0 and out == ""
    assert "bad.csv has 5 problems; nothing was charted" in err
    assert "row 3, date: '2022-02-30' is not a real date" in err
    assert "row 4, value: 'lots' is not a number" in err
    assert "row 5, value: is blank" in err
    assert "row 6, rebase: 'maybe' is not 1 or 0" in err
    assert "row 7, date: 2022-01-31 is also on row 2" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("when,value\n2022-01-31,1\n", "missing required column: date"),
        ("date,value\n", "no rows of values"),
        ("date,value\n2022-01-31,nan\n", "is not a usable number"),
        ("date,value\n2022-01-31,1_000\n", "'1_000' is not a number"),
    ],
)
def test_a_file_that_cannot_be_charted_says_why(tmp_path, capsys, content, message):
    path = tmp_path / "series.csv"
    path.write_text(content, encoding="utf-8")
    status, out, err = spc(capsys, path, "--chart", "run")
    assert status != 0 and out == "" and message in err


def test_a_missing_file_or_a_bad_baseline_is_a_plain_error(tmp_path, series_file, capsys):
    status, _, err = spc(capsys, tmp_path / "nowhere.csv", "--chart", "xmr")
    assert status != 0 and "no file" in err
    with pytest.raises(SystemExit) as exit_:
        main(["spc", str(series_file), "--chart", "xmr", "--baseline", "1"])
    assert exit_.value.code == 2
    assert "a baseline needs at least 2 points" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["spc", str(series_file)])
    assert "--chart" in capsys.readouterr().err


def test_an_unknown_column_is_ignored_with_one_warning(tmp_path, capsys):
    path = tmp_path / "series.csv"
    path.write_text("date,value,team\n2022-01-31,1,A\n2022-02-28,2,A\n", encoding="utf-8")
    status, out, err = spc(capsys, path, "--chart", "run", "--format", "json")
    assert status == 0 and json.loads(out)["points"][1]["value"] == 2
    assert err.strip() == "tiptracker: warning: ignored column: team"
