"""Two workers at the same moment, each on its own database connection (PostgreSQL, where
workers run side by side on several machines): a task, an import and a scheduled pass are
each taken by exactly one of them."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tiptracker.background.schedule import SCHEDULE, enqueue_due
from tiptracker.imports import runs
from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import csv_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two writers at once: PostgreSQL (SQLite has one writer; CI runs these on PostgreSQL)",
    ),
]


def race(work, workers=2):
    """Run work() in `workers` threads released together; returns their results."""
    barrier = threading.Barrier(workers)
    results = [None] * workers
    errors = []

    def one(index):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_a_ready_task_is_claimed_by_one_worker():
    from tiptracker.scheduled import plan_digests
    from tiptracker.worker import _claim_next

    for _ in range(20):
        DBTaskResult.objects.all().delete()
        plan_digests.enqueue()
        claimed = race(_claim_next, workers=3)
        assert sum(result is not None for result in claimed) == 1
        assert DBTaskResult.objects.running().count() == 1


def test_a_queued_import_is_checked_by_one_worker(partnership):
    done = []
    real_check = runs.import_run_check

    def check(run):
        done.append(run.pk)
        real_check(run)

    runs.import_run_check = check
    try:
        for _ in range(10):
            run = ImportRun.objects.create(
                partnership=partnership,
                kind="staff",
                filename="staff.csv",
                data=csv_bytes("staff_id,organisation,team", "S1,NHS Tayside,Ward 1"),
                status=ImportRun.Status.QUEUED,
            )
            race(lambda run_id=run.pk: runs.import_run_work(run_id))
            run.refresh_from_db()
            assert run.status == ImportRun.Status.PREVIEW and run.attempts == 1
    finally:
        runs.import_run_check = real_check
    assert len(done) == len(set(done)) == 10


def test_a_due_pass_is_enqueued_by_one_worker():
    now = timezone.now()
    enqueued = race(lambda: enqueue_due(now=now), workers=3)
    assert sorted(name for names in enqueued for name in names) == sorted(
        item.name for item in SCHEDULE
    )
    assert DBTaskResult.objects.count() == len(SCHEDULE)
