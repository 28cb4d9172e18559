"""The Word templates a board report is written into (render_word.py): the placeholders a
template may hold, the sandboxed Jinja that fills them, the product's own default template,
and the styles the body needs, copied from the default into a template that lacks them.
Checking a partnership's upload is word_template.py's.
"""

import copy
import functools
import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.numbering import CT_Numbering
from docx.oxml.styles import CT_Styles
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Pt
from docx.styles import BabelFish
from jinja2.sandbox import SandboxedEnvironment, SecurityError

# The default template's page, as board papers are printed: A4 with 2.54 cm margins, a
# sans-serif house font (Arial; LibreOffice shows it as the metric-compatible Liberation Sans).
A4 = (Cm(21), Cm(29.7))
_MARGIN = Cm(2.54)
HOUSE_FONT = "Arial"

# The placeholders a Word template may hold (docxtpl's Jinja syntax): name -> how it is typed.
# The report fills each one; a template must hold the required ones and may hold no others
# (a misspelt placeholder would print nothing, unnoticed until the board's papers went out).
# The body takes docxtpl's `p`: it replaces its whole paragraph, as headings, tables and
# pictures cannot sit inside a line of text.
REQUIRED_PLACEHOLDERS = {
    "title": "{{ title }}",
    "reference": "{{ reference }}",
    "body": "{{p body }}",
}
OPTIONAL_PLACEHOLDERS = {
    "partnership": "{{ partnership }}",
    "period": "{{ period }}",
    # The cover: the board, the meeting's date (and the two as one line), report by.
    "report_to": "{{ report_to }}",
    "meeting_date": "{{ meeting_date }}",
    "meeting": "{{ meeting }}",
    "report_by": "{{ report_by }}",
    # The close: the author's name and designation, the report's date.
    "author": "{{ author }}",
    "author_designation": "{{ author_designation }}",
    "date": "{{ date }}",
}
PLACEHOLDERS = REQUIRED_PLACEHOLDERS | OPTIONAL_PLACEHOLDERS

# The styles the body (and the default's title) are written in. A template made in Word
# holds only the styles its own text uses, so any of these it lacks is copied in from the
# default before rendering: the headings stay headings (Word's navigation pane lists them)
# and nothing fails for want of a style, whatever the template.
BODY_STYLES = (
    "Title",
    *(f"Heading {level}" for level in range(1, 10)),
    "List Bullet",
    "Caption",
    "Table Grid",
)


class TemplateProblem(ValueError):
    """A Word template that cannot make a report; the message says why in plain words."""


class TemplateEnvironment(SandboxedEnvironment):
    """Jinja for templates people upload: sandboxed (no reaching Python's insides from a
    placeholder), escaping values for the XML they land in (a "&" in a title is text, not a
    broken file), and refusing arithmetic that could make a string or number big enough to
    exhaust the server."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        # range, dict, lipsum and the rest: a template fills placeholders, it makes nothing.
        self.globals.clear()

    def call_binop(self, context, operator, left, right):  # type: ignore[no-untyped-def]
        if operator == "**" or any(isinstance(v, int) and abs(v) > 1000 for v in (left, right)):
            raise SecurityError("The template multiplies by more than it may")
        return super().call_binop(context, operator, left, right)


@functools.cache
def default_template() -> bytes:
    """The product's own Word template: what a report is written into when its partnership
    has none, and what a partnership downloads to restyle in Word. Made here with
    python-docx (nothing binary is shipped), once per process."""
    document = Document()
    properties = document.core_properties
    properties.title = "Board report template"
    properties.author = "TIP Tracker"
    properties.comments = (
        "Restyle this document in Word, keep the placeholders in double curly brackets, "
        "and upload it to TIP Tracker as your partnership's template."
    )
    document.add_paragraph(PLACEHOLDERS["title"], style="Title")
    # The cover: docxtpl's paragraph tags leave out a line with nothing to say.
    _labelled(document, "Report to", "meeting")
    _labelled(document, "Report by", "report_by")
    _labelled(document, "Report number", "reference", optional=False)
    document.add_paragraph(f"{PLACEHOLDERS['partnership']}, {PLACEHOLDERS['period']}")
    document.add_paragraph(PLACEHOLDERS["body"])
    # The close, as the board's papers end: the author, their post, the date.
    document.add_paragraph("{%p if author or author_designation or date %}")
    closing = document.add_paragraph()
    closing.paragraph_format.space_before = Pt(24)
    closing.paragraph_format.keep_with_next = True
    closing.add_run(PLACEHOLDERS["author"]).bold = True
    document.add_paragraph("{%p if author_designation %}")
    document.add_paragraph(
        PLACEHOLDERS["author_designation"]
    ).paragraph_format.keep_with_next = True
    document.add_paragraph("{%p endif %}")
    _labelled(document, "Date", "date")
    document.add_paragraph("{%p endif %}")
    section = document.sections[0]
    section.page_width, section.page_height = A4
    section.left_margin = section.right_margin = _MARGIN
    section.top_margin = section.bottom_margin = _MARGIN
    _house_font(document)
    _page_x_of_y(section.footer.paragraphs[0])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _labelled(document, label: str, name: str, *, optional: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A line of the cover or close, "Label: {{ name }}", left out when it has no value."""
    if optional:
        document.add_paragraph(f"{{%p if {name} %}}")
    line = document.add_paragraph()
    line.add_run(f"{label}: ").bold = True
    line.add_run(PLACEHOLDERS[name])
    if optional:
        document.add_paragraph("{%p endif %}")


def _house_font(document) -> None:  # type: ignore[no-untyped-def]
    """Every style, and the document's defaults, in HOUSE_FONT: the theme's fonts (Calibri
    and Cambria in python-docx's own template) would otherwise win over a named one."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for name in list(fonts.attrib):
            if name.endswith("Theme"):
                del fonts.attrib[name]
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), HOUSE_FONT)


def _page_x_of_y(footer) -> None:  # type: ignore[no-untyped-def]
    """ "Page 3 of 12", centred: Word's PAGE and NUMPAGES fields, which it and LibreOffice fill
    in as they lay the pages out."""
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:  # type: ignore[no-untyped-def]
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run("1")  # shown until the field is worked out
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


@functools.cache
def _default_parts() -> tuple[CT_Styles, CT_Numbering]:
    """The default template's styles and numbering, parsed once: where the styles a
    partnership's template lacks are copied from. Only read."""
    document = Document(io.BytesIO(default_template()))
    return document.styles.element, document.part.numbering_part.element


def add_missing_styles(document) -> None:  # type: ignore[no-untyped-def]
    """Copy into the template each of BODY_STYLES it lacks, with the styles those are based
    on, followed by or linked to, and the bullets' numbering."""
    for name in BODY_STYLES:
        _style_id(document, name)


def _style_id(document, name: str) -> str:  # type: ignore[no-untyped-def]
    """The id in `document` of the style called `name` (as python-docx names it, which is
    how the body asks for it), copied from the default if the document has none."""
    own = document.styles.element.get_by_name(BabelFish.ui2internal(name))
    if own is not None:
        return own.styleId  # type: ignore[no-any-return]
    styles, _ = _default_parts()
    # One of BODY_STYLES, all of which the default holds.
    copied: Any = copy.deepcopy(styles.get_by_name(BabelFish.ui2internal(name)))
    taken = {style.styleId for style in document.styles.element.style_lst}
    original = copied.styleId
    while copied.styleId in taken:  # the id is another style's in this template
        copied.styleId = copied.styleId + "1"
    document.styles.element.append(copied)
    for tag in ("w:basedOn", "w:next", "w:link"):
        reference = copied.find(qn(tag))
        if reference is None:
            continue
        target = styles.get_by_id(reference.get(qn("w:val")))
        if target is None:
            copied.remove(reference)
        elif target.styleId == original:
            reference.set(qn("w:val"), copied.styleId)
        else:
            reference.set(qn("w:val"), _style_id(document, BabelFish.internal2ui(target.name_val)))
    number = copied.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if number is not None:
        number.set(qn("w:val"), _numbering_copied(document, number.get(qn("w:val"))))
    return copied.styleId  # type: ignore[no-any-return]


def _numbering_copied(document, number: str) -> str:  # type: ignore[no-untyped-def]
    """Copy the default's list `number` (List Bullet's bullets) into the template's numbering
    under new ids, making its numbering part if it has none; the new number."""
    _, numbering = _default_parts()
    source = numbering.num_having_numId(int(number))
    abstract = copy.deepcopy(
        next(
            a
            for a in numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == str(source.abstractNumId.val)
        )
    )
    part = document.part
    try:
        own = part.numbering_part.element
    except NotImplementedError:  # python-docx makes none: a template without any list
        own = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        made = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, own, part.package)
        part.relate_to(made, RT.NUMBERING)
    ids = [int(a.get(qn("w:abstractNumId"))) for a in own.findall(qn("w:abstractNum"))]
    abstract.set(qn("w:abstractNumId"), str(max(ids, default=-1) + 1))
    first = own.find(qn("w:num"))
    if first is not None:
        first.addprevious(abstract)  # the schema puts every abstractNum before the first num
    else:
        own.append(abstract)
    return str(own.add_num(int(abstract.get(qn("w:abstractNumId")))).numId)
