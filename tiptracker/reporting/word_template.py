"""A partnership's own Word template for its board reports: checked when uploaded (a Word
document, placeholders only, nothing reaching outside it), and the report written into it."""

import datetime as dt
import io
import logging
import re
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from docx import Document
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from tiptracker.lib.exports import printable
from tiptracker.partnerships.models import Membership
from tiptracker.reporting.document import BoardReport, Chart, Paragraph, Section, Table
from tiptracker.reporting.models import Report, ReportTemplate
from tiptracker.reporting.paper import report_document
from tiptracker.reporting.render_word import report_docx
from tiptracker.reporting.render_word_template import (
    PLACEHOLDERS,
    REQUIRED_PLACEHOLDERS,
    TemplateEnvironment,
)
from tiptracker.reporting.states import State

logger = logging.getLogger(__name__)


# A partnership's Word template ------------------------------------------------------------

TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
# What each placeholder (render_word_template.PLACEHOLDERS) is replaced by, for the
# template page.
PLACEHOLDER_MEANINGS = {
    "title": "the report's title",
    "reference": "the report number the board gave it (“To be given by the board's clerk” "
    "until the clerk gives it)",
    "body": "the report itself: every section with its numbered paragraphs, tables and "
    "charts; it must be alone in its own paragraph",
    "partnership": "the partnership's name",
    "period": "the period the report covers, for example 1 December 2021 to 30 June 2022",
    "report_to": "who the report goes to, for example Integration Joint Board (blank if not set)",
    "meeting_date": "the date of the board's meeting, for example 24 August 2022 (blank if "
    "not set)",
    "meeting": "who the report goes to and the meeting's date as one line, for example "
    "Integration Joint Board – 24 August 2022",
    "report_by": "who presents the report, for example Chief Officer (blank if not set)",
    "author": "the author's name, printed at the end (blank if not set)",
    "author_designation": "the author's designation, for example Lead Officer, Protecting "
    "People (blank if not set)",
    "date": "the report's date, for example 1 August 2022 (blank if not set)",
}
# Unpacked, a .docx larger than this is not a letterhead: a zip made to fill the server.
_TEMPLATE_MAX_UNPACKED = 50 * 1024 * 1024
_NOT_WORD = "The file is not a Word document (.docx): "
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _placeholder_list(names: list[str]) -> str:
    return ", ".join(PLACEHOLDERS[name] for name in names)


def _sample_report() -> BoardReport:
    """A small report with one of everything the body writes (headings at three levels,
    a numbered paragraph, bullets, a table, a chart), for the trial render at upload."""
    table = Table(caption="Sample table", header=["Level", "Coverage"], rows=[["Informed", "1"]])
    chart = Chart(
        title="Sample chart",
        alt="Bar chart: a sample",
        kind="bar",
        labels=["Informed"],
        series={"Coverage": [1.0]},
        unit="%",
        table=table,
    )
    paragraph = Paragraph("1.1.1", "Sample & <text>", bullets=["One"], tables=[table])
    inner = Section(number="1.1.1", title="Sample", paragraphs=[paragraph])
    return BoardReport(
        reference="DIJB1-2000",
        title="Sample & title",
        partnership="Sample partnership",
        period_start=dt.date(2000, 1, 1),
        period_end=dt.date(2000, 6, 30),
        author="Sample Author",
        date=dt.date(2000, 7, 1),
        report_to="Sample Board",
        meeting_date=dt.date(2000, 8, 1),
        report_by="Chief Officer",
        author_designation="Lead Officer",
        sections=[
            Section(
                number="1",
                title="SAMPLE",
                paragraphs=[Paragraph("1.1", "Sample", charts=[chart])],
                subsections=[Section(number="1.1", title="Sample", subsections=[inner])],
            )
        ],
    )


def _word_document(content: bytes):  # type: ignore[no-untyped-def]
    """The upload opened as a Word document, or a ValidationError saying why it is not one."""
    if not content:
        raise ValidationError(_NOT_WORD + "the file is empty.")
    if len(content) > TEMPLATE_MAX_BYTES:
        raise ValidationError(
            f"The template must be smaller than {TEMPLATE_MAX_BYTES // (1024 * 1024)} MB: "
            f"this file is {len(content) / (1024 * 1024):.1f} MB."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if sum(info.file_size for info in package.infolist()) > _TEMPLATE_MAX_UNPACKED:
                raise ValidationError(
                    _NOT_WORD + "it unpacks to far more than a Word document does."
                )
            if "word/document.xml" not in package.namelist():
                raise ValidationError(_NOT_WORD + "it is a zip file with no Word document inside.")
            _package_check(package)
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError(
            _NOT_WORD + "it could not be opened as one. Save it from Word as a Word Document."
        ) from None
    try:
        return Document(io.BytesIO(content))
    except ValueError as problem:  # python-docx names the content type it found
        if "template" in str(problem):
            raise ValidationError(
                _NOT_WORD + "it is a Word template (.dotx). Open it in Word and save it as "
                "a Word Document (.docx)."
            ) from None
        if "macroEnabled" in str(problem):
            raise ValidationError(
                _NOT_WORD + "it is a macro-enabled document (.docm). Save it from Word as a "
                "Word Document (.docx), without macros."
            ) from None
        raise ValidationError(_NOT_WORD + "Word could not read its contents.") from None
    except Exception:  # noqa: BLE001 (a damaged package: python-docx's and lxml's errors vary)
        raise ValidationError(_NOT_WORD + "its contents are damaged.") from None


# The parts docxtpl fills (the text, headers, footers, footnotes): a letterhead's are tens of
# kilobytes. Every report's download fills them again, so their size is bounded well below
# what would keep the server busy for seconds.
_TEMPLATE_MAX_TEXT = 1024 * 1024
_FILLED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_EXTERNAL = re.compile(rb"<Relationship\b[^>]*>")


def _package_check(package: zipfile.ZipFile) -> None:
    """Refuse what Word does not write and a template must not carry: declarations of
    entities or document types (XML's way to expand a little into a lot), links to files
    outside the document other than hyperlinks (every report would carry them to every
    reader: an attached .dotx on a network share gives away who opened it), and more text
    than a letterhead has."""
    filled = 0
    for info in package.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        data = package.read(info)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ValidationError(
                _NOT_WORD + f"its part {info.filename} declares XML entities, which Word "
                "does not write. Save it from Word as a Word Document."
            )
        if _FILLED_PART.fullmatch(info.filename):
            filled += len(data)
        for relation in _EXTERNAL.findall(data) if info.filename.endswith(".rels") else []:
            if b'TargetMode="External"' in relation and not re.search(
                rb'Type="[^"]*/hyperlink"', relation
            ):
                raise ValidationError(
                    "The template links to a file outside itself (for example a Word "
                    "template on a network drive), which every report would carry to "
                    "its readers. In Word, remove the link (File > Options > Add-ins > "
                    "Templates, or Edit Links to Files) and upload it again."
                )
    if filled > _TEMPLATE_MAX_TEXT:
        raise ValidationError(
            "The template's text, headers and footers come to more than a letterhead's "
            f"({filled / (1024 * 1024):.1f} MB of Word's markup; the most is "
            f"{_TEMPLATE_MAX_TEXT // (1024 * 1024)} MB). A template holds the letterhead and "
            "the placeholders; the report writes the rest."
        )


def template_check(content: bytes) -> None:
    """Raise a ValidationError saying what is wrong with a Word template, if anything: not a
    Word document, its placeholders unreadable, required ones missing or unknown ones, or
    the report failing to be written into it. Nothing is saved; the caller saves after."""
    document = _word_document(content)
    try:
        names = _placeholders(document)
    except (etree.XMLSyntaxError, ValueError):
        raise ValidationError(_NOT_WORD + "its contents are damaged.") from None
    except TemplateSyntaxError as problem:
        raise ValidationError(
            "The template's placeholders cannot be read: "
            f"{problem.message} (on the line with “{_line_of(problem)}”). Placeholders are "
            "written in double curly brackets, like {{ title }}; check the brackets and "
            "quotation marks around them."
        ) from None
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(
            "The template has placeholders TIP Tracker cannot fill (they would print nothing): "
            f"{', '.join(f'{{{{ {name} }}}}' for name in unknown)}. The placeholders it can "
            f"fill are {_placeholder_list(list(PLACEHOLDERS))}."
        )
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in names]
    where = _body_placeholder(document)
    if where != "ok" and "body" not in missing:
        missing.append("body")
    if missing:
        extra = (
            " The body must be written {{p body }}, with the p, alone in its own paragraph."
            if where == "misplaced"
            else ""
        )
        raise ValidationError(
            f"The template lacks these placeholders: {_placeholder_list(missing)}.{extra}"
        )
    try:
        written = report_docx(_sample_report(), template=content)
        Document(io.BytesIO(written))
    except Exception as problem:  # noqa: BLE001 (the board report would fail the same way)
        raise ValidationError(
            f"A report could not be written into this template: {str(problem).rstrip('.')}. "
            "Check its "
            "placeholders, or start again from the default template."
        ) from None


def _placeholders(document) -> set[str]:  # type: ignore[no-untyped-def]
    """The names the template's placeholders use, in its body, headers, footers and
    footnotes, read as docxtpl reads them when it renders (one line per paragraph, so an
    error has a place)."""
    template = DocxTemplate(io.BytesIO())
    parts = [document.element.body]
    parts += [
        parse_xml(rel.target_part.blob)
        for rel in document.part.rels.values()
        if rel.reltype in (template.HEADER_URI, template.FOOTER_URI) and rel.target_part.blob
    ]
    parts += [
        parse_xml(part.blob)
        for part in document.part.package.parts
        if part.content_type == _FOOTNOTES and part.blob
    ]
    xml = "".join(template.patch_xml(template.xml_to_string(part)) for part in parts)
    parsed = TemplateEnvironment().parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))
    beyond = sorted(
        {
            _NOT_ALLOWED.get(type(node), "other template code")
            for node in parsed.find_all(nodes.Node)
            if not isinstance(node, _ALLOWED)
        }
    )
    if beyond:
        raise ValidationError(
            "The template can hold only placeholders, like {{ title }}, and {% if %} blocks: "
            f"it has {' and '.join(beyond)}. Take them out and upload it again."
        )
    return meta.find_undeclared_variables(parsed)


# All a template may hold: text, placeholders, and {% if %} blocks with their comparisons.
# Anything else (a loop, a filter, arithmetic, a call) could print blank, fail at the board's
# deadline, or keep the server busy on every download; listed as allowed, not as refused, so
# that nothing Jinja adds later slips through.
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
)
# How the message names some of what is not allowed.
_NOT_ALLOWED = {
    nodes.Filter: "a filter, with a |",
    nodes.Test: "a test, with is",
    nodes.Concat: "joining with ~",
    nodes.Getattr: "a placeholder with a dot in it",
    nodes.Getitem: "a placeholder with square brackets",
    nodes.Call: "a call, with round brackets",
    nodes.For: "a {% for %} loop",
    nodes.Macro: "a {% macro %}",
    nodes.Assign: "a {% set %}",
    nodes.AssignBlock: "a {% set %}",
    nodes.Include: "an {% include %}",
    nodes.Import: "an {% import %}",
    nodes.FromImport: "an {% import %}",
    nodes.Extends: "an {% extends %}",
    nodes.Mul: "arithmetic",
    nodes.Pow: "arithmetic",
    nodes.Add: "arithmetic",
    nodes.Sub: "arithmetic",
    nodes.Div: "arithmetic",
    nodes.FloorDiv: "arithmetic",
    nodes.Mod: "arithmetic",
}


_BODY = re.compile(r"\{\{p\s+body\s*\}\}")
_ANY_BODY = re.compile(r"\{\{[a-z]?\s*body\b")


def _body_placeholder(document) -> str:  # type: ignore[no-untyped-def]
    """'ok' if the body's placeholder is written as it must be ({{p body }} in a paragraph
    of the document's own text), 'misplaced' if body appears otherwise, 'missing' if not."""
    texts = [p.text for p in document.paragraphs]
    texts += [
        p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    if any(_BODY.search(text) for text in texts):
        return "ok"
    if any(_ANY_BODY.search(text) for text in texts):
        return "misplaced"
    return "missing"


def _line_of(problem: TemplateSyntaxError) -> str:
    """The words of the template near a Jinja syntax error (its lines are the XML's)."""
    source = (problem.source or "").splitlines()
    if not problem.lineno or problem.lineno > len(source):
        return ""
    return re.sub(r"<[^>]+>", "", source[problem.lineno - 1]).strip()[:80]


def report_template_upload(*, actor: Membership, upload: UploadedFile) -> ReportTemplate:
    """The actor's partnership's own Word template for its board reports, replacing any
    before it, once template_check passes. A refused file changes nothing."""
    content = upload.read(TEMPLATE_MAX_BYTES + 1)
    # Shown on the page and sent back as a download's name: no control characters.
    filename = printable(Path(upload.name or "template.docx").name).strip()[-255:]
    if not filename.lower().endswith(".docx"):
        raise ValidationError(
            _NOT_WORD + f"{filename} does not end in .docx. Save it from Word as a Word Document."
        )
    template_check(content)  # before any write: the trial render takes a moment
    saved, _ = ReportTemplate.objects.update_or_create(
        partnership_id=actor.partnership_id,
        defaults={
            "content": content,
            "filename": filename,
            "uploaded_at": timezone.now(),
            "uploaded_by": actor,
        },
    )
    return saved


@transaction.atomic
def report_template_remove(*, actor: Membership) -> bool:
    """Back to the product's default template; False if the partnership had none."""
    removed, _ = ReportTemplate.objects.filter(partnership_id=actor.partnership_id).delete()
    return bool(removed)


def report_word(report: Report) -> bytes:
    """The report as Word, written into the partnership's own template if it has one (an
    approved report: the one it was approved in). Every template is tried at upload, so one
    failing here is rare; if it does, the message says so plainly rather than a server
    error, and the default template is not silently used in its place (the board would
    receive a report in the wrong house style)."""
    return word_in_template(report_document(report), _template_of(report), report.partnership_id)


def _template_of(report: Report) -> bytes | None:
    if report.state == State.APPROVED:
        return bytes(report.approved_template) if report.approved_template else None
    return report_template_for(report.partnership_id)


def word_in_template(document: BoardReport, template: bytes | None, partnership_id: int) -> bytes:
    """`document` as Word in `template` (None: the default), a failure in plain words."""
    if template is None:
        return report_docx(document)
    try:
        return report_docx(document, template=template)
    except Exception as problem:  # noqa: BLE001 (docxtpl's and Jinja's errors vary)
        logger.warning("Partnership %s: its Word template failed: %r", partnership_id, problem)
        raise ValidationError(
            "This report could not be written into your partnership's Word template "
            f"({str(problem).rstrip('.')}). Upload a corrected template, or remove it to use "
            "the default; the PDF and web page versions are not affected."
        ) from None


def report_template_for(partnership_id: int) -> bytes | None:
    """The partnership's own template, or None for the default."""
    content = (
        ReportTemplate.objects.filter(partnership_id=partnership_id)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None
