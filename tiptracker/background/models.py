"""What the worker processes keep in the database besides the tasks themselves.

The tasks live in the task backend's own store (django-tasks-db's table, or Redis). Two
small tables here make the worker safe to run on several machines: each worker's heartbeat
(so that the work of one that died can be taken over once its lease has run out) and the
next time each scheduled pass is due (so that one worker, not all of them, enqueues it).
"""

from django.db import models


class WorkerProcess(models.Model):
    """A running `tiptracker worker`, seen at its last heartbeat."""

    identity = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.identity


class ScheduledRun(models.Model):
    """When a scheduled pass (background/schedule.py) is next due."""

    name = models.CharField(max_length=40, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    # The task last enqueued: while it has not started, the pass is not enqueued again (a
    # worker busy with a long import would otherwise find a pile of them afterwards).
    last_task_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M})"
