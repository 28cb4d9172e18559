"""mozilla-django-oidc's authentication backend, with the provider's settings taken from the
provider chosen for this sign-in instead of from django.conf.settings.

The library does the authorization code exchange (with the PKCE verifier and the client
secret), fetches the provider's keys and checks the ID token's signature and nonce. Here it
also checks the token's audience and issuer (the library leaves the audience unchecked),
accepts only asymmetric signatures, finds the signing key also when the token names none,
and hands the claims to services.sso_account_for_claims, which decides the account.
"""

from typing import Any
from urllib.parse import quote_plus

import jwt
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from requests.auth import HTTPBasicAuth

from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.services import (
    SIGNING_ALGORITHMS,
    ProviderUnavailable,
    SignInRefused,
    sso_account_for_claims,
)

BACKEND_PATH = "tiptracker.sso.backends.ProviderBackend"

# Seconds of clock difference allowed between the provider and this server.
LEEWAY_SECONDS = 60


class ProviderBackend(OIDCAuthenticationBackend):
    """Django makes one without a provider to load a signed-in user (get_user); the
    sign-in callback makes one with the provider and calls authenticate itself. Without a
    provider it authenticates nobody, so a password sign-in never reaches it."""

    def __init__(self, provider: IdentityProvider | None = None) -> None:
        self.UserModel = get_user_model()
        self.provider = provider
        self.claims: dict[str, Any] = {}
        self._amr: list[Any] = []
        if provider is not None:
            self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
            self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
            self.OIDC_RP_CLIENT_ID = provider.client_id
            self.OIDC_RP_CLIENT_SECRET = provider.client_secret
            self.OIDC_RP_IDP_SIGN_KEY = None

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH" and self.provider is not None:
            return self.provider.token_auth == IdentityProvider.TokenAuth.BASIC
        return import_from_settings(attr, *args)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if self.provider is None or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        # Django's rule (an inactive account is signed out), which the library's drops.
        return ModelBackend.get_user(self, user_id)  # type: ignore[arg-type]

    # The token endpoint --------------------------------------------------------------------

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The library's exchange, except that for HTTP Basic the client ID and secret are
        form-urlencoded first (RFC 6749, 2.3.1): a secret with '+', '%' or ':' in it would
        otherwise reach the provider changed."""
        payload = dict(payload)
        auth = None
        if self.get_settings("OIDC_TOKEN_USE_BASIC_AUTH", False):
            auth = HTTPBasicAuth(
                quote_plus(payload["client_id"]), quote_plus(payload.pop("client_secret"))
            )
        try:
            response = requests.post(
                self.OIDC_OP_TOKEN_ENDPOINT,
                data=payload,
                auth=auth,
                verify=self.get_settings("OIDC_VERIFY_SSL", True),
                timeout=self.get_settings("OIDC_TIMEOUT", None),
                proxies=self.get_settings("OIDC_PROXY", None),
            )
            self.raise_token_response_error(response)
            return response.json()  # type: ignore[no-any-return]
        except requests.HTTPError as error:
            answer = error.response
            if answer is None or answer.status_code >= 500:
                raise ProviderUnavailable("the token endpoint answered with an error") from None
            try:
                code = answer.json().get("error")
            except ValueError:
                code = None
            # invalid_grant: the code was used already, has expired, or was not issued for
            # this sign-in (RFC 6749, 5.2).
            raise SignInRefused(
                "code_refused" if code == "invalid_grant" else "token_refused"
            ) from None
        except requests.RequestException:
            raise ProviderUnavailable("the token endpoint did not answer") from None

    # The ID token ----------------------------------------------------------------------------

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        try:
            header = jwt.get_unverified_header(token)
        except (jwt.InvalidTokenError, TypeError):
            raise SuspiciousOperation("The ID token is not a JSON Web Token.") from None
        try:
            response = requests.get(
                self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT", None)
            )
            response.raise_for_status()
            keys = response.json().get("keys", [])
        except (requests.RequestException, ValueError, AttributeError):
            raise ProviderUnavailable("the provider's keys could not be fetched") from None
        alg = header.get("alg")
        candidates = [
            key
            for key in keys
            if isinstance(key, dict)
            and key.get("use", "sig") == "sig"
            and key.get("alg", alg) == alg
            and ("kid" not in header or key.get("kid") == header["kid"])
        ]
        # A token that names no key is accepted only when the provider has one to sign with.
        if len(candidates) != 1:
            raise SuspiciousOperation("No single key of the provider matches the ID token.")
        try:
            return jwt.PyJWK(candidates[0], algorithm=alg)
        except jwt.PyJWKError:
            raise SuspiciousOperation("The provider's key cannot check this ID token.") from None

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg not in SIGNING_ALGORITHMS:
            raise SuspiciousOperation(f"ID tokens signed with {alg!r} are not accepted.")
        assert self.provider is not None  # noqa: S101 - authenticate() needs one
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token was refused: {error}") from None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = self._verify_jws(token, self.retrieve_matching_jwk(token))
        if payload.get("nonce") != kwargs.get("nonce"):
            raise SuspiciousOperation("The ID token's nonce is not this sign-in's.")
        return payload

    # The claims and the account ------------------------------------------------------------

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        """The ID token's claims, with the userinfo endpoint's over them where the provider
        has one (some put the e-mail address only there). The userinfo must be about the
        same person (OpenID Connect Core 5.3.2)."""
        claims = dict(payload)
        self._amr = [payload.get("amr")]
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            try:
                info = super().get_userinfo(access_token, id_token, payload)
            except requests.RequestException:
                raise ProviderUnavailable("the userinfo endpoint did not answer") from None
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo is about someone else.")
            claims.update(info)
            self._amr.append(info.get("amr"))
        self.claims = claims
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        assert self.provider is not None  # noqa: S101 - authenticate() needs one
        claims = self.get_userinfo(access_token, id_token, payload)
        return sso_account_for_claims(provider=self.provider, claims=claims)

    def mfa_by_provider(self) -> bool:
        """Whether the provider says the person used more than one factor: `mfa` among the
        authentication methods (`amr`, RFC 8176) of the ID token or the userinfo."""
        for amr in self._amr:
            if isinstance(amr, str):
                amr = amr.split()
            if isinstance(amr, list | tuple) and "mfa" in amr:
                return True
        return False


__all__ = ["BACKEND_PATH", "ProviderBackend", "SignInRefused", "ProviderUnavailable"]
