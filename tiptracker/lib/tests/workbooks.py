"""Workbooks made by hand, part by part, for the tests of reading hostile XLSX files.

A zip bomb is built cheaply: deflate resets at a full flush, so one compressed megabyte of
text can be repeated a thousand times to make a part that unpacks to a gigabyte, without
the test ever holding (or compressing) a gigabyte. The zip is written by hand, so that a
part's recorded size can be made to lie.
"""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from openpyxl import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Part:
    """A zip member as stored: deflated bytes, their CRC and the size recorded for them."""

    packed: bytes
    crc: int
    size: int


def packed(data: bytes) -> Part:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def repeated(head: bytes, block: bytes, times: int, tail: bytes = b"") -> Part:
    """A part that unpacks to head + block * times + tail, made from `block` deflated once.

    Its CRC is left at 0: a reader that gets to the end finds the part damaged, which is as
    far as any test here should let it get."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    return Part(start + piece * times + end, 0, len(head) + len(block) * times + len(tail))


def lying(part: Part, size: int) -> Part:
    """`part` recorded as unpacking to `size` bytes."""
    return Part(part.packed, part.crc, size)


def zip_of(parts: dict[str, Part]) -> bytes:
    """A zip of deflated parts, with the sizes and CRCs the parts say."""
    out = io.BytesIO()
    directory = []
    for name, part in parts.items():
        offset, encoded = out.tell(), name.encode()
        fields = (zipfile.ZIP_DEFLATED, 0, 0x21, part.crc, len(part.packed), part.size)
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields, len(encoded), 0))
        out.write(encoded + part.packed)
        directory.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                *fields,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in directory:
        out.write(entry)
    count, length = len(directory), out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, length, start, 0))
    return out.getvalue()


def workbook_parts(*rows: list) -> dict[str, Part]:
    """The parts of an ordinary workbook holding `rows`, as openpyxl writes it, with a
    shared strings part (empty: openpyxl writes text into the cells) as Excel's have."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    parts = {}
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name == "[Content_Types].xml":
                override = (
                    f'<Override PartName="/xl/sharedStrings.xml" '
                    f'ContentType="{SHARED_STRINGS_TYPE}"/></Types>'
                )
                data = data.replace(b"</Types>", override.encode())
            parts[name] = packed(data)
    parts["xl/sharedStrings.xml"] = packed(
        f'<sst xmlns="{MAIN}" count="0" uniqueCount="0"/>'.encode()
    )
    return parts


def sheet_xml(rows_xml: bytes, *, dimension: str = "A1:C2") -> tuple[bytes, bytes]:
    """The start and end of a worksheet part around `rows_xml`."""
    head = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>staff_id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>organisation</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>team</t></is></c></row>'
    ).encode()
    return head + rows_xml, b"</sheetData></worksheet>"


def shared_strings_bomb(unpacked: int) -> Part:
    """Shared strings of one text of `unpacked` bytes (in whole megabytes), a few kilobytes
    per gigabyte when packed."""
    head = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    return repeated(head, b"A" * MEGABYTE, unpacked // MEGABYTE, b"</t></si></sst>")
