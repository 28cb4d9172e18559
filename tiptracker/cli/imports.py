"""`import`: staff, needs, courses or completions from a CSV or XLSX file."""

import argparse
import sys
from pathlib import Path

from tiptracker.cli.arguments import partnership_by_slug
from tiptracker.lib.user_error import UserError


def cmd_import(args: argparse.Namespace) -> int:
    from tiptracker.imports.checks import ImportRefused
    from tiptracker.imports.runs import import_path

    partnership = partnership_by_slug(args.partnership)
    try:
        _run, result = import_path(
            partnership=partnership,
            kind=args.kind,
            path=Path(args.file),
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            rejects_path=Path(args.rejects) if args.rejects else None,
        )
    except ImportRefused as refused:
        raise UserError(f"{args.file}: {refused}; nothing was imported") from None
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}")
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    if result.rows_invalid > len(result.problems):
        print("(only the first problems are listed)", file=sys.stderr)
    summary = f"{args.kind}: {result.rows_total} rows, {result.rows_valid} valid, {result.rows_invalid} invalid"
    if result.written:
        print(
            f"{summary}; imported: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        )
        return 0
    if args.dry_run:
        print(f"{summary}; dry run: nothing was written")
        return 1 if result.rows_invalid else 0
    print(
        f"{summary}; nothing was imported because of the invalid rows (use --skip-invalid to import the rest)",
        file=sys.stderr,
    )
    return 1
