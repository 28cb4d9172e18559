"""Writes for single sign-on: registering identity providers (from their discovery
document), and the account a verified e-mail address signs in to.

Every problem a person can fix is a ValidationError with one plain sentence; the command
line and the installation administrator's page show it as it is.
"""

import ipaddress
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tiptracker.sso.models import IdentityProvider, ProviderDomain

logger = logging.getLogger(__name__)

# ID tokens must be signed with the provider's private key, checked against its published
# keys. HS256 (signed with the client secret) is refused: anyone holding the secret could
# forge one.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+{_LABEL}$")


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with an error, just now."""


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    token_auth: str


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _check_url(url: str, what: str) -> str:
    """A provider's address must be https, except on this machine (a test provider)."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return url.strip()
    raise ValidationError(
        f"{what} '{url}' must be an https:// address (http:// only for a provider on this "
        "machine, such as a test provider)"
    )


def parse_domains(text: str | list[str]) -> list[str]:
    """E-mail domains from 'a.org, b.org' (or a list): lower-case, without a leading '@',
    each checked; at least one."""
    parts = text if isinstance(text, list) else re.split(r"[,\s]+", text or "")
    domains: list[str] = []
    for part in parts:
        domain = part.strip().lower().lstrip("@")
        if not domain:
            continue
        if len(domain) > 253 or not _DOMAIN.match(domain) or domain.rsplit(".", 1)[1].isdigit():
            raise ValidationError(
                f"'{part.strip()}' is not an e-mail domain (write it like nhs.scot or "
                "dundeecity.gov.uk, without a name or '@' before it)"
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise ValidationError("give at least one e-mail domain, such as nhs.scot")
    return domains


def _check_domains_free(domains: list[str], *, provider: IdentityProvider | None = None) -> None:
    taken = ProviderDomain.objects.filter(domain__in=domains).select_related("provider")
    if provider is not None:
        taken = taken.exclude(provider=provider)
    for row in taken:
        raise ValidationError(
            f"the domain {row.domain} already signs in with the provider '{row.provider.name}' "
            "(a domain can have only one)"
        )


def domains_check(text: str | list[str], *, provider: IdentityProvider | None = None) -> list[str]:
    """The domains, well-formed and free (or already this provider's)."""
    domains = parse_domains(text)
    _check_domains_free(domains, provider=provider)
    return domains


def name_check(name: str) -> str:
    name = _check_text(name, "provider's name")
    if len(name) > 100:
        raise ValidationError("the provider's name must be at most 100 characters")
    if IdentityProvider.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"there is already a provider named '{name}'")
    return name


def discover(issuer: str) -> Discovery:
    """The issuer's discovery document, checked. Raises ProviderUnavailable when it cannot
    be fetched, ValidationError when what it says is unusable."""
    issuer = _check_url(issuer, "The issuer")
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.SSO_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        reason = "it did not answer in time" if isinstance(error, requests.Timeout) else ""
        raise ProviderUnavailable(
            f"could not reach the issuer's discovery document at {url}"
            + (f" ({reason})" if reason else " (nothing answered there)")
        ) from None
    if response.status_code >= 500:
        raise ProviderUnavailable(
            f"the issuer's discovery document at {url} answered with an error "
            f"(HTTP {response.status_code})"
        )
    if response.status_code != 200:
        raise ValidationError(
            f"there is no discovery document at {url} (HTTP {response.status_code}): "
            "check the issuer URL"
        )
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ValidationError(f"the discovery document at {url} is not a JSON object")
    said = document.get("issuer")
    if not isinstance(said, str) or said.rstrip("/") != issuer.rstrip("/"):
        raise ValidationError(
            f"the discovery document at {url} names the issuer '{said}', not '{issuer}' "
            "as given: use the issuer URL the provider publishes"
        )
    endpoints = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(key)
        if not isinstance(value, str) or not value:
            raise ValidationError(f"the discovery document at {url} has no {key}")
        endpoints[key] = _check_url(value, f"The provider's {key}")
    userinfo = document.get("userinfo_endpoint") or ""
    if userinfo:
        userinfo = _check_url(str(userinfo), "The provider's userinfo_endpoint")
    if "code" not in document.get("response_types_supported", ["code"]):
        raise ValidationError(
            f"the provider at {issuer} does not offer the authorization code flow"
        )
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    if not any(alg in offered for alg in SIGNING_ALGORITHMS):
        raise ValidationError(
            f"the provider at {issuer} signs ID tokens only with {', '.join(map(str, offered))}: "
            f"TIP Tracker needs one of {', '.join(SIGNING_ALGORITHMS)}"
        )
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        token_auth = IdentityProvider.TokenAuth.BASIC
    elif "client_secret_post" in methods:
        token_auth = IdentityProvider.TokenAuth.POST
    else:
        raise ValidationError(
            f"the provider at {issuer} takes no client secret at its token endpoint "
            f"(it offers {', '.join(map(str, methods))})"
        )
    return Discovery(
        issuer=said,
        userinfo_endpoint=userinfo,
        token_auth=token_auth,
        **endpoints,
    )


def _apply(provider: IdentityProvider, found: Discovery) -> None:
    provider.issuer = found.issuer
    provider.authorization_endpoint = found.authorization_endpoint
    provider.token_endpoint = found.token_endpoint
    provider.userinfo_endpoint = found.userinfo_endpoint
    provider.jwks_uri = found.jwks_uri
    provider.token_auth = found.token_auth


def _check_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"give the {what}")
    return value


def provider_add(
    *, name: str, issuer: str, client_id: str, client_secret: str, domains: str | list[str]
) -> IdentityProvider:
    """Registers a provider for the domains given. Everything is checked, the discovery
    document last (it is fetched), before anything is written."""
    name = name_check(name)
    client_id = _check_text(client_id, "client ID")
    client_secret = _check_text(client_secret, "client secret")
    wanted = domains_check(domains)
    try:
        found = discover(issuer)
    except ProviderUnavailable as problem:
        raise ValidationError(str(problem)) from None
    provider = IdentityProvider(name=name, client_id=client_id, client_secret=client_secret)
    _apply(provider, found)
    with transaction.atomic():
        provider.save()
        ProviderDomain.objects.bulk_create(
            ProviderDomain(provider=provider, domain=domain) for domain in wanted
        )
    return provider


def provider_update(
    *,
    provider: IdentityProvider,
    client_id: str,
    client_secret: str | None,
    domains: str | list[str],
    enabled: bool,
) -> IdentityProvider:
    """Changes what an installation administrator may change: the client ID, the secret
    (None or blank keeps it), the domains and whether it is used."""
    client_id = _check_text(client_id, "client ID")
    wanted = domains_check(domains, provider=provider)
    with transaction.atomic():
        provider.client_id = client_id
        if client_secret and client_secret.strip():
            provider.client_secret = client_secret.strip()
        provider.enabled = enabled
        provider.save()
        provider.domains.exclude(domain__in=wanted).delete()
        have = set(provider.domains.values_list("domain", flat=True))
        ProviderDomain.objects.bulk_create(
            ProviderDomain(provider=provider, domain=domain)
            for domain in wanted
            if domain not in have
        )
    return provider


def provider_remove(*, provider: IdentityProvider) -> None:
    """Its domains get the password form from now on; accounts made through it stay."""
    provider.delete()


def provider_refresh(*, provider: IdentityProvider) -> IdentityProvider:
    """Before a sign-in: the provider answers, and its endpoints are still the ones kept
    (a provider may move them; its discovery document says where). Raises
    ProviderUnavailable when it cannot be used just now."""
    try:
        found = discover(provider.issuer)
    except ValidationError as problem:
        logger.warning("Sign-in provider %s: %s", provider.name, " ".join(problem.messages))
        raise ProviderUnavailable(" ".join(problem.messages)) from None
    before = [getattr(provider, field) for field in _DISCOVERED]
    _apply(provider, found)
    if [getattr(provider, field) for field in _DISCOVERED] != before:
        provider.save(update_fields=[*_DISCOVERED, "updated_at"])
    return provider


_DISCOVERED = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "token_auth",
]


# The account a sign-in reaches ---------------------------------------------------------


class SignInRefused(Exception):
    """A sign-in through a provider that must not go on; `reason` names which refusal page
    the person sees."""

    def __init__(self, reason: str, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


def email_is_verified(claims: dict[str, Any]) -> bool:
    """The provider vouches for the address: `email_verified` is true. Microsoft Entra ID
    never sends `email_verified` for work accounts; its optional claim `xms_edov` (the
    e-mail's domain is verified as the tenant's) stands in for it, only where
    `email_verified` is missing altogether."""
    if "email_verified" in claims:
        return claims["email_verified"] is True or claims["email_verified"] == "true"
    return claims.get("xms_edov") is True or claims.get("xms_edov") in ("true", "1", 1)


def sso_account_for_claims(*, provider: IdentityProvider, claims: dict[str, Any]) -> Any:
    """The user a provider's verified e-mail address signs in as (formats.md: Single
    sign-on). An existing account whose e-mail is the address (case-insensitive) is it.
    With none, a person with a current staff record with that address in partnerships that
    allow it gets an account (no password: they sign in through their organisation) and
    the staff role, linked to that record, in each of them. Nothing else creates accounts
    or roles. Raises SignInRefused otherwise."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused("no_email")
    email = email.strip()
    if not email_is_verified(claims):
        raise SignInRefused("unverified", email)
    # A provider speaks only for its own domains: another's addresses are not its to vouch for.
    domain = email.rsplit("@", 1)[1].lower()
    if not provider.domains.filter(domain=domain).exists():
        raise SignInRefused("other_domain", email)
    User = get_user_model()
    users = list(User.objects.filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise SignInRefused("ambiguous", email)
    if users:
        if not users[0].is_active:
            raise SignInRefused("inactive", email)
        return users[0]
    try:
        return _account_from_staff_records(email)
    except IntegrityError:
        # The same person's second tab made the account a moment ago.
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise
        return user


def _account_from_staff_records(email: str) -> Any:
    from tiptracker.lib.dates import today
    from tiptracker.partnerships.models import Membership, Role
    from tiptracker.workforce.selectors import current_staff_with_email

    records = list(current_staff_with_email(email=email, on=today(), sso_allowed_only=True))
    if not records:
        raise SignInRefused("no_account", email)
    by_partnership: dict[int, list] = {}
    for record in records:
        by_partnership.setdefault(record.partnership_id, []).append(record)
    first = records[0]
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=email.lower(),
            email=email.lower(),
            password=None,  # unusable: this person signs in through their organisation
            first_name=first.first_name,
            last_name=first.last_name,
        )
        for partnership_id, found in by_partnership.items():
            # Two records with one address: a person decides which is theirs (the members
            # page links it), as when a member is added.
            Membership.objects.create(
                partnership_id=partnership_id,
                user=user,
                role=Role.STAFF,
                staff=found[0] if len(found) == 1 else None,
            )
    return user
