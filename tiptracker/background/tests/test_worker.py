"""Background work on Django's tasks API: imports and e-mails go through the queue, the
scheduled passes are enqueued once however many workers look, and work whose process died
is taken up again (or marked failed with the reason), never left "Importing"."""

import datetime as dt
import subprocess
import sys

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tiptracker import notifications
from tiptracker.background import processes
from tiptracker.background.models import ScheduledRun
from tiptracker.background.recovery import tasks_recover
from tiptracker.background.schedule import SCHEDULE, enqueue_due
from tiptracker.imports import recovery, runs
from tiptracker.imports.models import ImportRun
from tiptracker.imports.tests.helpers import csv_bytes, last_run, upload
from tiptracker.partnerships.models import Role
from tiptracker.worker import run_ready_tasks
from tiptracker.workforce.models import StaffMember

STAFF = csv_bytes(
    "staff_id,organisation,team,first_name",
    *[f"S{n},NHS Tayside,Ward {n % 3},Person {n}" for n in range(12)],
)


def dead_process() -> str:
    """The identity of a process on this machine that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return f"{processes._host()}:{child.pid}:1"


@pytest.fixture
def browser(login, persona):
    return login(persona(Role.LD_OFFICER))


def run_url(run, suffix=""):
    return f"/p/{run.partnership.slug}/imports/{run.pk}/{suffix}"


# Imports through the queue ------------------------------------------------------------------


def test_a_large_upload_is_checked_and_imported_by_a_task(
    browser, partnership, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        upload(browser, partnership, "staff", "big.csv", STAFF)
    run = last_run()
    assert run.status == ImportRun.Status.QUEUED
    assert DBTaskResult.objects.ready().count() == 1  # the check, waiting for a worker

    assert run_ready_tasks() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW and run.rows_valid == 12

    with django_capture_on_commit_callbacks(execute=True):
        browser.post(run_url(run, "confirm/"))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CONFIRMED and not StaffMember.objects.exists()
    assert run_ready_tasks() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 12
    assert StaffMember.objects.count() == 12
    assert DBTaskResult.objects.successful().count() == 2


def test_an_import_whose_worker_died_is_imported_again_exactly_once(
    browser, partnership, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", STAFF)
    runs.imports_process_queued()
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    # The worker claimed it and was killed mid-import: its transaction rolled back.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.IMPORTING, holder=dead_process(), attempts=1
    )
    page = browser.get(run_url(run, "progress.json")).json()
    assert page["status"] == "importing" and not page["finished"]

    with django_capture_on_commit_callbacks(execute=True):
        assert recovery.imports_recover() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CONFIRMED  # waiting for a worker again
    run_ready_tasks()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 12 and run.attempts == 2
    assert StaffMember.objects.count() == 12
    assert recovery.imports_recover() == 0


def test_an_import_that_keeps_dying_is_marked_failed_with_the_reason_and_nothing_imported(
    browser, partnership, settings
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", STAFF)
    run = last_run()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.CHECKING, holder=dead_process(), attempts=recovery.MAX_ATTEMPTS
    )
    assert recovery.imports_recover() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.data is None
    page = browser.get(run_url(run)).content.decode()
    assert "stopped part-way because the process doing it stopped" in page
    assert "3 times" in page and "nothing was imported" in page
    assert not StaffMember.objects.exists()


def test_a_command_line_import_that_was_killed_is_marked_failed_not_left_importing(partnership):
    run = ImportRun.objects.create(
        partnership=partnership,
        kind="staff",
        filename="staff.csv",
        source="cli",
        status=ImportRun.Status.IMPORTING,
        holder=dead_process(),
        attempts=1,
    )
    recovery.imports_recover()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.message.startswith("The import stopped part-way")


def test_work_held_by_a_live_process_is_left_alone(partnership):
    run = ImportRun.objects.create(
        partnership=partnership,
        kind="staff",
        filename="staff.csv",
        source="web",
        data=STAFF,
        status=ImportRun.Status.IMPORTING,
        holder=processes.identity(),
        attempts=1,
    )
    assert recovery.imports_recover() == 0
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTING


def test_a_worker_on_another_machine_holds_its_work_until_its_lease_runs_out(partnership):
    from tiptracker.background.models import WorkerProcess

    holder = "other-machine:1234:99"
    seen = WorkerProcess.objects.create(
        identity=holder, started_at=timezone.now(), seen_at=timezone.now()
    )
    run = ImportRun.objects.create(
        partnership=partnership,
        kind="staff",
        filename="staff.csv",
        source="web",
        data=STAFF,
        status=ImportRun.Status.IMPORTING,
        holder=holder,
        attempts=1,
    )
    assert recovery.imports_recover() == 0
    seen.seen_at = timezone.now() - dt.timedelta(seconds=processes.LEASE_SECONDS + 1)
    seen.save()
    assert recovery.imports_recover() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CONFIRMED


def test_a_run_whose_rows_committed_says_imported_even_if_its_process_dies_at_once(
    browser, partnership, settings, monkeypatch
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", STAFF)
    runs.imports_process_queued()
    run = last_run()
    browser.post(run_url(run, "confirm/"))
    real_import = runs.import_file

    def import_then_die(**kwargs):
        real_import(**kwargs)
        raise SystemExit("killed the moment the import committed")

    monkeypatch.setattr(runs, "import_file", import_then_die)
    with pytest.raises(SystemExit):
        runs.imports_process_queued()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.created == 12
    assert StaffMember.objects.count() == 12
    ImportRun.objects.filter(pk=run.pk).update(holder=dead_process())
    assert recovery.imports_recover() == 0  # nothing to take up: it says Imported


# Tasks lost with their worker ----------------------------------------------------------------


def test_a_task_lost_with_its_worker_is_marked_failed_with_the_reason(db):
    from tiptracker.scheduled import plan_digests

    result = plan_digests.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[dead_process()]
    )
    assert tasks_recover() == 1
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == TaskResultStatus.FAILED
    assert "stopped before this task finished" in lost.traceback
    assert not DBTaskResult.objects.ready().exists()  # a scheduled pass is not run twice


def test_e_mails_lost_with_their_worker_are_sent_again(settings, db):
    settings.TASKS = {**settings.TASKS, "mail": settings.TASKS["default"]}
    email = notifications.Email(to="ann@example.org", subject="Booked", text="t", html="<p>t</p>")
    result = notifications.deliver_task.enqueue(notifications._sealed([email]))
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=[dead_process()]
    )
    assert tasks_recover() == 1
    assert run_ready_tasks() == 1
    assert [m.subject for m in mail.outbox] == ["Booked"]


def test_a_booking_e_mail_is_sent_by_the_worker_not_the_request(
    settings, db, django_capture_on_commit_callbacks
):
    settings.TASKS = {**settings.TASKS, "mail": settings.TASKS["default"]}
    attachment = notifications.Attachment("session.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")
    email = notifications.Email(
        to="ann@example.org",
        subject="You are booked",
        text="See you there",
        html="<p>See you there</p>",
        attachments=(attachment,),
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_all([email])
    assert mail.outbox == []  # queued, not sent inside the request
    # The queue keeps it encrypted: no address, subject or link in the table.
    (queued,) = DBTaskResult.objects.values_list("args_kwargs", flat=True)
    assert "ann@example.org" not in str(queued) and "booked" not in str(queued)
    assert run_ready_tasks() == 1
    # Once sent, the task no longer keeps what it sent.
    assert DBTaskResult.objects.get().args_kwargs == {"args": [], "kwargs": {}}
    (sent,) = mail.outbox
    assert sent.subject == "You are booked" and sent.to == ["ann@example.org"]
    assert sent.attachments[0][0] == "session.ics"
    assert sent.attachments[0][1].startswith("BEGIN:VCALENDAR")


# The schedule --------------------------------------------------------------------------------


def test_each_pass_is_enqueued_once_however_many_workers_look(db):
    now = timezone.now()
    assert set(enqueue_due(now=now)) == {item.name for item in SCHEDULE}
    assert enqueue_due(now=now) == []  # a second worker, the same moment
    run_ready_tasks()
    assert enqueue_due(now=now + dt.timedelta(seconds=31)) == ["send-due", "recover"]
    assert DBTaskResult.objects.ready().count() == 2


def test_a_pass_still_waiting_in_the_queue_is_not_queued_again(db):
    """With no worker running, the queue does not fill with a copy of each pass every 30
    seconds: one waits, and the next is queued only once it has run."""
    now = timezone.now()
    enqueue_due(now=now)
    for minutes in range(1, 10):
        assert enqueue_due(now=now + dt.timedelta(minutes=minutes)) == []
    assert DBTaskResult.objects.ready().count() == len(SCHEDULE)
    run_ready_tasks()
    assert "send-due" in enqueue_due(now=now + dt.timedelta(minutes=11))


def test_daily_passes_are_due_at_their_hour(db):
    enqueue_due(now=timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0)))
    DBTaskResult.objects.all().delete()  # as if run
    release = ScheduledRun.objects.get(name="release-results")
    assert timezone.localtime(release.next_run_at) == timezone.make_aware(
        dt.datetime(2026, 3, 2, 2, 0)
    )
    assert "release-results" not in enqueue_due(
        now=timezone.make_aware(dt.datetime(2026, 3, 2, 1, 59))
    )
    assert "release-results" in enqueue_due(now=timezone.make_aware(dt.datetime(2026, 3, 2, 2, 0)))


def test_the_scheduled_passes_send_what_is_due(persona):
    from tiptracker.accounts.recovery import password_reset_request

    member = persona(Role.STAFF)
    password_reset_request(email=member.user.email, sender="127.0.0.1")
    assert mail.outbox == []  # recorded; the worker sends it
    enqueue_due()
    run_ready_tasks()
    assert DBTaskResult.objects.failed().count() == 0
    assert DBTaskResult.objects.successful().count() == len(SCHEDULE)
    assert [m.to for m in mail.outbox] == [[member.user.email]]


def test_a_run_waiting_with_no_worker_running_says_so(browser, partnership, settings):
    from tiptracker.background.models import WorkerProcess

    settings.IMPORT_INLINE_MAX_BYTES = 10
    upload(browser, partnership, "staff", "big.csv", STAFF)
    run = last_run()
    text = browser.get(run_url(run, "progress.json")).json()["text"]
    assert text == "Waiting to be checked."  # just queued: a worker would take it up
    ImportRun.objects.filter(pk=run.pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=2))
    text = browser.get(run_url(run, "progress.json")).json()["text"]
    assert "The background worker is not running" in text
    assert "The background worker is not running" in browser.get(run_url(run)).content.decode()
    WorkerProcess.objects.create(
        identity=processes.identity(), started_at=timezone.now(), seen_at=timezone.now()
    )
    text = browser.get(run_url(run, "progress.json")).json()["text"]
    assert text == "Waiting to be checked."


def test_finished_tasks_are_deleted_after_two_weeks_and_others_kept(db):
    from tiptracker.scheduled import TASKS_KEPT_DAYS, plan_digests, tasks_purge

    old, recent, waiting = (plan_digests.enqueue() for _ in range(3))
    long_ago = timezone.now() - dt.timedelta(days=TASKS_KEPT_DAYS, hours=1)
    DBTaskResult.objects.filter(pk=old.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now()
    )
    assert tasks_purge() == 1
    kept = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert kept == {recent.id, waiting.id}


def test_an_import_task_that_fails_unexpectedly_leaves_the_run_failed_not_checking(
    browser, partnership, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        upload(browser, partnership, "staff", "big.csv", STAFF)

    def record_fails(*args, **kwargs):
        raise RuntimeError("the database went away while recording the check")

    monkeypatch.setattr(runs, "_record", record_fails)
    run_ready_tasks()
    run = last_run()
    assert run.status == ImportRun.Status.FAILED and run.message == runs.UNEXPECTED
    assert DBTaskResult.objects.failed().count() == 1
    assert "the database went away" in DBTaskResult.objects.get().traceback
