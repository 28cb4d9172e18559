"""Single sign-on in the browser: the whole round trip through a real OpenID Connect provider
on 127.0.0.1 (oidc-provider-mock: its own authorization page), the refusal and
provider-down pages, and the installation administrator's page. axe checks our pages; the
provider's page is not ours."""

import re

import pytest
from django.contrib.auth import get_user_model

from conftest import SSO_DOMAIN
from tests.browser.conftest import assert_accessible, sign_in, visit
from tiptracker.partnerships.models import Role
from tiptracker.partnerships.tests.factories import MembershipFactory
from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.tests.factories import IdentityProviderFactory
from tiptracker.sso.tests.helpers import closed_address

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = f"anna.smith@{SSO_DOMAIN}"


def continue_with(page, email: str) -> None:
    visit(page, "/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()


def authorize_at_the_provider(page, oidc_provider, sub: str) -> None:
    page.wait_for_url(re.compile(re.escape(f"{oidc_provider.issuer}/oauth2/authorize") + ".*"))
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_a_member_signs_in_with_their_organisations_account(
    page, live_server, sso_provider, oidc_provider, partnership
):
    MembershipFactory(
        partnership=partnership, role=Role.ADMIN, user__username=EMAIL, user__email=EMAIL
    )
    sub = oidc_provider.user(EMAIL, amr=["pwd", "mfa"])
    continue_with(page, EMAIL)
    authorize_at_the_provider(page, oidc_provider, sub)
    assert page.url == f"{live_server.url}/p/{partnership.slug}/"
    assert page.get_by_role("heading", name="Training coverage", exact=True).is_visible()
    assert_accessible(page)


def test_someone_with_a_staff_record_gets_an_account_on_their_first_sign_in(
    page, live_server, sso_provider, oidc_provider, partnership
):
    from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

    partnership.sso_staff_sign_in = True
    partnership.save()
    StaffMemberFactory(team=TeamFactory(partnership=partnership), email=EMAIL)
    sub = oidc_provider.user(EMAIL)
    continue_with(page, EMAIL)
    authorize_at_the_provider(page, oidc_provider, sub)
    # A staff member starts on the sessions they can book.
    assert page.url == f"{live_server.url}/p/{partnership.slug}/sessions/"
    assert_accessible(page)
    assert get_user_model().objects.filter(username=EMAIL).exists()


def test_an_address_with_no_account_gets_a_plain_page_saying_whom_to_ask(
    page, sso_provider, oidc_provider
):
    sub = oidc_provider.user(f"nobody@{SSO_DOMAIN}")
    continue_with(page, f"nobody@{SSO_DOMAIN}")
    authorize_at_the_provider(page, oidc_provider, sub)
    assert page.get_by_role(
        "heading", name=f"There is no TIP Tracker account for nobody@{SSO_DOMAIN}"
    ).is_visible()
    assert page.get_by_text("Ask your partnership's TIP Tracker administrator").is_visible()
    assert_accessible(page)


def test_a_provider_that_is_down_leaves_the_password_form(page, partnership):
    MembershipFactory(
        partnership=partnership, role=Role.ADMIN, user__username=EMAIL, user__email=EMAIL
    )
    IdentityProviderFactory(name="NHS Tayside", issuer=closed_address(), domains=[SSO_DOMAIN])
    continue_with(page, EMAIL)
    page.wait_for_load_state()
    assert page.get_by_text("NHS Tayside is not answering just now").is_visible()
    assert page.get_by_label("Email address").input_value() == EMAIL
    assert_accessible(page)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url


def test_an_installation_administrator_manages_the_providers(page, oidc_provider, persona):
    lead = persona(Role.ADMIN)
    lead.user.is_superuser = True
    lead.user.save()
    sign_in(page, lead)
    page.get_by_role("link", name="Sign-in providers").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Add a provider").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Name").fill("NHS Tayside")
    page.get_by_label("Issuer URL").fill(oidc_provider.issuer)
    page.get_by_label("Client ID").fill("tiptracker")
    page.get_by_label("Client secret").fill("pasted secret")
    page.get_by_label("E-mail domains").fill("nhs.scot, not a domain")
    page.get_by_role("button", name="Add the provider").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)  # the error summary and message
    page.get_by_label("Client secret").fill("pasted secret")
    page.get_by_label("E-mail domains").fill("nhs.scot")
    page.get_by_role("button", name="Add the provider").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="nhs.scot", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change NHS Tayside").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Use this provider").uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert not IdentityProvider.objects.get().enabled
    page.get_by_role("link", name="Remove NHS Tayside").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Remove NHS Tayside").click()
    page.wait_for_load_state()
    assert not IdentityProvider.objects.exists()
