"""The load balancer's and the orchestrator's probes (docs/deployment.md, "Health checks").

/healthz: the process is up and answering; it touches nothing, so that a database outage
does not get every app server restarted. /readyz: this server can do its work: the
database, the cache and the task queue answer; 503 names what does not.

Both are public (middleware.PUBLIC_URL_NAMES) and say nothing but "ok" or which part
failed: the reason (which may name hosts and ports) goes to the log, with the request id.
Plain views rather than django-health-check: three checks of a few lines each, no app,
no templates and no settings of its own.
"""

import logging
import uuid
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

# Seconds to wait for Redis (the RQ task queue) before calling it unreachable.
REDIS_TIMEOUT = 2


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - whatever fails, the probe says which part
            log.exception("Readiness check failed: %s", name)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    failed = [name for name, result in checks.items() if result != "ok"]
    if failed:
        return JsonResponse(
            {"status": "unavailable", "failed": failed, "checks": checks}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check() -> None:
    # A key of its own for each probe: two probes at once never read each other's value.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was just stored in it")
    cache.delete(key)


def tasks_check() -> None:
    """The task backend's store answers: django-tasks-db's table, or RQ's Redis."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
    elif backend == "django_tasks_rq.RQBackend":
        for url in sorted({str(queue["URL"]) for queue in settings.RQ_QUEUES.values()}):
            client = redis.Redis.from_url(
                url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()
    # Any other backend (the tests' immediate one) runs tasks in the request: nothing to reach.


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "cache": cache_check,
    "tasks": tasks_check,
}
