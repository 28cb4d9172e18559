"""Board members reading a report: its contents, who approved it and when, the downloads,
and what moved since the last report the board approved."""

import datetime as dt
from dataclasses import replace

from django.urls import reverse

from tiptracker.reporting import cover, lifecycle
from tiptracker.reporting.compare import compare
from tiptracker.reporting.figures import Network, SourceCount
from tiptracker.reporting.tests.test_draft import full


def test_what_moved_is_each_headline_measure_with_its_change():
    before = full()
    now = replace(
        before,
        network=Network(champions=6, ambassadors=9, teams_with_ambassador=8, teams=53),
        completions=[SourceCount("import", 2000)],
        coverage=[replace(c, trained_at_end=c.trained_at_end + 300) for c in before.coverage],
    )
    rows = {row.measure: row for row in compare(before, now)}
    champions = rows["Trauma champions"]
    assert (champions.before, champions.now, champions.change) == ("4", "6", "up 2")
    assert rows["Trauma ambassadors"].change == "no change"
    assert rows["Training completions recorded in the period"].change == "up 562"
    level_one = next(r for m, r in rows.items() if m.startswith("Coverage at level 1"))
    assert level_one.change == "up 10.0 points"  # 300 more of 3,000 who need it


def test_a_board_member_reads_the_approved_report_against_the_one_before(ld, admin, board, login):
    earlier = lifecycle.report_create(
        actor=ld, start=dt.date(2021, 4, 1), end=dt.date(2021, 11, 30)
    )
    cover.report_reference_set(actor=ld, report=earlier, reference="DIJB12-2021")
    lifecycle.report_transition(actor=ld, report=earlier, transition="submit")
    lifecycle.report_transition(actor=admin, report=earlier, transition="approve")
    report = lifecycle.report_create(actor=ld, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30))
    lifecycle.report_transition(actor=ld, report=report, transition="submit")
    lifecycle.report_transition(actor=admin, report=report, transition="approve")

    page = login(board).get(reverse("report", args=[report.partnership.slug, report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "This is the paper the board receives." in html and "Approved on" in html
    assert 'href="#section-6"' in html and "6.0 RISK ASSESSMENT" in html  # the contents
    assert "(DIJB12-2021)" in html and "Trauma champions" in html
    assert "Change the cover" not in html and "Refresh figures" not in html  # reading only
    assert "report.pdf" in html and "report.docx" in html


def test_with_no_earlier_approved_report_the_page_says_so(ld, board, login):
    report = lifecycle.report_create(actor=ld, start=dt.date(2021, 12, 1), end=dt.date(2022, 6, 30))
    html = login(board).get(reverse("report", args=[report.partnership.slug, report.pk]))
    assert "nothing to compare this one with" in html.content.decode()


def test_a_report_frozen_before_completions_were_gathered_is_not_read_as_none():
    rows = {r.measure: r for r in compare(full(), full(), completions_known=False)}
    completions = rows["Training completions recorded in the period"]
    assert (completions.before, completions.change) == ("not gathered then", "not comparable")
