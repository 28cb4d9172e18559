"""Coverage: tiptracker's coverage() against one hand-written SQL aggregate of the same figures.

    python bench/bench_coverage.py [--as-of 2024-03-31] [--repeat 5] [--national]

Needs `python bench/generate.py big` (and `national` for --national). Prints, for by=None,
organisation and team, the median time of coverage() and of the baseline query, their
ratio (target <= 1.5), and whether the two give identical figures (they must).

The baseline is written independently of coverage.py: each person's best level achieved
on or before the date (MAX over their completions), joined to the people in the workforce
on the date, then one GROUP BY counting needed and met per level.
"""

import argparse
import datetime as dt
import sys

import common

LEVELS = (1, 2, 3, 4)


def baseline_sql(by: str | None) -> str:
    group = {
        None: [],
        "organisation": ["s.organisation_id"],
        "team": ["s.organisation_id", "s.team_id"],
    }[by]
    keys = "".join(f"{g}, " for g in group)
    sums = ", ".join(
        f"SUM(CASE WHEN COALESCE(s.required_level, t.required_level, 1) >= {n} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN COALESCE(s.required_level, t.required_level, 1) >= {n} AND b.best >= {n} THEN 1 ELSE 0 END)"
        for n in LEVELS
    )
    return f"""
        SELECT {keys}{sums}
        FROM workforce_staffmember s
        JOIN workforce_team t ON t.id = s.team_id
        LEFT JOIN (
            SELECT c.staff_id, MAX(co.level) AS best
            FROM training_completion c JOIN training_course co ON co.id = c.course_id
            WHERE c.partnership_id = %s AND c.completed_on <= %s
            GROUP BY c.staff_id
        ) b ON b.staff_id = s.id
        WHERE s.partnership_id = %s
          AND (s.start_date IS NULL OR s.start_date <= %s)
          AND (s.leaving_date IS NULL OR s.leaving_date >= %s)
        {"GROUP BY " + ", ".join(group) if group else ""}
    """


def baseline(partnership_id: int, as_of: dt.date, by: str | None) -> dict:
    """{(organisation_id, team_id, level): (needed, met)}, with (None, None, level) the totals."""
    from django.db import connection

    width = {None: 0, "organisation": 1, "team": 2}[by]
    figures: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(baseline_sql(by), [partnership_id, as_of, partnership_id, as_of, as_of])
        for row in cursor.fetchall():
            keys, sums = row[:width], row[width:]
            if by is None and sums[0] is None:
                continue  # nobody in the workforce: no totals row
            org = keys[0] if width else None
            team = keys[1] if width == 2 else None
            for i, level in enumerate(LEVELS):
                needed, met = int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0)
                if width:
                    figures[(org, team, level)] = (needed, met)
                total = figures.get((None, None, level), (0, 0))
                figures[(None, None, level)] = (total[0] + needed, total[1] + met)
    return figures


def tiptracker_coverage(partnership, as_of: dt.date, by: str | None) -> dict:
    from tiptracker.training.coverage import coverage

    result = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=as_of, by=by
    )
    figures = {(r.organisation_id, r.team_id, int(r.level)): (r.needed, r.met) for r in result.rows}
    for r in result.totals:
        if r.needed or result.rows or by is None:
            figures[(None, None, int(r.level))] = (r.needed, r.met)
    return figures


def compare(
    partnerships: list, as_of: dt.date, by: str | None, repeat: int
) -> tuple[float, float, bool]:
    """Median seconds of coverage() and of the baseline over all `partnerships`, and whether they agree."""
    ours, theirs = {}, {}

    def run_ours():
        for p in partnerships:
            ours[p.id] = tiptracker_coverage(p, as_of, by)

    def run_theirs():
        for p in partnerships:
            theirs[p.id] = baseline(p.id, as_of, by)

    # Interleave the two so that the machine's noise falls on both alike.
    ours_times, theirs_times = [], []
    run_ours(), run_theirs()  # warm-up: both read the same pages into the cache
    for _ in range(repeat):
        ours_times.append(common.timed(run_ours)[0])
        theirs_times.append(common.timed(run_theirs)[0])
    same = all(_agree(ours[p.id], theirs[p.id]) for p in partnerships)
    return (
        sorted(ours_times)[len(ours_times) // 2],
        sorted(theirs_times)[len(theirs_times) // 2],
        same,
    )


def _agree(ours: dict, theirs: dict) -> bool:
    # A level nobody needs anywhere may be a zero row in one and absent from the other.
    keys = set(ours) | set(theirs)
    return all(ours.get(k, (0, 0)) == theirs.get(k, (0, 0)) for k in keys)


def report(label: str, partnerships: list, as_of: dt.date, repeat: int) -> list[tuple]:
    lines = []
    for by in (None, "organisation", "team"):
        ours, theirs, same = compare(partnerships, as_of, by, repeat)
        ratio = ours / theirs
        common.say(
            f"{label:<34} by={str(by):<12} coverage() {ours * 1000:8.1f} ms   baseline SQL {theirs * 1000:8.1f} ms   "
            f"ratio {ratio:4.2f} (target <= 1.5)   same figures: {'yes' if same else 'NO'}"
        )
        if not same:
            common.fail("coverage() and the baseline disagree: that is a bug")
        lines.append((label, by, ours, theirs, ratio))
    return lines


def check_rollup(partnership, as_of: dt.date) -> None:
    """coverage_rolled_up of the figures by team must equal asking by organisation and for totals."""
    from tiptracker.training.coverage import coverage, coverage_rolled_up

    def direct(by):
        return coverage(
            partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=as_of, by=by
        ).as_json()

    by_team = coverage(
        partnership_id=partnership.id, partnership_slug=partnership.slug, as_of=as_of, by="team"
    )
    same = all(
        coverage_rolled_up(by_team, by=by).as_json() == direct(by) for by in (None, "organisation")
    )
    common.say(
        f"coverage by team rolled up = coverage by organisation and totals: {'yes' if same else 'NO'}"
    )
    if not same:
        common.fail("coverage_rolled_up disagrees with coverage(): that is a bug")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2024, 3, 31))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--national", action="store_true", help="also one national partnership and all 32"
    )
    args = parser.parse_args(argv)
    common.setup()
    from tiptracker.partnerships.models import Partnership

    common.heading(f"Coverage on {args.as_of}")
    big = Partnership.objects.filter(slug=common.BIG).first()
    if big is None:
        common.fail(f"no {common.BIG}: run python bench/generate.py big first")
    report(f"{common.BIG} (50,000 staff)", [big], args.as_of, args.repeat)
    check_rollup(big, args.as_of)
    if args.national:
        national = list(
            Partnership.objects.filter(slug__startswith=common.NATIONAL_PREFIX).order_by("slug")
        )
        if len(national) != 32:
            common.fail("no national set: run python bench/generate.py national first")
        from tiptracker.workforce.models import StaffMember

        largest = max(national, key=lambda p: StaffMember.objects.filter(partnership=p).count())
        size = StaffMember.objects.filter(partnership=largest).count()
        report(f"national: {largest.slug} ({size:,})", [largest], args.as_of, args.repeat)
        report(
            "national: all 32, one after another", national, args.as_of, max(1, args.repeat // 2)
        )


if __name__ == "__main__":
    main(sys.argv[1:])
