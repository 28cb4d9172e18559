"""The chart rules of formats.md ("Charts of a measure over time"), point by point, on series
whose centres, limits and signals are worked out by hand in the comments."""

import datetime as dt

import pytest

from tiptracker.lib.spc import (
    Assurance,
    ChartKind,
    Improvement,
    Observation,
    RuleSet,
    compute,
    crossings_lower_limit,
    longest_run_limit,
)

# Twelve points alternating 10 and 12: mean 11, every moving range 2, so mR-bar 2 and the
# limits 11 +/- 5.32 (5.68 and 16.32). "Near a limit": |x - 11| > (2/3) x 5.32 = 3.5467, so
# above 14.5467 or below 7.4533. Alternating, no two neighbours lie on the same side.
STEADY = [10.0, 12.0] * 6
# The same, ending below the centre.
STEADY_LOW = [12.0, 10.0] * 6


def series(values, *, rebase_at=(), start=dt.date(2022, 1, 31)):
    out = []
    for i, value in enumerate(values):
        # Month ends from January 2022, one per point.
        year, month = divmod(start.month - 1 + i, 12)
        first_of_next = dt.date(start.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        out.append(
            Observation(on=first_of_next - dt.timedelta(days=1), value=value, rebase=i in rebase_at)
        )
    return out


def flagged(chart, signal):
    return [i for i, p in enumerate(chart.points) if signal in p.signals]


def xmr(values, **kw):
    return compute(series(values), kind=ChartKind.XMR, **kw)


def run(values, **kw):
    return compute(series(values), kind=ChartKind.RUN, **kw)


# --- XmR: centre and limits ---


def test_xmr_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    chart = xmr(STEADY)
    (segment,) = chart.segments
    assert segment.centre == 11
    assert segment.upper == pytest.approx(16.32)
    assert segment.lower == pytest.approx(5.68)
    assert segment.warnings == ()
    assert all(p.signals == () and p.variation == "common_cause" for p in chart.points)


def test_a_moving_range_above_3_267_mr_bar_is_screened_out_once_only():
    # Moving ranges: eight of 1, then 5, then 40. mR-bar 53/10 = 5.3; 40 > 3.267 x 5.3 =
    # 17.3 is dropped; mR-bar again: 13/9 = 1.444. 5 > 3.267 x 1.444 = 4.72, but the screen is
    # applied once, so 5 stays.
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 15, 55]
    (segment,) = xmr(values).segments
    assert segment.centre == pytest.approx(164 / 11)
    assert segment.upper == pytest.approx(164 / 11 + 2.66 * 13 / 9)
    assert segment.lower == pytest.approx(164 / 11 - 2.66 * 13 / 9)


def test_the_baseline_sets_the_limits_and_they_extend_over_the_rest():
    chart = xmr([*STEADY, 30, 31, 29], baseline=12)
    (segment,) = chart.segments
    assert (segment.centre, segment.baseline_size, segment.size) == (11, 12, 15)
    assert [p.baseline for p in chart.points] == [True] * 12 + [False] * 3
    assert all(p.upper == pytest.approx(16.32) for p in chart.points)
    assert flagged(chart, "outside_limits") == [12, 13, 14]


def test_a_baseline_longer_than_the_segment_is_the_whole_segment():
    (segment,) = xmr(STEADY, baseline=50).segments
    assert segment.baseline_size == 12 and segment.centre == 11


def test_limits_from_fewer_than_12_points_carry_a_warning_and_are_not_trusted():
    (short,) = xmr(STEADY[:11]).segments
    assert short.upper is not None and not short.trusted
    assert "The limits come from 11 points: at least 12" in short.warnings[0]
    (enough,) = xmr(STEADY).segments
    assert enough.trusted and enough.warnings == ()


def test_one_point_has_a_centre_but_no_limits():
    chart = xmr([7.5])
    (segment,) = chart.segments
    assert (segment.centre, segment.upper, segment.lower) == (7.5, None, None)
    assert any("at least 2 points" in w for w in segment.warnings)
    assert any("cannot show a shift or a trend" in w for w in segment.warnings)
    assert chart.points[0].variation == "common_cause"


# --- XmR: the four signals ---


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [
        ("up", "improvement", "concern"),
        ("down", "concern", "improvement"),
        ("neutral", "neutral", "neutral"),
    ],
)
def test_outside_the_limits_above_and_below(improvement, high, low):
    chart = xmr(
        [*STEADY, 16.5, 11, 5.5, 11, 16.32], baseline=12, improvement=Improvement(improvement)
    )
    assert flagged(chart, "outside_limits") == [12, 14]
    assert chart.points[12].variation == high
    assert chart.points[14].variation == low
    # On the upper limit is not outside it (x > upper).
    assert chart.points[16].signals == ()


def test_seven_points_on_one_side_are_a_shift_and_six_are_not():
    # The baseline ends below the centre (10), so the run is the points after it.
    seven = xmr([*STEADY_LOW, 12, 12, 12, 12, 12, 12, 12], baseline=12, improvement=Improvement.UP)
    assert flagged(seven, "shift") == list(range(12, 19))
    assert {p.variation for p in seven.points[12:]} == {"improvement"}
    six = xmr([*STEADY_LOW, 12, 12, 12, 12, 12, 12], baseline=12)
    assert flagged(six, "shift") == []
    # Ending above (12), the baseline's last point starts the run: it and six more are seven.
    joined = xmr([*STEADY, 12, 12, 12, 12, 12, 12], baseline=12)
    assert flagged(joined, "shift") == list(range(11, 18))


def test_seven_points_below_the_centre_are_a_shift():
    chart = xmr([*STEADY, 10, 10, 10, 10, 10, 10, 10], baseline=12, improvement=Improvement.UP)
    assert flagged(chart, "shift") == list(range(12, 19))
    assert {chart.points[i].variation for i in range(12, 19)} == {"concern"}


def test_a_point_on_the_centre_ends_a_run():
    # 11 is the centre: three above, one on it, three above: no run of seven.
    chart = xmr([*STEADY_LOW, 12, 12, 12, 11, 12, 12, 12], baseline=12)
    assert flagged(chart, "shift") == []


def test_seven_rising_points_are_a_trend_and_six_are_not():
    # After the baseline's last 12: 8 (a fall) then 9, 10, 11.5, 12, 13, 14 rising: the chain
    # 8 .. 14 is seven points. Only four of them are above the centre: no shift.
    chart = xmr([*STEADY, 8, 9, 10, 11.5, 12, 13, 14], baseline=12, improvement=Improvement.UP)
    assert flagged(chart, "trend") == list(range(12, 19))
    assert flagged(chart, "shift") == []
    # The contract reads a point's variation from its side of the centre.
    assert [p.variation for p in chart.points[12:15]] == ["concern"] * 3
    assert [p.variation for p in chart.points[15:]] == ["improvement"] * 4
    six = xmr([*STEADY, 9, 10, 11.5, 12, 13, 14], baseline=12)
    assert flagged(six, "trend") == []


def test_seven_falling_points_are_a_trend():
    chart = xmr([*STEADY_LOW, 14, 13, 12, 11.5, 10, 9, 8], baseline=12)
    assert flagged(chart, "trend") == list(range(12, 19))


def test_a_tie_breaks_an_xmr_trend():
    # 8, 9, 10, 10, 11.5, 12, 13, 14: "each strictly higher" fails at the second 10, leaving
    # chains of three and five points.
    chart = xmr([*STEADY, 8, 9, 10, 10, 11.5, 12, 13, 14], baseline=12)
    assert flagged(chart, "trend") == []


def test_a_trend_point_on_the_centre_takes_the_trend_s_direction():
    chart = xmr([*STEADY, 8, 9, 10, 11, 12, 13, 14], baseline=12, improvement=Improvement.UP)
    on_centre = chart.points[15]
    assert (on_centre.value, on_centre.signals) == (11, ("trend",))
    assert on_centre.variation == "improvement"


def test_two_of_three_near_a_limit_on_the_same_side():
    # 15 is near the upper limit (|15 - 11| = 4 > 3.5467) without being outside (16.32).
    chart = xmr([*STEADY, 15, 12, 15, 10, 12], baseline=12, improvement=Improvement.UP)
    assert flagged(chart, "two_of_three") == [12, 14]
    assert chart.points[13].signals == ()  # in the window, but not near a limit
    assert chart.points[12].variation == "improvement"


def test_two_of_three_below():
    chart = xmr([*STEADY, 7, 10, 7, 12], baseline=12, improvement=Improvement.UP)
    assert flagged(chart, "two_of_three") == [12, 14]
    assert chart.points[14].variation == "concern"


@pytest.mark.parametrize(
    "tail",
    [
        [15, 9, 15, 12],  # the window crosses the centre
        [15, 11, 15, 12],  # a point on the centre is on neither side
        [15, 17, 12, 10],  # an outside point is not "near" (one near point only)
        [15, 12, 12, 10],  # one near point
    ],
)
def test_two_of_three_needs_two_near_points_in_a_window_on_one_side(tail):
    chart = xmr([*STEADY, *tail], baseline=12)
    assert flagged(chart, "two_of_three") == []


def test_signals_are_listed_alphabetically():
    # Seven above the centre, the last far outside: shift and outside the limits.
    chart = xmr([*STEADY, 12, 12, 12, 12, 12, 12, 30], baseline=12)
    assert chart.points[-1].signals == ("outside_limits", "shift")
    assert chart.as_json()["points"][-1]["signals"] == ["outside_limits", "shift"]


# --- Segments (rebasing) ---


def test_each_segment_has_its_own_centre_and_limits():
    values = [*STEADY, *(v + 10 for v in STEADY)]
    chart = compute(series(values, rebase_at={12}), kind=ChartKind.XMR)
    first, second = chart.segments
    assert (first.centre, second.centre) == (11, 21)
    assert second.upper == pytest.approx(26.32)
    assert (first.first, second.first) == (dt.date(2022, 1, 31), dt.date(2023, 1, 31))
    assert [p.segment for p in chart.points] == [1] * 12 + [2] * 12
    assert all(p.signals == () for p in chart.points)
    # Without the rebase the second year is a shift far outside the first year's limits.
    whole = compute(series(values), kind=ChartKind.XMR, baseline=12)
    assert flagged(whole, "outside_limits") == list(range(12, 24))


def test_runs_do_not_cross_a_rebase():
    # Four above the centre at the end of the first segment and four at the start of the
    # second: seven in a row only if they were one segment.
    first = [10, 12, 10, 12, 10, 12, 10, 12, 12, 12, 12, 12]
    second = [12, 12, 12, 12, 10, 12, 10, 12, 10, 12, 10, 12]
    chart = compute(series([*first, *second], rebase_at={12}), kind=ChartKind.XMR)
    assert flagged(chart, "shift") == []


def test_a_rebase_on_the_first_point_changes_nothing():
    chart = compute(series(STEADY, rebase_at={0}), kind=ChartKind.XMR)
    assert len(chart.segments) == 1


def test_observations_are_put_in_date_order():
    shuffled = list(reversed(series(STEADY[:-1] + [13.0])))
    chart = compute(shuffled, kind=ChartKind.XMR)
    assert [p.on for p in chart.points] == sorted(p.on for p in chart.points)
    assert chart.points[-1].value == 13


# --- Run charts, IHI rules ---

# Ten points 9, 1, 9, 1, ...: median 5, ending on 1 (below).
SWING = [9.0, 1.0] * 5


def test_a_run_chart_s_centre_is_the_baseline_median():
    (segment,) = run([3, 1, 2, 8, 100]).segments
    assert segment.centre == 3
    assert segment.upper is None and segment.lower is None


def test_six_useful_points_on_one_side_are_a_shift_and_median_points_are_skipped():
    chart = run([*SWING, 6, 6, 5, 6, 6, 6, 6], baseline=10, improvement=Improvement.UP)
    # 6, 6, (5 is on the median: neither counts nor breaks), 6, 6, 6, 6: six useful points.
    assert flagged(chart, "shift") == [10, 11, 13, 14, 15, 16]
    assert chart.points[12].signals == () and chart.points[12].variation == "common_cause"
    assert chart.points[10].variation == "improvement"
    five = run([*SWING, 6, 6, 5, 6, 6, 6], baseline=10)
    assert flagged(five, "shift") == []


def test_five_rising_points_are_a_trend_and_equal_neighbours_count_once():
    # After the baseline's last 1: 2, 3, 3, 4 rising (1, 2, 3, 3, 4: four distinct): no trend.
    assert flagged(run([*SWING, 2, 3, 3, 4], baseline=10), "trend") == []
    # 1, 2, 3, 3, 4, 6: five distinct rising points, the repeated 3 counted once.
    chart = run([*SWING, 2, 3, 3, 4, 6], baseline=10)
    assert flagged(chart, "trend") == [9, 10, 11, 12, 13, 14]


def test_a_trend_point_on_the_median_carries_no_signal():
    # 1, 2, 3, 4, 5, 6 rise, but 5 is the median.
    chart = run([*SWING, 2, 3, 4, 5, 6], baseline=10)
    assert flagged(chart, "trend") == [9, 10, 11, 12, 14]
    assert chart.points[13].value == 5 and chart.points[13].signals == ()


def test_five_falling_points_are_a_trend():
    chart = run([*SWING, 9, 8, 7, 6, 4], baseline=10)
    # 9, 8, 7, 6, 4 fall (the 1 before them is lower: a rise, not part of it).
    assert flagged(chart, "trend") == [10, 11, 12, 13, 14]


def test_ihi_warnings_for_too_few_points():
    (segment,) = run([1, 2, 3, 4]).segments
    assert any("cannot show a shift" in w for w in segment.warnings)
    assert any("cannot show a trend" in w for w in segment.warnings)
    assert run([*SWING, 9, 1]).segments[0].warnings == ()


# --- Run charts, Anhøj rules ---


def test_anhoej_limits_match_the_published_table():
    # Anhøj and Olesen (2014), table 1: n useful observations, longest run, fewest crossings.
    table = {
        10: (6, 2),
        12: (7, 3),
        15: (7, 4),
        20: (7, 6),
        22: (7, 7),
        23: (8, 7),
        24: (8, 8),
        30: (8, 10),
    }
    for n, (run_limit, crossings) in table.items():
        assert (longest_run_limit(n), crossings_lower_limit(n)) == (run_limit, crossings), n


def test_a_run_longer_than_the_limit_and_too_few_crossings():
    # Eight above (9, 8), eight below (1, 2), then 9, 1, 9, 1: ten each side, median 5.
    # 20 useful points: a run longer than 7 is a signal, fewer than 6 crossings is one.
    values = [9, 8] * 4 + [1, 2] * 4 + [9, 1, 9, 1]
    chart = run(values, rules=RuleSet.ANHOEJ, improvement=Improvement.DOWN)
    (segment,) = chart.segments
    assert segment.centre == 5 and segment.useful_observations == 20
    assert (segment.longest_run_limit, segment.crossings_lower_limit) == (7, 6)
    assert segment.crossings == 5 and segment.few_crossings is True
    assert flagged(chart, "long_run") == list(range(16))
    assert chart.points[0].variation == "concern" and chart.points[8].variation == "improvement"


def test_runs_of_the_limit_are_not_a_signal():
    values = [9, 8, 9, 8, 9, 8, 9] + [1, 2, 1, 2, 1, 2, 1] + [9, 1, 9, 1, 9, 1]
    (segment,) = (chart := run(values, rules=RuleSet.ANHOEJ)).segments
    assert segment.centre == 5
    assert flagged(chart, "long_run") == []
    assert segment.crossings == 7 and segment.few_crossings is False


def test_anhoej_skips_points_on_the_median():
    # Eight 9s with a 5 (the baseline's median) among them: 18 useful points, and a run
    # longer than round(log2(18) + 3) = 7 is a signal; the 5 neither counts nor breaks it.
    values = [*SWING, 9, 9, 9, 5, 9, 9, 9, 9, 9]
    chart = run(values, baseline=10, rules=RuleSet.ANHOEJ)
    (segment,) = chart.segments
    assert segment.useful_observations == 18 and segment.longest_run_limit == 7
    assert flagged(chart, "long_run") == [10, 11, 12, 14, 15, 16, 17, 18]
    assert chart.points[13].signals == ()
    # One 9 fewer: a run of 7, not longer than the limit.
    shorter = run(values[:-1], baseline=10, rules=RuleSet.ANHOEJ)
    assert flagged(shorter, "long_run") == []


def test_anhoej_warns_when_the_segment_is_too_short():
    (segment,) = run([1, 9, 1, 9], rules=RuleSet.ANHOEJ).segments
    assert segment.crossings_lower_limit == 0
    assert any("unusually long run" in w for w in segment.warnings)
    assert any("unusually few crossings" in w for w in segment.warnings)


# --- Assurance against a target ---


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("up", 5.0, Assurance.CONSISTENT_PASS),  # the lower limit, 5.68, is above it
        ("up", 17.0, Assurance.CONSISTENT_FAIL),  # the upper limit, 16.32, is below it
        ("up", 11.0, Assurance.INCONSISTENT),
        ("down", 17.0, Assurance.CONSISTENT_PASS),
        ("down", 5.0, Assurance.CONSISTENT_FAIL),
        ("down", 11.0, Assurance.INCONSISTENT),
        ("neutral", 11.0, None),
    ],
)
def test_assurance_against_the_target(improvement, target, expected):
    assert xmr(STEADY, improvement=Improvement(improvement)).assurance(target) == expected


def test_no_assurance_without_a_target_or_from_untrusted_limits():
    assert xmr(STEADY, improvement=Improvement.UP).assurance(None) is None
    assert xmr(STEADY[:11], improvement=Improvement.UP).assurance(5.0) is None
    assert run(STEADY, improvement=Improvement.UP).assurance(5.0) is None


# --- The JSON of formats.md ---


def test_json_has_the_fields_of_the_contract():
    chart = compute(
        [
            Observation(on=o.on, value=o.value, note="first" if i == 0 else "")
            for i, o in enumerate(series(STEADY))
        ],
        kind=ChartKind.XMR,
    )
    data = chart.as_json()
    assert data["chart"] == "xmr"
    assert data["segments"] == [
        {
            "first": "2022-01-31",
            "centre": 11,
            "upper": 16.32,
            "lower": 5.68,
            "baseline_points": 12,
            "useful_observations": 12,
        }
    ]
    assert data["points"][0] == {
        "date": "2022-01-31",
        "value": 10,
        "segment": 1,
        "centre": 11,
        "upper": 16.32,
        "lower": 5.68,
        "signals": [],
        "variation": "common_cause",
        "note": "first",
    }


def test_run_chart_json_has_no_limits_and_anhoej_adds_the_crossings():
    ihi = run(SWING).as_json()
    assert "upper" not in ihi["segments"][0] and "upper" not in ihi["points"][0]
    assert "crossings" not in ihi["segments"][0]
    assert ihi["rules"] == "ihi"
    anhoej = run(SWING, rules=RuleSet.ANHOEJ).as_json()["segments"][0]
    assert {"crossings", "crossings_lower_limit", "longest_run_limit", "few_crossings"} <= set(
        anhoej
    )
    assert "warnings" not in anhoej  # ten useful points are enough for both rules
    short = run(SWING[:4], rules=RuleSet.ANHOEJ).as_json()["segments"][0]
    assert len(short["warnings"]) == 2


def test_a_trend_point_on_the_centre_is_not_a_useful_observation():
    # 1 .. 7: mean 4, the point 4 on the centre; all seven a trend.
    (segment,) = xmr([1, 2, 3, 4, 5, 6, 7]).segments
    assert segment.useful_observations == 6
