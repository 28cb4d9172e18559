"""Inviting a whole workforce: `tiptracker member invite --all-staff` for the 50,000 staff of
bench-50k, against inserting the same invitation rows raw.

    python bench/bench_invite.py [--runs 3]

Each side runs as its own child process, timed from start to exit, with its peak memory
(ru_maxrss from os.wait4):
- the command: the real console entry (`tiptracker.cli.main`), which finds the staff with an
  e-mail address, no account and no live invitation, and queues one invitation each for the
  worker (one per address);
- the baseline: a process that sets Django up, reads the same staff's addresses and writes the
  same rows (partnership, e-mail, role, staff, created time) with the database's fastest plain
  write, sqlite3 `executemany` or psycopg `COPY`, in one transaction.
Targets: the command queues them in under 60 s and under 300 MB; the ratio is informative.
Before each side the partnership's invitations are deleted; the command's rows are counted and
must equal the number of distinct addresses, or the run fails.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import common

HERE = Path(__file__).resolve()


def clear(partnership_id: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM accounts_accountinvitation WHERE partnership_id = %s", [partnership_id]
        )


def invitations(partnership_id: int) -> int:
    from tiptracker.accounts.models import AccountInvitation

    return AccountInvitation.objects.filter(partnership_id=partnership_id).count()


def run_child(args: list[str]) -> tuple[float, float]:
    """Seconds from start to exit and peak RSS in MB of this script run as a child."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(HERE), *args])  # noqa: S603 - our own script
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        common.fail(f"the child {' '.join(args)} failed")
    return seconds, usage.ru_maxrss / 1024


def child_command() -> None:
    common.setup(migrate=False)
    from tiptracker.cli import main

    code = main(["member", "invite", "--partnership", common.BIG, "--all-staff"])
    if code:
        sys.exit(code)


def child_raw() -> None:
    """The same rows, written as plainly as the database allows."""
    common.setup(migrate=False)
    from django.db import connection, transaction
    from django.utils import timezone

    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.get(slug=common.BIG)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), LOWER(email) FROM workforce_staffmember "
            "WHERE partnership_id = %s AND email <> '' GROUP BY LOWER(email)",
            [partnership.id],
        )
        rows = [(partnership.id, email, "staff", staff_id, now) for staff_id, email in cursor]
    columns = "partnership_id, email, role, staff_id, created_at"
    with transaction.atomic():
        raw = connection.connection
        if connection.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY accounts_accountinvitation ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(
                f"INSERT INTO accounts_accountinvitation ({columns}) VALUES (?, ?, ?, ?, ?)",
                [(p, e, r, s, n.isoformat(" ")) for p, e, r, s, n in rows],
            )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["command", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "command":
        child_command()
        return
    if args.child == "raw":
        child_raw()
        return
    common.setup()
    import generate

    from tiptracker.partnerships.models import Partnership
    from tiptracker.workforce.models import StaffMember

    generate.big()
    partnership = Partnership.objects.get(slug=common.BIG)
    addresses = (
        StaffMember.objects.filter(partnership=partnership)
        .exclude(email="")
        .values("email")
        .distinct()
        .count()
    )
    common.heading(f"Inviting all staff of {common.BIG} ({addresses:,} addresses)")
    results = []
    for run in range(1, args.runs + 1):
        clear(partnership.id)
        raw_s, raw_mb = run_child(["--child", "raw"])
        if invitations(partnership.id) != addresses:
            common.fail("the baseline did not write one row per address")
        clear(partnership.id)
        cmd_s, cmd_mb = run_child(["--child", "command"])
        made = invitations(partnership.id)
        if made != addresses:
            common.fail(f"the command queued {made:,} invitations, not {addresses:,}")
        results.append((cmd_s, cmd_mb, raw_s, raw_mb))
        common.say(
            f"run {run}: command {cmd_s:5.1f} s, {cmd_mb:4.0f} MB   raw {raw_s:5.1f} s, "
            f"{raw_mb:4.0f} MB   ratio {cmd_s / raw_s:4.2f}"
        )
    clear(partnership.id)
    cmd_s = sorted(r[0] for r in results)[len(results) // 2]
    raw_s = sorted(r[2] for r in results)[len(results) // 2]
    peak = max(r[1] for r in results)
    common.say(
        f"median: command {cmd_s:.1f} s (target < 60 s), peak {peak:.0f} MB (target < 300 MB); "
        f"raw insert {raw_s:.1f} s; ratio {cmd_s / raw_s:.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
