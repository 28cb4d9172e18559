"""The Redis backend (RQ through django-tasks-rq), for installations with several machines:
a worker started with TASKS_BACKEND=rq takes a queued import through its check, from a
separate process as in production (its own database file: the test database is not shared)."""

import os
import subprocess
import sys
from pathlib import Path

import redis

REDIS = "redis://127.0.0.1:6379/12"

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
import django_rq
from tiptracker.imports.models import ImportRun
from tiptracker.imports.runs import import_upload
from tiptracker.partnerships.tests.factories import PartnershipFactory
from tiptracker.worker import run_worker

django_rq.get_connection("default").flushdb()
run = import_upload(
    partnership=PartnershipFactory(), actor=None, kind="staff", filename="staff.csv",
    data=b"staff_id,organisation,team\\nS1,NHS Tayside,Ward 1\\nS2,NHS Tayside,Ward 2\\n",
    skip_invalid=False,
)
queued = run.status
run_worker(batch=True)
run.refresh_from_db()
print(queued, run.status, run.rows_valid)
"""


def test_a_worker_on_redis_checks_a_queued_import(tmp_path):
    redis.Redis.from_url(REDIS).ping()  # CI has Redis: a missing server fails the test
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tiptracker.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS,
        "TASKS_BACKEND": "rq",
        "IMPORT_INLINE_MAX_BYTES": "10",
        "CACHE_KEY_PREFIX": "test-redis-backend",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=Path(__file__).parents[3],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["queued", "preview", "2"]
