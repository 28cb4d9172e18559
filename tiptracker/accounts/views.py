from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tiptracker.accounts import invitations, recovery
from tiptracker.accounts.client_ip import client_ip
from tiptracker.accounts.forms import (
    ChoosePasswordForm,
    LoginForm,
    PasswordResetRequestForm,
    TokenForm,
)
from tiptracker.accounts.services import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
    form = None if has_account else ChoosePasswordForm(request.POST or None, email=invitation.email)
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
                else f"Your account is ready. Sign in with {invitation.email} and your new password.",
            )
            return redirect("login")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
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
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": user.api_tokens.all(),
            "memberships": user.memberships.select_related("partnership"),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "The token was revoked: scripts using it can no longer sign in.")
    return redirect("account")
