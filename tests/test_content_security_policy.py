"""The content security policy on every kind of response: an ordinary page, the public pages,
a file download and the API. Each policy is read directive by directive, so a weaker one (an
inline script allowed, the page framed, a form sent anywhere) fails as surely as a missing one.

The policy comes from middleware.ContentSecurityPolicyMiddleware; the sign-in page and the API
docs set their own (the sign-in page adds the identity providers to form-action), so they are
checked here too.
"""

import pytest
from django.test import Client

from tiptracker.accounts.services import api_token_create
from tiptracker.partnerships.models import Role

# Sources that would let a page run or load what it should not.
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}


def directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request['PATH_INFO']} has no Content-Security-Policy header"
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_strict(response) -> None:  # type: ignore[no-untyped-def]
    path = response.request["PATH_INFO"]
    policy = directives(response)
    assert policy.get("default-src") == ["'self'"], (
        f"{path}: default-src {policy.get('default-src')}"
    )
    script = policy.get("script-src", policy["default-src"])
    assert "'self'" in script and not UNSAFE & set(script), f"{path}: script-src {script}"
    assert policy.get("object-src") == ["'none'"], f"{path}: object-src {policy.get('object-src')}"
    assert policy.get("frame-ancestors") == ["'none'"], (
        f"{path}: frame-ancestors {policy.get('frame-ancestors')}"
    )
    # The sign-in page may add identity providers' origins; never anywhere at all.
    form_action = policy.get("form-action", [])
    assert form_action[:1] == ["'self'"] and not UNSAFE & set(form_action), (
        f"{path}: form-action {form_action}"
    )
    assert policy.get("base-uri") in (["'self'"], ["'none'"]), (
        f"{path}: base-uri {policy.get('base-uri')}"
    )


def test_an_ordinary_signed_in_page_has_the_strict_policy(world, login):
    response = login(world["members"][("own", Role.ADMIN)]).get("/p/own/")
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.parametrize(
    "path",
    [
        "/login/",
        "/lived-experience/{slug}/",
        "/survey/{token}/",
        "/briefings/reply/{reply_token}/",
    ],
    ids=["sign-in", "lived-experience-interest", "survey-answer", "briefing-reply"],
)
def test_the_public_pages_have_the_strict_policy(world, path):
    response = Client().get(path.format(**world["kwargs"]))
    assert response.status_code == 200, response.status_code
    assert_strict(response)


def test_the_sign_in_page_keeps_the_policy_when_a_provider_is_added(sso_provider, oidc_provider):
    # The page sets its own policy (form-action names the providers): the rest stays strict.
    response = Client().get("/login/")
    assert oidc_provider.issuer in directives(response)["form-action"]
    assert_strict(response)


def test_a_file_download_has_the_strict_policy(world, login):
    kwargs = world["kwargs"]
    client = login(world["members"][("own", Role.ADMIN)])
    response = client.get(f"/p/own/resources/{kwargs['resource_pk']}/file/")
    assert response.status_code == 200 and response.content == b"Hello"
    assert_strict(response)
    # A PDF shown in the browser, uploaded by a member as evidence of learning.
    response = login(world["members"][("own", Role.STAFF)]).get(
        f"/p/own/claims/{kwargs['claim_pk']}/evidence/"
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert_strict(response)


def test_an_api_response_has_the_strict_policy(world):
    _token, key = api_token_create(user=world["members"][("own", Role.ADMIN)].user, name="csp")
    response = Client().get("/api/partnerships/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()
    assert_strict(response)
    # Refused too: an error is a response like any other.
    refused = Client().get("/api/partnerships/", HTTP_AUTHORIZATION="Bearer tip_not-a-key")
    assert refused.status_code == 401
    assert_strict(refused)


def test_the_api_docs_page_has_the_strict_policy(world, login):
    response = login(world["members"][("own", Role.ADMIN)]).get("/api/docs/")
    assert response.status_code == 200
    assert_strict(response)


def test_a_page_that_is_not_found_has_the_strict_policy(world, login):
    response = login(world["members"][("own", Role.ADMIN)]).get("/p/own/no-such-page/")
    assert response.status_code == 404
    assert_strict(response)
