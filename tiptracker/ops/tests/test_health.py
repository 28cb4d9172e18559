"""The probes for the proxy and the orchestrator: /healthz says the process is up without
touching anything; /readyz says whether the database, the cache and the task queue answer,
and names the part that does not."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

# A port nothing listens on: connecting is refused at once.
CLOSED = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_a_login_and_without_the_database():
    # No django_db mark: any query here would fail the test.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


@pytest.mark.parametrize("persona_name", ["admin", "member", "outsider"])
@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_the_probes_answer_anyone_signed_in_without_asking_for_more(
    db, request, persona_name, probe
):
    """Whoever is signed in (an administrator still owing their second factor included) gets
    the probe's answer, not the second factor's page."""
    membership = request.getfixturevalue(persona_name)
    client = Client()
    client.force_login(membership.user)  # as after the password: the second factor pending
    response = client.get(probe)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_says_each_part_answers(db):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
    }
    assert "sessionid" not in response.cookies


def test_readyz_names_the_cache_when_it_cannot_be_reached(db, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["cache"],
        "checks": {"database": "ok", "cache": "failed", "tasks": "ok"},
    }
    # The reason, which names a host and a port, is in the log, not in the public answer.
    assert "127.0.0.1" not in response.content.decode()
    (failure,) = [r for r in caplog.records if r.name == "tiptracker.ops.health"]
    assert failure.getMessage() == "Readiness check failed: cache"
    assert failure.exc_info is not None


def test_readyz_names_the_database_when_it_cannot_be_reached(db):
    refused = OperationalError('connection to server at "10.0.0.9", port 5432 failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    # The database task backend keeps its queue in the database: it is down with it.
    assert body["failed"] == ["database", "tasks"]
    assert body["checks"]["cache"] == "ok"
    assert "10.0.0.9" not in response.content.decode()


def test_readyz_names_the_task_queue_when_its_redis_cannot_be_reached(db, settings):
    settings.TASKS = {
        **settings.TASKS,
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "mail"]},
    }
    settings.RQ_QUEUES = {"default": {"URL": CLOSED}, "mail": {"URL": CLOSED}}
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["tasks"]


def test_the_probes_answer_get_and_head_only(db):
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


@pytest.fixture(autouse=True)
def _failures_logged(caplog):
    caplog.set_level(logging.ERROR, logger="tiptracker.ops.health")
