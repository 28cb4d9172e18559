"""Building import files, driving the two doors (command line and web), and proving that
nothing in the database changed."""

import html
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tiptracker.cli import main
from tiptracker.imports.models import ImportRun
from tiptracker.partnerships.models import Organisation, Partnership
from tiptracker.training.models import Completion, Course, CoverageSnapshot
from tiptracker.workforce.models import StaffMember, Team

STAFF_HEADER = "staff_id,organisation,team,first_name,last_name,required_level,start_date"


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    text = "\n".join(lines) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def xlsx_bytes(*rows: list) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot() -> dict[str, list]:
    """Every row of every table an import can write, to compare before and after."""
    models = [Partnership, Organisation, Team, StaffMember, Course, Completion, CoverageSnapshot]
    return {m.__name__: list(m.objects.order_by("pk").values_list()) for m in models}


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `tiptracker ARGV` in this process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def cli_import(
    capsys, tmp_path: Path, partnership, kind: str, name: str, content: bytes, *options: str
):
    path = tmp_path / name
    path.write_bytes(content)
    return cli(capsys, "import", kind, path, "--partnership", partnership.slug, *options)


def upload(
    client, partnership, kind: str, name: str, content: bytes, *, skip_invalid: bool = False
):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content)}
    if skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(f"/p/{partnership.slug}/imports/", data)


def text_of(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def last_run() -> ImportRun:
    return ImportRun.objects.order_by("-pk").first()
