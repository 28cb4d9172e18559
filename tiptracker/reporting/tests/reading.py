"""Reading the downloads back as their readers get them: the PDF's pages and text (pypdf), the
Word document's text in reading order (python-docx)."""

import io

import docx
from docx.table import Table
from pypdf import PdfReader


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    """The text of every page, one line per line, spaces as the reader sees them."""
    return "\n".join(page.extract_text() or "" for page in pdf_reader(pdf).pages)


def word_lines(content: bytes) -> list[str]:
    """The Word document's paragraphs and tables' cells in reading order, non-empty."""
    lines = []
    for block in docx.Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            lines += [c.text for r in block.rows for c in r.cells]
        else:
            lines.append(block.text)
    return [line for line in lines if line.strip()]


def pdf_figures(pdf: bytes) -> list[str | None]:
    """Each figure of the tagged PDF's structure, in order: its alternative text (None if it
    has none), as a screen reader is given it."""
    found: list[str | None] = []

    def visit(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                visit(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alt = node.get("/Alt")
                found.append(str(alt) if alt is not None else None)
            if "/K" in node:
                visit(node["/K"])

    visit(pdf_reader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found
