"""The ID token checks the backend adds to mozilla-django-oidc's: audience, issuer, expiry,
asymmetric signatures only, and the key found also when the token names none. Tokens are
signed here with a key made for the test (the provider test double cannot sign a token for
another audience)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from tiptracker.sso.backends import ProviderBackend
from tiptracker.sso.tests.factories import IdentityProviderFactory

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = jwt.PyJWK(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True))


@pytest.fixture
def backend(db):
    return ProviderBackend(
        IdentityProviderFactory(issuer="https://login.example.org", client_id="tiptracker")
    )


def token(key=KEY, algorithm="RS256", **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://login.example.org",
        "aud": "tiptracker",
        "sub": "someone",
        "iat": now,
        "exp": now + 300,
        "nonce": "n",
        **changes,
    }
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm=algorithm)


def test_a_good_token_passes(backend):
    assert backend._verify_jws(token(), PUBLIC)["sub"] == "someone"


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-client"},
        {"iss": "https://login.evil.example"},
        {"exp": int(time.time()) - 3600},
        {"exp": None},
        {"sub": None},
    ],
    ids=["audience", "issuer", "expired", "no-expiry", "no-subject"],
)
def test_a_token_not_for_this_client_from_this_issuer_and_current_is_refused(backend, changes):
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(token(**changes), PUBLIC)


def test_a_token_signed_with_the_client_secret_is_refused(backend):
    forged = token(key="a client secret", algorithm="HS256")
    with pytest.raises(SuspiciousOperation, match="HS256"):
        backend._verify_jws(forged, PUBLIC)


def test_a_token_signed_with_another_key_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(token(key=other), PUBLIC)


def test_the_client_secret_goes_form_urlencoded_in_http_basic(db, monkeypatch):
    """RFC 6749, 2.3.1: the provider decodes the Basic credentials as form-urlencoded, so a
    secret with '+', '/', ':' or '%' in it must be encoded first or it arrives changed."""
    import requests

    sent = {}

    class Answer:
        status_code = 200

        def json(self):
            return {"id_token": "t", "access_token": "a"}

    def post(url, **kwargs):
        sent.update(kwargs)
        return Answer()

    monkeypatch.setattr(requests, "post", post)
    provider = IdentityProviderFactory(client_id="tip tracker", client_secret="a+b/c:d%e")
    ProviderBackend(provider).get_token(
        {"client_id": "tip tracker", "client_secret": "a+b/c:d%e", "code": "x"}
    )
    assert (sent["auth"].username, sent["auth"].password) == ("tip+tracker", "a%2Bb%2Fc%3Ad%25e")
    assert "client_secret" not in sent["data"] and sent["data"]["client_id"] == "tip tracker"
