"""The board report (issue 6): the Word report of bench-50k for six months, against the SQL
aggregates it needs.

    python bench/bench_report.py [--runs 10] [--start 2024-07-01] [--end 2024-12-31]
                                 [--force] [--profile]

The data: bench-50k (generate.py big, made here if missing). generate.py makes no training
sessions, so this adds, once (--force makes them again), the period's sessions: every course
every fortnight from 1 July to 31 December 2024 (264 sessions, one course's for managers),
each with 22 people booked (attended 85%, partly 5%, did not attend 10%), 5,808 bookings,
seeded. The survey data of bench_feedback.py is used if it is there (the impact chain), not
required. The plan, funding, engagement, network and lived-experience route are empty on
bench-50k: their paragraphs say so, and their queries still run.

Checks first that report_figures() agrees with the hand-written SQL (coverage needed and
trained per level on every day of the trend, its ends also against bench_coverage's SQL;
sessions and people attended per course; the planned briefings): the run fails if not. Then, after one warm-up, times --runs generations of the Word report
(report_figures + report_draft + report_docx, as a whole), each in turn with the baseline:
one function running every SQL aggregate the report needs, written apart from the app's
selectors. Before each timed generation the report's charts (the coverage trend and the
impact chain) are deleted from the chart cache, so every run draws them, as the first download of a new report does (a warm cache would hide
matplotlib's cost). Targets: report p95 / SQL p95 <= 3, and report p95 <= 5 s.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import tracemalloc

import common

SEED = 6
START = dt.date(2024, 7, 1)
END = dt.date(2024, 12, 31)  # the data set's "today": the last day generate.py trains on
PER_SESSION = 22
EVERY_DAYS = 14
MANAGERS_COURSE = "TS-01"  # its sessions are for managers: the report's manager briefings
ATTENDANCE_WEIGHTS = {"attended": 85, "partly": 5, "no_show": 10}
LEVELS = (1, 2, 3, 4)


# The data ---------------------------------------------------------------------------------------


def ensure_data(force: bool, start: dt.date, end: dt.date):
    """bench-50k with training sessions and bookings in the period; returns the partnership."""
    import generate

    from tiptracker.partnerships.models import Partnership
    from tiptracker.training.models import TrainingSession

    partnership = Partnership.objects.filter(slug=common.BIG).first()
    if partnership is None:
        generate.big()
        partnership = Partnership.objects.get(slug=common.BIG)
    sessions = TrainingSession.objects.filter(partnership_id=partnership.id)
    if sessions.exists() and not force:
        common.say(f"{common.BIG}'s training sessions are already there (--force makes them again)")
        return partnership
    seconds, (made, booked) = common.timed(lambda: sessions_generate(partnership, start, end))
    common.say(
        f"{common.BIG}: {made:,} sessions and {booked:,} bookings written in {seconds:.1f} s"
    )
    return partnership


def sessions_generate(partnership, start: dt.date, end: dt.date) -> tuple[int, int]:
    """Every course every fortnight through the period, each with PER_SESSION people booked
    (a person may attend two sessions of a course: they count once in the report)."""
    from django.db import transaction

    from tiptracker.lib.dates import LONDON
    from tiptracker.training.models import Booking, Course, TrainingSession
    from tiptracker.workforce.models import StaffMember

    rng = random.Random(SEED)
    with transaction.atomic():
        TrainingSession.objects.filter(partnership_id=partnership.id).delete()  # and bookings
        staff = list(
            StaffMember.objects.filter(partnership_id=partnership.id)
            .order_by("staff_id")
            .values_list("id", flat=True)
        )
        sessions = []
        for course in Course.objects.filter(partnership_id=partnership.id).order_by("code"):
            day = start + dt.timedelta(days=rng.randrange(EVERY_DAYS))
            while day <= end:
                begins = dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)
                sessions.append(
                    TrainingSession(
                        partnership_id=partnership.id,
                        course=course,
                        starts_at=begins,
                        ends_at=begins + dt.timedelta(hours=3),
                        capacity=PER_SESSION + 3,
                        venue="Bench Hall",
                        audience="Managers" if course.code == MANAGERS_COURSE else "All staff",
                    )
                )
                day += dt.timedelta(days=EVERY_DAYS)
        TrainingSession.objects.bulk_create(sessions)
        sessions = list(
            TrainingSession.objects.filter(partnership_id=partnership.id).order_by(
                "course__code", "starts_at"
            )
        )
        marks, weights = list(ATTENDANCE_WEIGHTS), list(ATTENDANCE_WEIGHTS.values())
        bookings = [
            Booking(
                partnership_id=partnership.id,
                session=session,
                staff_id=staff_id,
                status=Booking.Status.BOOKED,
                attendance=rng.choices(marks, weights)[0],
            )
            for session in sessions
            for staff_id in rng.sample(staff, PER_SESSION)
        ]
        Booking.objects.bulk_create(bookings, batch_size=2000)
    return len(sessions), len(bookings)


# The baseline ----------------------------------------------------------------------------------

ATTENDANCE_SQL = """
SELECT s.course_id, c.title, COUNT(DISTINCT s.id),
       COUNT(DISTINCT CASE WHEN b.status = 'booked' AND b.attendance = 'attended'
                           THEN b.staff_id END)
FROM training_trainingsession s
JOIN training_course c ON c.id = s.course_id
LEFT JOIN training_booking b ON b.session_id = s.id AND b.staff_id IS NOT NULL
WHERE s.partnership_id = %s AND s.starts_at >= %s AND s.starts_at < %s
  AND s.status <> 'cancelled'
  AND NOT EXISTS (SELECT 1 FROM training_booking g
                  WHERE g.session_id = s.id AND g.guest_id IS NOT NULL)
GROUP BY s.course_id, c.title
"""
BRIEFINGS_SQL = """
SELECT s.id, COUNT(*) FROM training_trainingsession s
JOIN training_booking g ON g.session_id = s.id AND g.guest_id IS NOT NULL
WHERE s.partnership_id = %s AND s.starts_at >= %s AND s.starts_at < %s
  AND s.status <> 'cancelled' AND g.status <> 'cancelled'
GROUP BY s.id
"""
PLAN_SQL = "SELECT status, COUNT(*) FROM plan_action WHERE partnership_id = %s GROUP BY status"
PLAN_CHANGES_SQL = """
SELECT COUNT(*) FROM plan_planchange
WHERE partnership_id = %s AND entity = 'action' AND at >= %s AND at < %s
"""
PRIORITIES_SQL = """
SELECT number, title FROM plan_priority WHERE partnership_id = %s AND financial_year = %s
ORDER BY number
"""
ALLOCATED_SQL = """
SELECT financial_year, SUM(amount) FROM funding_allocation
WHERE partnership_id = %s AND financial_year IN (%s, %s) GROUP BY financial_year
"""
COMMITTED_SQL = """
SELECT financial_year, SUM(amount) FROM funding_commitment
WHERE partnership_id = %s AND financial_year IN (%s, %s) GROUP BY financial_year
"""
ENGAGEMENT_SQL = """
SELECT date, body, kind, summary FROM engagement_engagement
WHERE partnership_id = %s AND date >= %s AND date <= %s ORDER BY date, id
"""
NETWORK_SQL = """
SELECT kind, COUNT(*), COUNT(DISTINCT team_id) FROM network_networkmember
WHERE partnership_id = %s AND (from_date IS NULL OR from_date <= %s)
  AND (to_date IS NULL OR to_date >= %s)
GROUP BY kind
"""
TEAMS_SQL = "SELECT COUNT(*) FROM workforce_team WHERE partnership_id = %s"
LIVED_ENTERED_SQL = """
SELECT c.to_stage, COUNT(DISTINCT c.record_id) FROM lived_stagechange c
JOIN lived_routerecord r ON r.id = c.record_id
WHERE r.partnership_id = %s AND c."on" >= %s AND c."on" <= %s GROUP BY c.to_stage
"""
LIVED_STANDING_SQL = """
SELECT c.to_stage, COUNT(*) FROM lived_stagechange c
JOIN lived_routerecord r ON r.id = c.record_id
WHERE r.partnership_id = %s AND c."on" <= %s
  AND NOT EXISTS (SELECT 1 FROM lived_stagechange d
                  WHERE d.record_id = c.record_id AND d."on" <= %s
                    AND (d."on" > c."on" OR (d."on" = c."on" AND d.at > c.at)
                         OR (d."on" = c."on" AND d.at = c.at AND d.id > c.id)))
GROUP BY c.to_stage
"""


def trend_sql(days: int) -> str:
    """Coverage per level on each of `days` days in one statement: each person's required
    level and the first day they met each level worked out once (MATERIALIZED, or SQLite
    would work them out again for every day), then one plain scan of them per day, the days
    joined by UNION ALL. (Joining a VALUES list of the days to the people and grouping, the
    first way this was written, re-reads and sorts every person per day: several times
    slower, which made the baseline flatter the report.) Parameters: the partnership, the
    last day, the partnership, then for each day: the day, the day once per level, the day
    twice for the workforce."""
    met = ",\n".join(
        f"MIN(CASE WHEN co.level >= {n} THEN c.completed_on END) AS met_{n}" for n in LEVELS
    )
    sums = ", ".join(
        f"SUM(CASE WHEN p.req >= {n} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.req >= {n} AND p.met_{n} <= %s THEN 1 ELSE 0 END)"
        for n in LEVELS
    )
    one_day = (
        f"SELECT %s AS day, {sums} FROM p "
        "WHERE (p.start_date IS NULL OR p.start_date <= %s) "
        "AND (p.leaving_date IS NULL OR p.leaving_date >= %s)"
    )
    return f"""
        WITH p AS MATERIALIZED (
            SELECT COALESCE(s.required_level, t.required_level, 1) AS req,
                   s.start_date, s.leaving_date, {", ".join(f"m.met_{n}" for n in LEVELS)}
            FROM workforce_staffmember s
            JOIN workforce_team t ON t.id = s.team_id
            LEFT JOIN (
                SELECT c.staff_id, {met}
                FROM training_completion c JOIN training_course co ON co.id = c.course_id
                WHERE c.partnership_id = %s AND c.completed_on <= %s
                GROUP BY c.staff_id
            ) m ON m.staff_id = s.id
            WHERE s.partnership_id = %s
        )
        {" UNION ALL ".join([one_day] * days)}
    """


def trend_params(partnership_id: int, end: dt.date, days: list[dt.date]) -> list:
    """trend_sql's parameters, in its order."""
    per_day = [x for day in days for x in [day, *[day] * len(LEVELS), day, day]]
    return [partnership_id, end, partnership_id, *per_day]


def trend_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day, every month end strictly between, the last day (written apart from
    gather_training.trend_days: the check below compares the two)."""
    days, month = [start], start.replace(day=1)
    while True:
        month = (month + dt.timedelta(days=32)).replace(day=1)
        last = month - dt.timedelta(days=1)
        if last >= end:
            break
        if last > start:
            days.append(last)
    return days + ([end] if end > start else [])


def six_months_on(end: dt.date) -> dt.date:
    """The last day of the sixth month after `end`'s: the planned briefings' horizon."""
    year, month = divmod(end.year * 12 + end.month - 1 + 7, 12)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


# The narrative's facts (issue 15): completions by source, resources published, the report
# the board last received, and the latest note on each action at risk or off track.
COMPLETIONS_BY_SOURCE_SQL = """
SELECT source, COUNT(*) FROM training_completion
WHERE partnership_id = %s AND completed_on >= %s AND completed_on <= %s GROUP BY source
"""
RESOURCES_SQL = """
SELECT title, kind, updated_on FROM resources_resource
WHERE partnership_id = %s AND updated_on >= %s AND updated_on <= %s ORDER BY updated_on, title
"""
PREVIOUS_REPORT_SQL = """
SELECT r.title, r.reference, MAX(e.at) FROM reporting_report r
LEFT JOIN reporting_reportevent e ON e.report_id = r.id AND e.action = 'approved'
WHERE r.partnership_id = %s AND r.state = 'approved' AND r.period_start < %s
  AND r.period_end < %s
GROUP BY r.id, r.title, r.reference, r.period_end ORDER BY r.period_end DESC, r.id DESC LIMIT 1
"""
NOTES_SQL = """
SELECT u.action_id, u.written_on, u.text FROM plan_progressupdate u
JOIN plan_action a ON a.id = u.action_id
WHERE u.partnership_id = %s AND a.status IN ('at_risk', 'off_track')
  AND u.written_on >= %s AND u.written_on <= %s ORDER BY u.action_id, u.written_on DESC
"""
IMPACT_ATTENDED_SQL = """
SELECT course_id, COUNT(DISTINCT staff_id) FROM training_completion
WHERE partnership_id = %s AND completed_on >= %s AND completed_on <= %s GROUP BY course_id
"""
# Attributable responses are counted live; a course's survey with anonymous answers is read
# from its released cells only (feedback/release.py), as the report's chain reads it.
IMPACT_ANSWERED_SQL = """
SELECT course_id, timepoint, COUNT(*) FROM feedback_response
WHERE partnership_id = %s AND trained_in >= %s AND trained_in <= %s AND NOT anonymous
GROUP BY course_id, timepoint
"""
IMPACT_RELEASED_SQL = """
SELECT course_id, timepoint, starts_on, quarter, answered, changed FROM feedback_releasedcell
WHERE partnership_id = %s AND NOT withheld AND starts_on >= %s AND starts_on <= %s
"""


def _quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _financial_year(day: dt.date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def sql_aggregates(partnership_id: int, start: dt.date, end: dt.date) -> dict:
    """Every aggregate the report's figures need, one statement each, by hand."""
    from django.db import connection

    from tiptracker.lib.dates import LONDON

    pid = partnership_id
    begins = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
    ends = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    # The impact chain's window: the whole quarters the period touches.
    window_start = _quarter_start(start)
    last = _quarter_start(end)
    window_end = (last.replace(year=last.year + 1, month=1) if last.month == 10 else
                  last.replace(month=last.month + 3)) - dt.timedelta(days=1)  # fmt: skip
    years = (_financial_year(start), _financial_year(end))
    days = trend_days(start, end)
    planned_from = ends
    planned_to = dt.datetime.combine(
        six_months_on(end) + dt.timedelta(days=1), dt.time(), tzinfo=LONDON
    )
    found: dict = {}
    with connection.cursor() as cursor:

        def rows(sql: str, params: list) -> list[tuple]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        # Coverage at both ends of the period is the trend's first and last days.
        found["coverage_trend"] = {
            (day if isinstance(day, dt.date) else dt.date.fromisoformat(day)): sums
            for day, *sums in rows(trend_sql(len(days)), trend_params(pid, end, days))
        }
        found["attendance"] = {
            title: (sessions, people)
            for _id, title, sessions, people in rows(ATTENDANCE_SQL, [pid, begins, ends])
        }
        found["briefings"] = rows(BRIEFINGS_SQL, [pid, begins, ends])
        found["briefings_planned"] = rows(BRIEFINGS_SQL, [pid, planned_from, planned_to])
        found["plan"] = dict(rows(PLAN_SQL, [pid]))
        found["plan_changes"] = rows(PLAN_CHANGES_SQL, [pid, begins, ends])[0][0]
        found["priorities"] = rows(
            PRIORITIES_SQL, [pid, _financial_year(end + dt.timedelta(days=1))]
        )
        found["allocated"] = dict(rows(ALLOCATED_SQL, [pid, *years]))
        found["committed"] = dict(rows(COMMITTED_SQL, [pid, *years]))
        found["engagement"] = rows(ENGAGEMENT_SQL, [pid, start, end])
        found["network"] = {k: (n, t) for k, n, t in rows(NETWORK_SQL, [pid, end, end])}
        found["teams"] = rows(TEAMS_SQL, [pid])[0][0]
        # The route's counts, like the chain, over the whole quarters the period touches.
        found["lived_entered"] = dict(rows(LIVED_ENTERED_SQL, [pid, window_start, window_end]))
        found["lived_standing"] = dict(rows(LIVED_STANDING_SQL, [pid, window_end, window_end]))
        found["impact_attended"] = dict(rows(IMPACT_ATTENDED_SQL, [pid, window_start, window_end]))
        found["impact_answered"] = rows(IMPACT_ANSWERED_SQL, [pid, window_start, window_end])
        found["impact_released"] = rows(IMPACT_RELEASED_SQL, [pid, window_start, window_end])
        found["completions"] = dict(rows(COMPLETIONS_BY_SOURCE_SQL, [pid, start, end]))
        found["resources"] = rows(RESOURCES_SQL, [pid, start, end])
        found["previous_report"] = rows(PREVIOUS_REPORT_SQL, [pid, start, end])
        found["notes"] = rows(NOTES_SQL, [pid, start, end])
    return found


def check_figures(figures, raw: dict, at_start: dict, at_end: dict) -> int:
    """report_figures()'s coverage (at both ends, against bench_coverage's baseline, and on
    every day of the trend, against the trend's SQL), attendance, completions by source and
    planned briefings against the SQL's; fails the run on any difference. Returns how many figures were
    compared."""
    problems = []
    compared = 0
    by_level = {c.level: c for c in figures.coverage}
    days = list(raw["coverage_trend"])
    if sorted(days) != sorted({p.day for p in figures.coverage_trend}):
        problems.append(f"trend days: report {figures.coverage_trend}, SQL {days}")
    for day, sums in raw["coverage_trend"].items():
        for i, level in enumerate(LEVELS):
            want = (int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0))
            got = next(
                (
                    (p.needed, p.trained)
                    for p in figures.coverage_trend
                    if (p.day, p.level) == (day, level)
                ),
                (0, 0),
            )
            if got != want:
                problems.append(f"coverage on {day}, level {level}: report {got}, SQL {want}")
            compared += 2
        if day in (figures.start, figures.end):
            other = at_start if day == figures.start else at_end
            for i, level in enumerate(LEVELS):
                want = (int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0))
                if other.get((None, None, level), (0, 0)) != want:
                    problems.append(
                        f"trend SQL and bench_coverage disagree on {day}, level {level}"
                    )
    by_source = {c.source: c.completions for c in figures.completions}
    if by_source != {k: v for k, v in raw["completions"].items() if v}:
        problems.append(f"completions by source: report {by_source}, SQL {raw['completions']}")
    compared += len(by_source)
    planned = [n for _id, n in raw["briefings_planned"]]
    if [b.invited for b in figures.briefings_planned] != planned:
        problems.append(f"planned briefings: report {figures.briefings_planned}, SQL {planned}")
    compared += len(planned)
    for level in LEVELS:
        needed_start, met_start = at_start.get((None, None, level), (0, 0))
        needed_end, met_end = at_end.get((None, None, level), (0, 0))
        c = by_level.get(level)
        got = (
            (c.needed_at_start, c.trained_at_start, c.needed_at_end, c.trained_at_end)
            if c
            else (0, 0, 0, 0)
        )
        if got != (needed_start, met_start, needed_end, met_end):
            problems.append(
                f"coverage, level {level}: report {got}, SQL "
                f"{(needed_start, met_start, needed_end, met_end)}"
            )
        compared += 4
    got_attendance = {a.course: (a.sessions, a.attended) for a in figures.attendance}
    if got_attendance != raw["attendance"]:
        problems.append(f"attendance: report {got_attendance}, SQL {raw['attendance']}")
    compared += 2 * len(raw["attendance"])
    if not raw["attendance"] or not any(n for n, _ in at_end.values()):
        problems.append("nothing to compare: no sessions or no workforce in the period")
    if problems:
        common.fail("report_figures() and the SQL disagree:\n  " + "\n  ".join(problems))
    return compared


# The report -------------------------------------------------------------------------------------


class Report:
    """One generation of the Word report, as a whole; keeps how long each part took."""

    def __init__(self, partnership_id: int, start: dt.date, end: dt.date) -> None:
        self.partnership_id, self.start, self.end = partnership_id, start, end
        self.parts: dict[str, list[float]] = {"figures": [], "draft": [], "docx": []}

    def __call__(self) -> bytes:
        from tiptracker.reporting.draft import report_draft
        from tiptracker.reporting.gather import report_figures
        from tiptracker.reporting.render_word import report_docx

        t0, figures = common.timed(
            lambda: report_figures(
                partnership_id=self.partnership_id, start=self.start, end=self.end
            )
        )
        t1, document = common.timed(lambda: report_draft(figures))
        t2, data = common.timed(lambda: report_docx(document))  # type: ignore[arg-type]
        for name, seconds in zip(self.parts, (t0, t1, t2), strict=True):
            self.parts[name].append(seconds)
        return data  # type: ignore[return-value]


def chart_keys(work) -> tuple[list[str], object]:  # type: ignore[no-untyped-def]
    """Run `work` once, noting the chart cache keys it reads (lib/charts.cached is looked up
    by name at each call, so wrapping it for this untimed run sees every chart)."""
    import hashlib
    import json

    from tiptracker.lib import charts

    keys: list[str] = []
    original = charts.cached

    def noting(kind, payload, draw):  # type: ignore[no-untyped-def]
        keys.append(
            f"chart{charts.CHART_STYLE_VERSION}:"
            + hashlib.sha256(json.dumps([kind, payload], default=str).encode()).hexdigest()
        )
        return original(kind, payload, draw)

    charts.cached = noting  # type: ignore[assignment]
    try:
        result = work()
    finally:
        charts.cached = original
    return keys, result


def p95(values: list[float]) -> float:
    return common.percentile(values, 95)


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<44} p50 {statistics.median(values) * 1000:8.1f} ms   "
        f"p95 {p95(values) * 1000:8.1f} ms"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=START)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=END)
    parser.add_argument("--force", action="store_true", help="make the sessions again")
    parser.add_argument(
        "--profile", action="store_true", help="print where one generation spends its time"
    )
    args = parser.parse_args(argv)
    common.setup()
    from django.core.cache import cache

    from tiptracker.reporting.gather import report_figures

    common.heading(f"Board report (Word) of {common.BIG}, {args.start} to {args.end}")
    partnership = ensure_data(args.force, START, END)
    pid = partnership.id
    figures = report_figures(partnership_id=pid, start=args.start, end=args.end)
    from bench_coverage import baseline as coverage_baseline

    compared = check_figures(
        figures,
        sql_aggregates(pid, args.start, args.end),
        coverage_baseline(pid, args.start, None),
        coverage_baseline(pid, args.end, None),
    )
    common.say(
        f"report_figures() gave the same {compared} figures as the SQL "
        f"(coverage by level on {len({p.day for p in figures.coverage_trend})} days of the "
        f"trend, both ends also against bench_coverage's SQL; {len(figures.attendance)} "
        f"courses' sessions and people; {len(figures.briefings_planned)} planned briefings; "
        f"{len(figures.impact)} courses in the impact chain)"
    )

    report = Report(pid, args.start, args.end)
    baseline = lambda: sql_aggregates(pid, args.start, args.end)  # noqa: E731
    keys, data = chart_keys(report)  # the warm-up
    report.parts = {name: [] for name in report.parts}
    size = len(data)  # type: ignore[arg-type]

    cache.delete_many(keys)
    tracemalloc.start()
    report()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report.parts = {name: [] for name in report.parts}

    if args.profile:
        import cProfile
        import pstats

        cache.delete_many(keys)
        profiler = cProfile.Profile()
        profiler.runcall(report)
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
        report.parts = {name: [] for name in report.parts}

    times: dict[str, list[float]] = {"report": [], "sql": []}
    for _ in range(args.runs):
        cache.delete_many(keys)  # every timed run draws its chart
        times["report"].append(common.timed(report)[0])
        times["sql"].append(common.timed(baseline)[0])
    cached = [common.timed(report)[0] for _ in range(3)]  # charts in the cache, for comparison

    ratio = p95(times["report"]) / p95(times["sql"])
    common.say(
        line(f"Word report, {args.runs} runs (chart drawn each run)", times["report"])
        + f"   ({size / 1000:.0f} kB .docx, {len(keys)} charts)"
    )
    for name in ("figures", "draft", "docx"):
        common.say(line(f"  of which report_{name}()", report.parts[name][: args.runs]))
    common.say(
        f"{'the same with its chart cached (3 runs)':<44} p50 {statistics.median(cached) * 1000:8.1f} ms"
        f"   (report_docx() p50 {statistics.median(report.parts['docx'][args.runs :]) * 1000:.1f} ms)"
    )
    common.say(line("baseline: hand-written SQL aggregates", times["sql"]))
    common.say(f"peak memory of one generation (tracemalloc): {peak / 1e6:.1f} MB")
    met = ratio <= 3 and p95(times["report"]) <= 5
    common.say(
        f"ratio report p95 / SQL p95: {ratio:4.2f} (target <= 3); report p95 "
        f"{p95(times['report']):.2f} s (target <= 5 s): {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
