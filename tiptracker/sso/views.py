"""Signing in through an organisation's identity provider (OpenID Connect), and the
installation administrator's page of providers.

The sign-in page (accounts.views.LoginView) asks for the e-mail address and, when its domain
has a provider, keeps the provider in the session and sends the person to `sso_start`. That
view (mozilla-django-oidc's, given the provider's endpoint and client ID) checks that the
provider answers, then redirects to it with a fresh state, nonce and PKCE challenge. The
provider sends the person back to `sso_callback`, which checks the state, lets the backend
exchange the code and verify the ID token, and signs the person in, or shows a page saying
plainly why not.
"""

import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    get_next_url,
)

from tiptracker.partnerships.access import installation_admin_view
from tiptracker.sso import session
from tiptracker.sso.backends import BACKEND_PATH, ProviderBackend
from tiptracker.sso.forms import ProviderAddForm, ProviderEditForm
from tiptracker.sso.models import IdentityProvider
from tiptracker.sso.selectors import providers_list
from tiptracker.sso.services import (
    ProviderUnavailable,
    SignInRefused,
    provider_refresh,
    provider_remove,
)

logger = logging.getLogger(__name__)


def _login_url(next_url: str | None) -> str:
    return reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")


class SsoStartView(OIDCAuthenticationRequestView):
    """Redirects to the chosen provider's authorization endpoint (authorization code flow,
    PKCE, state and nonce: the library makes and keeps them in the session)."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint and client ID from settings here; they come from
        # the provider in get().
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        provider = session.chosen_provider(request)
        next_url = get_next_url(request, "next")
        if provider is None:
            return redirect(_login_url(next_url))
        try:
            provider = provider_refresh(provider=provider)
        except ProviderUnavailable as problem:
            logger.warning("Sign-in provider %s is unavailable: %s", provider.name, problem)
            session.sign_in_unavailable(request, provider)
            return redirect(_login_url(next_url))
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # The address typed on our sign-in page, so that the provider need not ask again.
        email = request.session.get(session.EMAIL)
        return {"login_hint": email} if isinstance(email, str) else {}


# Why a sign-in through a provider was refused: the page's title and what to do, and the
# status. {provider} and {email} are filled in.
ASK = "Ask your partnership's TIP Tracker administrator (the person who manages its members)."
REFUSALS: dict[str, tuple[str, list[str], int]] = {
    "state": (
        "Your sign-in could not be completed",
        [
            "This sign-in was not started from this browser, or it has been finished "
            "already, so it cannot be used. Nothing has changed.",
            "Start again from the sign-in page.",
        ],
        400,
    ),
    "provider_refused": (
        "You have not been signed in",
        [
            "{provider} did not sign you in: you may have cancelled, or it refused.",
            "Start again from the sign-in page, or sign in with your TIP Tracker password "
            "if you have one.",
        ],
        403,
    ),
    "code_refused": (
        "Your sign-in could not be completed",
        [
            "{provider} did not accept the sign-in code: it has been used already or has "
            "expired. Nothing has changed.",
            "Start again from the sign-in page.",
        ],
        400,
    ),
    "token_refused": (
        "Your sign-in could not be completed",
        [
            "{provider} refused TIP Tracker's request to finish your sign-in: the settings "
            "TIP Tracker has for it may be out of date.",
            "Tell your partnership's TIP Tracker administrator. Meanwhile you can sign in "
            "with your TIP Tracker password if you have one.",
        ],
        502,
    ),
    "invalid_token": (
        "Your sign-in could not be completed",
        [
            "The answer from {provider} could not be verified, so you have not been signed "
            "in. Nothing has changed.",
            "Start again from the sign-in page. If it happens again, tell your "
            "partnership's TIP Tracker administrator.",
        ],
        400,
    ),
    "no_email": (
        "You have not been signed in",
        [
            "{provider} did not tell TIP Tracker your e-mail address, which TIP Tracker "
            "needs to find your account.",
            "Ask your organisation's IT service desk to let TIP Tracker see it.",
        ],
        403,
    ),
    "unverified": (
        "You have not been signed in",
        [
            "{provider} has not confirmed that {email} is your e-mail address, so TIP "
            "Tracker cannot sign you in with it.",
            "Ask your organisation's IT service desk about confirming your e-mail address, "
            "or sign in with your TIP Tracker password if you have one.",
        ],
        403,
    ),
    "other_domain": (
        "You have not been signed in",
        [
            "You signed in to {provider} as {email}, but {provider} does not sign in "
            "addresses like that one to TIP Tracker.",
            "Sign in with your work e-mail address, or " + ASK[0].lower() + ASK[1:],
        ],
        403,
    ),
    "no_account": (
        "There is no TIP Tracker account for {email}",
        [
            "{provider} confirmed who you are, but nobody has given {email} access to TIP "
            "Tracker, and there is no staff record with this address in a partnership that "
            "lets its staff sign in this way.",
            ASK,
        ],
        403,
    ),
    "ambiguous": (
        "You have not been signed in",
        [
            "More than one TIP Tracker account has the e-mail address {email}, so TIP "
            "Tracker cannot tell which is yours.",
            ASK,
        ],
        403,
    ),
    "inactive": (
        "You have not been signed in",
        ["The TIP Tracker account for {email} has been switched off.", ASK],
        403,
    ),
}


def refused(
    request: HttpRequest,
    reason: str,
    *,
    provider: IdentityProvider | None,
    email: str = "",
    next_url: str | None = None,
) -> HttpResponse:
    title, paragraphs, status = REFUSALS[reason]
    values = {"provider": provider.name if provider else "Your organisation", "email": email}
    return render(
        request,
        "sso/refused.html",
        {
            "title": title.format(**values),
            "paragraphs": [text.format(**values) for text in paragraphs],
            "login_url": _login_url(next_url),
        },
        status=status,
    )


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back with a code (or an error)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        provider = session.chosen_provider(request)
        next_url = request.session.get("oidc_login_next")
        states = request.session.get("oidc_states")
        states = states if isinstance(states, dict) else {}
        state = request.GET.get("state", "")
        # A state is used once, whatever happens next: a replay finds nothing.
        entry = states.pop(state, None) if state else None
        if entry is not None:
            request.session["oidc_states"] = states
            request.session.save()
        if "error" in request.GET:
            return refused(request, "provider_refused", provider=provider, next_url=next_url)
        if "code" not in request.GET and not state:
            return redirect(_login_url(next_url))  # someone opened the address by hand
        if provider is None or entry is None or "code" not in request.GET:
            return refused(request, "state", provider=provider, next_url=next_url)
        backend = ProviderBackend(provider)
        try:
            user = backend.authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except ProviderUnavailable as problem:
            logger.warning("Sign-in provider %s is unavailable: %s", provider.name, problem)
            session.sign_in_unavailable(request, provider)
            return redirect(_login_url(next_url))
        except SignInRefused as refusal:
            logger.info("Sign-in through %s refused: %s", provider.name, refusal.reason)
            return refused(
                request, refusal.reason, provider=provider, email=refusal.email, next_url=next_url
            )
        except SuspiciousOperation as problem:
            logger.warning("Sign-in through %s refused: %s", provider.name, problem)
            return refused(request, "invalid_token", provider=provider, next_url=next_url)
        if user is None:
            return refused(request, "invalid_token", provider=provider, next_url=next_url)
        user.backend = BACKEND_PATH
        self.user = user
        self._next_url = next_url
        response = self.login_success()
        # After login(), which starts a new session for a new person.
        session.sign_in_finished(request)
        request.session[session.MFA_BY_PROVIDER] = backend.mfa_by_provider()
        return response

    @property
    def success_url(self) -> str:
        # Checked as safe when the sign-in started (the library's get_next_url).
        return self._next_url or resolve_url(self.get_settings("LOGIN_REDIRECT_URL", "/"))


# The installation administrator's page ---------------------------------------------------


def _provider_or_404(provider_id: int) -> IdentityProvider:
    provider = providers_list().filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such provider")
    return provider


@installation_admin_view
def providers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sso/providers.html",
        {
            "providers": providers_list(),
            "redirect_uri": request.build_absolute_uri(reverse("sso_callback")),
        },
    )


@installation_admin_view
def provider_new(request: HttpRequest) -> HttpResponse:
    form = ProviderAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = form.save()
        if provider is not None:
            messages.success(
                request,
                f"{provider.name} is registered: people with "
                f"{', '.join(d.domain for d in provider.domains.all())} addresses sign in with it.",
            )
            return redirect("sso_providers")
    return render(request, "sso/provider_form.html", {"form": form, "provider": None})


@installation_admin_view
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _provider_or_404(provider_id)
    form = ProviderEditForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{provider.name} is saved.")
        return redirect("sso_providers")
    return render(request, "sso/provider_form.html", {"form": form, "provider": provider})


@installation_admin_view
def provider_remove_view(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = _provider_or_404(provider_id)
    if request.method == "POST":
        provider_remove(provider=provider)
        messages.success(
            request, f"{provider.name} is removed: its domains sign in with a password from now on."
        )
        return redirect("sso_providers")
    return render(request, "sso/provider_remove.html", {"provider": provider})
