"""`tiptracker spc FILE`: a run chart's or an XmR chart's centre, limits and signals for a
series in a file (formats.md, "Charts of a measure over time"), as a table or JSON. It reads
no database: the same computation (lib/spc.py) draws a measure's chart on its page."""

import argparse
import json
import sys
from pathlib import Path

from tiptracker.cli.arguments import aligned
from tiptracker.lib.series import SeriesProblems, read_series
from tiptracker.lib.spc import Chart, ChartKind, Improvement, RuleSet, compute
from tiptracker.lib.user_error import UserError

SIGNAL_WORDS = {
    "outside_limits": "outside the limits",
    "shift": "shift",
    "trend": "trend",
    "two_of_three": "2 of 3 near a limit",
    "long_run": "long run",
}


def cmd_spc(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"no file '{path}'")
    try:
        with open(path, "rb") as binary:
            series = read_series(binary, path.name)
    except SeriesProblems as problems:
        if problems.file:
            raise UserError(f"{path.name}: {problems.file}") from None
        lines = "\n".join(f"  {p}" for p in problems.problems)
        raise UserError(
            f"{path.name} has {len(problems.problems)} problem"
            f"{'' if len(problems.problems) == 1 else 's'}; nothing was charted:\n{lines}"
        ) from None
    if series.extra_columns:
        print(
            f"tiptracker: warning: ignored column{'s' if len(series.extra_columns) > 1 else ''}: "
            + ", ".join(series.extra_columns),
            file=sys.stderr,
        )
    chart = compute(
        series.observations,
        kind=ChartKind(args.chart),
        baseline=args.baseline,
        improvement=Improvement(args.improvement),
        rules=RuleSet(args.rules),
    )
    if args.format == "json":
        print(json.dumps(chart.as_json(), indent=2))
    else:
        print(table(chart))
    return 0


def _number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def table(chart: Chart) -> str:
    """The chart for a person reading a terminal: each segment, then one line per point."""
    xmr = chart.kind == ChartKind.XMR
    title = "XmR chart" if xmr else f"Run chart ({chart.rules} rules)"
    lines = [f"{title}, improvement {chart.improvement}"]
    for s in chart.segments:
        line = f"Segment {s.number} from {s.first.isoformat()} ({s.size} point{'' if s.size == 1 else 's'}, "
        line += f"baseline {s.baseline_size}): "
        line += f"{'mean' if xmr else 'median'} {_number(s.centre)}"
        if s.upper is not None:
            line += f", limits {_number(s.lower)} to {_number(s.upper)}"
        if s.crossings is not None:
            line += (
                f", {s.crossings} crossings (fewer than {s.crossings_lower_limit} is a signal"
                f"{': signal' if s.few_crossings else ''}), longest run limit {s.longest_run_limit}"
            )
        lines.append(line)
        lines.extend(f"  Warning: {w}" for w in s.warnings)
    header = ["date", "value", "segment", "centre", *(["lower", "upper"] if xmr else [])]
    header += ["signals", "variation"]
    rows = [header]
    for p in chart.points:
        limits = [_number(p.lower), _number(p.upper)] if xmr else []
        signals = ", ".join(SIGNAL_WORDS[s] for s in p.signals) or "-"
        rows.append(
            [p.on.isoformat(), _number(p.value), str(p.segment), _number(p.centre), *limits]
            + [signals, p.variation.replace("_", " ")]
        )
    lines.append("")
    lines.extend(aligned(rows))
    return "\n".join(lines)
