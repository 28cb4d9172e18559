"""Who may open the lived-experience route, and when.

Only the partnership's lived-experience coordinators (access.LIVED_ROLES). Everyone else,
administrators and superusers included, gets a 404 on every page and API path of the route,
as if it did not exist: a 403 would tell them there is something there.

A coordinator is let in only after confirming their password and a code from their
authenticator app (second_factor.py) in this browser session; the workspace then stays open
for LIVED_UNLOCK_MINUTES after their last request to it. API tokens never open the route:
a token is one factor, and this route asks for two.
"""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership

SESSION_KEY = "lived_unlocked"


def coordinator_membership(user: Any, slug: str) -> Membership:
    """The user's coordinator membership of `slug`; 404 for anyone else."""
    membership = access.get_membership_for_user(user, slug)
    if membership.role not in access.LIVED_ROLES:
        raise Http404("No such page")
    return membership


def _minutes() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "LIVED_UNLOCK_MINUTES", 15)))


def is_unlocked(request: HttpRequest, membership: Membership) -> bool:
    """Has this session confirmed the password and a second factor for this membership,
    recently enough? django-otp's is_verified() also fails if the device was removed."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("membership") != membership.pk:
        return False
    verified = getattr(request.user, "is_verified", None)
    if verified is None or not verified():
        return False
    try:
        until = dt.datetime.fromisoformat(str(state.get("until")))
    except ValueError:
        return False
    return timezone.now() < until


def keep_unlocked(request: HttpRequest, membership: Membership) -> None:
    """Open (or keep open) the workspace for another LIVED_UNLOCK_MINUTES."""
    request.session[SESSION_KEY] = {
        "membership": membership.pk,
        "until": (timezone.now() + _minutes()).isoformat(),
    }


def lock(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def no_store(response: HttpResponse) -> HttpResponse:
    """Nothing from the route is kept in a browser's or a proxy's cache."""
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


def unlock_url(slug: str, next_url: str = "") -> str:
    url = reverse("lived_unlock", args=[slug])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def coordinator_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a workspace view taking `slug`: it gets the coordinator's `membership`, once
    they have confirmed their password and second factor; others get a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = coordinator_membership(request.user, slug)
        request.membership = membership  # type: ignore[attr-defined]
        if not is_unlocked(request, membership):
            return no_store(redirect(unlock_url(slug, request.get_full_path())))
        keep_unlocked(request, membership)
        return no_store(view(request, membership, *args, **kwargs))

    wrapper.allowed_roles = access.LIVED_ROLES  # type: ignore[attr-defined]
    return wrapper
