"""A partnership's own Word template for its board reports: uploaded and checked (a file that
is not Word, or lacks or misspells placeholders, is refused saying what, and nothing is
saved), then used for every Word download (page, API, command line) of that partnership's
reports only, with the report's headings, tables and chart text kept whatever styles the
template defines; removed, the default is used again."""

import datetime as dt
import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn
from rest_framework.test import APIClient

from tiptracker.accounts.services import api_token_create
from tiptracker.partnerships.models import Role
from tiptracker.reporting import lifecycle, word_template
from tiptracker.reporting.models import ReportTemplate
from tiptracker.reporting.render_word import report_docx
from tiptracker.reporting.render_word_template import default_template
from tiptracker.reporting.tests.test_render import COVERAGE, HEADINGS, TREND, a_report

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)
LETTERHEAD = "Dundee Health and Social Care Partnership"


def word(*paragraphs: str, header: str = "") -> bytes:
    """A Word document made as a partnership would: its letterhead, then placeholders."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def letterhead() -> bytes:
    return word(
        LETTERHEAD,
        "{{ title }}",
        "Report no. {{ reference }}, {{ period }}",
        "{{p body }}",
        header=f"{LETTERHEAD} letterhead",
    )


def bare() -> bytes:
    """A template as a bare Word file holds it: only the Normal style, and no list
    definitions (no numbering part at all)."""
    source = io.BytesIO(letterhead())
    document = docx.Document(source)
    styles = document.styles.element
    for style in list(styles.style_lst):
        if style.get(qn("w:styleId")) != "Normal":
            styles.remove(style)
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/numbering.xml":
                continue
            if item.filename in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
                data = b"".join(
                    line
                    for line in data.replace(b"><", b">\n<").splitlines()
                    if b"numbering" not in line
                )
            new.writestr(item, data)
    return out.getvalue()


def upload(content: bytes, name: str = "letterhead.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def opened(content: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(content))


def texts(document: docx.Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def headings(document: docx.Document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]


# Rendering -----------------------------------------------------------------------------------


def test_a_report_written_into_a_partnerships_template_keeps_its_structure():
    written = opened(report_docx(a_report(), template=letterhead()))
    report = a_report()
    assert texts(written)[:3] == [
        LETTERHEAD,
        report.title,
        "Report no. DIJB42-2022, 1 December 2021 to 30 June 2022",
    ]
    assert written.sections[0].header.paragraphs[0].text == f"{LETTERHEAD} letterhead"
    assert headings(written) == HEADINGS
    assert [
        (p._inline.docPr.get("descr"), p._inline.docPr.get("title")) for p in written.inline_shapes
    ] == [(COVERAGE.alt, COVERAGE.title), (TREND.alt, TREND.title)]
    assert len(written.tables) == 4
    assert all(table.style.name == "Table Grid" for table in written.tables)
    assert written.core_properties.title == report.title
    assert "{{" not in "\n".join(texts(written))


def test_a_template_lacking_the_styles_the_report_needs_gets_them_from_the_default():
    template = bare()
    assert "Heading 1" not in [s.name for s in opened(template).styles]
    word_template.template_check(template)
    written = opened(report_docx(a_report(), template=template))
    assert headings(written) == HEADINGS
    bullets = [p for p in written.paragraphs if p.style.name == "List Bullet"]
    assert [p.text for p in bullets] == [
        "Launch the skilled level course",
        "Recruit more champions",
    ]
    # The bullets' list definition came with the style: Word draws them as bullets.
    number = bullets[0].style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    numbering = written.part.numbering_part.element
    assert numbering.num_having_numId(int(number.get(qn("w:val")))) is not None
    assert written.tables[0].style.name == "Table Grid"


def test_text_with_xml_characters_is_written_as_text():
    report = a_report()
    from dataclasses import replace

    written = opened(
        report_docx(replace(report, title="Reports & <returns>"), template=letterhead())
    )
    assert texts(written)[1] == "Reports & <returns>"


# Checking an upload --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"Dear board, this is plain text.", "could not be opened as one"),
        (b"", "the file is empty"),
    ],
    ids=["plain text", "empty"],
)
def test_a_file_that_is_not_word_is_refused_and_nothing_saved(ld, content, says):
    with pytest.raises(ValidationError) as refused:
        word_template.report_template_upload(actor=ld, upload=upload(content))
    assert refused.value.messages[0].startswith("The file is not a Word document (.docx): ")
    assert says in refused.value.messages[0]
    assert not ReportTemplate.objects.exists()


def test_a_zip_that_is_not_word_is_refused(ld):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("minutes.txt", "Minutes of the steering group")
    with pytest.raises(ValidationError, match="a zip file with no Word document inside"):
        word_template.report_template_upload(actor=ld, upload=upload(buffer.getvalue()))
    assert not ReportTemplate.objects.exists()


def test_a_file_not_ending_in_docx_is_refused(ld):
    with pytest.raises(ValidationError, match=r"letterhead\.doc does not end in \.docx"):
        word_template.report_template_upload(
            actor=ld, upload=upload(letterhead(), "letterhead.doc")
        )


def test_missing_placeholders_are_named(ld):
    with pytest.raises(ValidationError) as refused:
        word_template.report_template_upload(
            actor=ld, upload=upload(word(LETTERHEAD, "{{ title }}"))
        )
    assert refused.value.messages == [
        "The template lacks these placeholders: {{ reference }}, {{p body }}."
    ]
    assert not ReportTemplate.objects.exists()


def test_a_body_without_its_p_is_named_with_how_to_write_it(ld):
    with pytest.raises(ValidationError) as refused:
        word_template.template_check(word("{{ title }}", "{{ reference }}", "{{ body }}"))
    assert "lacks these placeholders: {{p body }}" in refused.value.messages[0]
    assert "with the p, alone in its own paragraph" in refused.value.messages[0]


def test_an_unknown_placeholder_is_named_with_the_ones_allowed(ld):
    template = word("{{ title }}", "{{ refernce }}", "{{ reference }}", "{{p body }}")
    with pytest.raises(ValidationError) as refused:
        word_template.report_template_upload(actor=ld, upload=upload(template))
    message = refused.value.messages[0]
    assert "cannot fill (they would print nothing): {{ refernce }}." in message
    assert "{{ title }}, {{ reference }}, {{p body }}, {{ partnership }}" in message


def test_broken_brackets_are_explained_in_plain_words(ld):
    template = word("{{ title }", "{{ reference }}", "{{p body }}")
    with pytest.raises(ValidationError) as refused:
        word_template.template_check(template)
    message = refused.value.messages[0]
    assert message.startswith("The template's placeholders cannot be read: unexpected '}'")
    assert "{{ title }" in message


def test_a_placeholder_reaching_into_python_is_refused_at_upload(ld):
    template = word("{{ title.__class__ }}", "{{ reference }}", "{{ 9 * 9 }}", "{{p body }}")
    with pytest.raises(ValidationError) as refused:
        word_template.template_check(template)
    assert refused.value.messages == [
        "The template can hold only placeholders, like {{ title }}, and {% if %} blocks: it has "
        "a placeholder with a dot in it and arithmetic. Take them out and upload it again."
    ]


def with_footnote(content: bytes, text: str) -> bytes:
    """`content` with one footnote saying `text` (python-docx cannot write footnotes)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t>'
        "</w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/word/footnotes.xml" ContentType="{kind}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            if item.filename == "word/_rels/document.xml.rels":
                link = f'<Relationship Id="rIdNote1" Type="{relation}" Target="footnotes.xml"/>'
                data = data.replace(b"</Relationships>", link.encode() + b"</Relationships>")
            new.writestr(item, data)
        new.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def test_an_unknown_placeholder_in_a_footnote_is_named_too():
    noted = with_footnote(letterhead(), "Period: {{ period }}")
    word_template.template_check(noted)
    with zipfile.ZipFile(io.BytesIO(report_docx(a_report(), template=noted))) as written:
        assert (
            "Period: 1 December 2021 to 30 June 2022" in written.read("word/footnotes.xml").decode()
        )
    with pytest.raises(ValidationError, match=r"cannot fill .*\{\{ perod \}\}"):
        word_template.template_check(with_footnote(letterhead(), "Period: {{ perod }}"))


def test_a_filter_is_refused_as_it_could_keep_the_server_busy_on_every_download():
    template = word("{{ title|center(1000000000) }}", "{{ reference }}", "{{p body }}")
    with pytest.raises(ValidationError, match="it has a filter, with a |"):
        word_template.template_check(template)
    looped = word("{{ title }}", "{{ reference }}", "{% for x in title %}{% endfor %}")
    with pytest.raises(ValidationError, match=r"a \{% for %\} loop"):
        word_template.template_check(looped)


def test_code_in_the_documents_properties_is_never_run():
    # docxtpl would fill them as it fills the text, where the check above does not look.
    document = docx.Document(io.BytesIO(letterhead()))
    document.core_properties.identifier = "{% for a in title %}{{ reference }}{% endfor %}"
    document.core_properties.language = "{{ title }}"
    buffer = io.BytesIO()
    document.save(buffer)
    word_template.template_check(buffer.getvalue())
    written = opened(report_docx(a_report(), template=buffer.getvalue()))
    assert written.core_properties.identifier == ""
    assert written.core_properties.language == ""
    assert written.core_properties.title == a_report().title


def repacked(content: bytes, name: str, change) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == name else data)
    return out.getvalue()


def test_a_template_declaring_xml_entities_is_refused(ld):
    bomb = repacked(
        letterhead(),
        "word/document.xml",
        lambda data: data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>', 1),
    )
    with pytest.raises(ValidationError, match="declares XML entities"):
        word_template.report_template_upload(actor=ld, upload=upload(bomb))
    assert not ReportTemplate.objects.exists()


def test_a_template_linking_to_a_file_elsewhere_is_refused():
    link = (
        b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="file://server/share/x.dotx" '
        b'TargetMode="External"/></Relationships>'
    )
    linked = repacked(
        letterhead(),
        "word/_rels/document.xml.rels",
        lambda data: data.replace(b"</Relationships>", link),
    )
    with pytest.raises(ValidationError, match="links to a file outside itself"):
        word_template.template_check(linked)
    hyperlink = link.replace(b"attachedTemplate", b"hyperlink").replace(b"rIdT", b"rIdH")
    word_template.template_check(
        repacked(
            letterhead(),
            "word/_rels/document.xml.rels",
            lambda data: data.replace(b"</Relationships>", hyperlink),
        )
    )


def test_more_text_than_a_letterhead_is_refused():
    long = word("{{ title }}", "{{ reference }}", "{{p body }}", *["Words " * 200] * 1000)
    with pytest.raises(ValidationError, match="more than a letterhead"):
        word_template.template_check(long)


def test_a_damaged_part_is_refused_in_words_not_a_server_error():
    damaged = repacked(
        with_footnote(letterhead(), "Note"), "word/footnotes.xml", lambda data: data[:-20]
    )
    with pytest.raises(ValidationError, match="its contents are damaged"):
        word_template.template_check(damaged)


def test_if_blocks_around_optional_placeholders_are_allowed():
    word_template.template_check(
        word(
            "{{ title }}",
            "{{ reference }}",
            "{% if author %}From {{ author }}{% endif %}",
            "{{p body }}",
        )
    )


def test_a_file_over_the_limit_is_refused(ld, monkeypatch):
    monkeypatch.setattr(word_template, "TEMPLATE_MAX_BYTES", 1000)
    with pytest.raises(ValidationError, match="smaller than"):
        word_template.report_template_upload(actor=ld, upload=upload(letterhead()))


def test_the_default_template_passes_its_own_check():
    word_template.template_check(default_template())
    names = [p.text for p in opened(default_template()).paragraphs]
    assert "{{ title }}" in names and "{{p body }}" in names


# The pages, the API and the command line ------------------------------------------------------


def url(membership, name, *args):
    return reverse(name, args=[membership.partnership.slug, *args])


def test_an_uploaded_template_makes_the_word_downloads_and_remove_goes_back(ld, login, tmp_path):
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    client = login(ld)
    page = client.get(url(ld, "report_template")).content.decode()
    assert "The default template" in page and "{{p body }}" in page
    assert "Use the default template again" not in page

    mine = letterhead()
    answer = client.post(
        url(ld, "report_template"), {"file": upload(mine)}, follow=True
    ).content.decode()
    assert "Uploaded the template" in answer and "letterhead.docx" in answer
    saved = ReportTemplate.objects.get(partnership=ld.partnership)
    assert saved.uploaded_by == ld and saved.filename == "letterhead.docx"

    from_page = opened(client.get(url(ld, "report_docx", report.pk)).content)
    assert texts(from_page)[0] == LETTERHEAD
    assert headings(from_page)[0] == ("Heading 1", "1.0 PURPOSE OF REPORT")
    assert all(p._inline.docPr.get("descr") for p in from_page.inline_shapes)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=ld.user, name='t')[1]}")
    from_api = api.get(url(ld, "api_report_download", report.pk), {"format": "docx"})
    assert from_api.status_code == 200
    assert texts(opened(from_api.content))[0] == LETTERHEAD

    from tiptracker.cli import main

    out = tmp_path / "report.docx"
    argv = ["report", "--partnership", ld.partnership.slug, "--from", "2021-12-01"]
    assert main([*argv, "--to", "2022-06-30", "--out", str(out)]) == 0
    assert texts(opened(out.read_bytes()))[0] == LETTERHEAD

    current = client.get(url(ld, "report_template_download"))
    assert current.content == mine
    assert 'filename="letterhead.docx"' in current["Content-Disposition"]

    removed = client.post(url(ld, "report_template_remove"), follow=True).content.decode()
    assert "default template again" in removed
    assert not ReportTemplate.objects.exists()
    again = opened(client.get(url(ld, "report_docx", report.pk)).content)
    assert texts(again)[0] == report.title


def test_a_refused_upload_shows_the_error_against_the_field_and_keeps_the_old(ld, login):
    word_template.report_template_upload(actor=ld, upload=upload(letterhead()))
    client = login(ld)
    page = client.post(url(ld, "report_template"), {"file": upload(b"not word", "x.docx")})
    html = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_file"' in html
    assert 'id="id_file-error"' in html and "not a Word document" in html
    assert ReportTemplate.objects.get().filename == "letterhead.docx"
    nothing = client.post(url(ld, "report_template"), {}).content.decode()
    assert "Choose a Word document (.docx) to upload" in nothing


def test_the_default_template_downloads_as_word(ld, login):
    answer = login(ld).get(url(ld, "report_template_default"))
    assert answer.content == default_template()
    word_template.template_check(answer.content)


def test_another_partnerships_template_is_never_used(ld, persona, other_partnership, login):
    theirs = persona(Role.ADMIN, of=other_partnership)
    word_template.report_template_upload(actor=theirs, upload=upload(letterhead()))
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    assert word_template.report_template_for(ld.partnership_id) is None
    written = opened(login(ld).get(url(ld, "report_docx", report.pk)).content)
    assert LETTERHEAD not in "\n".join(texts(written))
    page = login(ld).get(url(ld, "report_template")).content.decode()
    assert "The default template" in page and "letterhead.docx" not in page


def test_the_reports_page_links_to_the_template_for_editors_only(ld, persona, login):
    link = reverse("report_template", args=[ld.partnership.slug])
    assert link in login(ld).get(url(ld, "reports")).content.decode()
    board = persona(Role.BOARD)
    assert link not in login(board).get(url(board, "reports")).content.decode()
    assert login(board).get(link).status_code == 403


def test_a_stored_template_that_fails_says_so_on_the_page_the_api_and_the_command_line(
    ld, login, tmp_path
):
    # Every upload is tried first; one saved before a later check, say, may still fail.
    ReportTemplate.objects.create(
        partnership=ld.partnership,
        content=word("{{ title }}", "{{ reference }}"),
        filename="old.docx",
        uploaded_at=timezone.now(),
        uploaded_by=ld,
    )
    report = lifecycle.report_create(actor=ld, start=START, end=END)
    page = login(ld).get(url(ld, "report_docx", report.pk), follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == url(ld, "report", report.pk)
    assert "could not be written into your partnership&#x27;s Word template" in html
    assert "{{p body }} must be in the document" in html

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=ld.user, name='t')[1]}")
    refused = api.get(url(ld, "api_report_download", report.pk), {"format": "docx"})
    assert refused.status_code == 409
    assert "Word template" in refused.json()["detail"]
    assert api.get(url(ld, "api_report_download", report.pk), {"format": "pdf"}).status_code == 200

    from tiptracker.cli import main

    out = tmp_path / "report.docx"
    argv = ["report", "--partnership", ld.partnership.slug, "--from", "2021-12-01"]
    assert main([*argv, "--to", "2022-06-30", "--out", str(out)]) != 0
    assert not out.exists()


def test_an_approved_report_keeps_the_template_it_was_approved_in(ld, persona, login):
    admin = persona(Role.ADMIN)
    word_template.report_template_upload(actor=ld, upload=upload(letterhead()))
    approved = lifecycle.report_create(actor=ld, start=START, end=END)
    lifecycle.report_transition(actor=ld, report=approved, transition="submit")
    lifecycle.report_transition(actor=admin, report=approved, transition="approve")
    draft = lifecycle.report_create(actor=ld, start=START, end=END)

    rebranded = word("New letterhead", "{{ title }}", "{{ reference }}", "{{p body }}")
    word_template.report_template_upload(actor=ld, upload=upload(rebranded))
    client = login(ld)
    assert texts(opened(client.get(url(ld, "report_docx", approved.pk)).content))[0] == LETTERHEAD
    assert texts(opened(client.get(url(ld, "report_docx", draft.pk)).content))[0] == (
        "New letterhead"
    )
    word_template.report_template_remove(actor=ld)
    assert texts(opened(client.get(url(ld, "report_docx", approved.pk)).content))[0] == LETTERHEAD


def test_a_template_named_with_any_characters_downloads_under_its_name(ld, login):
    mine = letterhead()
    word_template.report_template_upload(actor=ld, upload=upload(mine, 'Dundee’s "house".docx'))
    answer = login(ld).get(url(ld, "report_template_download"))
    assert answer.content == mine
    disposition = answer["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=utf-8''Dundee%E2%80%99s%20%22house%22.docx" in disposition
