"""`tiptracker serve` supervises its worker: starts it again when it stops, stops it with
the server, and leaves no orphan even when the server itself is killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tiptracker import server


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_that_stops_is_started_again_and_stopped_with_the_server(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "RESTART_DELAYS", (0,))
    starts = tmp_path / "starts"
    # The worker records each start and dies at once; the web server stops after a while.
    worker = python(f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)")
    web = python(
        f"import time, os\n"
        f"while len(open({str(starts)!r}).read() if os.path.exists({str(starts)!r}) else '') < 3:"
        f" time.sleep(0.05)\n"
        f"raise SystemExit(7)"
    )
    said = []
    assert server.supervise(web, worker, log=said.append) == 7
    assert len(starts.read_text()) >= 3
    assert "The background worker stopped (exit code 3): starting it again in 0 s." in said
    assert said[-1] == "The web server stopped (exit code 7): stopping the worker."


def test_stopping_the_server_stops_its_worker(tmp_path):
    pids = tmp_path / "pids"
    child = python(
        f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(60)"
    )
    supervisor = subprocess.Popen(  # noqa: S603
        python(
            "import sys; from tiptracker.server import supervise; "
            f"sys.exit(supervise({child!r}, {child!r}))"
        ),
        cwd=Path(__file__).parents[3],
    )
    assert wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0
    started = [int(pid) for pid in pids.read_text().split()]
    assert wait_for(lambda: not any(alive(pid) for pid in started))


def test_a_killed_server_leaves_no_orphan_worker(tmp_path):
    pids = tmp_path / "pids"
    child = python(
        f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(60)"
    )
    supervisor = subprocess.Popen(  # noqa: S603
        python(f"from tiptracker.server import supervise; supervise({child!r}, {child!r})"),
        cwd=Path(__file__).parents[3],
    )
    assert wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    os.kill(supervisor.pid, signal.SIGKILL)
    supervisor.wait()
    started = [int(pid) for pid in pids.read_text().split()]
    assert wait_for(lambda: not any(alive(pid) for pid in started))


def test_each_installation_and_port_has_its_own_control_socket(settings, monkeypatch):
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    settings.CACHE_KEY_PREFIX = "install-a"
    a_8000, a_8001 = server.control_socket(8000), server.control_socket(8001)
    settings.CACHE_KEY_PREFIX = "install-b"
    assert len({a_8000, a_8001, server.control_socket(8000)}) == 3
    assert "install-a" in a_8000
