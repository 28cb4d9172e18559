"""Signing in through an organisation's identity provider (formats.md: Single sign-on),
against a real OpenID Connect provider on 127.0.0.1 (conftest.py's oidc_provider)."""

import base64
import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from conftest import SSO_CLIENT_SECRET, SSO_DOMAIN
from tiptracker.partnerships.models import Membership, Role
from tiptracker.partnerships.tests.factories import MembershipFactory, PartnershipFactory
from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.tests.helpers import (
    closed_address,
    sign_in,
    signed_in_user_id,
    silent_address,
    start,
)
from tiptracker.sso.tests.provider import callback_path, query_of
from tiptracker.workforce.tests.factories import StaffMemberFactory, TeamFactory

User = get_user_model()
EMAIL = f"anna.smith@{SSO_DOMAIN}"


@pytest.fixture
def anna(partnership):
    """A member whose address is the provider's domain."""
    return MembershipFactory(
        partnership=partnership, role=Role.ADMIN, user__username=EMAIL, user__email=EMAIL
    )


def page(response) -> str:
    return response.content.decode()


# The way there ---------------------------------------------------------------------------


def test_an_address_of_a_providers_domain_goes_to_it_with_pkce_state_and_nonce(
    sso_provider, oidc_provider
):
    client = Client()
    url = start(client, EMAIL.upper())
    assert url.startswith(f"{oidc_provider.issuer}/oauth2/authorize?")
    query = query_of(url)
    assert query["response_type"] == "code"
    assert query["client_id"] == "tiptracker"
    assert query["scope"] == "openid email"
    assert query["redirect_uri"] == "http://testserver/sso/callback/"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["login_hint"] == EMAIL
    kept = client.session["oidc_states"][query["state"]]
    verifier = kept["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert query["code_challenge"] == challenge.decode().rstrip("=")
    assert kept["nonce"] == query["nonce"]


def test_an_address_without_a_provider_gets_the_password_form_with_the_address_kept(
    sso_provider,
):
    response = Client().post("/login/", {"username": "Someone@Elsewhere.org"})
    assert response.status_code == 200
    html = page(response)
    assert 'type="password"' in html and 'value="someone@elsewhere.org"' in html


def test_a_disabled_provider_leaves_its_domain_to_the_password_form(sso_provider):
    IdentityProvider.objects.update(enabled=False)
    response = Client().post("/login/", {"username": EMAIL})
    assert response.status_code == 200 and 'type="password"' in page(response)


def test_the_address_is_asked_for_first_and_checked(db):
    first = Client().get("/login/")
    assert 'type="password"' not in page(first) and "Continue" in page(first)
    wrong = Client().post("/login/", {"username": "not an address"})
    assert wrong.status_code == 200
    assert "Enter an email address in the correct format" in page(wrong)


# Signed in -------------------------------------------------------------------------------


def test_a_member_signs_in_through_their_organisation_and_lands_on_their_partnership(
    sso_provider, oidc_provider, anna, partnership
):
    client = Client()
    oidc_provider.token_requests.clear()
    # An administrator: the provider's second factor counts as TIP Tracker's.
    response = sign_in(client, oidc_provider, EMAIL, amr=["pwd", "mfa"])
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(anna.user.pk)
    assert client.get("/", follow=True).request["PATH_INFO"] == f"/p/{partnership.slug}/"
    # The code went back with the PKCE verifier (the provider does not check it itself).
    sent = oidc_provider.token_requests[-1]
    assert sent["grant_type"] == ["authorization_code"]
    assert len(sent["code_verifier"][0]) >= 43
    assert "client_secret" not in sent  # HTTP Basic authentication, as the provider offers


def test_the_address_matches_whatever_its_case(sso_provider, oidc_provider, anna):
    client = Client()
    sign_in(client, oidc_provider, EMAIL, as_email="Anna.Smith@TAYSIDE.nhs.test")
    assert signed_in_user_id(client) == str(anna.user.pk)


def test_the_page_asked_for_before_signing_in_is_kept(
    sso_provider, oidc_provider, anna, partnership
):
    wanted = f"/p/{partnership.slug}/sessions/"
    response = sign_in(Client(), oidc_provider, EMAIL, next_url=wanted)
    assert response["Location"] == wanted


def test_an_administrator_whose_provider_used_one_factor_is_asked_for_the_second(
    sso_provider, oidc_provider, anna, partnership
):
    client = Client()
    sign_in(client, oidc_provider, EMAIL, amr=["pwd"])
    assert signed_in_user_id(client) == str(anna.user.pk)
    response = client.get(f"/p/{partnership.slug}/")
    assert response.status_code == 302 and "/account/second-factor/" in response["Location"]


def test_a_page_on_another_site_is_not_where_a_sign_in_ends(sso_provider, oidc_provider, anna):
    response = sign_in(Client(), oidc_provider, EMAIL, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    ("amr", "second_factor"),
    [(["pwd", "mfa"], True), (["pwd"], False), (None, False)],
    ids=["mfa", "password-only", "no-amr"],
)
def test_the_session_says_whether_the_provider_asked_for_a_second_factor(
    sso_provider, oidc_provider, anna, amr, second_factor
):
    client = Client()
    sign_in(client, oidc_provider, EMAIL, amr=amr)
    assert client.session["tiptracker_mfa_by_provider"] is second_factor


# Accounts from staff records -------------------------------------------------------------


@pytest.fixture
def staff_record(partnership):
    return StaffMemberFactory(
        team=TeamFactory(partnership=partnership),
        email="Brian.Ross@tayside.nhs.test",
        first_name="Brian",
        last_name="Ross",
    )


def test_someone_with_a_staff_record_gets_an_account_and_the_staff_role_where_allowed(
    sso_provider, oidc_provider, partnership, staff_record
):
    partnership.sso_staff_sign_in = True
    partnership.save()
    other = PartnershipFactory()  # does not allow it: a record there gives nothing
    StaffMemberFactory(team=TeamFactory(partnership=other), email=staff_record.email)
    client = Client()
    response = sign_in(client, oidc_provider, "brian.ross@tayside.nhs.test")
    assert response.status_code == 302
    user = User.objects.get(username="brian.ross@tayside.nhs.test")
    assert signed_in_user_id(client) == str(user.pk)
    assert not user.has_usable_password() and user.get_full_name() == "Brian Ross"
    membership = Membership.objects.get(user=user)
    assert (membership.partnership, membership.role, membership.staff) == (
        partnership,
        Role.STAFF,
        staff_record,
    )
    # As a staff member they book themselves onto sessions.
    assert client.get(f"/p/{partnership.slug}/sessions/").status_code == 200


def test_a_staff_record_gives_no_account_where_the_partnership_does_not_allow_it(
    sso_provider, oidc_provider, partnership, staff_record
):
    before = User.objects.count()
    response = sign_in(Client(), oidc_provider, "brian.ross@tayside.nhs.test")
    assert response.status_code == 403
    assert "There is no TIP Tracker account for brian.ross@tayside.nhs.test" in page(response)
    assert (User.objects.count(), Membership.objects.count()) == (before, 0)


def test_someone_who_has_left_gets_no_account(
    sso_provider, oidc_provider, partnership, staff_record
):
    partnership.sso_staff_sign_in = True
    partnership.save()
    staff_record.leaving_date = dt.date.today() - dt.timedelta(days=1)
    staff_record.save()
    response = sign_in(Client(), oidc_provider, "brian.ross@tayside.nhs.test")
    assert response.status_code == 403
    assert not User.objects.filter(username="brian.ross@tayside.nhs.test").exists()


def test_an_existing_account_gets_no_new_role_from_a_staff_record(
    sso_provider, oidc_provider, partnership, anna
):
    other = PartnershipFactory(sso_staff_sign_in=True)
    StaffMemberFactory(team=TeamFactory(partnership=other), email=EMAIL)
    client = Client()
    sign_in(client, oidc_provider, EMAIL)
    assert signed_in_user_id(client) == str(anna.user.pk)
    assert list(Membership.objects.filter(user=anna.user)) == [anna]


# Refusals ----------------------------------------------------------------------------------


def test_an_address_with_no_account_and_no_staff_record_is_told_whom_to_ask(
    sso_provider, oidc_provider
):
    before = User.objects.count()
    client = Client()
    response = sign_in(client, oidc_provider, f"nobody@{SSO_DOMAIN}")
    assert response.status_code == 403
    html = page(response)
    assert f"There is no TIP Tracker account for nobody@{SSO_DOMAIN}" in html
    assert "Ask your partnership&#x27;s TIP Tracker administrator" in html
    assert "Traceback" not in html
    assert User.objects.count() == before and signed_in_user_id(client) is None


@pytest.mark.parametrize("verified", [False, None], ids=["false", "missing"])
def test_an_address_the_provider_has_not_verified_is_refused(
    sso_provider, oidc_provider, anna, verified
):
    client = Client()
    response = sign_in(client, oidc_provider, EMAIL, verified=verified)
    assert response.status_code == 403
    assert f"has not confirmed that {EMAIL} is your e-mail address" in page(response)
    assert signed_in_user_id(client) is None


def test_entra_ids_domain_verified_claim_stands_in_for_email_verified(
    sso_provider, oidc_provider, anna
):
    client = Client()
    sign_in(client, oidc_provider, EMAIL, verified=None, xms_edov=True)
    assert signed_in_user_id(client) == str(anna.user.pk)


def test_a_provider_cannot_vouch_for_another_domains_address(sso_provider, oidc_provider, anna):
    outsider = MembershipFactory(user__username="boss@elsewhere.test", role=Role.ADMIN)
    client = Client()
    response = sign_in(client, oidc_provider, EMAIL, as_email=outsider.user.email)
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_a_state_that_is_not_this_browsers_is_refused(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub)
    forged = callback_path(back).replace(f"state={query_of(back)['state']}", "state=forged")
    response = client.get(forged)
    assert response.status_code == 400
    assert "Your sign-in could not be completed" in page(response)
    assert signed_in_user_id(client) is None


def test_a_sign_in_answer_replayed_in_another_browser_is_refused(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub)
    assert client.get(callback_path(back)).status_code == 302
    thief = Client()
    response = thief.get(callback_path(back))
    assert response.status_code == 400 and signed_in_user_id(thief) is None
    # In the same browser the state was used up, too.
    assert client.get(callback_path(back)).status_code == 400


def test_a_used_code_is_refused_by_the_provider(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    first = oidc_provider.authorize(start(client, EMAIL), sub)
    assert client.get(callback_path(first)).status_code == 302
    client.post("/logout/")
    # A new sign-in's state with the old code: the provider refuses the code.
    second = oidc_provider.authorize(start(client, EMAIL), sub)
    replay = callback_path(second).replace(
        f"code={query_of(second)['code']}", f"code={query_of(first)['code']}"
    )
    response = client.get(replay)
    assert response.status_code == 400
    assert "did not accept the sign-in code" in page(response)
    assert signed_in_user_id(client) is None


def test_a_tampered_id_token_is_refused(sso_provider, oidc_provider, anna):
    victim = MembershipFactory(user__username=f"chief@{SSO_DOMAIN}", role=Role.ADMIN)
    oidc_provider.tamper_with = {"email": victim.user.email}
    client = Client()
    response = sign_in(client, oidc_provider, EMAIL)
    assert response.status_code == 400
    assert "could not be verified" in page(response)
    assert signed_in_user_id(client) is None


def test_an_id_token_for_another_sign_in_is_refused(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub)
    states = client.session["oidc_states"]
    states[query_of(back)["state"]]["nonce"] = "another sign-in's nonce"
    session = client.session
    session["oidc_states"] = states
    session.save()
    response = client.get(callback_path(back))
    assert response.status_code == 400 and signed_in_user_id(client) is None


def test_a_code_issued_to_another_client_is_refused(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub)
    # TIP Tracker's client ID changed meanwhile: the provider does not give it the token.
    IdentityProvider.objects.update(client_id="someone-else")
    response = client.get(callback_path(back))
    assert response.status_code == 400 and signed_in_user_id(client) is None


def test_cancelling_at_the_provider_says_so(sso_provider, oidc_provider, anna):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub, deny=True)
    response = client.get(callback_path(back))
    assert response.status_code == 403
    assert "NHS Tayside did not sign you in" in page(response)


def test_the_callback_opened_by_hand_goes_to_the_sign_in_page(db):
    response = Client().get("/sso/callback/")
    assert response.status_code == 302 and response["Location"] == "/login/"


# A provider that is down -------------------------------------------------------------------


def _password_form_with_warning(response) -> str:
    assert response.status_code == 200
    html = page(response)
    assert "NHS Tayside is not answering just now" in html
    assert 'type="password"' in html and f'value="{EMAIL}"' in html
    return html


def test_a_provider_that_does_not_answer_leaves_the_password_form(db, anna):
    from tiptracker.sso.tests.factories import IdentityProviderFactory

    IdentityProviderFactory(name="NHS Tayside", issuer=closed_address(), domains=[SSO_DOMAIN])
    client = Client()
    response = client.post("/login/?next=/account/", {"username": EMAIL}, follow=True)
    _password_form_with_warning(response)
    # The password still works, and the page asked for is kept.
    signed = client.post(
        "/login/?next=/account/", {"username": EMAIL, "password": "correct horse battery staple"}
    )
    assert signed["Location"] == "/account/"


def test_a_provider_that_hangs_is_given_up_on_quickly(db, anna, settings):
    from tiptracker.sso.tests.factories import IdentityProviderFactory

    settings.SSO_TIMEOUT_SECONDS = 0.5
    with silent_address() as address:
        IdentityProviderFactory(name="NHS Tayside", issuer=address, domains=[SSO_DOMAIN])
        response = Client().post("/login/", {"username": EMAIL}, follow=True)
    _password_form_with_warning(response)


def test_a_token_endpoint_that_does_not_answer_leaves_the_password_form(
    sso_provider, oidc_provider, anna
):
    client = Client()
    sub = oidc_provider.user(EMAIL)
    back = oidc_provider.authorize(start(client, EMAIL), sub)
    IdentityProvider.objects.update(token_endpoint=closed_address() + "/token")
    response = client.get(callback_path(back), follow=True)
    _password_form_with_warning(response)
    assert signed_in_user_id(client) is None


def test_the_client_secret_is_not_in_the_database_as_it_is(sso_provider):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM sso_identityprovider")
        (stored,) = cursor.fetchone()
    assert SSO_CLIENT_SECRET not in stored
    assert IdentityProvider.objects.get().client_secret == SSO_CLIENT_SECRET


def test_the_sign_in_page_lets_its_form_lead_to_the_enabled_providers_only(
    sso_provider, oidc_provider
):
    # Browsers check the policy's form-action at every redirect after the form is sent.
    policy = Client().get("/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy
    IdentityProvider.objects.update(enabled=False)
    assert "form-action 'self';" in Client().get("/login/")["Content-Security-Policy"]
