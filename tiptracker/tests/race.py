"""Two workers at once, each in its own thread with its own database connection, for the tests
that prove a service holds when two requests (or two worker processes) meet.

`race.run(first, second)` starts both together (a barrier) and returns what each returned or
raised. Starting together is not enough to make them collide every time, so a test also puts
`race.meet()` at the point where the service decides (after it reads, before it writes):
there each worker waits until the other has arrived as well, or until the other is waiting for
a lock this one holds (then the other cannot arrive until this one goes on). Without its lock
or constraint the service would then fail the test every time, not now and then.

These need PostgreSQL: SQLite lets one connection write at a time, so nothing races there.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

# How long a worker waits at the meeting point for the other before going on regardless: only
# a guard against hanging, far longer than any step takes.
PATIENCE_SECONDS = 30


class Race:
    def __init__(self) -> None:
        self._arrived: set[int] = set()
        self._backends: dict[int, int] = {}  # thread -> its database backend's process id
        self._parties = 0
        self._changed = threading.Condition()

    def run(self, *calls: Callable[[], Any]) -> list[Any]:
        """Runs the calls in threads of their own, started together; each one's result, or
        the exception it raised."""
        self._parties = len(calls)
        start = threading.Barrier(len(calls), timeout=PATIENCE_SECONDS)
        results: list[Any] = [None] * len(calls)

        def work(index: int, call: Callable[[], Any]) -> None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    (backend,) = cursor.fetchone()
                with self._changed:
                    self._backends[threading.get_ident()] = backend
                start.wait()
                results[index] = call()
            except Exception as error:  # noqa: BLE001 - the test looks at what was raised
                results[index] = error
            finally:
                connections.close_all()  # this thread's own connection

        threads = [threading.Thread(target=work, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2 * PATIENCE_SECONDS)
        assert not any(thread.is_alive() for thread in threads), "a worker never finished"
        return results

    def meet(self) -> None:
        """Wait here for the other workers (once: later calls go straight on)."""
        me = threading.get_ident()
        with self._changed:
            if me in self._arrived:
                return
            self._arrived.add(me)
            self._changed.notify_all()
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            with self._changed:
                if len(self._arrived) >= self._parties:
                    return
                self._changed.wait(timeout=0.01)
            if self._others_wait_for_my_lock():
                return

    def _others_wait_for_my_lock(self) -> bool:
        me = threading.get_ident()
        with self._changed:
            others = [pid for thread, pid in self._backends.items() if thread != me]
        with connection.cursor() as cursor:
            # pg_blocking_pids reads the lock table as it is now (no statistics snapshot).
            cursor.execute(
                "SELECT bool_or(pg_backend_pid() = ANY(pg_blocking_pids(other)))"
                " FROM unnest(%s::int[]) AS other",
                [others],
            )
            (waiting,) = cursor.fetchone()
        return bool(waiting)
