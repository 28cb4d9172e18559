"""The files a resource may carry: which types are allowed, how a file is checked, and how
it is named and described. A file is judged by its extension AND its first bytes, so a
program renamed to toolkit.pdf is refused; the type it is served as comes from this list,
never from what the uploader's browser claimed."""

from dataclasses import dataclass

from django.conf import settings

from tiptracker.lib import uploads
from tiptracker.lib.uploads import extension, human_size, zip_holds


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


def file_type(name: str) -> FileType | None:
    return FILE_TYPES.get(extension(name))


def safe_name(name: str) -> str:
    return uploads.safe_name(name, fallback="resource")


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
        ok = data.startswith(b"PK\x03\x04") and zip_holds(data, kind.office_part)
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
