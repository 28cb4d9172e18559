"""A resource's file: checked on upload, kept in the database, downloaded by members only,
and never loaded by the lists."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import Workbook
from rest_framework.test import APIClient

from tiptracker.accounts.services import api_token_create
from tiptracker.partnerships.models import Role
from tiptracker.resources.files import human_size, safe_name
from tiptracker.resources.models import Resource, ResourceFile
from tiptracker.resources.services import Upload, resource_create, resource_update
from tiptracker.resources.tests.factories import ResourceFactory, ResourceFileFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
# The start of a Windows program.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256))
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx() -> bytes:
    document = Document()
    document.add_heading("Manager toolkit", level=1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip_of(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


FIELDS = {"title": "Toolkit", "kind": "manager-toolkit", "audience": "managers"}


def _create(partnership, name: str, data: bytes) -> Resource:
    return resource_create(
        actor=None, partnership_id=partnership.pk, upload=Upload(name, data), **FIELDS
    )


def _refusal(partnership, name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        _create(partnership, name, data)
    assert set(error.value.message_dict) == {"file"}
    assert not Resource.objects.exists() and not ResourceFile.objects.exists()
    return error.value.message_dict["file"][0]


# Services ----------------------------------------------------------------------------------


def test_it_keeps_a_word_document_with_the_resource(partnership):
    data = _docx()
    resource = _create(partnership, "C:\\Users\\jo\\Manager toolkit (v2).DOCX", data)
    stored = ResourceFile.objects.get(resource=resource)
    assert stored.name == "Manager toolkit (v2).docx"
    assert stored.content_type == DOCX_TYPE
    assert (stored.size, bytes(stored.data)) == (len(data), data)
    assert stored.summary == f"Word document, {human_size(len(data))}"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("toolkit.pdf", PDF),
        ("slides.pptx", _zip_of("[Content_Types].xml", "ppt/presentation.xml")),
        ("figures.xlsx", _xlsx()),
        ("notes.txt", "Café notes\n".encode()),
        ("figures.csv", b"team,completed\nHousing,12\n"),
    ],
)
def test_it_keeps_each_allowed_type(partnership, name, data):
    assert ResourceFile.objects.get(resource=_create(partnership, name, data)).size == len(data)


def test_it_refuses_a_program_renamed_to_pdf(partnership):
    message = _refusal(partnership, "toolkit.pdf", EXE)
    assert message == "The file is not a real PDF: its contents do not match its name 'toolkit.pdf'"


def test_it_refuses_a_zip_renamed_to_a_word_document(partnership):
    message = _refusal(partnership, "toolkit.docx", _zip_of("payload.bin"))
    assert "not a real Word document" in message


def test_it_refuses_a_program_renamed_to_text(partnership):
    assert "not plain text saved as UTF-8" in _refusal(partnership, "notes.txt", EXE)


def test_it_refuses_a_type_not_on_the_list(partnership):
    message = _refusal(partnership, "setup.exe", EXE)
    assert message.startswith("The file must be a PDF, Word document (.docx), PowerPoint")


def test_it_refuses_an_empty_file(partnership):
    assert _refusal(partnership, "toolkit.pdf", b"") == "The chosen file is empty"


@override_settings(RESOURCE_MAX_BYTES=1024)
def test_it_refuses_a_file_over_the_limit(partnership):
    message = _refusal(partnership, "toolkit.pdf", PDF + b"x" * 1024)
    assert message.startswith("The file must be smaller than 1 KB: it is 2 KB")


def test_it_names_the_file_and_the_other_fields_together(partnership):
    with pytest.raises(ValidationError) as error:
        resource_create(
            actor=None,
            partnership_id=partnership.pk,
            upload=Upload("toolkit.pdf", EXE),
            **{**FIELDS, "title": " "},
        )
    assert set(error.value.message_dict) == {"title", "file"}


def test_an_update_keeps_replaces_or_removes_the_file(partnership):
    resource = _create(partnership, "toolkit.pdf", PDF)
    resource_update(actor=None, resource=resource, **{**FIELDS, "title": "Renamed"})
    assert ResourceFile.objects.get(resource=resource).name == "toolkit.pdf"
    resource_update(actor=None, resource=resource, upload=Upload("notes.txt", b"hi"), **FIELDS)
    assert ResourceFile.objects.get(resource=resource).name == "notes.txt"
    assert resource.attached_file().name == "notes.txt"
    resource_update(actor=None, resource=resource, remove_file=True, **FIELDS)
    assert not ResourceFile.objects.exists()
    assert resource.attached_file() is None


def test_a_refused_file_on_update_changes_nothing(partnership):
    resource = _create(partnership, "toolkit.pdf", PDF)
    with pytest.raises(ValidationError):
        resource_update(
            actor=None,
            resource=resource,
            upload=Upload("new.pdf", EXE),
            **{**FIELDS, "title": "Renamed"},
        )
    resource.refresh_from_db()
    assert resource.title == "Toolkit"
    assert bytes(ResourceFile.objects.get(resource=resource).data) == PDF


def test_updated_on_is_today_unless_given_and_an_edit_makes_it_today(partnership):
    import datetime as dt

    from tiptracker.lib.dates import today

    resource = resource_create(
        actor=None, partnership_id=partnership.pk, updated_on=dt.date(2022, 5, 23), **FIELDS
    )
    assert resource.updated_on == dt.date(2022, 5, 23)
    resource_update(actor=None, resource=resource, **FIELDS)
    resource.refresh_from_db()
    assert resource.updated_on == today()
    assert (
        resource_create(actor=None, partnership_id=partnership.pk, **FIELDS).updated_on == today()
    )


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('Töolkit "final" <2>.docx', "Toolkit _final_ _2.docx"),
        ("résumé.TXT", "resume.txt"),
        ("<>.pdf", "resource.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_the_stored_name_is_safe_to_offer_for_download(given, safe):
    assert safe_name(given) == safe


def test_sizes_read_as_gov_uk_writes_them():
    assert [human_size(n) for n in (1, 850, 1024, 24 * 1024 + 1, 1258291, 10485760)] == [
        "1 byte",
        "850 bytes",
        "1 KB",
        "25 KB",
        "1.2 MB",
        "10 MB",
    ]


# Pages -------------------------------------------------------------------------------------

FORM = {"title": "Toolkit", "kind": "manager-toolkit", "audience": "managers", "level": ""}


def test_an_administrator_adds_a_resource_with_a_file(login, admin, partnership):
    client = login(admin)
    page = client.get("/p/dundee-test/resources/new/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert (
        'class="govuk-file-upload"' in page and 'accept=".pdf,.docx,.pptx,.xlsx,.txt,.csv"' in page
    )
    data = _docx()
    upload = SimpleUploadedFile("toolkit.docx", data, content_type="application/x-msdownload")
    response = client.post("/p/dundee-test/resources/new/", {**FORM, "file": upload})
    assert response.status_code == 302
    stored = ResourceFile.objects.get(resource__partnership=partnership)
    # The type comes from the allow-list, never from what the browser claimed.
    assert (stored.name, stored.content_type) == ("toolkit.docx", DOCX_TYPE)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("toolkit.pdf", EXE, "The file is not a real PDF"),
        ("toolkit.exe", EXE, "The file must be a PDF, Word document"),
        ("toolkit.pdf", b"", "The chosen file is empty"),
        ("toolkit.pdf", PDF + b"x" * 2048, "The file must be smaller than 1 KB"),
    ],
)
@override_settings(RESOURCE_MAX_BYTES=1024)
def test_the_form_shows_why_the_file_was_refused_and_saves_nothing(
    login, admin, name, data, message
):
    response = login(admin).post(
        "/p/dundee-test/resources/new/", {**FORM, "file": SimpleUploadedFile(name, data)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_file"' in page  # the error summary links to the field
    assert '<p id="id_file-error" class="govuk-error-message">' in page
    assert message in page
    assert not Resource.objects.exists() and not ResourceFile.objects.exists()


def test_the_form_asks_for_the_file_again_after_another_field_was_wrong(login, admin):
    response = login(admin).post(
        "/p/dundee-test/resources/new/",
        {**FORM, "title": "", "file": SimpleUploadedFile("toolkit.pdf", PDF)},
    )
    assert "Choose the file again" in response.content.decode()
    assert not Resource.objects.exists()


def test_an_administrator_keeps_or_removes_the_file_when_editing(login, admin, partnership):
    stored = ResourceFileFactory(resource__partnership=partnership)
    url = f"/p/dundee-test/resources/{stored.resource_id}/edit/"
    client = login(admin)
    page = client.get(url).content.decode()
    assert "Current file:" in page and "Remove the current file" in page
    client.post(url, {**FORM, "title": "Renamed"})
    assert ResourceFile.objects.filter(pk=stored.pk).exists()
    client.post(url, {**FORM, "remove_file": "on"})
    assert not ResourceFile.objects.exists()


def test_every_member_downloads_the_file_as_an_attachment(login, persona, partnership):
    stored = ResourceFileFactory(
        resource__partnership=partnership,
        name="Manager toolkit.pdf",
        # Whatever was stored, it is served with the type of its extension.
        content_type="text/html",
    )
    response = login(persona(Role.STAFF)).get(f"/p/dundee-test/resources/{stored.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Manager toolkit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == bytes(stored.data)


def test_a_file_is_not_found_outside_its_partnership(login, admin, outsider, other_partnership):
    theirs = ResourceFileFactory(resource__partnership=other_partnership)
    assert login(admin).get(f"/p/dundee-test/resources/{theirs.pk}/file/").status_code == 404
    assert login(outsider).get(f"/p/dundee-test/resources/{theirs.pk}/file/").status_code == 404


def test_a_resource_without_a_file_has_no_download(login, member, partnership):
    resource = ResourceFactory(partnership=partnership)
    assert login(member).get(f"/p/dundee-test/resources/{resource.pk}/file/").status_code == 404


def test_the_toolkit_links_each_title_to_its_file_or_its_link(login, persona, partnership, team):
    stored = ResourceFileFactory(
        resource__partnership=partnership,
        resource__title="The toolkit",
        resource__kind="manager-toolkit",
        name="toolkit.docx",
        data=b"x" * (24 * 1024),
    )
    ResourceFactory(
        partnership=partnership,
        title="Turas module",
        audience="managers",
        url="https://learn.nes.nhs.scot/",
    )
    ResourceFactory(partnership=partnership, title="Ways in", audience="managers")
    manager = persona(Role.MANAGER, teams=[team])
    page = login(manager).get("/p/dundee-test/resources/toolkit/").content.decode()
    assert (
        f'<a class="govuk-link" href="/p/dundee-test/resources/{stored.pk}/file/" download '
        f'aria-describedby="resource-{stored.pk}-file">The toolkit</a>'
    ) in page
    assert f'<span id="resource-{stored.pk}-file">Word document, 24 KB</span>' in page
    assert (
        '<a class="govuk-link" href="https://learn.nes.nhs.scot/" rel="noreferrer noopener">Turas module</a>'
        in page
    )
    assert "Ways in</a>" not in page and "Ways in" in page


def test_the_lists_never_load_a_files_bytes(login, member, partnership):
    ResourceFileFactory.create_batch(
        3, resource__partnership=partnership, resource__audience="managers"
    )
    pk = ResourceFile.objects.first().pk
    client, api_client = login(member), APIClient()
    api_client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=member.user, name='t')[1]}"
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/p/dundee-test/resources/").status_code == 200
        assert client.get("/p/dundee-test/resources/toolkit/").status_code == 200
        assert api_client.get("/api/partnerships/dundee-test/resources/").status_code == 200
        assert api_client.get(f"/api/partnerships/dundee-test/resources/{pk}/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert any('"resources_resourcefile"."size"' in s for s in sql)  # the details are read
    assert not any('"resources_resourcefile"."data"' in s for s in sql)  # the bytes never
