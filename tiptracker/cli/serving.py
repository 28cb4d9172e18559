"""Serving the web app and running the background work: `serve`, `worker` and `send-due`."""

import argparse
import os
import sys

from tiptracker.lib.user_error import UserError


def site_url_for_server(host: str, port: int) -> None:
    """Links in e-mails (the worker's too) point at this server unless SITE_URL says otherwise."""
    from django.conf import settings

    if not os.environ.get("SITE_URL"):
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - a name to show
        os.environ["SITE_URL"] = settings.SITE_URL = f"http://{shown}:{port}"


def serve(host: str, port: int, *, worker: bool = True) -> int:
    from tiptracker.lib.crypto import KeyProblem, check_stored
    from tiptracker.server import run_server, supervise

    # Without keys that work and read what is stored, the web app does not start: it would
    # fail on every route page, or write data a later key cannot read.
    try:
        check_stored()
    except KeyProblem as problem:
        raise UserError(f"the web app will not start: {problem}") from None
    site_url_for_server(host, port)
    if not worker:
        run_server(host=host, port=port)
        return 0
    # The worker (queued imports, e-mails, the scheduled passes) runs beside the web server,
    # as in production, restarted whenever it stops and stopped with the server.
    me = [sys.executable, "-m", "tiptracker.cli"]
    print(f"TIP Tracker is running at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    return supervise(
        [*me, "serve", "--no-worker", "--host", host, "--port", str(port)],
        [*me, "worker"],
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    return serve(args.host, args.port, worker=not args.no_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from tiptracker.worker import run_worker

    return run_worker(batch=args.batch)


def cmd_send_due(args: argparse.Namespace) -> int:
    from tiptracker.worker import run_due, run_worker

    if args.loop:
        return run_worker()  # the old way to run a worker: `tiptracker worker` now
    done = run_due()
    print(f"Done: {done} item{'s' if done != 1 else ''} (queued imports and e-mails due)")
    return 0
