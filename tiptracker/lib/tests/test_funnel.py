"""The funnel plot of formats.md ("Comparing partnerships"), against figures worked out by hand
in the comments (sqrt and the z values on a calculator, rounded to 6 places as the JSON is)."""

import pytest

from tiptracker.lib.funnel import Count, Position, funnel, limits_at, position_of

THREE = [Count("angus", 100, 60), Count("dundee", 400, 200), Count("perth", 500, 300)]


def test_the_pooled_proportion_limits_and_positions_worked_out_by_hand():
    # pooled = (60 + 200 + 300) / (100 + 400 + 500) = 560 / 1000 = 0.56
    found = funnel(THREE, threshold=5).as_json(indicator="coverage-informed", as_of="2022-06-30")
    assert found["indicator"] == "coverage-informed" and found["as_of"] == "2022-06-30"
    assert found["pooled"] == 0.56
    angus, dundee, perth = found["partnerships"]
    # n = 100: sqrt(0.56 x 0.44 / 100) = 0.0496387; 95%: 0.56 -/+ 1.959964 x that.
    assert angus == {
        "partnership": "angus",
        "n": 100,
        "x": 60,
        "percent": 60.0,
        "limits": {"95": [0.46271, 0.65729], "99.8": [0.406605, 0.713395]},
        "position": "within",
    }
    # n = 400: 0.5 is under the 95% limit 0.511355 but above the 99.8% one 0.483302.
    assert dundee["limits"] == {"95": [0.511355, 0.608645], "99.8": [0.483302, 0.636698]}
    assert (dundee["percent"], dundee["position"]) == (50.0, "below_95")
    # n = 500: 0.6 is under the 95% limit 0.603509.
    assert perth["limits"] == {"95": [0.516491, 0.603509], "99.8": [0.4914, 0.6286]}
    assert perth["position"] == "within"


def test_beyond_the_998_limits_is_said_first():
    # pooled = (20 + 480) / 1000 = 0.5; n = 200: 99.8% limits 0.390744 to 0.609256, and 0.1
    # is below them; n = 800: 0.445372 to 0.554628, and 0.6 is above them (and the 95% ones).
    found = funnel([Count("a", 200, 20), Count("b", 800, 480)], threshold=5)
    assert found.pooled == 0.5
    assert [p.position for p in found.partnerships] == [Position.BELOW_998, Position.ABOVE_998]
    assert found.partnerships[0].limits["99.8"] == pytest.approx((0.390744, 0.609256), abs=1e-6)


def test_a_small_partnership_is_withheld_and_left_out_of_the_pooled_value():
    found = funnel([*THREE, Count("tiny", 4, 4)], threshold=5)
    assert found.pooled == 0.56  # as without it: 564 / 1004 would be 0.5618
    tiny = found.as_json(indicator="x", as_of="2022-06-30")["partnerships"][-1]
    assert tiny == {"partnership": "tiny", "suppressed": True}
    # At the threshold it is shown.
    shown = funnel([*THREE, Count("five", 5, 5)], threshold=5).partnerships[-1]
    assert not shown.suppressed and shown.n == 5


def test_limits_are_clipped_to_0_and_1():
    # pooled 0.98, n = 10: sqrt(0.98 x 0.02 / 10) = 0.0442719; the 95% upper limit
    # 0.98 + 0.0867714 = 1.0667714 is clipped to 1.
    limits = limits_at(0.98, 10)
    assert limits["95"] == pytest.approx((0.893229, 1.0), abs=1e-6)
    assert limits["99.8"][1] == 1.0


def test_a_point_on_a_limit_is_within_it():
    limits = {"95": (0.4, 0.6), "99.8": (0.3, 0.7)}
    assert position_of(0.6, limits) == Position.WITHIN
    assert position_of(0.7, limits) == Position.ABOVE_95
    assert position_of(0.3, limits) == Position.BELOW_95
    assert position_of(0.2999999, limits) == Position.BELOW_998


def test_everyone_withheld_leaves_no_pooled_value():
    found = funnel([Count("a", 3, 1), Count("b", 0, 0)], threshold=5)
    assert found.pooled is None and all(p.suppressed for p in found.partnerships)
    assert found.as_json(indicator="x", as_of="2022-06-30")["pooled"] is None


def test_counts_that_cannot_be_are_refused():
    with pytest.raises(ValueError, match="x must be from 0 to n"):
        funnel([Count("a", 10, 11)], threshold=5)
