"""Site-wide security: every page needs a login, and a strict content security policy."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.http import urlencode
from rest_framework.views import APIView

from tiptracker.lib.csp import content_security_policy

# The only pages open to someone who is not logged in.
# A briefing guest's reply page and calendar file: the signed token in the link is the key.
# The lived-experience route's interest page and a person's private link (lived/public_urls.py).
# Signing in through an organisation's identity provider: the way there and back (sso/).
PUBLIC_URL_NAMES = {
    "login",
    "sso_start",
    "sso_callback",
    "health",
    "briefing_reply",
    "briefing_reply_ics",
    "survey_answer",
    "lived_interest",
    "lived_status",
    "lived_person_withdraw",
    # Forgetting a password and accepting an invitation: the e-mailed link is the key.
    "password_reset",
    "password_reset_confirm",
    "invitation_accept",
    # The load balancer's probes (ops/health.py): they hold nothing.
    "healthz",
    "readyz",
}


CSP = content_security_policy()


class LoginRequiredMiddleware:
    """Login is the default: a page is public only if its URL name is listed above.

    API views are left to DRF, whose authentication also accepts tokens and which answers
    401 with JSON; every other page redirects to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        match = resolve(request.path_info)
        if match.url_name in PUBLIC_URL_NAMES or request.path_info.startswith(settings.STATIC_URL):
            return None
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return (
                None  # DRF authenticates tokens and sessions itself and refuses the rest with 401
            )
        if request.user.is_authenticated:
            return None
        if request.path_info.startswith("/admin/"):
            return None  # the admin site has its own login
        return redirect(
            f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
        )


# What someone who still owes their second factor may reach: its own pages and signing out.
SECOND_FACTOR_URL_NAMES = {"second_factor", "second_factor_set_up", "logout"}


class SecondFactorMiddleware:
    """Administrators, learning and development officers and installation administrators
    give their second factor before anything else after signing in (accounts/signals.py marks
    the session). Pages redirect to the second factor's page; the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        from tiptracker.accounts import second_factor

        if not request.user.is_authenticated or not second_factor.pending(request):
            return None
        if request.path_info.startswith("/admin/"):
            return None  # the admin site asks for the code itself (OTPAdminSite)
        match = resolve(request.path_info)
        if (
            match.url_name in SECOND_FACTOR_URL_NAMES
            or match.url_name in PUBLIC_URL_NAMES
            or request.path_info.startswith(settings.STATIC_URL)
        ):
            return None
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return JsonResponse(
                {"detail": "Give your second factor first: sign in again in the browser."},
                status=403,
            )
        return redirect(
            f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}"
        )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class BusyDatabaseMiddleware:
    """A write refused because SQLite's write lock stayed taken for the whole busy timeout (a
    long import) is a 503 saying to try again, not a 500; its transaction rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import OperationalError

        from tiptracker.errors import busy

        if isinstance(exception, OperationalError) and "database is locked" in str(exception):
            return busy(request)
        return None
