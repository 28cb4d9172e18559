"""Dashboard server time at 50,000 staff: the page /p/bench-50k/ through Django's test client.

    python bench/bench_dashboard.py [--requests 30] [--as-of YYYY-MM-DD] [--profile]

Signs in an administrator of bench-50k, makes one warm-up request (it fills the trend
table and the chart cache, as the first visitor of the day would), then times --requests
more and prints p50 and p95 (target: p95 <= 300 ms). Baselines from the same run: the
p95 of one coverage() call by organisation (the figure the page cannot do without) and of
a trivial signed-in page (/account/); the ratio is the page's p95 over coverage()'s.
"""

import argparse
import datetime as dt
import statistics
import sys

import common

USERNAME = "bench-admin@example.org"


def admin_client(partnership):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tiptracker.accounts.tests.helpers import signed_in
    from tiptracker.partnerships.models import Membership, Role

    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"email": USERNAME}
    )
    Membership.objects.update_or_create(
        partnership=partnership, user=user, defaults={"role": Role.ADMIN}
    )
    # Signed in with the second factor given, as an administrator must (SecondFactorMiddleware;
    # the tests' helper, so the benchmarks sign in as the tests do).
    return signed_in(user, Client())


def times(work, count: int) -> list[float]:
    return [common.timed(work)[0] for _ in range(count)]


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<38} p50 {statistics.median(values) * 1000:7.1f} ms   "
        f"p95 {common.percentile(values, 95) * 1000:7.1f} ms"
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        help="the page's date (default: today, as a visitor sees it)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where one request spends its time (cProfile)"
    )
    args = parser.parse_args(argv)
    common.setup()
    from tiptracker.lib.dates import today
    from tiptracker.partnerships.models import Partnership
    from tiptracker.training.coverage import coverage

    partnership = Partnership.objects.filter(slug=common.BIG).first()
    if partnership is None:
        common.fail(f"no {common.BIG}: run python bench/generate.py big first")
    as_of = args.as_of or today()
    common.heading(f"Dashboard of {common.BIG} (50,000 staff) on {as_of}")
    client = admin_client(partnership)
    url = f"/p/{partnership.slug}/" + (f"?as_of={as_of.isoformat()}" if args.as_of else "")

    def page():
        response = client.get(url)
        if response.status_code != 200:
            common.fail(f"GET {url} answered {response.status_code}")

    def account():
        response = client.get("/account/")
        if response.status_code != 200:
            common.fail(f"GET /account/ answered {response.status_code}")

    first, _ = common.timed(page)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(page)
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
    page_times = times(page, args.requests)
    coverage_times = times(
        lambda: coverage(
            partnership_id=partnership.id,
            partnership_slug=partnership.slug,
            as_of=as_of,
            by="organisation",
        ),
        args.requests,
    )
    account_times = times(account, args.requests)
    common.say(f"{'first request (fills trend table, charts)':<38} {first * 1000:7.1f} ms")
    common.say(
        line(f"dashboard page, {args.requests} requests", page_times) + "   (target p95 <= 300 ms)"
    )
    common.say(line("baseline: coverage() by organisation", coverage_times))
    common.say(line("baseline: /account/ (trivial page)", account_times))
    ratio = common.percentile(page_times, 95) / common.percentile(coverage_times, 95)
    common.say(f"ratio dashboard p95 / coverage() p95: {ratio:4.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
