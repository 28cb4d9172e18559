"""Reads for single sign-on."""

from urllib.parse import urlsplit

from django.db.models import QuerySet

from tiptracker.sso.models import IdentityProvider


def provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled provider whose domains include the address's, if any."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    return IdentityProvider.objects.filter(enabled=True, domains__domain=domain).first()


def provider_enabled(provider_id: object) -> IdentityProvider | None:
    if not isinstance(provider_id, int):
        return None
    return IdentityProvider.objects.filter(enabled=True, pk=provider_id).first()


def providers_list() -> QuerySet[IdentityProvider]:
    """Every provider with its domains, for the installation administrator's page (which
    never shows the client secret, so it is not even decrypted)."""
    return (
        IdentityProvider.objects.defer("client_secret").prefetch_related("domains").order_by("name")
    )


def authorization_origins() -> tuple[str, ...]:
    """Where the sign-in page's e-mail form may lead: the origins of the enabled providers'
    authorization endpoints (for its content security policy)."""
    origins = set()
    for url in IdentityProvider.objects.filter(enabled=True).values_list(
        "authorization_endpoint", flat=True
    ):
        parts = urlsplit(url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return tuple(sorted(origins))
