"""The files a resource may carry: which types are allowed, how a file is checked, and how
it is named and described. A file is judged by its extension AND its first bytes, so a
program renamed to toolkit.pdf is refused; the type it is served as comes from this list,
never from what the uploader's browser claimed."""

import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings


@dataclass(frozen=True)
class FileType:
    label: str  # what the page says: "Word document, 24 KB"
    content_type: str
    # For Office files: the part every genuine file of this type holds.
    office_part: str = ""


OOXML = "application/vnd.openxmlformats-officedocument"
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF", "application/pdf"),
    ".docx": FileType("Word document", f"{OOXML}.wordprocessingml.document", "word/document.xml"),
    ".pptx": FileType(
        "PowerPoint presentation", f"{OOXML}.presentationml.presentation", "ppt/presentation.xml"
    ),
    ".xlsx": FileType("Excel spreadsheet", f"{OOXML}.spreadsheetml.sheet", "xl/workbook.xml"),
    ".txt": FileType("Text file", "text/plain; charset=utf-8"),
    ".csv": FileType("CSV file", "text/csv; charset=utf-8"),
}
ACCEPT = ",".join(FILE_TYPES)  # for the upload field's accept attribute
ALLOWED_WORDS = "a PDF, Word document (.docx), PowerPoint presentation (.pptx), Excel spreadsheet (.xlsx), or a text or CSV file"


class FileRefused(Exception):
    """The message says why, as a sentence for the person who chose the file."""


def human_size(size: int) -> str:
    """GOV.UK style: 850 bytes, 24 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{math.ceil(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def file_type(name: str) -> FileType | None:
    return FILE_TYPES.get(extension(name))


def safe_name(name: str) -> str:
    """The name to store and to offer in Content-Disposition: the last part of any path,
    plain ASCII letters, digits, spaces and . _ - ( ) only, at most 100 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    suffix = extension(name)
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._") or "resource"
    return stem[: 100 - len(suffix)].rstrip(" ._") + suffix


def check_name_and_size(name: str, size: int) -> FileType:
    """The checks that need no bytes, so a form can make them before reading the file."""
    kind = file_type(name)
    if kind is None:
        raise FileRefused(
            f"The file must be {ALLOWED_WORDS}: '{safe_name(name) or 'the file'}' is not"
        )
    limit = settings.RESOURCE_MAX_BYTES
    if size > limit:
        raise FileRefused(
            f"The file must be smaller than {human_size(limit)}: it is {human_size(size)}"
        )
    if size == 0:
        raise FileRefused("The chosen file is empty")
    return kind


def check_file(name: str, data: bytes) -> FileType:
    """Refuse a file whose contents are not what its extension says."""
    kind = check_name_and_size(name, len(data))
    suffix = extension(name)
    ok = True
    if suffix == ".pdf":
        ok = data.startswith(b"%PDF-")
    elif kind.office_part:
        ok = data.startswith(b"PK\x03\x04") and _zip_holds(data, kind.office_part)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            ok = False
        else:
            ok = "\x00" not in text
    if not ok:
        what = (
            "plain text saved as UTF-8"
            if not kind.office_part and suffix != ".pdf"
            else f"a real {kind.label}"
        )
        raise FileRefused(
            f"The file is not {what}: its contents do not match its name '{safe_name(name)}'"
        )
    return kind


def _zip_holds(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and part in names
