"""The scheduled passes, as tasks (background/schedule.py says when each runs).

They call into every app, so they live above the apps, beside the worker that runs them;
the background app beneath holds only the machinery (processes, leases, the schedule).
"""

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def send_due() -> int:
    """E-mails that are due: password resets, account invitations, survey invitations and
    reminders, session reminders. Each row is claimed by a conditional update before it is
    sent, so two workers never send the same e-mail."""
    from tiptracker.accounts import invitations as account_invitations
    from tiptracker.accounts.recovery import password_resets_send_due
    from tiptracker.feedback.invitations import invitations_send_due
    from tiptracker.training.messages import reminders_send_due

    return (
        password_resets_send_due()
        + account_invitations.invitations_send_due()
        + invitations_send_due()
        + reminders_send_due()
    )


@task()
def plan_digests() -> int:
    from tiptracker.plan.services import plan_digests_send

    return plan_digests_send()


@task()
def release_results() -> int:
    from tiptracker.feedback.release import release_due

    return release_due()


# Finished tasks are kept this long (what ran, and why one failed), then deleted.
TASKS_KEPT_DAYS = 14


@task()
def purge() -> dict[str, int]:
    from tiptracker.imports.runs import imports_purge
    from tiptracker.lived.erasure import lived_purge

    return {"imports": imports_purge(), **lived_purge(), "tasks": tasks_purge()}


def tasks_purge() -> int:
    """Delete the database backend's finished tasks older than TASKS_KEPT_DAYS (the scheduled
    passes alone make thousands a day). RQ expires its own results."""
    from django.conf import settings

    if settings.TASKS_BACKEND != "database":
        return 0
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=TASKS_KEPT_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def recover() -> dict[str, int]:
    """Work whose process stopped part-way: tasks the database backend shows running under a
    worker that is gone, and imports claimed by a process that is gone."""
    from tiptracker.background.recovery import tasks_recover
    from tiptracker.imports.recovery import imports_recover

    return {"tasks": tasks_recover(), "imports": imports_recover()}
