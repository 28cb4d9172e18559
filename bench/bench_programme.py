"""The improvement programme at scale (issue 17): the programme page with 50 projects, and a
measure of 1,000 points computed and drawn, each beside a baseline measured in the same run.

    python bench/bench_programme.py [--requests 30] [--draws 30] [--points 1000] [--force] [--profile]

The data: 50 improvement projects on bench-50k (50,000 staff; python bench/generate.py big),
titled "Bench project NN", each made through tiptracker.improvement.services (project_create,
measure_create) with one headline measure of 36 monthly values (January 2023 to December
2025, seeded: XmR and run charts, either way better or neither, some with a target, some with
a baseline of 12 and some with a rebase part-way), the values bulk-created. Made once and
reused; --force makes them again.

1. The page /p/bench-50k/improvement/ (every project with its headline measure's thumbnail)
   through Django's test client as a signed-in administrator: one warm-up request (it draws
   and caches the thumbnails), one cold request (the thumbnails deleted from the chart cache
   first: every one drawn, and counted; its drawings are compared with the warm-up's,
   which the same figures should give byte for byte), then --requests more, each timed in turn with a
   trivial signed-in page (/account/) and with one SQL query reading every headline
   measure's values (the data the page needs). p50/p95, and the page's p95 over each
   baseline's. Target: p95 < 300 ms. Then one value is added to one headline measure (through
   measure_value_record) and the page fetched again: that project's thumbnail must change and
   redraw, and the other 49 be byte-identical and come from the cache, or the run fails (the
   value is deleted after, so the data stay as made).
2. lib.spc.compute + lib.spc_charts.chart_svg (the measure page's chart: both widths) of
   bench_spc.py's seeded 1,000-point series, its cache entry deleted before each run so that
   every run draws: median and p95 of --draws runs. Target: median < 200 ms. Baseline: the
   same limits and signals with numpy (bench_spc.numpy_xmr, checked equal to compute's
   first), timed in turn; the ratio of compute alone to numpy's.
"""

import argparse
import calendar
import datetime as dt
import hashlib
import json
import random
import re
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import common

PREFIX = "Bench project"
PROJECTS = 50
MONTHS = 36
FIRST_YEAR = 2023  # month ends from January 2023 to December 2025
ADDED_ON = dt.date(2026, 1, 31)  # the value added to show the cache is invalidated
CHANGED = 7  # the project whose headline measure gets it
PAGE_TARGET_MS = 300
DRAW_TARGET_MS = 200
THUMBNAIL = re.compile(r'<svg [^>]*aria-label="Small chart of ([^"]+)"[^>]*>.*?</svg>', re.S)


def month_end(index: int) -> dt.date:
    year, month = FIRST_YEAR + index // 12, index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def headline_title(n: int) -> str:
    return f"Headline measure of {PREFIX.lower()} {n:02d}"


def bench_projects(partnership):  # type: ignore[no-untyped-def]
    from tiptracker.improvement.models import Project

    return Project.objects.filter(partnership=partnership, title__startswith=PREFIX)


def headline_values(partnership):  # type: ignore[no-untyped-def]
    from tiptracker.improvement.models import MeasureValue

    ids = bench_projects(partnership).values("headline_measure_id")
    return MeasureValue.objects.filter(measure_id__in=ids)


def ensure_projects(partnership, user, force: bool) -> None:  # type: ignore[no-untyped-def]
    """The 50 projects, each with its headline measure's 36 values: reused when all there."""
    from django.db import transaction

    from tiptracker.improvement import services
    from tiptracker.improvement.models import Measure, MeasureValue, Project
    from tiptracker.partnerships.models import Membership, Organisation

    existing = bench_projects(partnership)
    if (
        not force
        and existing.count() == PROJECTS
        and headline_values(partnership).count() == PROJECTS * MONTHS
    ):
        common.say(f"{PROJECTS} projects already there (use --force to make them again)")
        return
    rng = random.Random(17)
    organisations = list(Organisation.objects.filter(partnership=partnership).order_by("id"))
    lead = Membership.objects.get(partnership=partnership, user=user)

    def make() -> int:
        existing.delete()
        rows = []
        for n in range(1, PROJECTS + 1):
            project = services.project_create(
                actor=user,
                partnership_id=partnership.id,
                organisations=rng.sample(organisations, k=rng.randint(1, 3)),
                title=f"{PREFIX} {n:02d}",
                aim_what="Fewer people retold their story at each service they come to",
                aim_for_whom="People using the service",
                aim_how_much="A fifth fewer",
                aim_by=dt.date(2026, 12, 31),
                status=rng.choice(Project.Status.values),
                starts_on=dt.date(FIRST_YEAR, 1, 1),
                lead=lead,
            )
            unit = rng.choice(["count", "percentage", "days"])
            level = {"count": 40.0, "percentage": 60.0, "days": 20.0}[unit]
            spread = level / 10
            measure = services.measure_create(
                actor=user,
                project=project,
                title=headline_title(n),
                definition="Counted each month from the service's records",
                kind=rng.choice(Measure.Kind.values),
                unit=unit,
                frequency="monthly",
                improvement=rng.choice(Measure.Direction.values),
                chart="xmr" if n % 2 else "run",
                rules="anhoej" if n % 4 == 0 else "ihi",
                target=level * 1.1 if n % 3 == 0 else None,
                baseline_points=12 if n % 5 == 0 else None,
            )
            rebase_at = rng.randint(14, 26) if rng.random() < 0.35 else None
            for i in range(MONTHS):
                rebased = rebase_at is not None and i >= rebase_at
                value = rng.gauss(level + (spread * 2 if rebased else 0), spread)
                if unit == "percentage":
                    value = min(max(value, 0.0), 100.0)
                rows.append(
                    MeasureValue(
                        partnership_id=partnership.id,
                        measure=measure,
                        on=month_end(i),
                        value=round(max(value, 0.0), 1),
                        rebase=i == rebase_at,
                    )
                )
        MeasureValue.objects.bulk_create(rows)
        return len(rows)

    seconds, made = common.timed(lambda: transaction.atomic()(make)())
    common.say(f"made {PROJECTS} projects and {made:,} values in {seconds:.1f} s")


class ChartCalls:
    """While noting: each measure chart's cache key (as lib/charts.cached makes it) and how
    many were drawn (not found in the cache). lib/spc_charts looks `cached` up by name at
    each call, so wrapping it there sees every chart."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.draws = 0

    @contextmanager
    def noting(self) -> Iterator["ChartCalls"]:
        from tiptracker.lib import charts, spc_charts

        original = spc_charts.cached

        def noting(kind, payload, draw):  # type: ignore[no-untyped-def]
            self.keys.append(
                f"chart{charts.CHART_STYLE_VERSION}:"
                + hashlib.sha256(json.dumps([kind, payload], default=str).encode()).hexdigest()
            )

            def counted():  # type: ignore[no-untyped-def]
                self.draws += 1
                return draw()

            return original(kind, payload, counted)

        spc_charts.cached = noting  # type: ignore[assignment]
        try:
            yield self
        finally:
            spc_charts.cached = original


def thumbnails(html: str) -> dict[str, str]:
    return {match.group(1): match.group(0) for match in THUMBNAIL.finditer(html)}


def p95(values: list[float]) -> float:
    return common.percentile(values, 95)


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<46} p50 {statistics.median(values) * 1000:7.1f} ms   "
        f"p95 {p95(values) * 1000:7.1f} ms"
    )


def profiled(work: Callable[[], object], label: str) -> None:
    import cProfile
    import pstats

    common.say(f"\n-- cProfile: {label} --")
    profiler = cProfile.Profile()
    profiler.runcall(work)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumtime").print_stats(30)


def programme_page(partnership, user, client, args) -> bool:  # type: ignore[no-untyped-def]
    """Part 1; whether the target is met (fails the run if the cache is not invalidated)."""
    from django.core.cache import cache
    from django.db import connection

    from tiptracker.improvement import services
    from tiptracker.improvement.models import Measure, MeasureValue, Project

    url = f"/p/{partnership.slug}/improvement/"

    def get(path: str) -> Callable[[], str]:
        def work() -> str:
            response = client.get(path)
            if response.status_code != 200:
                common.fail(f"GET {path} answered {response.status_code}")
            return response.content.decode()

        return work

    page, account = get(url), get("/account/")
    sql = f"""
        SELECT v.measure_id, v."on", v.value, v.rebase
        FROM {MeasureValue._meta.db_table} v
        JOIN {Project._meta.db_table} p ON p.headline_measure_id = v.measure_id
        WHERE p.partnership_id = %s
        ORDER BY v.measure_id, v."on"
    """

    def values() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [partnership.id])
            return len(cursor.fetchall())

    expected = headline_values(partnership).count()
    if values() != expected:
        common.fail(f"the SQL read {values()} values, not the {expected} of the headline measures")

    # As a server's worker does once the app is loaded (tiptracker/server.py).
    import gc

    gc.collect()
    gc.freeze()

    with ChartCalls().noting() as warm:
        first, html = common.timed(page)
    first_drawn = thumbnails(html)  # type: ignore[arg-type]
    if len(first_drawn) != PROJECTS or len(set(warm.keys)) != PROJECTS:
        common.fail(
            f"the page shows {len(first_drawn)} thumbnails ({len(warm.keys)} charts), not {PROJECTS}"
        )
    queries: list[str] = []

    def noting_query(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noting_query):  # CaptureQueriesContext: reset by the request
        page()
    cache.delete_many(warm.keys)
    with ChartCalls().noting() as cold:
        cold_seconds, cold_html = common.timed(page)
    if cold.draws != PROJECTS:
        common.fail(f"the cold request drew {cold.draws} thumbnails, not {PROJECTS}")
    if args.profile:
        profiled(page, "one warm request")
        cache.delete_many(warm.keys)
        profiled(page, "one cold request (every thumbnail drawn)")

    times: dict[str, list[float]] = {"page": [], "account": [], "sql": []}
    for _ in range(args.requests):
        times["page"].append(common.timed(page)[0])
        times["account"].append(common.timed(account)[0])
        times["sql"].append(common.timed(values)[0])

    # One value more for one headline measure: its thumbnail alone changes and is redrawn.
    shown = thumbnails(page())  # as cached now
    redrawn_same = sum(
        first_drawn[title] == drawn
        for title, drawn in thumbnails(cold_html).items()  # type: ignore[arg-type]
    )
    measure = Measure.objects.get(partnership=partnership, title=headline_title(CHANGED))
    last = measure.values.last().value
    added = services.measure_value_record(
        actor=user,
        measure=measure,
        on=ADDED_ON,
        value=last + 1 if last < 99 else last - 1,  # within any unit's range
        rebase=False,
        note="",
    )
    try:
        with ChartCalls().noting() as after:
            changed = thumbnails(page())
    finally:
        services.measure_value_delete(actor=user, value=added)
    # The changed chart's key is new; it is deleted again, so every run draws it (a run that
    # stopped before this point leaves it cached: 0 drawn, which the check allows).
    new_keys = set(after.keys) - set(warm.keys)
    cache.delete_many(new_keys)
    same = [title for title in shown if changed.get(title) == shown[title]]
    if (
        set(changed) != set(shown)
        or changed[measure.title] == shown[measure.title]
        or len(same) != PROJECTS - 1
        or len(new_keys) != 1
        or after.draws > 1
    ):
        common.fail(
            f"cache not invalidated as it should be: {len(same)} thumbnails unchanged, "
            f"{measure.title!r} "
            f"{'changed' if changed.get(measure.title) != shown[measure.title] else 'unchanged'}, "
            f"{len(new_keys)} new cache keys, {after.draws} drawn"
        )

    page_p95 = p95(times["page"])
    met = page_p95 * 1000 < PAGE_TARGET_MS
    common.say(
        f"{'first request (warm-up; draws what is not cached)':<46} {first * 1000:7.1f} ms   "
        f"({warm.draws} drawn, {len(html) / 1000:.0f} kB, {len(queries)} queries a request)"
    )
    common.say(
        f"{'cold request (all ' + str(PROJECTS) + ' thumbnails drawn)':<46} {cold_seconds * 1000:7.1f} ms"
        f"   (redrawn byte-identical to the first drawing: {redrawn_same} of {PROJECTS})"
    )
    common.say(line(f"programme page, {args.requests} requests", times["page"]))
    common.say(line("baseline: /account/ (trivial page)", times["account"]))
    common.say(line(f"baseline: SQL, {expected:,} values in one query", times["sql"]))
    common.say(
        f"ratio page p95 / account p95: {page_p95 / p95(times['account']):5.2f}   "
        f"page p95 / SQL p95: {page_p95 / p95(times['sql']):5.2f}"
    )
    common.say(
        f"cache invalidated: a value added to {measure.title!r}: its thumbnail changed "
        f"(a new cache entry, {after.draws} drawn), the other {len(same)} byte-identical"
    )
    common.say(
        f"Target: programme page p95 < {PAGE_TARGET_MS} ms: {'met' if met else 'NOT MET'} "
        f"({page_p95 * 1000:.1f} ms)"
    )
    return met


def measure_chart(args) -> bool:  # type: ignore[no-untyped-def]
    """Part 2; whether the target is met."""
    import numpy as np
    from bench_spc import check, make_series, numpy_xmr
    from django.core.cache import cache

    from tiptracker.lib.spc import ChartKind, compute
    from tiptracker.lib.spc_charts import chart_svg

    observations = make_series(args.points)
    check(observations)  # compute and numpy agree at every point, or this fails
    array = np.array([o.value for o in observations])
    title = f"Chart of a measure of {args.points:,} points"

    def draw(chart):  # type: ignore[no-untyped-def]
        return chart_svg(chart, title=title, unit_label="Count", target=45.0)

    calls = ChartCalls()
    times: dict[str, list[float]] = {"compute": [], "draw": [], "total": [], "numpy": []}
    with calls.noting():
        draw(compute(observations, kind=ChartKind.XMR))  # untimed: imports, fonts, the key
        calls.draws = 0  # it may have been cached by an earlier run
        for _ in range(args.draws):
            cache.delete_many(set(calls.keys))
            t0, chart = common.timed(lambda: compute(observations, kind=ChartKind.XMR))
            t1, svg = common.timed(lambda chart=chart: draw(chart))
            times["compute"].append(t0)
            times["draw"].append(t1)
            times["total"].append(t0 + t1)
            times["numpy"].append(common.timed(lambda: numpy_xmr(array))[0])
    if calls.draws != args.draws:
        common.fail(f"{calls.draws} of {args.draws} runs drew the chart")
    total = statistics.median(times["total"])
    met = total * 1000 < DRAW_TARGET_MS
    common.say(
        line(f"compute + chart_svg, {args.draws} runs", times["total"])
        + f"   ({len(svg) / 1000:.0f} kB SVG, both widths)"  # type: ignore[arg-type]
    )
    common.say(line("  of which lib.spc.compute (XmR)", times["compute"]))
    common.say(line("  of which chart_svg (drawn, not cached)", times["draw"]))
    common.say(line("baseline: numpy_xmr (bench_spc.py)", times["numpy"]))
    ratio = statistics.median(times["compute"]) / statistics.median(times["numpy"])
    common.say(
        f"ratio compute / numpy (medians): {ratio:5.2f}   "
        f"compute + draw / numpy: {total / statistics.median(times['numpy']):5.1f}"
    )
    common.say(
        f"Target: {args.points:,} points computed and drawn, median < {DRAW_TARGET_MS} ms: "
        f"{'met' if met else 'NOT MET'} ({total * 1000:.1f} ms; p95 {p95(times['total']) * 1000:.1f} ms)"
    )
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--draws", type=int, default=30)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--force", action="store_true", help="make the projects again")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print where one warm and one cold request spend their time (cProfile)",
    )
    args = parser.parse_args(argv)
    common.setup()
    from bench_dashboard import USERNAME, admin_client
    from django.contrib.auth import get_user_model

    from tiptracker.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=common.BIG).first()
    if partnership is None:
        common.fail(f"no {common.BIG}: run python bench/generate.py big first")
    common.heading(f"Improvement programme of {common.BIG}: {PROJECTS} projects, {MONTHS} months")
    client = admin_client(partnership)  # makes the administrator and their membership
    user = get_user_model().objects.get(username=USERNAME)
    ensure_projects(partnership, user, args.force)
    page_met = programme_page(partnership, user, client, args)
    common.heading(f"A measure of {args.points:,} points, computed and drawn")
    chart_met = measure_chart(args)
    return 0 if page_met and chart_met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
