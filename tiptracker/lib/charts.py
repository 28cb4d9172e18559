"""Charts drawn with matplotlib: SVG for pages, PNG in documents.

Every chart is shown beside a table of the same figures (the accessible version), so the
SVG is marked as an image with a short text alternative. Drawing costs tens of
milliseconds, so finished charts are cached by a hash of their figures.

A chart's text is as large as the pages' small text (GOV.UK's body-s: 16 CSS pixels, which
is 12 points) on every screen. A drawing scaled down to fit a phone would shrink its text,
so each chart is drawn at the two widths it is shown at and never scaled: NARROW, for a
320-pixel phone's column (and any box narrower than the wide drawing), and WIDE, Word's text
width on A4 (the PNG in documents is this one). The page holds both; a CSS container query
shows the one that fits its box (frontend/app.scss, .tip-chart-box).

So that text never collides at either width: a bar's label sits above it (a long name wraps
instead of squeezing the bars), and the labels along a line chart's axis are measured and
spaced (every second, third ... month) so that they never overlap.
"""

import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import matplotlib
from django.core.cache import cache
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from tiptracker.lib.numbers import thousands

# Part of the cache key: change it when the drawing changes, so no stale chart is served.
CHART_STYLE_VERSION = 7
T = TypeVar("T", str, bytes)
# Okabe and Ito's colours, which people with any common colour blindness tell apart, each at
# least 3:1 against white (WCAG 2.2's contrast for graphics): blue, vermilion, bluish green,
# reddish purple, black. Lines differ in their dashes and markers too, so that a chart
# printed in black and white (a board pack often is) still tells its series apart.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"]
LINE_STYLES = ["solid", "dashed", "dotted", "dashdot", (0, (5, 1, 1, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v"]

# Sizes in points (1/72 inch; an SVG drawn W points wide is W * 4/3 CSS pixels wide).
FONT_SIZE = 12.0  # 16 CSS pixels: GOV.UK's body-s
LINE = FONT_SIZE * 1.3  # one line of text
NARROW = 216.0  # 288 CSS pixels: fits a 320-pixel phone's column (290 pixels)
WIDE = 16 / 2.54 * 72  # 16 cm: Word's text width on A4 (605 CSS pixels)
WIDTHS = {"narrow": NARROW, "wide": WIDE}
GAP = 9.0  # between neighbouring labels, and around the drawing

matplotlib.rcParams.update(
    {
        "font.family": ["DejaVu Sans"],
        "font.size": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        # People's words ("cost $5 to $10", a note with "$^$") are text, never TeX: read as
        # mathematics they would turn italic, or fail to draw at all.
        "text.parse_math": False,
        "svg.hashsalt": "tiptracker",  # stable ids in the SVG, so the same figures give the same file
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
_FONT = FontProperties(family=matplotlib.rcParams["font.family"], size=FONT_SIZE)
_MEASURE = RendererAgg(10, 10, 72)  # at 72 dots per inch, a pixel is a point


def text_width(text: str) -> float:
    """The width in points of one line of chart text, with 3% to spare: hinted glyphs drawn
    at a screen's resolution come out up to 2.5% wider than measured."""
    width, _height, _descent = _MEASURE.get_text_width_height_descent(text, _FONT, ismath=False)
    return float(width) * 1.03


def wrapped(text: str, width: float) -> list[str]:
    """`text` in lines no wider than `width` points, broken between words; a word wider than
    that on its own is broken inside itself rather than left to stick out."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while len(word) > 1 and text_width(word) > width:
            # The longest start of the word that fits (widths grow with length: halve the
            # search, so that a long pasted address costs a few measurements, not hundreds).
            cut, low, high = 1, 1, len(word) - 1
            while low <= high:
                middle = (low + high) // 2
                if text_width(word[:middle]) <= width:
                    cut, low = middle, middle + 1
                else:
                    high = middle - 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Key:
    """A chart's key (legend): its entries' names wrapped to the room they have, in one
    column on a narrow chart and two on a wide one, and the height that takes."""

    names: list[str]
    columns: int
    height: float

    @classmethod
    def of(cls, names: Sequence[str], width: float) -> "Key":
        columns = 1 if width < WIDE else 2
        room = (width - 2 * GAP) / columns - 3.6 * FONT_SIZE  # less the marker beside each
        lines = [wrapped(name, room) for name in names]
        rows = [lines[i : i + columns] for i in range(0, len(lines), columns)]
        height = sum(max(len(entry) for entry in row) for row in rows) * LINE
        return cls(["\n".join(entry) for entry in lines], columns, height)

    def draw(self, figure: Figure, handles: list, *, top: float) -> None:
        """Place the key with its top `top` points below the figure's top."""
        if not handles:
            return
        width, height = figure.get_size_inches() * 72
        for handle, name in zip(handles, self.names, strict=True):
            handle.set_label(name)
        figure.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(GAP / width, 1 - top / height),
            ncols=self.columns,
            frameon=False,
            borderaxespad=0,
            borderpad=0,
            handlelength=2.4,  # long enough to show a line's dashes
            columnspacing=1.0,
            labelspacing=(LINE - FONT_SIZE) / FONT_SIZE,
        )


def cached(kind: str, payload: object, draw: Callable[[], T]) -> T:
    key = (
        f"chart{CHART_STYLE_VERSION}:"
        + hashlib.sha256(json.dumps([kind, payload], default=str).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = draw()
        cache.set(key, found, timeout=24 * 3600)
    return found  # type: ignore[no-any-return]


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def svg_ids_prefixed(svg: str, prefix: str) -> str:
    """Matplotlib names its glyphs and clip paths the same in every chart, and one page may
    not hold the same id twice (a reference would find another chart's shape, perhaps one
    that is not displayed)."""
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
    # The id itself, and every reference to it: href="#id" and url(#id).
    reference = re.compile(rf'(\bid="|#)({names})(?=[")])')
    return reference.sub(lambda match: match.group(1) + prefix + match.group(2), svg)


def figure_svg(
    figure: Figure, *, title: str, id_prefix: str, css_class: str, trimmed: bool = False
) -> str:
    """A drawing as an SVG image for a page, as every chart and diagram is finished: without
    inline styles (the pages' content security policy blocks them), with ids of its own
    (`id_prefix`: a page may hold several drawings), role="img" and `title` as its text
    alternative, in aria-label and as its first child, <title>, which is what a tagged
    PDF's figure takes (WeasyPrint reads it there, not from aria-label). `trimmed`: cut to
    what is drawn, with half a gap around it (a figure not laid out to fit). No date in the
    file: the same figure, the same bytes."""
    safe_title = re.sub(r"[<>&\"]", "", title)
    buffer = io.StringIO()
    if trimmed:
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=GAP / 2 / 72,
            metadata={"Date": None},
        )
    else:
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = without_inline_styles(svg[svg.index("<svg") :])
    svg = svg_ids_prefixed(svg, id_prefix)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe_title}" class="{css_class}" ', 1)
    opened = svg.index(">") + 1
    return f"{svg[:opened]}<title>{safe_title}</title>{svg[opened:]}"


def _svg(draw: Callable[[float], Figure], title: str, payload: object) -> str:
    """The chart at both widths in one box, each an image with the text alternative (the
    table beside it carries the figures); the page's CSS shows one of them. Each drawing's
    ids are its own (a page holds both, and may hold other charts)."""
    digest = hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()[:10]
    drawings = [
        figure_svg(
            draw(width),
            title=title,
            id_prefix=f"c{digest}{name[0]}-",
            css_class=f"tip-chart tip-chart--{name}",
            trimmed=True,
        )
        for name, width in WIDTHS.items()
    ]
    return f'<div class="tip-chart-box">{"".join(drawings)}</div>'


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def figure_png(figure: Figure) -> bytes:
    """For Word documents, which cannot show SVG everywhere; 200 dpi prints sharply on A4."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=200,
        bbox_inches="tight",
        pad_inches=GAP / 2 / 72,
        metadata={"Software": None},
    )
    return buffer.getvalue()


def without_inline_styles(svg: str) -> str:
    """Matplotlib writes `style="fill: ..."` attributes and a <style> element; the pages'
    content security policy (style-src 'self') blocks both, leaving black shapes. SVG
    presentation attributes (`fill="..."`) say the same and are not styles, so rewrite to them.
    """

    def attributes(match: re.Match) -> str:
        pairs = []
        for declaration in match.group(1).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name and value and name != "font":
                pairs.append(f' {name}="{value}"')
        return "".join(pairs)

    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(attributes, svg)
    # What the removed <style> element said for every shape, as inherited attributes.
    return svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def _percent(value: float, _position: object = None) -> str:
    return f"{value:.0f}%"


def _count(value: float, _position: object = None) -> str:
    return thousands(int(value)) if value == int(value) else thousands(value, 1)


# Bars ------------------------------------------------------------------------------------------


def _bars_figure(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    width: float,
    *,
    top: float,
    tick: Callable[[float, object], str],
    axis_label: str = "",
    value_text: Callable[[float | None], str] | None = None,
) -> Figure:
    """Horizontal bars, one group per label, one bar per series, each group's label above
    its bars (with, for one series, its value: "Trauma Informed: 81.9%"); with more than one
    series, a key above the groups. The axis runs from 0 to `top`."""
    ticks = _ticks(top, width)
    # Room beside the axis for half of its first and last labels, centred on their ticks.
    left = GAP + text_width(tick(ticks[0], None)) / 2
    right = GAP + text_width(tick(ticks[-1], None)) / 2 if ticks[-1] == top else GAP
    inner = width - left - right
    many = len(series) > 1
    bar = 11.0 if many else 15.0
    columns = list(zip(*series.values(), strict=True)) or [() for _label in labels]
    headings = [
        wrapped(f"{label}: {value_text(values[0])}" if value_text else label, inner)
        for label, values in zip(labels, columns, strict=True)
    ]
    key = Key.of(list(series) if many else [], width)
    above = key.height + GAP if many else 0.0
    axis_lines = wrapped(axis_label, inner) if axis_label else []
    below = LINE + 6 + len(axis_lines) * LINE  # the tick labels, then the axis's label
    groups = [len(lines) * LINE + 3 + len(series) * bar + GAP for lines in headings]
    plot = max(sum(groups), LINE)
    height = above + plot + below + GAP
    figure = Figure(figsize=(width / 72, height / 72))
    axes = figure.add_axes((left / width, (below + GAP / 2) / height, inner / width, plot / height))
    # The y axis runs down the groups in points, so that text and bars share one measure.
    axes.set_xlim(0, top)
    axes.set_ylim(plot, 0)
    axes.yaxis.set_visible(False)
    axes.spines["left"].set_visible(False)
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_major_formatter(FuncFormatter(tick))
    if axis_lines:
        axes.set_xlabel("\n".join(axis_lines), linespacing=1.3)
    y = 0.0
    for lines, group, values in zip(headings, groups, columns, strict=True):
        axes.text(0, y, "\n".join(lines), va="top", ha="left", linespacing=1.3)
        first = y + len(lines) * LINE + 3
        for index, value in enumerate(values):
            axes.barh(
                first + (index + 0.5) * bar,
                value or 0,
                height=bar * 0.85,
                color=PALETTE[index % len(PALETTE)],
            )
        y += group
    colours = [Patch(color=PALETTE[i % len(PALETTE)]) for i in range(len(series))]
    key.draw(figure, colours if many else [], top=GAP / 2)
    return figure


def _ticks(top: float, width: float) -> list[float]:
    """Round numbers along an axis from 0 to `top`, none beyond it: 0%, 50%, 100% on a
    narrow chart, more on a wide one."""
    if top == 100:
        return [0, 50, 100] if width < WIDE else [0, 20, 40, 60, 80, 100]
    locator = MaxNLocator(nbins=2 if width < WIDE else 4, steps=[1, 2, 2.5, 5, 10], integer=True)
    return [float(t) for t in locator.tick_values(0, top) if 0 <= t <= top]


def bar_figure(
    labels: Sequence[str], values: Sequence[float | None], width: float, *, unit: str = "%"
) -> Figure:
    """One bar per label: a percentage of those who need it, or a count."""

    def value_text(value: float | None) -> str:
        if value is None:
            return "no one needs it"
        return f"{thousands(value, 1)}%" if unit == "%" else f"{thousands(value)}{unit}"

    return _bars_figure(
        labels,
        {"": values},
        width,
        top=100 if unit == "%" else max([v or 0 for v in values] + [1]),
        tick=_percent if unit == "%" else _count,
        axis_label="Percentage of those who need it" if unit == "%" else "",
        value_text=value_text,
    )


NEEDED = "Percentage of those who need it"


def grouped_bar_figure(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    width: float,
    *,
    axis_label: str = NEEDED,
) -> Figure:
    """One group per label (organisation, team, course), one bar per series (level, step):
    percentages."""
    return _bars_figure(labels, series, width, top=100, tick=_percent, axis_label=axis_label)


def distribution_figure(
    labels: Sequence[str], values: Sequence[int | None], width: float, *, threshold: int
) -> Figure:
    """How many gave each answer; a suppressed count draws no bar and says "fewer than N"."""

    def value_text(value: float | None) -> str:
        return f"fewer than {threshold}" if value is None else thousands(value)

    return _bars_figure(
        labels,
        {"": values},
        width,
        top=max([v or 0 for v in values] + [1]),
        tick=_count,
        axis_label="People",
        value_text=value_text,
    )


def bar_chart_svg(
    *, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%"
) -> str:
    payload = [title, list(labels), list(values), unit]

    def draw() -> str:
        return _svg(lambda width: bar_figure(labels, values, width, unit=unit), title, payload)

    return cached("bar", payload, draw)


def bar_chart_png(
    *, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%"
) -> bytes:
    """The same chart as bar_chart_svg, as an image for Word; `title` only keys the cache
    (the caller puts it in the image's alternative text)."""

    def draw() -> bytes:
        return figure_png(bar_figure(labels, values, WIDE, unit=unit))

    return cached("bar-png", [title, list(labels), list(values), unit], draw)


def grouped_bar_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    axis_label: str = NEEDED,
) -> str:
    """Horizontal bars: one group per label (organisation, team), one bar per series (level)."""
    payload = [title, list(labels), {k: list(v) for k, v in series.items()}, axis_label]

    def draw() -> str:
        return _svg(
            lambda width: grouped_bar_figure(labels, series, width, axis_label=axis_label),
            title,
            payload,
        )

    return cached("grouped", payload, draw)


def grouped_bar_chart_png(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    axis_label: str = NEEDED,
) -> bytes:
    """The same chart as grouped_bar_chart_svg, as an image for Word."""
    payload = [title, list(labels), {k: list(v) for k, v in series.items()}, axis_label]

    def draw() -> bytes:
        return figure_png(grouped_bar_figure(labels, series, WIDE, axis_label=axis_label))

    return cached("grouped-png", payload, draw)


def distribution_chart_svg(
    *, title: str, labels: Sequence[str], values: Sequence[int | None], threshold: int
) -> str:
    """Horizontal bars of how many gave each answer; a suppressed count draws no bar and
    says "fewer than N" (the table beside the chart has the same figures)."""
    payload = [title, list(labels), list(values), threshold]

    def draw() -> str:
        return _svg(
            lambda width: distribution_figure(labels, values, width, threshold=threshold),
            title,
            payload,
        )

    return cached("distribution", payload, draw)


# Lines -----------------------------------------------------------------------------------------


def _axis_labels(labels: Sequence[str], spacing: float) -> tuple[list[int], list[str]]:
    """Which of the points along the axis to label (`spacing` points apart), and how, so
    that no two labels overlap: every one if they fit side by side; a few categories (the
    steps from attending to changing practice) wrapped at their words, or else in two
    staggered rows; otherwise evenly spaced ones (every second, third ... month), always
    including the last."""
    if not labels:
        return [], []
    everyone = list(range(len(labels)))
    widest = max(text_width(label) for label in labels)
    if widest + GAP <= spacing:
        return everyone, list(labels)
    widest_word = max(text_width(word) for label in labels for word in label.split() or [""])
    if len(labels) <= 6:
        if widest_word + GAP <= spacing:
            return everyone, ["\n".join(wrapped(label, spacing - GAP)) for label in labels]
        if widest_word + GAP <= 2 * spacing:  # every second one a row lower: line_figure
            return everyone, ["\n".join(wrapped(label, 2 * spacing - GAP)) for label in labels]
    step = max(1, math.ceil((widest + GAP) / spacing))
    shown = list(range(len(labels) - 1, -1, -step))[::-1]
    return shown, [labels[i] for i in shown]


def _staggered(texts: Sequence[str], spacing: float) -> bool:
    """Whether labels `spacing` apart are too wide to sit side by side in one row."""
    return any(_half(a) + _half(b) + GAP > spacing for a, b in zip(texts, texts[1:], strict=False))


def _half(text: str) -> float:
    return max(text_width(line) for line in text.split("\n")) / 2


def _x_axis(
    labels: Sequence[str], inner: float, *, room: tuple[float, float]
) -> tuple[list[int], list[str], float, float]:
    """The labelled points, their labels, and the space (in the axis's units) before the
    first point and after the last, so that the end labels, centred on their points, stick
    out beside the plot no further than `room` (points, left and right) allows."""
    count = len(labels)
    if count <= 1:
        return list(range(count)), list(labels), 0.5, 0.5
    before = after = 0.3
    for _ in range(6):
        spacing = inner / (count - 1 + before + after)
        shown, texts = _axis_labels(labels, spacing)
        over_left = _half(texts[0]) - room[0] - shown[0] * spacing
        over_right = _half(texts[-1]) - room[1] - (count - 1 - shown[-1]) * spacing
        settled = (max(0.3, over_left / spacing), max(0.3, over_right / spacing))
        if all(abs(a - b) < 0.01 for a, b in zip(settled, (before, after), strict=True)):
            break
        before, after = settled
    return shown, texts, before, after


def line_figure(
    x_labels: Sequence[str], series: dict[str, Sequence[float | None]], width: float
) -> Figure:
    """Percentages along an axis of dates or steps, one line per series; a series with no
    figure at all draws no line and has no entry in the key."""
    drawn = {name: values for name, values in series.items() if any(v is not None for v in values)}
    count = len(x_labels)
    # Beside the plot: its percentages on the left (an end label of the axis below may
    # reach under them), and on the right room for half of a short last label.
    left = text_width("100%") + 8 + GAP
    right = GAP + min(_half(x_labels[-1]) if count else 0, width / 10)
    inner = width - left - right
    shown, texts, before, after = _x_axis(x_labels, inner, room=(left - GAP, right - GAP))
    spacing = inner / (count - 1 + before + after) if count > 1 else inner
    staggered = len(shown) > 1 and shown[1] - shown[0] == 1 and _staggered(texts, spacing)
    lines_of = [text.count("\n") + 1 for text in texts]
    upper = max(lines_of[::2], default=1)
    label_lines = upper + max(lines_of[1::2], default=0) if staggered else max(lines_of, default=1)
    key = Key.of(list(drawn), width)
    below = label_lines * LINE + 10 + GAP + key.height
    plot = 130.0 if width < WIDE else 170.0
    height = GAP + plot + below + GAP
    figure = Figure(figsize=(width / 72, height / 72))
    axes = figure.add_axes((left / width, (below + GAP) / height, inner / width, plot / height))
    lines = []
    for index, values in enumerate(drawn.values()):
        (line,) = axes.plot(
            range(count),
            [float("nan") if v is None else v for v in values],
            color=PALETTE[index % len(PALETTE)],
            linestyle=LINE_STYLES[index % len(LINE_STYLES)],
            linewidth=2,
            marker=MARKERS[index % len(MARKERS)],
            markersize=5,
        )
        lines.append(line)
    axes.set_xlim(-before, count - 1 + after)
    axes.xaxis.set_major_locator(FixedLocator(shown))
    axes.set_xticklabels(texts, linespacing=1.3, va="top")
    axes.tick_params(axis="x", pad=6)  # clear of the "0%" beside the axis's left end
    if staggered:  # every second label a row lower, below the first row's deepest
        lower = ScaledTranslation(0, -upper * LINE / 72, figure.dpi_scale_trans)
        for label in axes.get_xticklabels()[1::2]:
            label.set_transform(label.get_transform() + lower)
    axes.set_ylim(0, 100)
    ticks = [0, 50, 100] if width < WIDE else [0, 25, 50, 75, 100]
    axes.yaxis.set_major_locator(FixedLocator(ticks))
    axes.yaxis.set_major_formatter(FuncFormatter(_percent))
    key.draw(figure, lines, top=height - GAP - key.height)
    return figure


def line_chart_svg(
    *, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> str:
    payload = [title, list(x_labels), {k: list(v) for k, v in series.items()}]

    def draw() -> str:
        return _svg(lambda width: line_figure(x_labels, series, width), title, payload)

    return cached("line", payload, draw)


def line_chart_png(
    *, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> bytes:
    """The same chart as line_chart_svg, as an image for Word."""

    def draw() -> bytes:
        return figure_png(line_figure(x_labels, series, WIDE))

    payload = [title, list(x_labels), {k: list(v) for k, v in series.items()}]
    return cached("line-png", payload, draw)
