"""A board report's title may be as long as the model lets it be (300 characters), and every
download writes it whole (issue 14: 256 to 300 characters made the Word download a server
error, as Word's document properties hold at most 255). Only a property with a limit of its
own is shortened; the title the reader sees never is."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from tiptracker.reporting import lifecycle, word_template
from tiptracker.reporting.models import Report
from tiptracker.reporting.tests.test_template import letterhead, upload

START, END = dt.date(2021, 12, 1), dt.date(2022, 6, 30)


def longest_title() -> str:
    limit = Report._meta.get_field("title").max_length
    words = "Trauma-informed practice across Dundee: progress of the programme & its next steps "
    title = (words * 10)[: limit - 1].rstrip() + "."
    return title + "!" * (limit - len(title))


@pytest.fixture
def report(ld):
    title = longest_title()
    assert len(title) == 300
    return lifecycle.report_create(actor=ld, start=START, end=END, title=title)


def download(client, membership, name, report):
    return client.get(reverse(name, args=[membership.partnership.slug, report.pk]))


def test_the_word_download_writes_a_300_character_title_whole(ld, login, report):
    response = download(login(ld), ld, "report_docx", report)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    title = report.title
    assert title in [p.text for p in document.paragraphs]
    # Word's title property holds 255 characters: there, and only there, it is cut short.
    kept = document.core_properties.title
    assert len(kept) == 255 and kept.endswith("…") and title.startswith(kept[:-1])


def test_a_partnerships_own_template_takes_a_300_character_title_too(ld, login, report):
    word_template.report_template_upload(actor=ld, upload=upload(letterhead()))
    response = download(login(ld), ld, "report_docx", report)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert report.title in [p.text for p in document.paragraphs]


def test_the_pdf_and_html_downloads_write_a_300_character_title_whole(ld, login, report):
    client = login(ld)
    pdf = download(client, ld, "report_pdf", report)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = download(client, ld, "report_html", report)
    assert page.status_code == 200
    assert report.title.replace("&", "&amp;") in page.content.decode()


def test_an_outsider_cannot_download_the_report(outsider, login, report):
    assert download(login(outsider), outsider, "report_docx", report).status_code == 404
