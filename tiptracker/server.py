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
        }
    ).run()
