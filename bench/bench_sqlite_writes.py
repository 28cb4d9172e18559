"""Other people's changes on SQLite while an import writes: how long they wait, and whether any fails.

    python bench/bench_sqlite_writes.py [--rows 100000,1000000] [--seconds 5]

On SQLite an import holds the database's one write lock from its start to its end (one
transaction, so it never half-writes), and every other change waits for the lock, for up to
the 30 s busy timeout, then fails. So one import's rows are limited on SQLite
(SQLITE_IMPORT_MAX_ROWS, 100,000 by default). This measures that choice: a thread makes a
small change every 50 ms (a staff member's job title, in its own transaction, as a form's
save would) for `--seconds` with nothing else running (the baseline), then while
`tiptracker import completions` of each size runs in a child process, as the worker would.
It prints each change's wait (p50, p95, the longest) with and without the import, and the
failures. Target at the limit: no change fails, and none waits more than 10 s. SQLite only;
the rows go to bench-import (created if missing) and are deleted after each size.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import common

PAUSE = 0.05
LONGEST_WAIT = 10.0


class Writer(threading.Thread):
    """Changes one staff member's job title every PAUSE seconds until stopped."""

    def __init__(self, staff_pk: int) -> None:
        super().__init__(daemon=True)
        self.staff_pk = staff_pk
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        from django.db import OperationalError, connection, transaction

        from tiptracker.workforce.models import StaffMember

        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        StaffMember.objects.filter(pk=self.staff_pk).update(
                            job_title=f"Support worker {len(self.waits)}"
                        )
                    self.waits.append(time.perf_counter() - started)
                except OperationalError as error:
                    self.failures.append(str(error))
                time.sleep(PAUSE)
        finally:
            connection.close()


def writes_while(work, staff_pk: int) -> tuple[Writer, float]:
    writer = Writer(staff_pk)
    writer.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    writer.stop.set()
    writer.join()
    return writer, seconds


def import_in_child(path: Path) -> None:
    tiptracker = Path(sys.executable).with_name("tiptracker")
    env = {**os.environ, "SQLITE_IMPORT_MAX_ROWS": "0", "IMPORT_MAX_BYTES": str(2**31)}
    done = subprocess.run(  # noqa: S603 - our own command
        [
            str(tiptracker),
            "import",
            "completions",
            str(path),
            "--partnership",
            common.IMPORT_TARGET,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        common.fail(f"the import failed: {done.stderr.strip()}")


def figures(writer: Writer) -> str:
    waits = [w * 1000 for w in writer.waits]
    return (
        f"{len(waits):4d} changes, wait p50 {common.percentile(waits, 50):7.1f} ms, "
        f"p95 {common.percentile(waits, 95):8.1f} ms, longest {max(waits):8.1f} ms, "
        f"{len(writer.failures)} failed"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="100000,1000000", help="import sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=5.0, help="of the baseline")
    args = parser.parse_args(argv)
    common.setup()
    if common.vendor() != "sqlite":
        common.fail("this measures SQLite's write lock: run it without a PostgreSQL DATABASE_URL")
    import bench_import
    import generate
    from django.conf import settings

    from tiptracker.partnerships.models import Partnership
    from tiptracker.workforce.models import StaffMember

    generate.import_target()
    partnership = Partnership.objects.get(slug=common.IMPORT_TARGET)
    staff_pk = StaffMember.objects.filter(partnership=partnership).values_list("pk", flat=True)[0]
    limit = settings.SQLITE_IMPORT_MAX_ROWS
    bench_import.clear(partnership.id)
    failed = False
    for rows in [int(n) for n in args.rows.split(",")]:
        common.heading(f"Changes while {rows:,} completions import (the limit: {limit:,} rows)")
        path = bench_import.write_csv(rows)
        baseline, _ = writes_while(lambda: time.sleep(args.seconds), staff_pk)
        during, seconds = writes_while(lambda p=path: import_in_child(p), staff_pk)
        imported = bench_import.count(partnership.id)
        bench_import.clear(partnership.id)
        if imported != rows:
            common.fail(f"the import wrote {imported:,} rows, not {rows:,}")
        p95 = common.percentile(during.waits, 95) / common.percentile(baseline.waits, 95)
        common.say(f"alone:       {figures(baseline)}")
        common.say(f"with import: {figures(during)}   (import {seconds:.1f} s)")
        longest = max(during.waits)
        within = not during.failures and longest <= LONGEST_WAIT
        common.say(
            f"p95 ratio {p95:,.0f}; longest wait {longest:.1f} s (target at the limit: "
            f"<= {LONGEST_WAIT:.0f} s and none failed): "
            + ("within" if within else "beyond")
            + ("" if rows <= limit else " (above the limit, which SQLite refuses by default)")
        )
        for failure in sorted(set(during.failures)):
            common.say(f"  failed: {failure}")
        failed |= rows <= limit and not within
    if failed:
        common.fail("a change failed or waited too long at or below the limit")


if __name__ == "__main__":
    main(sys.argv[1:])
