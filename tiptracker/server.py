"""Serving the web app with gunicorn, from the `tiptracker` command."""

import os
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        import gc

        from tiptracker.wsgi import application

        # Everything loaded so far (Django, the app, their modules) lives as long as the
        # worker: moved out of the collector's sight, so that a full collection during a
        # request scans only what requests made (measured: it took a survey results page's
        # p95 from about 90 ms to over 200 ms; bench/bench_feedback.py).
        gc.collect()
        gc.freeze()
        return application


def run_server(*, host: str, port: int) -> None:
    from django.db import connections

    # gunicorn forks its workers from this process: none may inherit a database connection
    # it opened (checking the stored keys, loading the demo). Workers sharing one PostgreSQL
    # socket read each other's results; each opens its own on its first request instead.
    connections.close_all()
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": int(os.environ.get("WEB_CONCURRENCY", 2)),
            "threads": 4,
            "accesslog": "-" if os.environ.get("ACCESS_LOG") else None,
            "timeout": 120,
            # Seconds an idle connection is kept open: longer than a proxy's own keepalive to
            # the app servers, if it has one, or a request can meet a connection being closed.
            "keepalive": int(os.environ.get("GUNICORN_KEEPALIVE") or 5),
            "control_socket": control_socket(port),
        }
    ).run()


def control_socket(port: int) -> str:
    """gunicorn's control socket (for `gunicornc`): one per installation and port, so that two
    installations, or two servers of one, on the same machine never answer for each other."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    return os.environ.get("GUNICORN_CONTROL_SOCKET") or str(
        Path(tempfile.gettempdir()) / f"tiptracker-{settings.CACHE_KEY_PREFIX}-{port}.ctl"
    )


# Supervision: `tiptracker serve` runs the web server and one worker as child processes,
# starts the worker again whenever it stops, and stops both when it is stopped itself.

RESTART_DELAYS = (1, 2, 5, 10, 30, 60)  # seconds, growing while the worker keeps failing
STEADY_SECONDS = 60  # a worker that ran this long had started well: the delays start over


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child gets SIGTERM if the supervisor dies, even killed with SIGKILL, so
    that no web server or worker is left running as an orphan."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def supervise(web: list[str], worker: list[str], *, log: Any = print) -> int:
    """Run `web` and `worker` (argument lists); returns the web server's exit code."""
    import signal
    import subprocess
    import time

    def start(argv: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509

    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    web_process = start(web)
    worker_process = start(worker)
    worker_started, failures = time.monotonic(), 0
    restart_at: float | None = None
    try:
        while not stopping:
            code = web_process.poll()
            if code is not None:
                log(f"The web server stopped (exit code {code}): stopping the worker.")
                return code
            if restart_at is None and worker_process.poll() is not None:
                if time.monotonic() - worker_started >= STEADY_SECONDS:
                    failures = 0
                delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
                failures += 1
                log(
                    f"The background worker stopped (exit code {worker_process.returncode}): "
                    f"starting it again in {delay} s."
                )
                restart_at = time.monotonic() + delay
            if restart_at is not None and time.monotonic() >= restart_at:
                worker_process, restart_at = start(worker), None
                worker_started = time.monotonic()
            time.sleep(0.2)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for process in (web_process, worker_process):
            if process.poll() is None:
                process.terminate()
        for process in (web_process, worker_process):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
