"""The Word report as LibreOffice reads it: each report (the default template, and a
partnership's own template that defines no styles at all) converted by LibreOffice itself
to its own flat format, in which its headings, tables and pictures' descriptions are read
back. Without LibreOffice installed, the run says plainly that this did not run (.ci/run
installs it)."""

import re
import subprocess
from pathlib import Path

import pytest

from conftest import SOFFICE
from tiptracker.reporting.render import outline
from tiptracker.reporting.render_word import report_docx
from tiptracker.reporting.tests.test_render import _own_chart_cache, a_report
from tiptracker.reporting.tests.test_template import LETTERHEAD, bare, letterhead

pytestmark = pytest.mark.skipif(
    not SOFFICE.exists(), reason=f"LIBREOFFICE CHECK DID NOT RUN: {SOFFICE} is not installed"
)


def read_by_libreoffice(documents: dict[str, bytes], folder: Path) -> dict[str, str]:
    """Each document as LibreOffice writes it back out (Flat ODT), in one run of it."""
    for name, content in documents.items():
        (folder / f"{name}.docx").write_bytes(content)
    profile = (folder / "profile").as_uri()  # its own profile: parallel runs do not collide
    subprocess.run(  # noqa: S603 (our own files, a fixed program)
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "fodt",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.docx") for name in documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: (folder / f"{name}.fodt").read_text() for name in documents}


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    report = a_report()
    with _own_chart_cache():
        documents = {
            "default": report_docx(report),
            "bare": report_docx(report, template=bare()),
            "letterhead": report_docx(report, template=letterhead()),
        }
    return report, read_by_libreoffice(documents, tmp_path_factory.mktemp("libreoffice"))


def text_of(xml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", xml)).strip()


@pytest.mark.parametrize("name", ["default", "bare", "letterhead"])
def test_libreoffice_reads_the_sections_as_headings_at_their_levels(read, name):
    report, documents = read
    found = [
        (int(level), text_of(words))
        for level, words in re.findall(
            r'<text:h [^>]*text:outline-level="(\d+)"[^>]*>(.*?)</text:h>', documents[name], re.S
        )
    ]
    assert found == [(h.level, h.text) for h in outline(report)]


@pytest.mark.parametrize("name", ["default", "bare", "letterhead"])
def test_libreoffice_reads_real_tables_and_each_charts_description(read, name):
    report, documents = read
    xml = documents[name]
    headings = outline(report)
    paragraphs = [p for h in headings for p in h.section.paragraphs]
    charts = [c for p in paragraphs for c in p.charts]
    tables = [t for p in paragraphs for t in p.tables] + [c.table for c in charts if c.table]
    assert len(re.findall(r"<table:table ", xml)) == len(tables)
    descriptions = [text_of(d) for d in re.findall(r"<svg:desc>(.*?)</svg:desc>", xml, re.S)]
    assert descriptions == [c.alt for c in charts] and charts


def test_libreoffice_shows_the_templates_own_words_with_the_placeholders_filled(read):
    report, documents = read
    xml = documents["letterhead"]
    assert LETTERHEAD in xml and report.title in text_of(xml)
    assert "Report no. DIJB42-2022, 1 December 2021 to 30 June 2022" in text_of(xml)
    assert "{{" not in xml and "{%" not in xml


def _centimetres(length: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(cm|mm|in|pt)", length).groups()  # type: ignore[union-attr]
    return float(number) * {"cm": 1, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72}[unit]


def test_libreoffice_lays_the_default_out_on_a4_with_page_x_of_y_in_arial(read):
    _, documents = read
    xml = documents["default"]
    width, height = re.search(r'fo:page-width="([^"]+)" fo:page-height="([^"]+)"', xml).groups()  # type: ignore[union-attr]
    assert (round(_centimetres(width), 1), round(_centimetres(height), 1)) == (21.0, 29.7)
    footer = re.search(r"<style:footer>(.*?)</style:footer>", xml, re.S).group(1)  # type: ignore[union-attr]
    assert re.search(
        r"Page <text:page-number[^>]*>\d+</text:page-number>(?: |<text:s/>)of <text:page-count>",
        footer,
    )
    fonts = set(re.findall(r'style:font-name="([^"]+)"', xml))
    assert "Arial" in fonts and not fonts & {"Calibri", "Cambria", "Calibri Light"}
