"""What a sign-in through a provider keeps in the person's session between the sign-in
page, the provider and the callback."""

from django.http import HttpRequest

from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.selectors import provider_enabled

# The provider chosen for this sign-in (by the e-mail address's domain) and the address,
# sent to the provider as a hint.
PROVIDER = "tiptracker_sso_provider"
EMAIL = "tiptracker_sso_email"
# Set when the provider could not be reached: the sign-in page says so and offers the
# password form with the address kept.
UNAVAILABLE = "tiptracker_sso_unavailable"
# After a sign-in through a provider: whether the provider said the person used a second
# factor (`amr` contains `mfa`); then the sign-in counts as both (accounts/second_factor.py).
MFA_BY_PROVIDER = "tiptracker_mfa_by_provider"


def sign_in_choose(request: HttpRequest, *, provider: IdentityProvider, email: str) -> None:
    request.session[PROVIDER] = provider.pk
    request.session[EMAIL] = email


def chosen_provider(request: HttpRequest) -> IdentityProvider | None:
    return provider_enabled(request.session.get(PROVIDER))


def sign_in_unavailable(request: HttpRequest, provider: IdentityProvider) -> None:
    request.session[UNAVAILABLE] = {"provider": provider.name, "email": request.session.get(EMAIL)}


def take_unavailable(request: HttpRequest) -> dict | None:
    """The provider that could not be reached and the address typed, once."""
    found = request.session.pop(UNAVAILABLE, None)
    return found if isinstance(found, dict) else None


def sign_in_finished(request: HttpRequest) -> None:
    for key in (PROVIDER, EMAIL, UNAVAILABLE):
        request.session.pop(key, None)
