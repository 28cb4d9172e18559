import pytest
from django.core.exceptions import ValidationError

from tiptracker.lib.levels import Level
from tiptracker.partnerships.models import Role
from tiptracker.resources.models import Resource
from tiptracker.resources.services import resource_create, resource_update
from tiptracker.resources.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Manager toolkit",
    "kind": Resource.Kind.MANAGER_TOOLKIT,
    "audience": Resource.Audience.MANAGERS,
    "level": Level.INFORMED,
    "url": "https://example.org/toolkit.pdf",
    "description": "",
}


def _form(**changes):
    data = {**VALID, **changes}
    return {k: ("" if v is None else v) for k, v in data.items()}


# Services ----------------------------------------------------------------------------------


def test_it_adds_a_resource(partnership):
    resource = resource_create(actor=None, partnership_id=partnership.pk, **VALID)
    assert str(resource) == "Manager toolkit"
    assert resource.level == Level.INFORMED


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi", "not a link"]
)
def test_it_refuses_a_link_that_is_not_a_web_address(partnership, url):
    with pytest.raises(ValidationError) as error:
        resource_create(actor=None, partnership_id=partnership.pk, **{**VALID, "url": url})
    assert "http:// or https://" in error.value.message_dict["url"][0]
    assert not Resource.objects.exists()


def test_it_refuses_an_unknown_kind_audience_or_level_naming_each(partnership):
    with pytest.raises(ValidationError) as error:
        resource_create(
            actor=None,
            partnership_id=partnership.pk,
            **{**VALID, "title": " ", "kind": "poster", "audience": "public", "level": 9},
        )
    assert set(error.value.message_dict) == {"title", "kind", "audience", "level"}


def test_a_resource_need_not_be_tied_to_a_level_or_have_a_link(partnership):
    resource = resource_create(
        actor=None, partnership_id=partnership.pk, **{**VALID, "level": None, "url": ""}
    )
    assert resource.level is None and resource.url == ""


def test_a_refused_update_changes_nothing(partnership):
    resource = ResourceFactory(partnership=partnership, title="Kept")
    with pytest.raises(ValidationError):
        resource_update(actor=None, resource=resource, **{**VALID, "url": "ftp://x.org"})
    resource.refresh_from_db()
    assert resource.title == "Kept"


# Pages -------------------------------------------------------------------------------------


def test_every_member_sees_the_library_filtered(login, member, partnership):
    ResourceFactory(partnership=partnership, title="For managers", audience="managers")
    ResourceFactory(partnership=partnership, title="For everyone", level=Level.SKILLED)
    client = login(member)
    page = client.get("/p/dundee-test/resources/?audience=managers").content.decode()
    assert "For managers" in page and "For everyone" not in page
    page = client.get("/p/dundee-test/resources/?level=2").content.decode()
    assert "For everyone" in page and "For managers" not in page
    page = client.get("/p/dundee-test/resources/?level=none").content.decode()
    assert "For managers" in page and "For everyone" not in page
    assert "Add a resource" not in page


def test_a_bad_filter_is_shown_not_a_server_error(login, member):
    response = login(member).get("/p/dundee-test/resources/?kind=poster")
    assert response.status_code == 200
    assert "Choose one of the kinds in the list" in response.content.decode()


def test_an_administrator_adds_a_resource(login, admin, partnership):
    response = login(admin).post("/p/dundee-test/resources/new/", _form())
    assert response.status_code == 302
    assert Resource.objects.get(partnership=partnership).title == "Manager toolkit"


def test_the_form_says_which_field_was_wrong_and_saves_nothing(login, admin):
    response = login(admin).post("/p/dundee-test/resources/new/", _form(url="ftp://x.org/a"))
    assert response.status_code == 200
    assert "starting http:// or https://" in response.content.decode()
    assert not Resource.objects.exists()


def test_an_administrator_edits_and_removes_a_resource(login, admin, partnership):
    resource = ResourceFactory(partnership=partnership)
    client = login(admin)
    client.post(f"/p/dundee-test/resources/{resource.pk}/edit/", _form(title="Renamed"))
    resource.refresh_from_db()
    assert resource.title == "Renamed"
    assert (
        "This cannot be undone"
        in client.get(f"/p/dundee-test/resources/{resource.pk}/delete/").content.decode()
    )
    client.post(f"/p/dundee-test/resources/{resource.pk}/delete/")
    assert not Resource.objects.exists()


def test_a_member_may_not_add_a_resource(login, member):
    assert login(member).post("/p/dundee-test/resources/new/", _form()).status_code == 403


def test_the_outsider_is_refused(login, outsider, partnership):
    resource = ResourceFactory(partnership=partnership)
    client = login(outsider)
    assert client.get("/p/dundee-test/resources/").status_code == 404
    assert client.get("/p/dundee-test/resources/toolkit/").status_code == 404
    assert client.post(f"/p/dundee-test/resources/{resource.pk}/delete/").status_code == 404
    assert Resource.objects.exists()


def test_another_partnerships_resource_is_not_found(login, admin, other_partnership):
    theirs = ResourceFactory(partnership=other_partnership)
    assert login(admin).get(f"/p/dundee-test/resources/{theirs.pk}/edit/").status_code == 404


def test_the_toolkit_has_toolkits_and_what_is_for_managers(login, persona, partnership, team):
    ResourceFactory(partnership=partnership, title="The toolkit", kind="manager-toolkit")
    ResourceFactory(partnership=partnership, title="Briefing slides", audience="managers")
    ResourceFactory(partnership=partnership, title="Poster", kind="communications")
    manager = persona(Role.MANAGER, teams=[team])
    page = login(manager).get("/p/dundee-test/resources/toolkit/").content.decode()
    assert "The toolkit" in page and "Briefing slides" in page and "Poster" not in page
    assert "Housing Options" in page  # the manager's own team


def test_a_manager_reaches_the_toolkit_from_the_staff_list(login, persona, team):
    manager = persona(Role.MANAGER, teams=[team])
    page = login(manager).get("/p/dundee-test/staff/").content.decode()
    assert 'href="/p/dundee-test/resources/toolkit/"' in page
