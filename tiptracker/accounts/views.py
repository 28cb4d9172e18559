from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiptracker.accounts.forms import LoginForm, TokenForm
from tiptracker.accounts.services import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """A member changes their password (a new member's first one came from an administrator)."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


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
