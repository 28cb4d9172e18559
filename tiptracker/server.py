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
        from tiptracker.wsgi import application

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
