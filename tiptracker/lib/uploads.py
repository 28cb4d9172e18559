"""What every uploaded file needs, whatever it is for (a resource, a claim's evidence):
its size in words, its extension, a name safe to store and to offer for download, and
whether an Office file holds the part every genuine one does."""

import io
import math
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath


def human_size(size: int) -> str:
    """GOV.UK style: 850 bytes, 24 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{math.ceil(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def safe_name(name: str, *, fallback: str) -> str:
    """The name to store and to offer in Content-Disposition: the last part of any path,
    plain ASCII letters, digits, spaces and . _ - ( ) only, at most 100 characters;
    `fallback` where nothing of the name is left."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    suffix = extension(name)
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._") or fallback
    return stem[: 100 - len(suffix)].rstrip(" ._") + suffix


def zip_holds(data: bytes, part: str) -> bool:
    """Whether `data` is an Office (OOXML) package holding `part`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and part in names
