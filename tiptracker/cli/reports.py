"""The figures out: `coverage` (training coverage against need) and `report` (the board
progress report for a period)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tiptracker.cli.arguments import aligned, partnership_by_slug
from tiptracker.lib.user_error import UserError


def cmd_coverage(args: argparse.Namespace) -> int:
    from tiptracker.lib.dates import today
    from tiptracker.lib.exports import to_csv
    from tiptracker.training.coverage import coverage

    partnership = partnership_by_slug(args.partnership)
    as_of = args.as_of or today()
    result = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=as_of, by=args.by
    )
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
        return 0
    by_team = args.by == "team"
    header = ["organisation", *(["team"] if by_team else []), "level", "needed", "met", "percent"]

    def figures(r: Any) -> list:
        return [r.level.slug, r.needed, r.met, "" if r.percent is None else f"{r.percent:.1f}"]

    table = [[r.organisation, *([r.team] if by_team else []), *figures(r)] for r in result.rows]
    totals = [["All", *([""] if by_team else []), *figures(r)] for r in result.totals]
    if args.format == "csv":
        sys.stdout.write(to_csv(header, table + totals).decode("utf-8-sig"))
        return 0
    print(f"Coverage for {partnership.name} on {as_of:%-d %B %Y}")
    # The table is for people: counts with thousands separators (CSV and JSON stay plain).
    for line in aligned([header, *table, *totals], rules_after=(0, len(table)) if table else (0,)):
        print(line)
    return 0


REPORT_FORMATS = (".docx", ".pdf", ".html")


def cmd_report(args: argparse.Namespace) -> int:
    """The board progress report for a period, drafted from the data, as Word, PDF or HTML
    (by the output file's ending)."""
    from django.core.exceptions import ValidationError

    from tiptracker.lib.dates import today
    from tiptracker.reporting.draft import report_draft
    from tiptracker.reporting.gather import report_figures
    from tiptracker.reporting.render_html import report_html
    from tiptracker.reporting.render_pdf import report_pdf
    from tiptracker.reporting.word_template import report_template_for, word_in_template

    out = Path(args.out)
    if out.suffix.lower() not in REPORT_FORMATS:
        raise UserError(
            f"--out {out.name}: the file must end in .docx, .pdf or .html (the format follows it)"
        )
    if args.to < args.start:
        raise UserError(
            f"the period ends ({args.to:%-d %B %Y}) before it starts ({args.start:%-d %B %Y})"
        )
    if args.to > today():
        raise UserError(
            f"the period ends in the future ({args.to:%-d %B %Y}): a report covers what has "
            "happened, up to today at the latest"
        )
    partnership = partnership_by_slug(args.partnership)
    figures = report_figures(partnership_id=partnership.pk, start=args.start, end=args.to)
    report = _with_cover(report_draft(figures), args)
    if out.suffix.lower() == ".docx":
        try:
            content = word_in_template(report, report_template_for(partnership.pk), partnership.pk)
        except ValidationError as problem:
            raise UserError(" ".join(problem.messages)) from None
    elif out.suffix.lower() == ".pdf":
        content = report_pdf(report)
    else:
        content = report_html(report).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as problem:
        raise UserError(f"could not write {out}: {problem.strerror}") from None
    print(f"Wrote the board report for {partnership.name}, {args.start} to {args.to}: {out}")
    return 0


# The cover's options -> the report's fields (reporting.cover.COVER_FIELDS).
REPORT_COVER = {
    "number": "reference",
    "report_to": "report_to",
    "meeting_date": "meeting_date",
    "report_by": "report_by",
    "author": "author_name",
    "author_designation": "author_designation",
    "date": "report_date",
}


def _with_cover(report, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The drafted report with the cover and close given as options, checked by the same
    rules as on a report's page."""
    from dataclasses import replace

    from django.core.exceptions import ValidationError

    from tiptracker.reporting.cover import REPORT_TO, cover_checked, with_cover

    given = {
        field: getattr(args, option)
        for option, field in REPORT_COVER.items()
        if getattr(args, option) is not None
    }
    try:
        checked = cover_checked(args.to, given)
    except ValidationError as problem:
        option = {field: option for option, field in REPORT_COVER.items()}
        raise UserError(
            "; ".join(
                f"--{option[field].replace('_', '-')}: {message}"
                for field, messages in problem.message_dict.items()
                for message in messages
            )
        ) from None
    return with_cover(replace(report, report_to=REPORT_TO), checked)
