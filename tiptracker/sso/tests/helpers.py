"""Driving a sign-in through the provider with Django's test client, as a browser would."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

from django.test import Client

from tiptracker.sso.tests.provider import MockProvider, callback_path


def start(client: Client, email: str, next_url: str | None = None) -> str:
    """Types the address on the sign-in page; returns the provider's authorization URL
    that our start page redirects to."""
    login = "/login/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.post(login, {"username": email})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith("/sso/start/"), response["Location"]
    response = client.get(response["Location"])
    assert response.status_code == 302
    return response["Location"]


def sign_in(
    client: Client,
    provider: MockProvider,
    email: str,
    *,
    next_url: str | None = None,
    as_email: str | None = None,
    **claims: object,
):
    """The whole round trip; the provider says the person is `as_email` (default: the
    address typed), with the claims given. Returns our callback's response."""
    sub = provider.user(as_email or email, **claims)  # type: ignore[arg-type]
    back = provider.authorize(start(client, email, next_url), sub)
    return client.get(callback_path(back))


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def closed_address() -> str:
    """An address on this machine where nothing listens (a provider that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def silent_address() -> Iterator[str]:
    """An address that takes the connection and never answers (a provider that hangs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
