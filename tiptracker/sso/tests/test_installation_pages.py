"""The installation administrator's page of sign-in providers: list, add (with the same
checks as `tiptracker sso add`), change and remove. Nobody else finds it."""

import pytest

from conftest import SSO_DOMAIN
from tiptracker.accounts.tests.helpers import signed_in
from tiptracker.partnerships.tests.factories import UserFactory
from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.tests.factories import IdentityProviderFactory
from tiptracker.sso.tests.helpers import closed_address

PAGE = "/installation/sign-in-providers/"


@pytest.fixture
def lead(db):
    """An installation administrator with no partnership (signed in with a second factor,
    as installation administrators must)."""
    return signed_in(UserFactory(username="lead@example.org", is_superuser=True))


def html(response) -> str:
    return response.content.decode()


def test_the_page_lists_the_providers_with_the_redirect_uri_to_give_them(lead):
    IdentityProviderFactory(name="NHS Tayside", domains=["nhs.scot", "tayside.nhs.scot"])
    response = lead.get(PAGE)
    assert response.status_code == 200
    assert "NHS Tayside" in html(response) and "nhs.scot, tayside.nhs.scot" in html(response)
    assert "http://testserver/sso/callback/" in html(response)
    assert "a client secret" not in html(response)


def test_the_list_takes_the_same_queries_for_any_number_of_providers(
    lead, django_assert_num_queries
):
    # The session, the user and their second factor's device, the providers and their
    # domains (the session is not saved: its expiry moved forward less than a minute ago).
    IdentityProviderFactory(domains=["a.example"])
    with django_assert_num_queries(5):
        lead.get(PAGE)
    for n in range(3):
        IdentityProviderFactory(domains=[f"b{n}.example", f"c{n}.example"])
    with django_assert_num_queries(5):
        lead.get(PAGE)


def test_an_installation_administrator_adds_a_provider(lead, oidc_provider):
    response = lead.post(
        f"{PAGE}new/",
        {
            "name": "NHS Tayside",
            "issuer": oidc_provider.issuer,
            "client_id": "tiptracker",
            "client_secret": "pasted secret",
            "domains": f"{SSO_DOMAIN.upper()}, nhs.scot",
        },
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    provider = IdentityProvider.objects.get()
    assert provider.client_secret == "pasted secret"
    assert provider.authorization_endpoint == f"{oidc_provider.issuer}/oauth2/authorize"
    assert set(provider.domains.values_list("domain", flat=True)) == {SSO_DOMAIN, "nhs.scot"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"domains": "nhs.scot, tayside_nhs.scot"}, "&#x27;tayside_nhs.scot&#x27; is not an"),
        ({"domains": "angus.gov.uk"}, "The domain angus.gov.uk already signs in with"),
        ({"issuer": "UNREACHABLE"}, "Could not reach the issuer&#x27;s discovery document"),
        ({"client_secret": ""}, "This field is required"),
        ({"name": "angus council"}, "There is already a provider named"),
    ],
    ids=["malformed-domain", "taken-domain", "unreachable", "no-secret", "name-taken"],
)
def test_adding_a_provider_refuses_what_the_command_refuses(lead, oidc_provider, changes, message):
    IdentityProviderFactory(name="Angus Council", domains=["angus.gov.uk"])
    data = {
        "name": "NHS Tayside",
        "issuer": oidc_provider.issuer,
        "client_id": "tiptracker",
        "client_secret": "pasted secret",
        "domains": SSO_DOMAIN,
        **changes,
    }
    if data["issuer"] == "UNREACHABLE":
        data["issuer"] = closed_address()
    response = lead.post(f"{PAGE}new/", data)
    assert response.status_code == 200
    assert "There is a problem" in html(response) and message in html(response)
    assert IdentityProvider.objects.count() == 1


def test_changing_a_provider_keeps_its_secret_unless_a_new_one_is_given(lead):
    provider = IdentityProviderFactory(name="NHS Tayside", domains=["nhs.scot", "old.nhs.scot"])
    url = f"{PAGE}{provider.pk}/"
    form = lead.get(url)
    assert 'value="nhs.scot, old.nhs.scot"' in html(form)
    response = lead.post(url, {"client_id": "new-id", "client_secret": "", "domains": "nhs.scot"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.client_id, provider.client_secret, provider.enabled) == (
        "new-id",
        "a client secret",
        False,  # the box was left unticked
    )
    assert list(provider.domains.values_list("domain", flat=True)) == ["nhs.scot"]
    lead.post(
        url,
        {"client_id": "new-id", "client_secret": "rotated", "domains": "nhs.scot", "enabled": "on"},
    )
    provider.refresh_from_db()
    assert (provider.client_secret, provider.enabled) == ("rotated", True)


def test_a_provider_cannot_take_another_providers_domain(lead):
    IdentityProviderFactory(name="Angus Council", domains=["angus.gov.uk"])
    provider = IdentityProviderFactory(name="NHS Tayside", domains=["nhs.scot"])
    response = lead.post(
        f"{PAGE}{provider.pk}/", {"client_id": "x", "domains": "nhs.scot, angus.gov.uk"}
    )
    assert response.status_code == 200 and "already signs in with" in html(response)
    assert list(provider.domains.values_list("domain", flat=True)) == ["nhs.scot"]


def test_removing_a_provider_asks_first(lead):
    provider = IdentityProviderFactory(name="NHS Tayside", domains=["nhs.scot"])
    url = f"{PAGE}{provider.pk}/remove/"
    assert "Remove NHS Tayside?" in html(lead.get(url))
    assert IdentityProvider.objects.exists()
    assert lead.post(url).status_code == 302
    assert not IdentityProvider.objects.exists()


def test_partnership_administrators_do_not_find_the_page(admin, login, outsider):
    provider = IdentityProviderFactory(domains=["nhs.scot"])
    for membership in (admin, outsider):
        client = login(membership)
        assert client.get(PAGE).status_code == 404
        assert client.post(f"{PAGE}{provider.pk}/remove/").status_code == 404
        assert "Sign-in providers" not in html(client.get("/account/"))
    assert IdentityProvider.objects.exists()


def test_the_header_links_to_the_page_for_installation_administrators(lead):
    assert f'href="{PAGE}"' in html(lead.get("/account/"))
