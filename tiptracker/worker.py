"""Background work: claim queued rows with a conditional update, then call services.

`tiptracker send-due` runs it once (for cron); `--loop` keeps it running. Several workers
may run at once: a row is worked on only by the one whose update claimed it.
"""

import logging
import signal
import time

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
_released_on = None  # the day this process last released survey results


def release_daily() -> int:
    """Release the survey results that have become due, and settle the day's anonymous
    answers (feedback/release.py): once a day in each worker process, and at its start."""
    global _released_on
    from tiptracker.feedback.release import release_due
    from tiptracker.lib.dates import today

    if _released_on == today():
        return 0
    done = release_due()
    _released_on = today()
    return done


def run_due() -> int:
    """Do what is due; returns how many items were done (imports, e-mails)."""
    from tiptracker.accounts import invitations as account_invitations
    from tiptracker.accounts.recovery import password_resets_send_due
    from tiptracker.feedback.invitations import invitations_send_due
    from tiptracker.imports.services import imports_process_queued
    from tiptracker.plan.services import plan_digests_send
    from tiptracker.training.messages import reminders_send_due

    return (
        imports_process_queued()
        + password_resets_send_due()
        + account_invitations.invitations_send_due()
        + plan_digests_send()
        + invitations_send_due()
        + reminders_send_due()
        + release_daily()
    )


def run_loop() -> None:
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        try:
            done = run_due()
        except Exception:  # noqa: BLE001 - a worker logs and carries on with the next item
            log.exception("background work failed")
            done = 0
        if not done:
            time.sleep(POLL_SECONDS)
