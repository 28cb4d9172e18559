#!/usr/bin/env bash
# Every benchmark, on the database DATABASE_URL names (default: SQLite under bench/out/).
#   bench/run_all.sh                 50,000-staff partnership, 1,000,000-row import
#   NATIONAL=1 bench/run_all.sh      also the national set (32 partnerships, 500,000 staff)
#   ROWS=200000 bench/run_all.sh     a smaller import, for a quick look
#   LOAD=1 bench/run_all.sh          also the load and faults run (bench_load.py: servers and a
#                                    worker started as processes, about 8 minutes a database;
#                                    PostgreSQL when DATABASE_URL names it, with Redis)
# Data sets already generated are reused (generate.py --force makes them again).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ROWS=${ROWS:-1000000}

$PY bench/generate.py big
$PY bench/generate.py import-target
if [ "${NATIONAL:-0}" = 1 ]; then
  $PY bench/generate.py national
  $PY bench/bench_coverage.py --national
else
  $PY bench/bench_coverage.py
fi
$PY bench/bench_import.py --rows "$ROWS"
$PY bench/bench_memory.py --rows "$ROWS"
$PY bench/bench_dashboard.py
$PY bench/bench_feedback.py
$PY bench/bench_report.py
$PY bench/bench_invite.py
$PY bench/bench_spc.py
$PY bench/bench_programme.py
case "${DATABASE_URL:-}" in
  postgres*) ;;
  *) $PY bench/bench_sqlite_writes.py ;;
esac
if [ "${LOAD:-0}" = 1 ]; then
  case "${DATABASE_URL:-}" in
    postgres*) $PY bench/bench_load.py --database postgres --rows "$ROWS" ;;
    *) $PY bench/bench_load.py --database sqlite --rows "$ROWS" ;;
  esac
fi
