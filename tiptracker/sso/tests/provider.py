"""A real OpenID Connect provider for the tests: oidc-provider-mock (authlib underneath),
served on 127.0.0.1 on a free port in a thread of the test process.

Its users are registered through its own API (PUT /users/<sub> with the claims); it puts
every claim in the ID token and in the userinfo answer (`email` and `email_verified` only
when the scope has `email`, which ours does). Its authorization page is a form: the person's
`sub` and "Authorize" (or "Deny").

Two things here are ours, at the edge: a record of the requests sent to its token endpoint
(to prove the PKCE verifier went with the code), and a switch that alters the ID token in
its answer after it was signed (a tampered token).
"""

import base64
import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import werkzeug.serving

logging.getLogger("werkzeug").setLevel(logging.ERROR)
logging.getLogger("oidc_provider_mock").setLevel(logging.ERROR)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MockProvider:
    def __init__(self) -> None:
        from oidc_provider_mock import app

        # The provider refuses an authorization request without a nonce.
        self.app = app(require_nonce=True)
        self.token_requests: list[dict[str, list[str]]] = []
        self.tamper_with: dict[str, Any] | None = None
        self.server = werkzeug.serving.make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def __enter__(self) -> "MockProvider":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self._thread.join(5)
        self.server.server_close()

    # Its API -------------------------------------------------------------------------------

    def user(
        self,
        email: str,
        *,
        verified: bool | None = True,
        amr: list[str] | None = None,
        sub: str | None = None,
        **claims: Any,
    ) -> str:
        """Registers (or replaces) a person at the provider; returns their `sub`."""
        sub = sub or f"sub-{email}"
        body: dict[str, Any] = {"email": email, **claims}
        if verified is not None:
            body["email_verified"] = verified
        if amr is not None:
            body["amr"] = amr
        response = httpx.put(f"{self.issuer}/users/{sub}", json=body)
        assert response.status_code == 204, response.text
        return sub

    def authorize(self, authorization_url: str, sub: str, *, deny: bool = False) -> str:
        """As the person at the provider's page: returns where the provider sends them back
        (our callback, with the code and state)."""
        assert authorization_url.startswith(self.issuer), authorization_url
        page = httpx.get(authorization_url)
        assert page.status_code == 200, page.text
        answer = httpx.post(authorization_url, data={"action": "deny"} if deny else {"sub": sub})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    # At the edge ---------------------------------------------------------------------------

    def _wsgi(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        self.token_requests.append(parse_qs(body.decode()))
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured.update(status=status, headers=headers)
            return lambda data: None

        content = b"".join(self.app(environ, capture))
        if self.tamper_with is not None and captured["status"].startswith("200"):
            content = self._tampered(content)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(content)))])
        return [content]

    def _tampered(self, content: bytes) -> bytes:
        """The ID token with some claims changed after it was signed."""
        answer = json.loads(content)
        header, payload, signature = answer["id_token"].split(".")
        claims = json.loads(_unb64(payload))
        claims.update(self.tamper_with or {})
        answer["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
        return json.dumps(answer).encode()


def callback_path(location: str) -> str:
    """Our callback's path and query from the provider's redirect (the test client takes
    paths, not the server's address)."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
