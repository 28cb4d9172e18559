"""Which process holds a piece of work, and whether it is still alive.

A process is named by an identity, "host:pid:start", the start being the kernel's start time
of the process (so a reused pid is not mistaken for the process that died). On the same
machine, whether it lives is read from /proc at once; a process on another machine is alive
while its heartbeat (WorkerProcess.seen_at) is younger than the lease. A web process on
another machine has no heartbeat: the work it claimed (a small import checked inside a
request) is trusted for INLINE_LEASE after the claim.
"""

import datetime as dt
import functools
import os
import socket

from django.utils import timezone

from tiptracker.background.models import WorkerProcess

# A worker's heartbeat comes every HEARTBEAT_SECONDS; its work is taken over once no
# heartbeat has come for LEASE_SECONDS.
HEARTBEAT_SECONDS = 10
LEASE_SECONDS = 60
INLINE_LEASE = dt.timedelta(minutes=15)


def _start_ticks(pid: int) -> str | None:
    """The process's start time since boot (clock ticks), or None if it is gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):  # exited, waiting to be reaped
        return None
    return fields[19]


def _host() -> str:
    return socket.gethostname()[:40]


@functools.cache
def _identity_of(pid: int) -> str:
    return f"{_host()}:{pid}:{_start_ticks(pid) or 0}"


def identity() -> str:
    """This process's identity (computed once per process: a forked child has its own pid)."""
    return _identity_of(os.getpid())


def is_alive(holder: str, *, claimed_at: dt.datetime | None = None) -> bool:
    host, _, rest = holder.partition(":")
    pid, _, ticks = rest.partition(":")
    if host == _host() and pid.isdigit():
        return _start_ticks(int(pid)) == ticks
    now = timezone.now()
    if WorkerProcess.objects.filter(
        identity=holder, seen_at__gte=now - dt.timedelta(seconds=LEASE_SECONDS)
    ).exists():
        return True
    if WorkerProcess.objects.filter(identity=holder).exists():
        return False  # a worker whose heartbeat stopped
    return claimed_at is not None and claimed_at >= now - INLINE_LEASE


def workers_running() -> bool:
    """Whether any worker is alive: one on this machine whose process lives (its heartbeat
    may wait behind a long write on SQLite), or one elsewhere whose lease holds."""
    since = timezone.now() - dt.timedelta(seconds=LEASE_SECONDS)
    if WorkerProcess.objects.filter(seen_at__gte=since).exists():
        return True
    here = WorkerProcess.objects.filter(identity__startswith=f"{_host()}:")
    return any(is_alive(worker.identity) for worker in here)
