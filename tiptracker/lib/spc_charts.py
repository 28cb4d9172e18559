"""A measure's chart drawn: the run chart or XmR chart that lib/spc.py computes, as SVG for
pages (at the two widths of lib/charts.py, or one width asked for), PNG for documents, and a
small thumbnail for a page that lists many projects; and the words that say what it shows.

Drawn as the NHS's Making Data Count draws it: the values as a grey line with a marker at each
point, each segment's centre (mean or median) as a solid line and, where its limits are
trusted (formats.md: a baseline of 12 points or more), its process limits dashed; a thin
upright line where the process was rebased; the target as a red dotted line labelled
"Target". Each point's variation shows in its colour AND its marker's shape, so that the
chart reads in black and white and to anyone who does not tell the colours apart:

    common cause                 grey circle
    special cause: improvement   blue upward triangle
    special cause: concern       orange downward triangle
    special cause: neither       purple square

The key below the plot names only what the chart holds, so it never covers a point; dated
notes are numbered markers along the foot of the plot, their words listed under the key.
Conventions (sizes, fonts, key, SVG without inline styles, caching by content) are
lib/charts.py's, whose helpers this module uses. A thousand points draw in tens of
milliseconds: one artist per kind of marker, never one per point.
"""

import datetime as dt
import functools
import hashlib
import io
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.ticker import FixedLocator
from matplotlib.transforms import Transform, blended_transform_factory

from tiptracker.lib import dates
from tiptracker.lib.charts import (
    FONT_SIZE,
    GAP,
    LINE,
    NARROW,
    WIDE,
    WIDTHS,
    Key,
    cached,
    figure_png,
    figure_svg,
    wrapped,
)
from tiptracker.lib.dates import long_date
from tiptracker.lib.spc import Chart, ChartKind, Variation
from tiptracker.lib.spc_axes import label_width, monthly, x_of, x_ticks, y_range, y_text

# Part of the cache key: change it when the drawing changes, so no stale chart is served.
SPC_STYLE_VERSION = 1

# GOV.UK's colours. Grey, blue and purple are at least 3:1 against white (WCAG 2.2's contrast
# for graphics); orange is not, so its marker has a dark edge and a shape of its own.
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
BLUE = "#1d70b8"
ORANGE = "#f47738"
PURPLE = "#4c2c92"
RED = "#d4351c"


@dataclass(frozen=True)
class _Look:
    name: str  # in the key
    marker: str
    colour: str
    size: float  # the marker's width in points


LOOKS = {
    Variation.COMMON_CAUSE: _Look("Common cause variation", "o", DARK_GREY, 5.0),
    Variation.IMPROVEMENT: _Look("Special cause: improvement", "^", BLUE, 8.0),
    Variation.CONCERN: _Look("Special cause: concern", "v", ORANGE, 8.0),
    Variation.NEUTRAL: _Look("Special cause: neither better nor worse", "s", PURPLE, 6.5),
}
LIMITS = "Process limits"
TARGET = "Target"
REBASE = "Change adopted (rebase)"
CENTRE, VALUES = "centre", "values"  # the mean or median, and the line through the points
LINES: dict[str, dict] = {
    CENTRE: {"color": BLACK, "linewidth": 1.6},
    LIMITS: {"color": BLACK, "linewidth": 1.2, "linestyle": (0, (5, 3))},
    TARGET: {"color": RED, "linewidth": 2.0, "linestyle": (0, (1.5, 1.5))},
    REBASE: {"color": MID_GREY, "linewidth": 1.5},
    VALUES: {"color": DARK_GREY, "linewidth": 1.3},
}

# The drawing's sizes in points.
PLOT_HEIGHT = {NARROW: 150.0, WIDE: 190.0}
THUMBNAIL = (180.0, 60.0)  # 240 x 80 CSS pixels
DENSE = 1.0  # points closer than this (in points): a line, and only the signals' markers
BADGE = 18.0  # a note's numbered marker, across


# Measuring text costs half a millisecond a line, and a chart's labels repeat from one
# drawing to the next: remembered (bounded), so that a drawing measures little.
@functools.lru_cache(maxsize=256)
def _wrapped(text: str, width: float) -> tuple[str, ...]:
    return tuple(wrapped(text, width))


@functools.lru_cache(maxsize=256)
def _key(names: tuple[str, ...], width: float) -> Key:
    return Key.of(names, width)


# The drawing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    unit_label: str
    target: float | None
    annotations: tuple[tuple[dt.date, str], ...]


def _edges(chart: Chart, xs: list[float]) -> list[tuple[float, float]]:
    """Each segment's span along the x axis: from its first point (or halfway from the last
    segment's) to its last point (or halfway to the next segment's)."""
    ends = list(itertools.accumulate(s.size for s in chart.segments))
    firsts = [xs[end - s.size] for end, s in zip(ends, chart.segments, strict=True)]
    lasts = [xs[end - 1] for end in ends]
    lefts = firsts[:1] + [(a + b) / 2 for a, b in zip(lasts, firsts[1:], strict=False)]
    rights = [(a + b) / 2 for a, b in zip(lasts, firsts[1:], strict=False)] + lasts[-1:]
    return list(zip(lefts, rights, strict=True))


def _line(name: str, small: bool = False) -> dict:
    """How a line is drawn, on the chart and in its key; a thumbnail's are thinner."""
    style = dict(LINES[name])
    return style | {"linewidth": style["linewidth"] * 0.65} if small else style


def _marker(variation: Variation, size: float, small: bool = False) -> dict:
    """How a kind of point's marker is drawn: the concern's orange, paler than 3:1 against
    white, has a dark edge (but not on a thumbnail, where the edges would swamp it)."""
    look = LOOKS[variation]
    edged = variation == Variation.CONCERN and not small
    return {
        "marker": look.marker,
        "markersize": size,
        "color": look.colour,
        "markeredgecolor": BLACK if edged else look.colour,
        "markeredgewidth": 0.6 if edged else 0.0,
    }


def _draw_data(axes: Axes, chart: Chart, request: _Request, *, small: bool) -> bool:
    """The points, centres, limits, rebases and target on `axes` (what `_names_drawn` names),
    and whether common cause points have markers. `small`: a thumbnail's thinner lines, and
    markers only where there is a signal (and on the latest point)."""
    xs = [x_of(p.on) for p in chart.points]
    values = [p.value for p in chart.points]
    spans = _edges(chart, xs)
    if spans:
        centres = [s.centre for s in chart.segments]
        axes.hlines(centres, *zip(*spans, strict=True), zorder=3, **_line(CENTRE, small))
    trusted = [(s, span) for s, span in zip(chart.segments, spans, strict=True) if s.trusted]
    if trusted:
        limits = [float(s.upper or 0) for s, _ in trusted] + [
            float(s.lower or 0) for s, _ in trusted
        ]
        lefts, rights = zip(*[span for _, span in trusted] * 2, strict=True)
        axes.hlines(limits, lefts, rights, zorder=3, **_line(LIMITS, small))
    for left, _right in spans[1:]:
        axes.axvline(left, zorder=1, **_line(REBASE, small))
    if request.target is not None:
        axes.axhline(request.target, zorder=2, **_line(TARGET, small))
    axes.plot(xs, values, zorder=4, clip_on=False, **_line(VALUES, small))
    # Markers no wider than the space between points (down to a floor at which their shapes
    # still tell apart), one artist per kind of point, never one per point. Points so close
    # that their markers would merge into the line (hundreds of them): common cause points
    # are the line alone, and the signals' markers are one path per kind (of many triangles),
    # which costs a fraction of markers drawn one by one.
    scales = _scales(axes)
    spacing = (xs[-1] - xs[0]) / (len(xs) - 1) * scales[0] if len(xs) > 1 else 99.0
    dense = spacing < DENSE
    for variation, look in LOOKS.items():
        chosen = [i for i, p in enumerate(chart.points) if p.variation == variation]
        if variation == Variation.COMMON_CAUSE and (small or dense):
            chosen = chosen[-1:] if small and chosen and chosen[-1] == len(xs) - 1 else []
        if not chosen:
            continue
        floor = 2.5 if small else 3.0 if variation == Variation.COMMON_CAUSE else 4.5
        size = max(min(look.size * (0.6 if small else 1.0), spacing * 1.4), floor)
        style = _marker(variation, size, small)
        zorder = 5 if variation == Variation.COMMON_CAUSE else 6
        at = np.array([[xs[i], values[i]] for i in chosen])
        if not dense:
            axes.plot(at[:, 0], at[:, 1], linestyle="none", zorder=zorder, clip_on=False, **style)
            continue
        # add_artist, not add_patch: the limits are set, and measuring a path of a thousand
        # shapes for them would cost more than drawing it.
        shapes = PathPatch(
            _markers(at, look.marker, size, scales),
            facecolor=style["color"],
            edgecolor=style["markeredgecolor"],
            linewidth=style["markeredgewidth"],
            zorder=zorder,
            clip_on=False,
            transform=axes.transData,
        )
        axes.add_artist(shapes)
    return not (small or dense)


def _markers(at: np.ndarray, marker: str, size: float, scales: tuple[float, float]) -> Path:
    """Markers `size` points across at each of `at` (rows of x and y in data units), as one
    path: the marker's outline repeated, scaled from points to the axes' units."""
    shape = MarkerStyle(marker)
    unit = shape.get_path().transformed(shape.get_transform())
    vertices = np.asarray(unit.vertices, dtype=float)
    codes = unit.codes
    if codes is None:
        codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
        codes[0] = Path.MOVETO
    outline = vertices * np.array([size / scales[0], size / scales[1]])
    every = (at[:, None, :] + outline[None, :, :]).reshape(-1, 2)
    return Path(every, np.tile(codes, len(at)))


def _scales(axes: Axes) -> tuple[float, float]:
    """How many points (1/72 inch) a day spans across the plot, and a unit up it."""
    figure = axes.get_figure(root=True)
    assert isinstance(figure, Figure)
    width, height = figure.get_size_inches() * 72
    box = axes.get_position()
    (left, right), (low, high) = axes.get_xlim(), axes.get_ylim()
    return float(box.width * width / (right - left)), float(box.height * height / (high - low))


def _x_limits(chart: Chart, request: _Request) -> tuple[float, float]:
    """The first and last day drawn (points and notes)."""
    shown = [x_of(p.on) for p in chart.points] + [x_of(day) for day, _ in request.annotations]
    if not shown:
        today = x_of(dates.today())
        return today - 15, today + 15
    low, high = min(shown), max(shown)
    if high - low < 1:
        return low - 15, high + 15
    return low, high


def _key_handles(names: Sequence[str], *, common_markers: bool) -> list[Line2D]:
    """A sample of each thing named in the key, in its order: common cause variation as the
    line of values, with its marker where the points have one."""
    handles = []
    for name in names:
        variation = next((v for v, look in LOOKS.items() if look.name == name), None)
        if variation == Variation.COMMON_CAUSE:
            marker = _marker(variation, LOOKS[variation].size) if common_markers else {}
            handles.append(Line2D([], [], label=name, **(_line(VALUES) | marker)))
        elif variation is not None:
            style = _marker(variation, LOOKS[variation].size)
            handles.append(Line2D([], [], label=name, linestyle="none", **style))
        else:
            handles.append(Line2D([], [], label=name, **_line(name if name in LINES else CENTRE)))
    return handles


def _badge(where: Axes | Figure, x: float, y: float, number: int, transform: Transform) -> None:
    """A note's number in a small circle, at (x, y) in `transform`'s coordinates."""
    circle = {"boxstyle": "circle,pad=0.18", "facecolor": "white", "edgecolor": BLACK}
    style: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": FONT_SIZE, "color": BLACK}
    where.text(
        x, y, str(number), transform=transform, zorder=8, clip_on=False, bbox=circle, **style
    )


def _notes(annotations: Sequence[tuple[dt.date, str]], width: float) -> list[list[str]]:
    """Each note's lines under the key: its date and words, wrapped beside its number."""
    room = width - 2 * GAP - BADGE - 6
    return [list(_wrapped(f"{long_date(day)}: {text}", room)) for day, text in annotations]


def chart_figure(
    chart: Chart,
    width: float,
    *,
    unit_label: str = "",
    target: float | None = None,
    annotations: Sequence[tuple[dt.date, str]] = (),
) -> Figure:
    """The chart `width` points wide (NARROW or WIDE, or any other): the unit above the
    plot, the plot, the dates below it, then the key and the notes' words."""
    return _chart_figure(chart, width, _Request(unit_label, target, tuple(annotations)))


def _chart_figure(chart: Chart, width: float, request: _Request) -> Figure:
    plot = PLOT_HEIGHT.get(width, 190.0 if width >= WIDE else 150.0)
    ticks, places = y_range(chart, request.target)
    unit = request.unit_label.strip()
    y_texts = [y_text(t, places, unit) for t in ticks]
    left = max(label_width(t) for t in y_texts) + 8 + GAP
    right = GAP + (label_width(TARGET) + 6 if request.target is not None else 0)
    inner = width - left - right
    heading = list(_wrapped(unit, width - 2 * GAP)) if unit and unit != "%" else []
    days = [p.on for p in chart.points]
    # Along the x axis, in days: the points and notes, and a little either side (room for the
    # latest month's label, centred on its point).
    low_x, high_x = _x_limits(chart, request)
    before, after = 6.0, 6.0
    if monthly(days):
        after = max(after, label_width("May 2000") / 2 - (right - GAP / 2))
    scale = max(inner - before - after, GAP) / (high_x - low_x)  # points a day
    x_low, x_high = low_x - before / scale, high_x + after / scale
    tick_xs, x_texts = x_ticks(days, x_low, x_high, scale, (left - GAP / 2, right - GAP / 2))
    # The notes' numbered markers in rows along the foot of the plot, a row up where two
    # would touch; a band below the lowest tick holds them.
    rows: list[list[float]] = []
    badges: list[tuple[float, int]] = []
    for day, _text in request.annotations:
        at = (x_of(day) - x_low) * scale
        row = next(
            (r for r, taken in enumerate(rows) if all(abs(at - t) >= BADGE + 2 for t in taken)),
            len(rows),
        )
        if row == len(rows):
            rows.append([])
        rows[row].append(at)
        badges.append((x_of(day), row))
    band = len(rows) * (BADGE + 3) + 4 if rows else 0.0
    # Heights from the top down, in points.
    above = GAP + (len(heading) * LINE + 6 if heading else 0)
    axis = max((t.count("\n") + 1 for t in x_texts), default=1) * LINE + 8  # the dates
    names = tuple(_names_drawn(chart, request))
    key = _key(names, width)
    notes = _notes(request.annotations, width)
    notes_height = sum(len(lines) * LINE + 4 for lines in notes)
    beneath = axis + GAP + key.height + (GAP + notes_height if notes else 0)
    height = above + band + plot + beneath + GAP / 2
    figure = Figure(figsize=(width / 72, height / 72))
    axes = figure.add_axes(
        (
            left / width,
            (height - above - band - plot) / height,
            inner / width,
            (plot + band) / height,
        )
    )
    axes.set_xlim(x_low, x_high)
    units_per_point = (ticks[-1] - ticks[0]) / plot if len(ticks) > 1 else 1.0
    axes.set_ylim(ticks[0] - band * units_per_point, ticks[-1])
    axes.yaxis.set_major_locator(FixedLocator(ticks))
    axes.set_yticklabels(y_texts)
    axes.spines["left"].set_bounds(ticks[0], ticks[-1])  # not down into the notes' band
    axes.xaxis.set_major_locator(FixedLocator(tick_xs))
    # At matplotlib's own line spacing: any other sets labels without a descender ("Mar")
    # lower than those with one ("May").
    axes.set_xticklabels(x_texts, va="top")
    axes.tick_params(axis="x", pad=5)
    axes.tick_params(axis="y", pad=4)
    common_markers = _draw_data(axes, chart, request, small=False)
    if request.target is not None:
        axes.annotate(
            TARGET,
            xy=(1, request.target),
            xycoords=axes.get_yaxis_transform(),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            color=BLACK,
            annotation_clip=False,
        )
    on_x = blended_transform_factory(axes.transData, axes.transAxes)
    tall = plot + band
    for number, (at, row) in enumerate(badges, start=1):
        y = (2 + BADGE / 2 + row * (BADGE + 3)) / tall
        axes.plot(
            [at, at],
            [0, y - BADGE / 2 / tall],
            color=BLACK,
            linewidth=0.8,
            transform=on_x,
            clip_on=False,
        )
        _badge(axes, at, y, number, on_x)
    top = above + tall + axis + GAP
    key.draw(figure, _key_handles(names, common_markers=common_markers), top=top)
    top += key.height + GAP
    for number, lines in enumerate(notes, start=1):
        _badge(
            figure,
            (GAP + BADGE / 2) / width,
            1 - (top + LINE / 2) / height,
            number,
            figure.transFigure,
        )
        figure.text(
            (GAP + BADGE + 6) / width,
            1 - top / height,
            "\n".join(lines),
            va="top",
            ha="left",
            linespacing=1.3,
        )
        top += len(lines) * LINE + 4
    if heading:
        figure.text(
            GAP / width, 1 - GAP / height, "\n".join(heading), va="top", ha="left", linespacing=1.3
        )
    return figure


def _names_drawn(chart: Chart, request: _Request) -> list[str]:
    """The key's names, in its order, for what `_draw_data` will draw."""
    present = {p.variation for p in chart.points}
    names = [look.name for variation, look in LOOKS.items() if variation in present]
    if chart.segments:
        names.append("Median" if chart.kind == ChartKind.RUN else "Mean")
    if any(s.trusted for s in chart.segments):
        names.append(LIMITS)
    if request.target is not None:
        names.append(TARGET)
    if len(chart.segments) > 1:
        names.append(REBASE)
    return names


def thumbnail_figure(
    chart: Chart, *, target: float | None = None, width: float = THUMBNAIL[0]
) -> Figure:
    """A sparkline `width` points wide, a third as high: the line, centres, trusted limits,
    target and signals' markers (and the latest point's), no key and no text at all."""
    height = width * THUMBNAIL[1] / THUMBNAIL[0]
    figure = Figure(figsize=(width / 72, height / 72))
    pad = 4.0
    axes = figure.add_axes(
        (pad / width, pad / height, (width - 2 * pad) / width, (height - 2 * pad) / height)
    )
    axes.set_axis_off()
    low_x, high_x = _x_limits(chart, _Request("", None, ()))
    axes.set_xlim(low_x, high_x)
    ticks, _places = y_range(chart, target)
    axes.set_ylim(ticks[0], ticks[-1])
    _draw_data(axes, chart, _Request("", target, ()), small=True)
    return figure


# SVG and PNG ----------------------------------------------------------------------------------


def _digest(chart: Chart, title: str, request: _Request, width: float | None, thumb: bool) -> str:
    """A hash of what the drawing depends on: it keys the cache (cheaper than the chart's
    JSON), and names the drawing's ids."""
    payload = [
        SPC_STYLE_VERSION,
        title,
        str(chart.kind),
        str(chart.improvement),
        [(s.first, s.size, s.centre, s.upper, s.lower, s.trusted) for s in chart.segments],
        [(p.on.toordinal(), p.value, str(p.variation)) for p in chart.points],
        request.unit_label,
        request.target,
        [(day, text) for day, text in request.annotations],
        width,
        thumb,
    ]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def _one_svg(figure: Figure, title: str, name: str, digest: str) -> str:
    # Laid out to fit: no second drawing to trim it.
    return figure_svg(
        figure, title=title, id_prefix=f"c{digest}{name}-", css_class=f"tip-chart tip-chart--{name}"
    )


def chart_svg(
    chart: Chart,
    *,
    title: str,
    unit_label: str = "",
    target: float | None = None,
    annotations: Sequence[tuple[dt.date, str]] = (),
    width_px: int | None = None,
    thumbnail: bool = False,
) -> str:
    """The chart as SVG for a page. `title` is its text alternative (aria-label and <title>);
    the page beside it says the rest in words (variation_words, assurance_words, the
    segments' warnings). By default the chart is drawn at lib/charts.py's two widths in one
    `tip-chart-box`, the page's CSS showing the one that fits; `width_px` draws one drawing
    that many CSS pixels wide instead. `thumbnail`: a 240 x 80 pixel sparkline (or
    `width_px` wide), with no key and no text."""
    request = _Request(unit_label, target, tuple(annotations))
    digest = _digest(chart, title, request, width_px, thumbnail)

    def draw() -> str:
        if thumbnail or width_px is not None:
            figure = _figure(chart, request, width_px, thumbnail=thumbnail)
            return _one_svg(figure, title, "thumbnail" if thumbnail else "single", digest[:10])
        drawings = [  # lib/charts.py's two widths: the page's CSS shows one
            _one_svg(_chart_figure(chart, width, request), title, name, digest[:10])
            for name, width in WIDTHS.items()
        ]
        return f'<div class="tip-chart-box">{"".join(drawings)}</div>'

    return cached("spc", digest, draw)


def chart_png(
    chart: Chart,
    *,
    title: str,
    unit_label: str = "",
    target: float | None = None,
    annotations: Sequence[tuple[dt.date, str]] = (),
    width_px: int | None = None,
    thumbnail: bool = False,
) -> bytes:
    """The chart as an image for Word and PDF documents, at 200 dots per inch: lib/charts.py's
    wide drawing (16 cm, Word's text width on A4) unless `width_px` (CSS pixels, 96 to the
    inch) says otherwise. `title` only keys the cache (the caller puts it in the image's
    alternative text)."""
    request = _Request(unit_label, target, tuple(annotations))
    digest = _digest(chart, title, request, width_px, thumbnail)

    def draw() -> bytes:
        figure = _figure(chart, request, width_px, thumbnail=thumbnail)
        if thumbnail:  # exactly its size: nothing to trim
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=200, metadata={"Software": None})
            return buffer.getvalue()
        return figure_png(figure)

    return cached("spc-png", digest, draw)


def _figure(chart: Chart, request: _Request, width_px: int | None, *, thumbnail: bool) -> Figure:
    """The thumbnail or the chart, `width_px` CSS pixels wide (0.75 points each) or else at
    its own width (240 pixels, or the wide drawing)."""
    if thumbnail:
        width = THUMBNAIL[0] if width_px is None else width_px * 0.75
        return thumbnail_figure(chart, target=request.target, width=width)
    return _chart_figure(chart, WIDE if width_px is None else width_px * 0.75, request)
