import time

import pytest
from django.core.cache import cache

from tiptracker.lib.throttle import over_limit

HOUR = 60 * 60
# The start of an hour, plus ten seconds.
T0 = 1_800_000_000 - 1_800_000_000 % HOUR + 10


@pytest.fixture(params=["file", "locmem"])
def clock(request, settings, tmp_path, monkeypatch):
    """The file cache (the default without Redis) and the in-memory one, on a clock the test
    moves."""
    backend = {
        "file": "django.core.cache.backends.filebased.FileBasedCache",
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
    }[request.param]
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    now = [float(T0)]
    monkeypatch.setattr(time, "time", lambda: now[0])
    yield now
    cache.clear()


def test_an_hourly_limit_holds_for_the_whole_hour_not_five_minutes(clock):
    assert [over_limit("k", limit=3, window_seconds=HOUR) for _ in range(4)] == [
        False,
        False,
        False,
        True,
    ]
    clock[0] = T0 + 20 * 60  # twenty minutes later, well past the cache's default 300 s
    assert over_limit("k", limit=3, window_seconds=HOUR)
    clock[0] = T0 + HOUR  # the next hour starts afresh
    assert not over_limit("k", limit=3, window_seconds=HOUR)


def test_each_key_is_counted_on_its_own(clock):
    for _ in range(3):
        over_limit("a", limit=2, window_seconds=HOUR)
    assert over_limit("a", limit=2, window_seconds=HOUR)
    assert not over_limit("b", limit=2, window_seconds=HOUR)
