from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.accounts import invitations, recovery
from tiptracker.accounts import second_factor as second_factor_module
from tiptracker.accounts.client_ip import client_ip
from tiptracker.accounts.forms import (
    ChoosePasswordForm,
    EmailForm,
    LoginForm,
    PasswordResetRequestForm,
    SecondFactorForm,
    SetUpForm,
    TokenForm,
)
from tiptracker.accounts.services import api_token_create, api_token_revoke
from tiptracker.lib.csp import content_security_policy
from tiptracker.sso import session as sso_session
from tiptracker.sso.selectors import authorization_origins, provider_for_email


class LoginView(auth_views.LoginView):
    """E-mail address first (formats.md: Single sign-on). An address whose domain has an
    enabled identity provider goes to it (sso/views.py); any other gets the password form
    with the address kept. A POST with a password is the password sign-in, throttled by
    django-axes. When the provider does not answer, the page says so and offers the
    password form. `next` is carried through both ways, checked as safe by Django."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # A password sign-in never inherits an earlier single sign-on's second factor.
        self.request.session.pop(second_factor_module.PROVIDER_MFA_SESSION_KEY, None)
        return super().form_valid(form)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unavailable = sso_session.take_unavailable(request)
        if unavailable:
            form = LoginForm(request, initial={"username": unavailable.get("email") or ""})
            return self.render_to_response(
                self.get_context_data(form=form, unavailable=unavailable.get("provider"))
            )
        return self.render_to_response(self.get_context_data(form=EmailForm(), step="email"))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "password" in request.POST:
            return super().post(request, *args, **kwargs)
        form = EmailForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, step="email"))
        email = form.cleaned_data["username"]
        provider = provider_for_email(email)
        if provider is None:
            password_form = LoginForm(request, initial={"username": email})
            return self.render_to_response(self.get_context_data(form=password_form))
        sso_session.sign_in_choose(request, provider=provider, email=email)
        next_url = self.get_redirect_url()  # '' unless safe
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(reverse("sso_start") + query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("step", "password")
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # The e-mail form's submission is redirected to a provider: the browser checks
        # form-action at every step, so the providers' origins are allowed here.
        response["Content-Security-Policy"] = content_security_policy(
            form_action=authorization_origins()
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """A member changes their password (a new member's first one came from an administrator)."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return reverse("account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        # The new password's hash no longer matches the one kept in the person's other
        # sessions, so Django signs those out; this one was kept by update_session_auth_hash.
        recovery.tell_password_changed(form.user)
        messages.success(
            self.request,
            "Your password has been changed. You have been signed out everywhere else.",
        )
        return response


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Forgot password: the same answer whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery.password_reset_request(
            email=form.cleaned_data["email"], sender=client_ip(request) or "unknown"
        )
        return render(
            request, "accounts/password_reset_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: choose a new password. Every session of the account ends."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        recovery.tell_password_changed(form.user)
        messages.success(
            self.request, "Your password has been changed. Sign in with your new password."
        )
        return response


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, invitation_token: str) -> HttpResponse:
    """An invitation's link: choose a password (a new account) or take up the role (an
    existing one). Public: the link's token is the key."""
    token = invitation_token
    try:
        invitation = invitations.invitation_for_token(token)
    except invitations.InvitationInvalid as problem:
        return render(
            request, "accounts/invitation_invalid.html", {"problem": str(problem)}, status=404
        )
    has_account = invitations.account_exists(invitation.email)
    # An address whose organisation signs its people in (single sign-on) needs no password.
    provider = provider_for_email(invitation.email)
    form = (
        None
        if has_account or provider is not None
        else ChoosePasswordForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            invitations.invitation_accept(
                token=token, password=None if form is None else form.cleaned_data["password1"]
            )
        except invitations.InvitationInvalid as problem:
            return render(
                request, "accounts/invitation_invalid.html", {"problem": str(problem)}, status=404
            )
        except ValidationError as error:  # the password rules, checked again as it is saved
            assert form is not None  # noqa: S101 - only a new password can fail the rules
            form.add_error("password1", error)
        else:
            messages.success(
                request,
                f"You are now a member of {invitation.partnership.name}. Sign in to start."
                if has_account
                else f"Your account is ready. Sign in with {invitation.email}: you will go to "
                f"{provider.name} to sign in with your organisation's account."
                if provider is not None
                else f"Your account is ready. Sign in with {invitation.email} and your new password.",
            )
            return redirect("login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "provider": provider,
        },
    )


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the app is up. Reveals nothing else."""
    return JsonResponse({"status": "ok"})


def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # noqa: S101 - the login middleware guarantees it
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
        form = TokenForm()
    has_device = second_factor_module.confirmed_device(user) is not None
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": user.api_tokens.all(),
            "memberships": user.memberships.select_related("partnership"),
            "has_device": has_device,
            "second_factor_required": second_factor_module.required_for(user),
            "recovery_codes_left": second_factor_module.recovery_codes_left(user)
            if has_device
            else 0,
        },
    )


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token was revoked: scripts using it can no longer sign in.")
    return redirect("account")


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: the page asked for, if it is on this site."""
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _wait_message(wait_until) -> str:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    seconds = max(1, int((wait_until - timezone.now()).total_seconds()) + 1)
    return (
        f"Too many wrong codes: wait {seconds} second{'s' if seconds != 1 else ''}, then try again."
    )


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for administrators and L&D officers (and installation
    administrators): a code from the authenticator app, or a recovery code."""
    if second_factor_module.confirmed_device(request.user) is None:  # type: ignore[arg-type]
        return redirect(
            f"{reverse('second_factor_set_up')}?{urlencode({'next': _next_url(request)})}"
        )
    if not second_factor_module.pending(request):
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_module.sign_in_verify(
            request=request, code=form.cleaned_data["code"]
        )
        if result.ok:
            if result.by_recovery_code:
                left = second_factor_module.recovery_codes_left(request.user)  # type: ignore[arg-type]
                messages.success(
                    request,
                    f"You signed in with a recovery code; {left} left. If your phone is lost, "
                    "set up a new authenticator app on your account page.",
                )
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _wait_message(result.wait_until)
            if result.wait_until
            else "That code is not right, or it has been used already. Enter the code your app shows now.",
        )
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@require_http_methods(["GET", "POST"])
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Setting up the authenticator app: the key as a QR code and as text, confirmed with a
    code; then the recovery codes, shown once."""
    user = request.user
    if second_factor_module.confirmed_device(user) is not None:  # type: ignore[arg-type]
        return redirect(f"{reverse('second_factor')}?{urlencode({'next': _next_url(request)})}")
    device = second_factor_module.enrolment_device(user)  # type: ignore[arg-type]
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_module.set_up_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if result.ok:
            codes = second_factor_module.recovery_codes_new(user)  # type: ignore[arg-type]
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "code",
            _wait_message(result.wait_until)
            if result.wait_until
            else "That code is not right. Check the key was typed as shown, and enter the code the app shows now.",
        )
    return render(
        request,
        "accounts/second_factor_set_up.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr": second_factor_module.qr_svg(device),
            "key": second_factor_module.key_text(device),
        },
    )


@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    """New recovery codes from the account page (the old ones stop working)."""
    if second_factor_module.confirmed_device(request.user) is None:  # type: ignore[arg-type]
        return redirect("account")
    codes = second_factor_module.recovery_codes_new(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("account"), "first_time": False},
    )


@require_POST
def second_factor_replace(request: HttpRequest) -> HttpResponse:
    """A new phone: the old authenticator stops working and a new one is set up now."""
    second_factor_module.device_remove(request.user)  # type: ignore[arg-type]
    return redirect(f"{reverse('second_factor_set_up')}?{urlencode({'next': reverse('account')})}")
