import datetime as dt

import pytest

from tiptracker.lived.erasure import lived_withdraw
from tiptracker.lived.route import lived_information_send
from tiptracker.lived.selectors import stage_counts
from tiptracker.lived.tests.factories import coordinator, interest

pytestmark = pytest.mark.django_db


def shown(pairs) -> dict[str, str]:
    return {label: str(figure) for label, figure in pairs}


def test_counts_by_stage_suppress_small_numbers_and_include_withdrawn_people(clock):
    clock.move_to("2026-04-10T10:00")
    actor = coordinator()
    records = [interest(actor, email=f"p{n}@example.org") for n in range(7)]
    for record in records[:6]:
        lived_information_send(actor=actor, record=record)
    for record in records[:2]:
        lived_withdraw(actor=actor, record=record)
    interest(coordinator(), email="elsewhere@example.org")  # another partnership

    counts = stage_counts(
        partnership_id=actor.partnership_id, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )

    entered = shown(counts.entered)
    assert entered["Interest received"] == "7"
    assert entered["Information sent"] == "6"
    assert entered["Withdrawn"] == "fewer than 5"
    assert entered["Involved"] == "fewer than 5"
    at_end = shown(counts.at_end)
    # 1 interest received, 4 information sent, 2 withdrawn: every figure is small.
    assert at_end["Interest received"] == "fewer than 5"
    assert at_end["Information sent"] == "fewer than 5"
    assert at_end["Withdrawn"] == "fewer than 5"
    assert str(counts.at_end_total) == "7"


def test_where_people_stood_at_the_end_of_a_period_ignores_later_moves(clock):
    clock.move_to("2026-04-10T10:00")
    actor = coordinator()
    records = [interest(actor, email=f"q{n}@example.org") for n in range(12)]
    for record in records[:6]:
        lived_information_send(actor=actor, record=record)
    clock.move_to("2026-05-10T10:00")
    for record in records:
        lived_withdraw(actor=actor, record=record)

    april = stage_counts(
        partnership_id=actor.partnership_id, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    at_end = shown(april.at_end)
    assert at_end["Interest received"] == "6"
    assert at_end["Information sent"] == "6"
    assert at_end["Withdrawn"] == "fewer than 5"  # a zero is hidden too
    assert str(april.at_end_total) == "12"
    may = stage_counts(
        partnership_id=actor.partnership_id, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
    )
    assert shown(may.entered)["Withdrawn"] == "12"
    assert shown(may.at_end)["Withdrawn"] == "12"
