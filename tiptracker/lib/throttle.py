"""Counting requests in fixed windows through the shared cache (Redis with several app
servers), for limits on pages that need no login.

Each window has its own key, so a count never outlives its window and the window is exactly
the one configured. Django's incr() on the file and database caches writes the value back
with the cache's default timeout (five minutes), which would quietly turn an hourly limit
into a five-minute one: the expiry is set again after every increment.
"""

import time

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one more request for `key` in the current window; True once there have been
    more than `limit` of them in it."""
    now = time.time() if now is None else now
    window_start = int(now // window_seconds) * window_seconds
    full_key = f"throttle:{key}:{window_start}"
    # Keep the entry a little beyond the window's end; the next window has another key.
    expires_in = int(window_start + window_seconds - now) + 1
    if cache.add(full_key, 1, timeout=expires_in):
        return 1 > limit
    try:
        count = cache.incr(full_key)
    except ValueError:  # it expired between add() and incr()
        cache.set(full_key, 1, timeout=expires_in)
        return 1 > limit
    cache.touch(full_key, timeout=expires_in)
    return count > limit
