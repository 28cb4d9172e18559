"""Small numbers are never shown, and a hidden one can never be worked out from the totals."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiptracker.lib.suppression import count, linked, published, rate, row, table_of, threshold


def test_a_count_below_the_threshold_reads_fewer_than_5():
    assert str(count(3, at=5)) == "fewer than 5"
    assert str(count(0, at=5)) == "fewer than 5"  # none is fewer than five as well
    assert str(count(5, at=5)) == "5"
    assert str(count(1234, at=5)) == "1,234"
    assert count(2, at=5).as_json() == {
        "value": None,
        "suppressed": True,
        "rounded": False,
        "shown": "fewer than 5",
    }


def test_a_published_rounded_count_is_shown_as_it_is_zero_included_and_marked_rounded():
    # Anonymous answers are published rounded to the nearest five: a 0 stands for 0 to 2.
    assert published(0, at=5).as_json() == {
        "value": 0,
        "suppressed": False,
        "rounded": True,
        "shown": "0",
    }
    assert published(15, at=5).as_json()["rounded"] is True
    assert count(15, at=5).as_json()["rounded"] is False


def test_linked_marks_the_rounded_terms_and_hides_them_only_to_protect_others():
    shown = linked(
        {"attended": 22, "reacted": 20, "drop": 2},
        [{"attended", "reacted", "drop"}],
        at=5,
        rounded={"reacted", "drop"},
    )
    assert [shown[t].rounded for t in ("attended", "reacted", "drop")] == [False, True, True]
    # Rounded figures are protected already: a small one shows (2 stands for 0 to 4 here).
    assert [shown[t].value for t in ("attended", "reacted", "drop")] == [22, 20, 2]
    # An exact small figure is hidden, and a rounded one with it where the sum would give
    # the exact one away (4 = 0 + 4).
    shown = linked(
        {"attended": 4, "reacted": 0, "drop": 4},
        [{"attended", "reacted", "drop"}],
        at=5,
        rounded={"reacted", "drop"},
    )
    assert shown["attended"].suppressed and shown["reacted"].suppressed
    assert shown["drop"].value == 4


def test_the_threshold_comes_from_the_setting(settings):
    settings.SMALL_NUMBER_THRESHOLD = 10
    assert threshold() == 10
    assert str(count(7, at=threshold())) == "fewer than 10"


def test_a_lone_small_count_in_a_row_takes_the_next_smallest_with_it():
    shown = row([10, 3, 12], at=5)
    assert [str(f) for f in shown.cells] == ["fewer than 5", "fewer than 5", "12"]
    assert str(shown.total) == "25"


def test_a_small_total_hides_everything_it_could_give_away():
    shown = row([2, 1], at=5)
    assert all(f.suppressed for f in shown.cells) and shown.total.suppressed


def test_a_table_hides_enough_cells_that_no_row_or_column_gives_one_away():
    shown = table_of([[20, 3, 30], [25, 40, 35]], at=5)
    cells = [[str(f) for f in r] for r in shown.cells]
    # 3 is hidden; its row needs a second hidden cell (20, the smallest), its column too (40);
    # then 20's column needs one more (25), which also gives 40's row its second.
    assert cells == [
        ["fewer than 5", "fewer than 5", "30"],
        ["fewer than 5", "fewer than 5", "35"],
    ]
    assert [f.value for f in shown.row_totals] == [53, 100]
    assert [f.value for f in shown.column_totals] == [45, 43, 65]
    assert shown.grand_total.value == 153


def test_a_rate_from_too_few_people_or_about_too_few_is_hidden():
    assert str(rate(30, 40, at=5)) == "75%"
    assert rate(30, 40, at=5).value == Fraction(3, 4)
    assert rate(3, 40, at=5).suppressed  # 3 people who said so
    assert rate(4, 4, at=5).suppressed  # drawn from 4 responses
    with pytest.raises(ValueError):
        rate(5, 4, at=5)


def test_it_refuses_nonsense():
    with pytest.raises(ValueError):
        count(-1, at=5)
    with pytest.raises(ValueError):
        count(3, at=0)
    with pytest.raises(ValueError):
        table_of([[1, 2], [3]], at=5)


def _equations(values, shown):
    """Each line of the table as (its true terms, their shown figures), totals included."""
    rows = len(values)
    width = len(values[0])
    lines = []
    for r in range(rows):
        lines.append([*shown.cells[r], shown.row_totals[r]])
    if rows > 1:
        for c in range(width):
            lines.append([*(shown.cells[r][c] for r in range(rows)), shown.column_totals[c]])
        lines.append([*shown.row_totals, shown.grand_total])
        if width > 1:
            lines.append([*shown.column_totals, shown.grand_total])
    return lines


tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(min_value=0, max_value=60), min_size=width, max_size=width),
        min_size=1,
        max_size=5,
    )
)


@settings(max_examples=300, deadline=None)
@given(values=tables, at=st.integers(min_value=1, max_value=10))
def test_no_small_count_shows_and_no_hidden_count_can_be_subtracted_out(values, at):
    shown = table_of(values, at=at)
    rows, width = len(values), len(values[0])
    for r in range(rows):
        for c in range(width):
            figure = shown.cells[r][c]
            if values[r][c] < at:
                assert figure.suppressed
            if not figure.suppressed:
                assert figure.value == values[r][c]
        if not shown.row_totals[r].suppressed:
            assert shown.row_totals[r].value == sum(values[r])
    total = sum(map(sum, values))
    assert shown.grand_total.suppressed or shown.grand_total.value == total
    if total < at:
        assert shown.grand_total.suppressed
    for line in _equations(values, shown):
        hidden = sum(f.suppressed for f in line)
        assert hidden != 1, f"one hidden term in a line can be worked out: {values} at {at}"


def test_linked_counts_hide_what_any_sum_shown_beside_them_would_give_away():
    # A chain: 20 attended = 17 answered + 3 who did not; and the 17 answered are also the
    # sum of two quarters, 15 and 2.
    values = {"attended": 20, "answered": 17, "did not": 3, "q1": 15, "q2": 2}
    sums = [{"attended", "answered", "did not"}, {"answered", "q1", "q2"}]
    shown = linked(values, sums, at=5)
    assert str(shown["attended"]) == "20"
    assert shown["did not"].suppressed and shown["answered"].suppressed  # 20 - 3
    assert shown["q2"].suppressed and shown["q1"].suppressed  # 17 - 2, 17 unknown or not


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=8),
    picks=st.lists(
        st.sets(st.integers(min_value=0, max_value=7), min_size=2, max_size=4), max_size=5
    ),
    at=st.integers(min_value=1, max_value=10),
)
def test_linked_leaves_no_sum_with_exactly_one_hidden_term(values, picks, at):
    terms = {f"t{n}": v for n, v in enumerate(values)}
    sums = [{f"t{n}" for n in pick if n < len(values)} for pick in picks]
    sums = [terms_of_sum for terms_of_sum in sums if len(terms_of_sum) > 1]
    shown = linked(terms, sums, at=at)
    for term, value in terms.items():
        assert shown[term].suppressed or shown[term].value == value
        if value < at:
            assert shown[term].suppressed
    for terms_of_sum in sums:
        assert sum(shown[t].suppressed for t in terms_of_sum) != 1
