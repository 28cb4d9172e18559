"""Peak memory of a completions import, beside that of a process that only sets up Django.

    python bench/bench_memory.py [--rows 1000000]

Each runs in its own child process; the peak resident set size (ru_maxrss) of each comes
from os.wait4. The target is an absolute one: at most 300 MB for 1,000,000 rows; the ratio
to the bare process is informative (an import's memory must not grow with the file).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import common

HERE = Path(__file__).resolve()


def peak_mb(args: list[str]) -> float:
    """Run this script as a child with `args`; its peak RSS in MB (ru_maxrss is in KiB on Linux)."""
    child = subprocess.Popen([sys.executable, str(HERE), *args])  # noqa: S603 - our own script
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        common.fail(f"the child {' '.join(args)} failed")
    return usage.ru_maxrss / 1024


def child(kind: str, rows: int) -> None:
    os.environ.setdefault("IMPORT_MAX_BYTES", str(2**31))
    # SQLite's limit on one import's rows (it keeps other writers from waiting long:
    # bench_sqlite_writes.py) is lifted: this measures the import's own cost at any size.
    os.environ.setdefault("SQLITE_IMPORT_MAX_ROWS", "0")
    common.setup()
    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.get(slug=common.IMPORT_TARGET)  # touches the database
    if kind == "import":
        import bench_import

        result = bench_import.run_import(bench_import.csv_path(rows), partnership)
        if result.created != rows:
            common.fail(f"the import created {result.created:,} rows, not {rows:,}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["bare", "import"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.rows)
        return
    common.setup()
    import bench_import
    import generate

    from tiptracker.partnerships.models import Partnership

    common.heading(f"Peak memory of a {args.rows:,}-row completions import")
    generate.import_target()
    partnership = Partnership.objects.get(slug=common.IMPORT_TARGET)
    path = bench_import.write_csv(args.rows)
    bare = peak_mb(["--child", "bare"])
    bench_import.clear(partnership.id)
    used = peak_mb(["--child", "import", "--rows", str(args.rows)])
    bench_import.clear(partnership.id)
    common.say(
        f"file {path.stat().st_size / 1e6:.0f} MB   Django set up, nothing else: {bare:5.0f} MB   "
        f"import: {used:5.0f} MB (target <= 300 MB)   ratio {used / bare:4.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
