"""The client's address for login throttling, behind a known number of proxies.

Behind a TLS-terminating proxy every request arrives from the proxy's address, so throttling
by address would throttle everyone together. With TRUSTED_PROXY_COUNT=N, the address is the
Nth from the right in X-Forwarded-For (the one the nearest trusted proxy saw); a client can
add addresses to the left of the header but not change that one. Without it, the header is
ignored and the connection's own address is used.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if not trusted:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted]
