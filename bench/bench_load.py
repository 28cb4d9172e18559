"""Under load and faults (issue 14): app servers and a worker as separate processes, 20 signed-in
users, a 1,000,000-row import through the web, and an app server and the worker SIGKILLed
part-way through it.

    python bench/bench_load.py --database postgres|sqlite [--rows 1000000] [--seconds 60]
                               [--users 20] [--think 0] [--kill-at 0.3] [--keep-alive]
                               [--worker-nice N]

PostgreSQL (DATABASE_URL if it names one, else postgres://postgres@127.0.0.1:5432/bench,
created beforehand as bench/README.md says; Redis db 5 at 127.0.0.1:6379, flushed at the
start, as the cache and the RQ task queue): two app servers (`tiptracker serve --no-worker`,
gunicorn, 2 processes x 4 threads each) and one worker (`tiptracker worker`), each its own
process group on a free port of 127.0.0.1. SQLite (bench/out/bench.sqlite3, the file cache):
one `tiptracker serve`, which runs the app server and supervises its worker.

The users are administrators of bench-50k (generate.py big, with bench_report.py's training
sessions), signed in through the sign-in pages (address, password, authenticator code); each
goes round the dashboard, the staff list, the sessions list and the staff API (with its API
token), one request after the other (--think seconds apart), recording every status and time.
Requests go round robin to the servers that are up, as a proxy with health checks would send
them: /healthz is asked every half second, a server that refuses a connection is taken out at
once and put back when it answers again, a GET whose connection failed is sent once more to
another server (nginx's proxy_next_upstream, on by default for GETs), and each request has a
connection of its own (nginx's default towards its upstreams; --keep-alive reuses them).
The failed tries are counted apart: against the server that was killed they are what the proxy
absorbs; against any other server they are errors.

1. Baseline: --seconds of that load, nothing else running.
2. An L&D officer of bench-import uploads the completions file (bench_import.write_csv) on the
   imports page; the worker checks it; on the preview they confirm, and the same load runs
   while the worker imports. Once progress.json shows --kill-at of the rows done, one app
   server and the worker are SIGKILLed and started again on the same ports (on SQLite the
   worker only: `serve` starts it again itself, which is checked by its pid changing). The
   load runs from a few seconds before the confirmation until the import is done; the
   figures are of the requests started in between. The completions of bench-import must
   then be the file's rows, each exactly once.

Targets: no errors (any status other than 2xx/3xx, a redirect to the sign-in page, a
connection error against a server that was not killed, a timeout), every page kind's p95 under
the import at most 3 times its baseline p95 (PostgreSQL; reported on SQLite), the rows exact.
Exits non-zero if one is missed. The servers' logs (with access logs) are kept under
bench/out/load/.
"""

import argparse
import hashlib
import itertools
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import common

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench"
REDIS_URL = "redis://127.0.0.1:6379/5"
PASSWORD = "bench-load-password-1"  # noqa: S105 - a benchmark's own accounts
UPLOADER = "bench-load-uploader@example.org"
LOGS = common.OUT / "load"
KINDS = ("dashboard", "staff", "sessions", "api")
PATHS = {
    "dashboard": f"/p/{common.BIG}/",
    "staff": f"/p/{common.BIG}/staff/",
    "sessions": f"/p/{common.BIG}/sessions/",
    "api": f"/api/partnerships/{common.BIG}/staff/",
}
# The users reach the app servers as nginx (docs/deployment.md) sends requests by default:
# one connection per request (proxy_http_version 1.0, no upstream keepalive). --keep-alive
# reuses connections instead, as a client straight at gunicorn would (see bench/README.md).
PROXY_HEADERS = {"Connection": "close"}
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 120  # gunicorn's own timeout: a request slower than this is cut off anyway


def user_email(n: int) -> str:
    return f"bench-load-{n:02d}@example.org"


# The processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """One server or worker: its own process group, its output appended to a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"\n==== {time.strftime('%H:%M:%S')} started: {' '.join(self.argv)}\n")
        output = open(self.log, "ab")  # noqa: SIM115 - the child keeps it
        self.popen = subprocess.Popen(  # noqa: S603
            self.argv, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        output.close()

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def kill(self) -> None:
        """SIGKILL the whole group (gunicorn's master and its workers together)."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            self.kill()  # the group may outlive its leader
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live children of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) != pid or stat[0] in ("Z", "X"):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        found.append((int(entry.name), cmdline))
    return found


def supervised_worker(supervisor: int) -> int | None:
    for pid, cmdline in children(supervisor):
        if cmdline.rstrip().endswith(" worker"):
            return pid
    return None


# Sending requests as a proxy with health checks would -------------------------------------


@dataclass
class Server:
    name: str
    port: int
    up: bool = False
    killed_at: float | None = None  # when this benchmark killed it (None: never)
    back_at: float | None = None  # when it answered again after that

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Pool:
    """Round robin over the servers that are up; /healthz asked every half second."""

    CHECK_EVERY = 0.5
    CHECK_TIMEOUT = 5.0
    FALL = 3  # checks timed out in a row before a slow server is taken out

    def __init__(self, servers: list[Server]) -> None:
        import requests

        self.servers = servers
        self.lock = threading.Lock()
        self.turn = itertools.count()
        self.stopping = threading.Event()
        self.session = requests.Session()
        self.slow = {s.name: 0 for s in servers}
        self.thread = threading.Thread(target=self._check_loop, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def pick(self, *, avoid: tuple[Server, ...] = ()) -> Server:
        with self.lock:
            live = [s for s in self.servers if s.up and s not in avoid]
            if not live:  # nothing known to be up: try them all rather than fail outright
                live = [s for s in self.servers if s not in avoid] or self.servers
            return live[next(self.turn) % len(live)]

    def failed(self, server: Server) -> None:
        """A connection to `server` failed: out of rotation until its health check answers."""
        with self.lock:
            server.up = False

    def healthy(self, server: Server) -> bool:
        import requests

        try:
            response = self.session.get(
                server.url + "/healthz", headers=PROXY_HEADERS, timeout=(1.0, self.CHECK_TIMEOUT)
            )
        except requests.Timeout:
            self.slow[server.name] += 1
            return self.slow[server.name] < self.FALL and server.up
        except requests.ConnectionError:
            self.slow[server.name] = 0
            return False
        self.slow[server.name] = 0
        return response.status_code == 200

    def _check_loop(self) -> None:
        while not self.stopping.is_set():
            for server in self.servers:
                up = self.healthy(server)
                with self.lock:
                    server.up = up
            self.stopping.wait(self.CHECK_EVERY)

    def wait_up(self, server: Server, *, timeout: float = 120) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.healthy(server):
                with self.lock:
                    server.up = True
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"{server.name} did not answer /healthz within {timeout:.0f} s")


@dataclass
class Sample:
    phase: str
    kind: str
    server: str
    status: int  # 0: no answer
    seconds: float
    started: float  # time.monotonic()
    error: str = ""  # empty when the user saw no error


@dataclass
class LostTry:
    """A try whose connection failed, sent again to another server (as a proxy would)."""

    phase: str
    kind: str
    server: str
    reason: str
    at: float
    killed_server: bool


@dataclass
class Record:
    samples: list[Sample] = field(default_factory=list)
    lost: list[LostTry] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "warm-up"

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def add_lost(self, lost: LostTry) -> None:
        with self.lock:
            self.lost.append(lost)


def signed_out(response) -> bool:  # type: ignore[no-untyped-def]
    where = response.headers.get("Location", "")
    return response.is_redirect and ("/login/" in where or "/second-factor/" in where)


def fetch(session, pool: Pool, record: Record, kind: str, path: str, headers=None) -> Sample:  # type: ignore[no-untyped-def]
    """One GET through the pool, recorded; a failed connection is tried once more elsewhere."""
    import requests

    started = time.monotonic()
    tried: tuple[Server, ...] = ()
    lost_here: list[LostTry] = []
    phase = record.phase
    while True:
        server = pool.pick(avoid=tried)
        try:
            response = session.get(
                server.url + path,
                headers={**PROXY_HEADERS, **(headers or {})},
                allow_redirects=False,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
            response.content  # noqa: B018 - the whole body, as a browser waits for it
        except requests.ReadTimeout:
            sample = Sample(phase, kind, server.name, 0, time.monotonic() - started, started)
            sample.error = "timed out"
            break
        except requests.ConnectionError as error:
            now = time.monotonic()
            # Down because it was killed: from the kill until it answered again (after that,
            # a failed connection to it is an error like any other).
            killed = (
                server.killed_at is not None
                and now >= server.killed_at
                and (server.back_at is None or now < server.back_at)
            )
            pool.failed(server)
            lost_here.append(
                LostTry(phase, kind, server.name, _reason(error), now, killed_server=killed)
            )
            record.add_lost(lost_here[-1])
            tried += (server,)
            if len(tried) < 2 and len(tried) < len(pool.servers):
                continue
            sample = Sample(phase, kind, server.name, 0, now - started, started)
            sample.error = f"connection failed: {_reason(error)}"
            break
        sample = Sample(
            phase, kind, server.name, response.status_code, time.monotonic() - started, started
        )
        if signed_out(response):
            sample.error = f"signed out ({response.status_code} to {response.headers['Location']})"
        elif response.status_code >= 400:
            sample.error = f"status {response.status_code}"
        break
    # A try against a server that was not killed is an error even if the next one answered.
    if not sample.error:
        for lost in lost_here:
            if not lost.killed_server:
                sample.error = f"connection failed on {lost.server}: {lost.reason}"
    record.add(sample)
    return sample


def _reason(error: Exception) -> str:
    text = str(error)
    for known in (
        "Connection refused",
        "Connection reset",
        "RemoteDisconnected",
        "Connection aborted",
        "timed out",
    ):
        if known in text:
            return known
    return type(error).__name__


# Signing in through the pages -------------------------------------------------------------


def sign_in(session, pool: Pool, email: str) -> None:  # type: ignore[no-untyped-def]
    """The address, then the password, then the authenticator's code, as a person does."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiptracker.accounts import second_factor

    base = pool.pick().url
    session.get(f"{base}/login/", timeout=30).raise_for_status()

    def post(url: str, data: dict) -> object:
        data = {"csrfmiddlewaretoken": session.cookies.get("csrftoken"), **data}
        response = session.post(url, data=data, timeout=60)
        response.raise_for_status()
        return response

    post(f"{base}/login/", {"username": email})
    response = post(f"{base}/login/", {"username": email, "password": PASSWORD})
    if "/second-factor/" in response.url:
        device = TOTPDevice.objects.get(user__username=email, confirmed=True)
        response = post(response.url, {"code": second_factor.current_code(device)})
    if "/login/" in response.url or "/second-factor/" in response.url:
        raise RuntimeError(f"signing in as {email} stopped at {response.url}")


def accounts_prepare(users: int) -> tuple[list[str], dict[str, str]]:
    """The page users (administrators of bench-50k, each with an authenticator and an API
    token) and the uploader (an L&D officer of bench-import); returns emails and API keys."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiptracker.accounts import second_factor
    from tiptracker.accounts.models import ApiToken
    from tiptracker.accounts.services import api_token_create
    from tiptracker.partnerships.models import Membership, Partnership, Role

    big = Partnership.objects.get(slug=common.BIG)
    target = Partnership.objects.get(slug=common.IMPORT_TARGET)
    emails = [user_email(n) for n in range(1, users + 1)]
    keys: dict[str, str] = {}
    for email, partnership, role in [(e, big, Role.ADMIN) for e in emails] + [
        (UPLOADER, target, Role.LD_OFFICER)
    ]:
        user, created = get_user_model().objects.get_or_create(
            username=email, defaults={"email": email}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.update_or_create(
            partnership=partnership, user=user, defaults={"role": role}
        )
        if second_factor.confirmed_device(user) is None:
            TOTPDevice.objects.create(user=user, name=second_factor.DEVICE_NAME, confirmed=True)
        if email != UPLOADER:
            ApiToken.objects.filter(user=user).delete()
            _token, keys[email] = api_token_create(user=user, name="bench_load")
    # A code is refused once used (replay): a run started within the same half-minute as the
    # last would find its codes spent. The benchmark's own devices start afresh.
    TOTPDevice.objects.filter(user__username__in=[*emails, UPLOADER]).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return emails, keys


# The users ------------------------------------------------------------------------------


class User(threading.Thread):
    def __init__(self, n: int, email: str, key: str, pool: Pool, record: Record) -> None:
        import requests

        super().__init__(name=f"user-{n}", daemon=True)
        self.n, self.email, self.pool, self.record = n, email, pool, record
        self.pages = requests.Session()
        self.api = requests.Session()  # a script's: the token, no cookies
        self.api_headers = {"Authorization": f"Bearer {key}"}
        self.running = threading.Event()
        self.stopping = threading.Event()
        self.think = 0.0

    def visit(self, kind: str) -> Sample:
        if kind == "api":
            return fetch(self.api, self.pool, self.record, kind, PATHS[kind], self.api_headers)
        return fetch(self.pages, self.pool, self.record, kind, PATHS[kind])

    def run(self) -> None:
        kinds = itertools.cycle(KINDS[self.n % len(KINDS) :] + KINDS[: self.n % len(KINDS)])
        while not self.stopping.is_set():
            if not self.running.wait(0.2):
                continue
            self.visit(next(kinds))
            if self.think:
                self.stopping.wait(self.think)


# Figures ------------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return common.percentile(values, 95) if values else float("nan")


def summary(samples: list[Sample], seconds: float) -> dict[str, dict]:
    figures = {}
    for kind in (*KINDS, "all"):
        chosen = [s for s in samples if kind in ("all", s.kind)]
        times = [s.seconds for s in chosen]
        figures[kind] = {
            "n": len(chosen),
            "errors": sum(1 for s in chosen if s.error),
            "p50": statistics.median(times) if times else float("nan"),
            "p95": p95(times),
            "max": max(times) if times else float("nan"),
            "rate": len(chosen) / seconds if seconds else 0.0,
        }
    return figures


def show(label: str, figures: dict[str, dict]) -> None:
    common.say(f"{label}:")
    for kind, f in figures.items():
        common.say(
            f"  {kind:<10} {f['n']:6,} requests ({f['rate']:5.1f}/s)   p50 {f['p50'] * 1000:7.0f} ms"
            f"   p95 {f['p95'] * 1000:7.0f} ms   max {f['max'] * 1000:7.0f} ms   errors {f['errors']}"
        )


def window(samples: list[Sample], start: float, end: float) -> list[Sample]:
    return [s for s in samples if start <= s.started < end]


# The data ----------------------------------------------------------------------------------


def rows_fingerprint(pairs) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(count, order-free sum of a hash of each (staff, course, date)): two equal multisets
    of rows give equal fingerprints; a row missing and another doubled do not."""
    count = total = 0
    for staff_pk, course_pk, day in pairs:
        digest = hashlib.blake2b(f"{staff_pk}|{course_pk}|{day}".encode(), digest_size=8)
        total = (total + int.from_bytes(digest.digest(), "big")) % 2**64
        count += 1
    return count, total


def file_fingerprint(path: Path, partnership_id: int) -> tuple[int, int]:
    import bench_import

    return rows_fingerprint(bench_import.file_rows(path, partnership_id))


def table_check(partnership_id: int) -> dict:
    from django.db.models import Count

    from tiptracker.training.models import Completion

    rows = Completion.objects.filter(partnership_id=partnership_id)
    count = rows.count()
    distinct = (
        rows.values("staff_id", "course_id", "completed_on")
        .annotate(n=Count("id"))
        .order_by()
        .count()
    )
    fingerprint = rows_fingerprint(
        (s, c, d.isoformat())
        for s, c, d in rows.order_by()
        .values_list("staff_id", "course_id", "completed_on")
        .iterator(chunk_size=20_000)
    )
    return {"count": count, "distinct": distinct, "fingerprint": fingerprint}


# The run ------------------------------------------------------------------------------------


def field_key_file() -> Path:
    path = common.OUT / "field-encryption.key"
    if not path.exists():
        from cryptography.fernet import Fernet

        common.OUT.mkdir(exist_ok=True)
        path.write_text(Fernet.generate_key().decode() + "\n", encoding="ascii")
        path.chmod(0o600)
    return path


# What points a process at its database, cache, queue and keys: the run sets its own.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "TASKS_BACKEND",
    "CACHE_DIR",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_ENCRYPTION_KEYS_FILE",
)


def environment(database: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in SERVICE_VARIABLES:
        env.pop(name, None)
    if database == "postgres":
        named = os.environ.get("DATABASE_URL", "")
        env.update(
            DATABASE_URL=named if named.startswith("postgres") else POSTGRES_URL,
            REDIS_URL=REDIS_URL,
            TASKS_BACKEND="rq",
        )
    else:
        # A million rows go past SQLite's limit on one import (100,000 by default): lifted
        # here, so that the pages are measured beside the longest hold of the write lock.
        env.update(
            DATABASE_URL=f"sqlite:///{common.OUT / 'bench.sqlite3'}", SQLITE_IMPORT_MAX_ROWS="0"
        )
    env.update(
        # The app servers refuse to start without a field encryption key: the benchmark's own,
        # kept beside its database (bench/out is git-ignored).
        FIELD_ENCRYPTION_KEYS_FILE=str(field_key_file()),
        CACHE_DIR=str(common.OUT / "cache"),
        DJANGO_SETTINGS_MODULE="tiptracker.settings",
        ACCESS_LOG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def main(argv: list[str]) -> int:  # noqa: C901, PLR0912, PLR0915 - one run, told in order
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=60, help="each load phase, at least")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each user waits between requests"
    )
    parser.add_argument(
        "--kill-at", type=float, default=0.3, help="the share of rows imported at the kill"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="for the import, seconds")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=None,
        help="PostgreSQL: the worker's WORKER_NICE (default: the worker's own, 10)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="reuse connections to the app servers (default: one per request, as nginx)",
    )
    args = parser.parse_args(argv)
    if args.keep_alive:
        PROXY_HEADERS.clear()

    env = environment(args.database)
    for name in SERVICE_VARIABLES:
        os.environ.pop(name, None)
        if name in env:
            os.environ[name] = env[name]
    common.setup()
    import bench_import
    import bench_report
    import generate
    import requests

    from tiptracker.imports.models import ImportRun
    from tiptracker.imports.progress import import_run_progress
    from tiptracker.partnerships.models import Partnership

    postgres = args.database == "postgres"
    common.heading(
        f"Load and faults: {args.users} users, {'two app servers and a worker' if postgres else 'one server with its worker'}, "
        f"a {args.rows:,}-row import"
    )
    load_before = os.getloadavg()
    generate.big()
    generate.import_target()
    bench_report.ensure_data(False, bench_report.START, bench_report.END)  # the sessions list
    target = Partnership.objects.get(slug=common.IMPORT_TARGET)
    path = bench_import.write_csv(args.rows)
    common.say(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
    bench_import.clear(target.id)
    ImportRun.objects.filter(partnership=target).delete()
    expected = file_fingerprint(path, target.id)
    emails, keys = accounts_prepare(args.users)
    if postgres:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()

    LOGS.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, "-m", "tiptracker.cli"]
    servers: list[Server] = []
    processes: dict[str, Process] = {}
    for name in ("app-a", "app-b") if postgres else ("app",):
        server = Server(name, free_port())
        servers.append(server)
        serve = ["serve", "--no-worker"] if postgres else ["serve"]
        processes[name] = Process(
            name,
            [*me, *serve, "--host", "127.0.0.1", "--port", str(server.port)],
            env,
            LOGS / f"{args.database}-{name}.log",
        )
    if postgres:
        worker_env = (
            env if args.worker_nice is None else {**env, "WORKER_NICE": str(args.worker_nice)}
        )
        processes["worker"] = Process(
            "worker", [*me, "worker"], worker_env, LOGS / f"{args.database}-worker.log"
        )
    for log in LOGS.glob(f"{args.database}-*.log"):
        log.unlink()

    pool = Pool(servers)
    record = Record()
    users: list[User] = []
    missed: list[str] = []

    def stop_everything(*_args: object) -> None:
        for user in users:
            user.stopping.set()
        pool.stop()
        for process in processes.values():
            process.stop()

    previous = signal.signal(signal.SIGTERM, lambda *_a: sys.exit(1))
    try:
        for process in processes.values():
            process.start()
        for server in servers:
            seconds = pool.wait_up(server)
            common.say(f"{server.name} answering on {server.url} after {seconds:.1f} s")
        pool.start()

        # Sign in everyone through the pages, then warm up (the dashboard's first visit
        # fills the trend table and the chart cache, as the day's first visitor does).
        users = [
            User(n, email, keys[email], pool, record) for n, email in enumerate(emails, start=1)
        ]
        for user in users:
            user.think = args.think
            sign_in(user.pages, pool, user.email)
        uploader = requests.Session()
        sign_in(uploader, pool, UPLOADER)
        for user in users:
            user.start()
            user.running.set()
        time.sleep(min(15.0, args.seconds / 2))
        for user in users:
            user.running.clear()
        time.sleep(0.5)
        warm = [s for s in record.samples if s.error]
        if warm:
            raise RuntimeError(f"warm-up failed: {warm[0].kind} {warm[0].error}")

        # 1. Baseline -----------------------------------------------------------------------
        record.phase = "baseline"
        started = time.monotonic()
        for user in users:
            user.running.set()
        time.sleep(args.seconds)
        for user in users:
            user.running.clear()
        baseline_seconds = time.monotonic() - started
        time.sleep(0.5)
        baseline = [s for s in record.samples if s.phase == "baseline"]
        base = summary(baseline, baseline_seconds)
        show(f"baseline, {baseline_seconds:.0f} s", base)

        # 2. The import, under the same load, with the kill ----------------------------------
        imports = f"/p/{common.IMPORT_TARGET}/imports/"
        record.phase = "upload"
        upload_started = time.monotonic()
        with open(path, "rb") as upload:
            response = uploader.post(
                pool.pick().url + imports,
                data={
                    "csrfmiddlewaretoken": uploader.cookies.get("csrftoken"),
                    "kind": "completions",
                },
                files={"file": (path.name, upload, "text/csv")},
                allow_redirects=False,
                timeout=(CONNECT_TIMEOUT, 600),
            )
        found = re.search(r"/imports/(\d+)/$", response.headers.get("Location", ""))
        if response.status_code != 302 or not found:
            raise RuntimeError(f"the upload answered {response.status_code}: {response.text[:300]}")
        run_id = int(found.group(1))
        upload_seconds = time.monotonic() - upload_started
        progress_path = f"{imports}{run_id}/progress.json"

        def progress() -> dict:
            """What progress.json says, read here rather than through a busy server, so that
            the kill comes at the share of rows asked for (the page's own polling is below)."""
            run = ImportRun.objects.get(pk=run_id)
            return {**import_run_progress(run), "attempts": run.attempts}

        class Poller(threading.Thread):
            """The import page's script, asking for progress.json every 2 s (recorded)."""

            def __init__(self) -> None:
                super().__init__(daemon=True)
                self.stopping = threading.Event()

            def run(self) -> None:
                while not self.stopping.wait(2.0):
                    fetch(uploader, pool, record, "progress", progress_path)

        poller = Poller()
        while True:
            state = progress()
            if state.get("status") == "preview":
                break
            if state.get("status") in ("invalid", "failed", "discarded"):
                raise RuntimeError(f"the check ended {state['status']}: {state.get('text')}")
            if time.monotonic() - upload_started > args.timeout:
                raise RuntimeError("the check did not finish in time")
            time.sleep(0.5)
        checked_seconds = time.monotonic() - upload_started - upload_seconds
        common.say(
            f"uploaded in {upload_seconds:.1f} s; checked by the worker in {checked_seconds:.1f} s "
            f"({state.get('rows_total') or args.rows:,} rows): preview"
        )

        record.phase = "import"
        for user in users:
            user.running.set()
        poller.start()
        time.sleep(min(5.0, args.seconds / 4))  # the load is under way when the import starts
        response = uploader.post(
            pool.pick().url + f"{imports}{run_id}/confirm/",
            data={"csrfmiddlewaretoken": uploader.cookies.get("csrftoken")},
            allow_redirects=False,
            timeout=(CONNECT_TIMEOUT, 120),
        )
        if response.status_code != 302:
            raise RuntimeError(f"the confirmation answered {response.status_code}")
        confirmed = time.monotonic()
        killed = restarted = back = None
        old_worker = new_worker = None
        first_attempt_rows = 0
        import_counting = False
        attempts_at_kill = retaken = None
        victim = servers[0]
        while True:
            state = progress()
            status = state.get("status")
            if status in ("failed", "invalid", "discarded"):
                raise RuntimeError(f"the import ended {status}: {state.get('text')}")
            if status == "done":
                break
            rows_done = state.get("rows_done") or 0
            threshold = args.kill_at * (state.get("rows_total") or args.rows)
            # Just after the claim, progress.json still shows the check's count (the import's
            # own count starts once its file is loaded): wait to see it below the mark first.
            if status == "importing" and rows_done < threshold:
                import_counting = True
            if (
                retaken is None
                and attempts_at_kill is not None
                and state["attempts"] > attempts_at_kill
            ):
                retaken = time.monotonic()
                common.say(
                    f"recovered: the worker took the import up again {retaken - killed:.1f} s "
                    "after the kill"
                )
            if killed is None and import_counting and rows_done >= threshold:
                first_attempt_rows = state["rows_done"]
                attempts_at_kill = state["attempts"]
                if postgres:
                    victim.killed_at = killed = time.monotonic()
                    processes[victim.name].kill()
                    processes["worker"].kill()
                    common.say(
                        f"SIGKILLed {victim.name} and the worker at {first_attempt_rows:,} rows "
                        f"({killed - confirmed:.1f} s after the confirmation)"
                    )
                    processes[victim.name].start()
                    processes["worker"].start()
                    restarted = time.monotonic()
                    back = restarted + pool.wait_up(victim)
                    victim.back_at = back
                    common.say(
                        f"started again: {victim.name} answering {back - killed:.1f} s after the kill"
                    )
                else:
                    supervisor = processes["app"].pid
                    old_worker = supervised_worker(supervisor)
                    if old_worker is None:
                        raise RuntimeError("no worker found under `tiptracker serve`")
                    killed = time.monotonic()
                    os.kill(old_worker, signal.SIGKILL)
                    common.say(
                        f"SIGKILLed the worker (pid {old_worker}) at {first_attempt_rows:,} rows "
                        f"({killed - confirmed:.1f} s after the confirmation)"
                    )
                    while time.monotonic() - killed < 60:
                        new_worker = supervised_worker(supervisor)
                        if new_worker not in (None, old_worker):
                            break
                        time.sleep(0.1)
                    restarted = back = time.monotonic()
                    if new_worker in (None, old_worker):
                        missed.append("`serve` did not start the worker again within 60 s")
                    else:
                        common.say(
                            f"`serve` started the worker again (pid {new_worker}) "
                            f"{restarted - killed:.1f} s after the kill"
                        )
            if time.monotonic() - confirmed > args.timeout:
                raise RuntimeError(f"the import was not done {args.timeout:.0f} s after confirming")
            time.sleep(0.2)
        done = time.monotonic()
        for user in users:
            user.running.clear()
        poller.stopping.set()
        time.sleep(0.5)

        # Figures ------------------------------------------------------------------------
        during = window(
            [s for s in record.samples if s.phase == "import" and s.kind in KINDS],
            confirmed,
            done,
        )
        under = summary(during, done - confirmed)
        show(f"with the import, {done - confirmed:.0f} s (from the confirmation to done)", under)
        if killed is not None:
            show(
                "  of which before the kill",
                summary(window(during, confirmed, killed), killed - confirmed),
            )
            show(
                "  of which from the kill to the server answering again",
                summary(window(during, killed, back or killed), (back or killed) - killed),
            )
            show(
                "  of which after, to the import done",
                summary(window(during, back or killed, done), done - (back or killed)),
            )
        polls = [s for s in record.samples if s.kind == "progress"]
        common.say(
            f"  the import page's progress.json, every 2 s: {len(polls)} requests, "
            f"p95 {p95([s.seconds for s in polls]) * 1000:.0f} ms, "
            f"errors {sum(1 for s in polls if s.error)}"
        )
        for kind in (*KINDS, "all"):
            ratio = under[kind]["p95"] / base[kind]["p95"]
            common.say(
                f"ratio p95 with the import / without, {kind:<10} {ratio:5.2f} (target <= 3)"
            )
            if ratio > 3 and postgres:
                missed.append(f"{kind}: p95 ratio {ratio:.2f} > 3")
        errors = [s for s in record.samples if s.error and s.phase in ("baseline", "import")]
        lost_killed = [x for x in record.lost if x.killed_server]
        common.say(
            f"errors: {len(errors)} (baseline {sum(s.phase == 'baseline' for s in errors)}, "
            f"with the import {sum(s.phase == 'import' for s in errors)})"
        )
        by_error: dict[str, int] = {}
        for sample in errors:
            key = f"{sample.kind} on {sample.server}: {sample.error}"
            by_error[key] = by_error.get(key, 0) + 1
        for key, count in sorted(by_error.items(), key=lambda item: -item[1]):
            common.say(f"  {count:5} x {key}")
        if errors:
            missed.append(f"{len(errors)} errors")
        if postgres:
            reasons: dict[str, int] = {}
            for lost in lost_killed:
                reasons[lost.reason] = reasons.get(lost.reason, 0) + 1
            common.say(
                f"tries lost with the killed server ({victim.name}), sent again to the other as a "
                f"proxy would: {len(lost_killed)} ({', '.join(f'{n} {r}' for r, n in reasons.items()) or 'none'})"
            )
        run = ImportRun.objects.get(pk=run_id)
        common.say(
            f"import: done {done - confirmed:.1f} s after the confirmation "
            f"({done - (back or confirmed):.1f} s after the restart); {run.attempts} claims (the "
            f"check and each try of the import); "
            f"created {run.created:,}; killed at {first_attempt_rows:,} rows"
        )
        if killed is None:
            missed.append("the import ended before the kill: nothing was killed")
        check = table_check(target.id)
        exact = (
            check["count"] == args.rows
            and check["distinct"] == check["count"]
            and check["fingerprint"] == expected
            and run.created == args.rows
        )
        common.say(
            f"rows: {check['count']:,} completions, {check['distinct']:,} distinct "
            f"(staff, course, date), {'the same rows as the file' if check['fingerprint'] == expected else 'NOT the rows of the file'}: "
            f"{'exact' if exact else 'NOT exact'}"
        )
        if not exact:
            missed.append("the rows are not the file's, each exactly once")
        logs = {}
        for log in sorted(LOGS.glob(f"{args.database}-*.log")):
            text = log.read_text(errors="replace")
            logs[log.name] = [
                line
                for line in text.splitlines()
                if "Traceback" in line or " ERROR " in line or '" 5' in line or "CRITICAL" in line
            ]
        for name, lines in logs.items():
            if lines:
                common.say(f"{name}: {len(lines)} error lines; the first: {lines[0][:300]}")
        with open(LOGS / f"{args.database}-samples.csv", "w", encoding="utf-8") as out:
            out.write("phase,kind,server,status,seconds,started,error\n")
            for s in record.samples:
                out.write(
                    f"{s.phase},{s.kind},{s.server},{s.status},{s.seconds:.4f},"
                    f"{s.started - confirmed:.3f},{s.error.replace(',', ';')}\n"
                )
        load_after = os.getloadavg()
        common.say(
            f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end; logs in {LOGS}"
        )
    finally:
        stop_everything()
        signal.signal(signal.SIGTERM, previous)
    if missed:
        common.say("MISSED: " + "; ".join(missed))
        return 1
    common.say("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
