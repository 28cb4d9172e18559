"""Quality indicators on the command line: whether a partnership's indicators take part in
comparisons (`partnership share`), and one indicator compared across the partnerships that
share them (`indicators compare`, formats.md "Comparing partnerships")."""

import argparse
import json
import sys

from tiptracker.cli.arguments import aligned, partnership_by_slug
from tiptracker.lib.user_error import UserError


def cmd_partnership_share(args: argparse.Namespace) -> int:
    from tiptracker.indicators.models import SharingChange
    from tiptracker.indicators.sharing import partnership_sharing_set

    partnership = partnership_by_slug(args.slug)
    shared = args.national == "on"
    changed = partnership_sharing_set(
        actor=None, partnership=partnership, shared=shared, via=SharingChange.Via.COMMAND
    )
    if shared:
        said = "now take part" if changed else "already take part"
        print(
            f"{partnership.slug}: its indicators {said} in comparisons between partnerships "
            "(figures only, small numbers withheld; no person and no record)"
        )
    else:
        said = "no longer take part in" if changed else "already take part in no"
        print(f"{partnership.slug}: its indicators {said} comparisons between partnerships")
    return 0


def cmd_indicators_compare(args: argparse.Namespace) -> int:
    from tiptracker.indicators.computed import INDICATORS, UnknownIndicator, compare
    from tiptracker.lib.exports import to_csv
    from tiptracker.lib.numbers import thousands
    from tiptracker.lib.suppression import threshold

    try:
        found = compare(args.indicator, on=args.as_of, threshold=threshold())
    except UnknownIndicator:
        raise UserError(
            f"no indicator '{args.indicator}': those that can be compared are "
            f"{', '.join(INDICATORS)}"
        ) from None
    as_json = found.as_json(indicator=args.indicator, as_of=args.as_of.isoformat())
    if args.format == "json":
        print(json.dumps(as_json, indent=2))
        return 0
    header = [
        "partnership",
        "n",
        "x",
        "percent",
        "lower_95",
        "upper_95",
        "lower_99.8",
        "upper_99.8",
        "position",
    ]
    rows = []
    for row in as_json["partnerships"]:
        if row.get("suppressed"):
            rows.append([row["partnership"], *[""] * 7, "withheld"])
            continue
        limits = row["limits"]
        rows.append(
            [
                row["partnership"],
                row["n"],
                row["x"],
                row["percent"],
                *limits["95"],
                *limits["99.8"],
                row["position"],
            ]
        )
    if args.format == "csv":
        sys.stdout.write(to_csv(header, rows).decode("utf-8-sig"))
        return 0
    pooled = as_json["pooled"]
    shown = f"pooled {100 * pooled:.1f}%" if pooled is not None else "nothing to pool"
    print(
        f"{args.indicator} on {args.as_of:%-d %B %Y}, across "
        f"{len(rows)} partnership{'' if len(rows) == 1 else 's'} sharing their indicators: "
        f"{shown}"
    )
    if not rows:
        print(
            "No partnership shares its indicators yet (tiptracker partnership share SLUG "
            "--national on)."
        )
        return 0
    table = [
        [
            r[0],
            *(thousands(v) if isinstance(v, int) else v for v in r[1:3]),
            "" if r[3] == "" else f"{r[3]:.1f}%",
            *("" if v == "" else f"{100 * v:.1f}%" for v in r[4:8]),
            r[8] if r[8] != "withheld" else "withheld: fewer than the small-number threshold",
        ]
        for r in rows
    ]
    titles = [
        "partnership",
        "n",
        "x",
        "percent",
        "95% from",
        "95% to",
        "99.8% from",
        "99.8% to",
        "position",
    ]
    for line in aligned([titles, *table], rules_after=(0,)):
        print(line)
    return 0
