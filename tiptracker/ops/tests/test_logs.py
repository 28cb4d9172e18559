"""Request ids: each response says its id, every log line made while handling it carries
that id, and in production each line is one JSON object."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.test import Client

from tiptracker.ops.logs import JsonFormatter, RequestIdFilter

OUR_OWN = re.compile(r"[0-9a-f]{32}")


def test_a_response_carries_the_id_the_proxy_gave():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a.9_B")
    assert response["X-Request-ID"] == "nginx-4f2a.9_B"


def test_a_request_without_an_id_gets_a_new_one_each_time():
    first, second = Client().get("/healthz"), Client().get("/healthz")
    assert OUR_OWN.fullmatch(first["X-Request-ID"])
    assert OUR_OWN.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    "given",
    ["two words", "a" * 65, 'quote"d', "line\\nbreak", "é", "{json}"],
    ids=["space", "too long", "quote", "backslash", "not ascii", "braces"],
)
def test_an_id_that_does_not_look_like_one_is_replaced_by_our_own(given):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=given)
    assert OUR_OWN.fullmatch(response["X-Request-ID"])


@pytest.fixture
def log_lines():
    """The JSON lines a handler configured as LOGGING's writes, while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_every_line_logged_while_handling_a_request_carries_its_id(db, settings, log_lines):
    # A cache nobody can reach: the probe logs why, and Django logs the 503 it answers after
    # the middleware has returned (the id is kept until the response is closed).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    Client().get("/readyz", HTTP_X_REQUEST_ID="probe-1")
    logging.getLogger("tiptracker.ops.tests").warning("after the request")
    lines = log_lines()
    during = [
        (line["logger"], line["message"]) for line in lines if line["request_id"] == "probe-1"
    ]
    assert during == [
        ("tiptracker.ops.health", "Readiness check failed: cache"),
        ("django.request", "Service Unavailable: /readyz"),
    ]
    assert lines[-1]["message"] == "after the request"
    assert lines[-1]["request_id"] == "-"


def test_a_json_line_holds_the_traceback_and_the_extra_values(log_lines):
    log = logging.getLogger("tiptracker.ops.tests")
    try:
        1 / 0  # noqa: B018 - an exception to log
    except ZeroDivisionError:
        log.exception("Import %s failed", "staff.csv", extra={"rows": 3})
    (line,) = log_lines()
    assert line["level"] == "ERROR"
    assert line["message"] == "Import staff.csv failed"
    assert line["rows"] == 3
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert line["exception"].endswith("ZeroDivisionError: division by zero")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


# The settings, as a server starts with them --------------------------------------------


def _serve(tmp_path: Path, **environment: str) -> tuple[str, str]:
    """gunicorn serving tiptracker.wsgi with its access log on, as `tiptracker serve` with
    ACCESS_LOG set; asks /healthz (with an id) and /readyz (no id, the cache unreachable) and
    returns the id /readyz was given and everything the server wrote."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        **environment,
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this environment, our arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "tiptracker.wsgi:application",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(300):  # until it listens
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            given = http.get("/healthz", headers={"X-Request-ID": "lb-42"})
            assert given.headers["X-Request-ID"] == "lb-42"
            unavailable = http.get("/readyz")
            assert unavailable.status_code == 503
            readyz_id = unavailable.headers["X-Request-ID"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return readyz_id, output


def test_in_production_every_line_is_json_carrying_the_request_id(tmp_path):
    readyz_id, output = _serve(tmp_path, TIPTRACKER_ENV="production", SECRET_KEY="x" * 50)
    ours = []
    for line in output.splitlines():
        if line.startswith("{"):
            ours.append(json.loads(line))
    # gunicorn's own start and stop lines stay its own; ours, its access lines included, are JSON.
    by_id = [(line["logger"], line["message"]) for line in ours if line["request_id"] == readyz_id]
    assert ("tiptracker.ops.health", "Readiness check failed: cache") in by_id
    accessed = [line for line in ours if line["logger"] == "gunicorn.access"]
    assert {line["request_id"] for line in accessed} >= {"lb-42", readyz_id}
    assert any('"GET /readyz HTTP/1.1" 503' in line["message"] for line in accessed)


def test_elsewhere_lines_are_text_carrying_the_request_id(tmp_path):
    readyz_id, output = _serve(tmp_path)
    assert f"ERROR tiptracker.ops.health [{readyz_id}] Readiness check failed: cache" in output
    assert not any(line.startswith("{") for line in output.splitlines())
