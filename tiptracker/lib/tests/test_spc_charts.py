"""A measure's chart as people see it: what the key names, which lines are drawn, that the
SVG passes the pages' content security policy and has a text alternative, that the image for
documents is sharp, that the thumbnail is small, and that no label sits on another."""

import datetime as dt
import io
import itertools
import re
import struct
import time
import xml.etree.ElementTree as ET

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from tiptracker.lib.charts import NARROW, WIDE
from tiptracker.lib.spc import (
    Assurance,
    ChartKind,
    Improvement,
    Observation,
    RuleSet,
    Signal,
    Variation,
    compute,
)
from tiptracker.lib.spc_charts import chart_figure, chart_png, chart_svg, thumbnail_figure
from tiptracker.lib.spc_words import assurance_words, signal_words, variation_words

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Alternating 10 and 12: no signal at all (see test_spc.py's STEADY).
STEADY = [10.0, 12.0] * 12


def month_ends(count, start=dt.date(2022, 1, 31)):
    days = []
    for i in range(count):
        year, month = divmod(start.month - 1 + i, 12)
        first_of_next = dt.date(start.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        days.append(first_of_next - dt.timedelta(days=1))
    return days


def xmr(values, *, rebase_at=(), improvement=Improvement.UP, baseline=None):
    observations = [
        Observation(on=day, value=value, rebase=i in rebase_at)
        for i, (day, value) in enumerate(zip(month_ends(len(values)), values, strict=True))
    ]
    return compute(observations, kind=ChartKind.XMR, improvement=improvement, baseline=baseline)


def key_of(figure):
    """The key's entries, as one line each."""
    if not figure.legends:
        return []
    return [" ".join(t.get_text().split()) for t in figure.legends[0].get_texts()]


def texts_of(svg):
    """The words an SVG says, from matplotlib's comments beside each text it draws as paths."""
    return re.findall(r"<!-- (.*?) -->", svg)


def parsed(svg):
    """The SVG as XML: this raises unless it is well formed."""
    return ET.fromstring(svg)  # noqa: S314 - our own drawing, not untrusted input


def drawings(box):
    """Each <svg> in the box, parsed (the box is one <div> around them)."""
    root = parsed(box)
    return root.findall(f"{SVG}svg") if root.tag == "div" else [root]


# --- The words beside the chart ---


def test_each_variation_assurance_and_signal_has_plain_words():
    assert variation_words(Variation.COMMON_CAUSE) == "Common cause variation: no signal of change"
    assert variation_words("improvement") == "Special cause variation: improvement"
    assert variation_words(Variation.CONCERN) == "Special cause variation: concern"
    assert variation_words(Variation.NEUTRAL) == (
        "Special cause variation: neither better nor worse"
    )
    assert assurance_words(Assurance.CONSISTENT_PASS).endswith("it will consistently be met")
    assert assurance_words(Assurance.CONSISTENT_FAIL).endswith("it will consistently be missed")
    assert assurance_words(Assurance.INCONSISTENT) == (
        "The target lies between the process limits: it will sometimes be met and sometimes missed"
    )
    assert signal_words(Signal.OUTSIDE_LIMITS) == "a point outside the process limits"
    assert signal_words("long_run") == "an unusually long run on one side of the median"
    assert {signal_words(s) for s in Signal} and all(signal_words(s) for s in Signal)


# --- The key names only what the chart holds ---


def test_a_steady_process_shows_only_common_cause_the_mean_and_its_limits():
    figure = chart_figure(xmr(STEADY), WIDE)
    assert key_of(figure) == ["Common cause variation", "Mean", "Process limits"]


def test_the_key_names_improvement_and_concern_only_when_points_show_them():
    # A shift of seven above the centre on a measure where up is better: an improvement.
    up = xmr(STEADY + [14.0] * 7)
    assert "Special cause: improvement" in key_of(chart_figure(up, WIDE))
    assert "Special cause: concern" not in key_of(chart_figure(up, WIDE))
    # The same where down is better: a concern, drawn orange, pointing down.
    down = xmr(STEADY + [14.0] * 7, improvement=Improvement.DOWN)
    key = key_of(chart_figure(down, WIDE))
    assert "Special cause: concern" in key and "Special cause: improvement" not in key
    # And on a measure with no better direction: neither better nor worse.
    neutral = xmr(STEADY + [14.0] * 7, improvement=Improvement.NEUTRAL)
    assert "Special cause: neither better nor worse" in key_of(chart_figure(neutral, WIDE))


def test_each_variation_is_drawn_in_its_own_colour_and_shape():
    chart = xmr(STEADY + [14.0] * 7, improvement=Improvement.DOWN)
    figure = chart_figure(chart, WIDE)
    markers = {
        (line.get_marker(), line.get_color())
        for line in figure.axes[0].get_lines()
        if line.get_linestyle() == "None"
    }
    assert markers == {("o", "#505a5f"), ("v", "#f47738")}
    # One artist per kind of point, however many points: not one per point.
    assert len(markers) == 2


def test_limits_from_fewer_than_12_points_are_not_drawn_nor_named():
    # Eight points: limits computed but not trusted (the page says so from the warnings).
    eight = chart_svg(xmr(STEADY[:8]), title="Waiting times, chart", width_px=605)
    assert "Process limits" not in texts_of(eight)
    assert "Mean" in texts_of(eight)
    # Twenty-four: trusted, drawn and named.
    full = chart_svg(xmr(STEADY), title="Waiting times, chart", width_px=605)
    assert "Process limits" in texts_of(full)


def test_a_run_chart_shows_its_median_and_no_limits():
    observations = [Observation(on=d, value=v) for d, v in zip(month_ends(24), STEADY, strict=True)]
    chart = compute(observations, kind=ChartKind.RUN, rules=RuleSet.IHI)
    key = key_of(chart_figure(chart, WIDE))
    assert "Median" in key and "Mean" not in key and "Process limits" not in key


def test_limits_are_drawn_for_each_trusted_segment_only():
    # A rebase after 20 points: the first segment's limits are trusted, the second's (from
    # 6 points) are not; the centre is drawn for both, with a line where the rebase fell.
    chart = xmr(STEADY[:20] + [20.0, 22.0] * 3, rebase_at=(20,))
    figure = chart_figure(chart, WIDE)
    axes = figure.axes[0]
    dashed = [c for c in axes.collections if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 1
    assert len(dashed[0].get_segments()) == 2  # the first segment's upper and lower limit
    assert "Change adopted (rebase)" in key_of(figure)


# --- Target and notes ---


def test_a_target_is_drawn_and_labelled_only_when_given():
    chart = xmr(STEADY)
    with_target = chart_figure(chart, WIDE, target=15.0)
    labels = [t.get_text() for t in with_target.findobj(Text)]
    assert "Target" in labels
    assert "Target" in key_of(with_target)
    without = chart_figure(chart, WIDE)
    assert "Target" not in [t.get_text() for t in without.findobj(Text)]


def test_notes_are_numbered_along_the_axis_and_listed_with_their_dates():
    notes = [(dt.date(2022, 6, 15), "New form"), (dt.date(2023, 3, 1), "Huddles")]
    figure = chart_figure(xmr(STEADY), WIDE, annotations=notes)
    texts = [" ".join(t.get_text().split()) for t in figure.findobj(Text)]
    assert texts.count("1") == 2 and texts.count("2") == 2  # on the chart and in the list
    assert "15 June 2022: New form" in texts
    assert "1 March 2023: Huddles" in texts


# --- SVG for pages ---


def test_the_svg_is_two_well_formed_images_with_a_text_alternative_and_no_inline_styles():
    box = chart_svg(
        xmr(STEADY, baseline=12),
        title="Days to first appointment, chart",
        unit_label="Days",
        target=11.0,
        annotations=[(dt.date(2022, 6, 15), "New form")],
    )
    assert box.startswith('<div class="tip-chart-box">')
    images = drawings(box)
    assert len(images) == 2
    for image, variant, width in zip(images, ("narrow", "wide"), (NARROW, WIDE), strict=True):
        assert image.get("role") == "img"
        assert image.get("aria-label") == "Days to first appointment, chart"
        assert image.find(f"{SVG}title").text == "Days to first appointment, chart"
        assert f"tip-chart--{variant}" in image.get("class")
        assert float(image.get("width").removesuffix("pt")) <= width + 0.5
    assert "style=" not in box and "<style" not in box  # the pages' CSP would block them
    ids = re.findall(r'\bid="([^"]+)"', box)
    assert len(ids) == len(set(ids))  # each drawing's ids its own
    # The words a reader sees: the unit, the target, the note and the key.
    words = texts_of(box)
    for expected in ("Days", "Target", "Common cause variation", "Mean", "Process limits"):
        assert expected in words


def test_a_title_cannot_break_out_of_the_svg():
    svg = chart_svg(xmr(STEADY), title='Waits <script>"x"</script> & more', width_px=400)
    parsed(svg)  # still well formed
    assert "<script>" not in svg


def test_the_same_chart_is_the_same_svg():
    chart = xmr(STEADY)
    first = chart_svg(chart, title="Waits, chart", width_px=605)
    assert chart_svg(chart, title="Waits, chart", width_px=605) == first


def test_months_along_the_axis_are_readable_and_include_the_latest():
    figure = chart_figure(xmr(STEADY + STEADY[:12]), WIDE)
    labels = [" ".join(t.get_text().split()) for t in figure.axes[0].get_xticklabels()]
    assert labels[-1] == "Dec 2024"
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label) for label in labels)
    assert len(labels) >= 4


def _boxes(figure):
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    shown = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in shown], figure.bbox


def _long_daily(count=1000):
    start = dt.date(2021, 1, 1)
    values = [40 + (8 if i > count // 3 else 0) + (i * 7919 % 13) / 2 for i in range(count)]
    return compute(
        [Observation(on=start + dt.timedelta(days=i), value=v) for i, v in enumerate(values)],
        kind=ChartKind.XMR,
        improvement=Improvement.DOWN,
    )


SAMPLES = {
    "36 months, a rebase, a target, two notes": (
        xmr([60.0, 63.0] * 7 + [70.0, 69.0] * 4 + [74.0, 71.0] * 7, rebase_at=(22,)),
        {
            "unit_label": "Percentage seen within 18 weeks",
            "target": 72.0,
            "annotations": [
                (dt.date(2023, 2, 15), "New referral form"),
                (dt.date(2023, 3, 1), "Huddles"),
            ],
        },
    ),
    "1,000 days": (_long_daily(), {"unit_label": "Days", "target": 45.0}),
    "one point": (xmr([5.0]), {"unit_label": "%"}),
}
CASES = list(itertools.product(SAMPLES, [NARROW, WIDE]))


@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}-{w:.0f}pt" for n, w in CASES])
def test_no_text_overlaps_other_text_or_leaves_the_drawing(name, width):
    chart, options = SAMPLES[name]
    texts, frame = _boxes(chart_figure(chart, width, **options))
    for text, box in texts:
        assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, f"{text!r} cut off"
        assert box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5, f"{text!r} cut off"
    overlapping = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if box_a.x0 < box_b.x1 - 0.5
        and box_b.x0 < box_a.x1 - 0.5
        and box_a.y0 < box_b.y1 - 0.5
        and box_b.y0 < box_a.y1 - 0.5
    ]
    assert not overlapping


def test_a_thousand_points_are_drawn_quickly_with_one_artist_per_kind():
    chart = _long_daily()
    figure = chart_figure(chart, WIDE)
    axes = figure.axes[0]
    # Too close for markers to tell apart: the values as a line, and the signals' markers as
    # one shape per kind, never an artist per point.
    assert len(axes.get_lines()) + len(axes.patches) + len(axes.artists) <= 8
    assert not [line for line in axes.get_lines() if line.get_marker() not in ("None", None)]
    assert key_of(figure)[:3] == [
        "Common cause variation",
        "Special cause: improvement",
        "Special cause: concern",
    ]
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert 2 <= len(labels) <= 12
    started = time.perf_counter()
    chart_svg(chart, title=f"Timing {started}")  # a title of its own: not from the cache
    assert time.perf_counter() - started < 2.0  # generous: a shared test machine


def test_an_empty_series_draws_an_empty_chart():
    chart = compute([], kind=ChartKind.XMR)
    assert chart_svg(chart, title="Nothing yet", width_px=605).startswith("<svg")


# --- PNG for documents, and the thumbnail ---


def _png_size(data):
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_png_for_documents_is_16_cm_wide_at_200_dpi():
    data = chart_png(xmr(STEADY), title="Waits, chart", target=11.0)
    width, height = _png_size(data)
    assert 1150 <= width <= 1270  # 16 cm at 200 dots per inch, less the trimmed margin
    assert 600 <= height <= 1600


def test_the_thumbnail_is_small_with_no_key_and_no_text():
    chart = xmr(STEADY + [14.0] * 7)
    figure = thumbnail_figure(chart, target=11.0)
    assert not figure.legends
    assert not [t for t in figure.findobj(Text) if t.get_text().strip() and t.get_visible()]
    svg = chart_svg(chart, title="Waits: improving", target=11.0, thumbnail=True)
    image = parsed(svg)
    assert image.get("aria-label") == "Waits: improving"
    assert float(image.get("width").removesuffix("pt")) == pytest.approx(180)  # 240 pixels
    assert float(image.get("height").removesuffix("pt")) == pytest.approx(60)  # 80 pixels
    assert "style=" not in svg
    assert not [w for w in texts_of(svg) if w not in ("Created with matplotlib",)]
    assert len(svg) < 30_000  # fifty on a page
    width, height = _png_size(chart_png(chart, title="Waits", thumbnail=True))
    assert width == 500 and 165 <= height <= 167  # 240 x 80 pixels at 200 dots per inch


def test_the_png_is_a_png_to_pillow_too():
    pytest.importorskip("PIL")
    from PIL import Image

    image = Image.open(io.BytesIO(chart_png(xmr(STEADY), title="Waits, chart")))
    assert image.format == "PNG" and image.size[0] > 1000
