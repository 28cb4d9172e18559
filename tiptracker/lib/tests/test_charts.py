"""Charts people can read on a phone and on a desktop: their text as large as the pages'
small text at both widths they are drawn at, never wider than the box they are shown in,
and no label over another or cut off."""

import itertools
import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from tiptracker.lib import charts
from tiptracker.lib.charts import NARROW, WIDE

LEVELS = ["Trauma Informed", "Trauma Skilled", "Trauma Enhanced", "Trauma Specialist"]
TEAMS = [
    "Children and Families: Duty and Assessment",
    "Learning and Organisational Development",
    "Secondary Schools: Pupil Support",
    "Youth Work",
    "AVeryLongTeamNameWithNoSpacesThatCannotBeBrokenBetweenWords",
]
MONTHS = [f"{month} {year}" for year in (22, 23, 24) for month in ("Jan", "Jun", "Dec")]
MONTH_ENDS = [
    f"{month} {year}"
    for year in (24, 25, 26)
    for month in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
][:25]
STEPS = ["Attended", "Gave feedback", "Reported learning", "Changed practice"]
COURSES = {
    "Becoming Trauma Informed: launch webinar for the whole workforce": [100, 60, None, 30],
    "Opening Doors": [100, 50, 40, 20],
    "Sowing Seeds": [None, None, None, None],  # nothing to draw: no line, no key
}

FIGURES = {
    "bar": lambda width: charts.bar_figure(LEVELS, [81.9, 68.1, 52.0, None], width),
    "bar of counts": lambda width: charts.bar_figure(
        TEAMS, [12345, 6, 0, None, 1000], width, unit=""
    ),
    "grouped": lambda width: charts.grouped_bar_figure(
        TEAMS, {level: [80.0, 70.5, None, 12.0, 100.0] for level in LEVELS}, width
    ),
    "distribution": lambda width: charts.distribution_figure(
        ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree"],
        [1234, 40, None, 7],
        width,
        threshold=5,
    ),
    "trend of 25 month ends": lambda width: charts.line_figure(
        MONTH_ENDS, {level: [50 + n for n in range(25)] for level in LEVELS}, width
    ),
    "trend with long dates": lambda width: charts.line_figure(
        [f"{day} December 2021" for day in range(1, 31)], {"Level 1": [20.0] * 30}, width
    ),
    "nine points": lambda width: charts.line_figure(
        MONTHS, {"Trauma Informed": [None, 10, 20, 30, 40, 50, 60, 70, 80]}, width
    ),
    "steps of a course": lambda width: charts.line_figure(STEPS, COURSES, width),
    "one point": lambda width: charts.line_figure(["1 Dec 2021"], {"Level 1": [20.0]}, width),
}
CASES = list(itertools.product(FIGURES, [NARROW, WIDE]))


def _texts(figure):
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    shown = [
        text
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.get_figure() is not None
    ]
    return [(text, text.get_window_extent(renderer)) for text in shown]


@pytest.mark.parametrize(("kind", "width"), CASES, ids=[f"{k}-{w:.0f}pt" for k, w in CASES])
def test_every_word_in_a_chart_is_at_least_16_pixels_and_the_chart_fits_its_box(kind, width):
    figure = FIGURES[kind](width)
    texts = _texts(figure)
    assert texts
    # 12 points is 16 CSS pixels, GOV.UK's small body text; the drawing is never scaled.
    small = [text.get_text() for text, _box in texts if text.get_fontsize() < 12]
    assert not small, f"text smaller than 12pt in the {kind} chart: {small}"
    assert figure.get_size_inches()[0] * 72 == pytest.approx(width)
    right, top = figure.get_size_inches() * figure.dpi
    outside = [
        text.get_text()
        for text, box in texts
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > right + 0.5 or box.y1 > top + 0.5
    ]
    assert not outside, f"text cut off at the edge of the {kind} chart: {outside}"


@pytest.mark.parametrize(("kind", "width"), CASES, ids=[f"{k}-{w:.0f}pt" for k, w in CASES])
def test_no_label_in_a_chart_overlaps_another(kind, width):
    texts = _texts(FIGURES[kind](width))
    overlapping = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if box_a.x0 < box_b.x1 - 0.5
        and box_b.x0 < box_a.x1 - 0.5
        and box_a.y0 < box_b.y1 - 0.5
        and box_b.y0 < box_a.y1 - 0.5
    ]
    assert not overlapping, f"labels drawn over each other in the {kind} chart: {overlapping}"


def test_a_long_trend_labels_evenly_spaced_months_always_including_the_latest():
    figure = charts.line_figure(MONTH_ENDS, {"Trauma Informed": [50.0] * 25}, NARROW)
    labels = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    positions = list(figure.axes[0].get_xticks())
    assert labels[-1] == "Jan 26" and positions[-1] == 24
    assert len(labels) >= 3
    assert len({b - a for a, b in itertools.pairwise(positions)}) == 1  # evenly spaced
    # On the wide drawing, more of them.
    wide = charts.line_figure(MONTH_ENDS, {"Trauma Informed": [50.0] * 25}, WIDE)
    assert len(wide.axes[0].get_xticks()) > len(labels)


def test_each_step_of_a_course_is_labelled_even_on_a_phone():
    figure = charts.line_figure(STEPS, COURSES, NARROW)
    shown = [" ".join(label.get_text().split()) for label in figure.axes[0].get_xticklabels()]
    assert shown == STEPS
    key = [" ".join(t.get_text().split()) for t in figure.legends[0].get_texts()]
    assert key == list(COURSES)[:2]  # a course with nothing measured has no line


def test_a_chart_is_drawn_at_both_widths_each_an_image_with_its_own_ids():
    box = charts.line_chart_svg(
        title="Coverage at each month end, chart",
        x_labels=MONTH_ENDS,
        series={"Trauma Informed": [50.0] * 25},
    )
    assert box.startswith('<div class="tip-chart-box">')
    drawings = re.findall(r"<svg [^>]*>", box)
    assert len(drawings) == 2
    for drawing, variant, width in zip(drawings, ("narrow", "wide"), (NARROW, WIDE), strict=True):
        assert 'role="img" aria-label="Coverage at each month end, chart"' in drawing
        assert f"tip-chart--{variant}" in drawing
        drawn = float(re.search(r'width="([\d.]+)pt"', drawing).group(1))
        assert drawn <= width + 0.5  # never wider than the box that shows it
    ids = re.findall(r'\bid="([^"]+)"', box)
    assert len(ids) == len(set(ids))
    assert "style=" not in box  # the pages' content security policy would block it


def test_counts_on_a_chart_have_thousands_separators():
    figure = charts.bar_figure(["Invited"], [12345], NARROW, unit="")
    texts = [text.get_text() for text, _box in _texts(figure)]
    assert "Invited: 12,345" in texts
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", text) for text in texts)  # an axis tick
