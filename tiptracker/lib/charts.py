"""Charts drawn with matplotlib: SVG for pages, PNG for documents.

Every chart is shown beside a table of the same figures (the accessible version), so the
SVG is marked as an image with a short text alternative. Drawing costs tens of
milliseconds, so finished charts are cached by a hash of their figures.
"""

import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from django.core.cache import cache  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Part of the cache key: change it when the drawing changes, so no stale chart is served.
CHART_STYLE_VERSION = 3
T = TypeVar("T", str, bytes)
PALETTE = ["#2e6b3a", "#1d70b8", "#6f72af", "#d4351c", "#505a5f"]
plt.rcParams.update(
    {
        "font.family": ["DejaVu Sans"],
        "font.size": 10,
        "svg.hashsalt": "tiptracker",  # stable ids in the SVG, so the same figures give the same file
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _cached(kind: str, payload: object, draw: Callable[[], T]) -> T:
    key = (
        f"chart{CHART_STYLE_VERSION}:"
        + hashlib.sha256(json.dumps([kind, payload], default=str).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = draw()
        cache.set(key, found, timeout=24 * 3600)
    return found  # type: ignore[no-any-return]


def _svg(figure, title: str) -> str:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _without_inline_styles(svg)
    # An image with a text alternative; the table beside it carries the figures.
    safe_title = re.sub(r"[<>&\"]", "", title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe_title}" class="tip-chart" ', 1)


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def _png(figure: Figure) -> bytes:
    """For Word documents, which cannot show SVG everywhere; 200 dpi prints sharply on A4."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _without_inline_styles(svg: str) -> str:
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


def _bar_figure(labels: Sequence[str], values: Sequence[float | None], unit: str) -> Figure:
    figure, axes = plt.subplots(figsize=(6, 0.5 + 0.45 * max(len(labels), 1)))
    shown = [v or 0 for v in values]
    bars = axes.barh(list(labels)[::-1], shown[::-1], color=PALETTE[0])
    for bar, value in zip(bars, list(values)[::-1], strict=True):
        text = "no one needs it" if value is None else f"{value:.1f}{unit}"
        axes.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text, va="center")
    axes.set_xlim(0, 110 if unit == "%" else max(shown + [1]) * 1.2)
    axes.set_xlabel("Percentage of those who need it" if unit == "%" else "")
    return figure


def bar_chart_svg(
    *, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%"
) -> str:
    def draw() -> str:
        return _svg(_bar_figure(labels, values, unit), title)

    return _cached("bar", [title, list(labels), list(values), unit], draw)


def bar_chart_png(
    *, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "%"
) -> bytes:
    """The same chart as bar_chart_svg, as an image for Word; `title` only keys the cache
    (the caller puts it in the image's alternative text)."""

    def draw() -> bytes:
        return _png(_bar_figure(labels, values, unit))

    return _cached("bar-png", [title, list(labels), list(values), unit], draw)


def _line_figure(x_labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> Figure:
    figure, axes = plt.subplots(figsize=(8, 3.5))
    positions = list(range(len(x_labels)))
    for colour, (name, values) in zip(PALETTE, series.items(), strict=False):
        if all(v is None for v in values):
            continue  # a level nobody needs: no line, and no legend entry for one
        axes.plot(
            positions,
            [float("nan") if v is None else v for v in values],
            label=name,
            color=colour,
            marker="o",
            markersize=3,
        )
    step = max(1, len(x_labels) // 8)
    axes.set_xticks(positions[::step], [x_labels[i] for i in positions[::step]], rotation=0)
    axes.set_ylim(0, 100)
    axes.set_ylabel("Percentage")
    # Beside the plot, not over the lines.
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    return figure


def line_chart_svg(
    *, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> str:
    def draw() -> str:
        return _svg(_line_figure(x_labels, series), title)

    return _cached("line", [title, list(x_labels), {k: list(v) for k, v in series.items()}], draw)


def line_chart_png(
    *, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> bytes:
    """The same chart as line_chart_svg, as an image for Word."""

    def draw() -> bytes:
        return _png(_line_figure(x_labels, series))

    payload = [title, list(x_labels), {k: list(v) for k, v in series.items()}]
    return _cached("line-png", payload, draw)


def grouped_bar_chart_svg(
    *, title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]
) -> str:
    """Horizontal bars: one group per label (organisation, team), one bar per series (level)."""

    def draw() -> str:
        count = max(len(labels), 1)
        figure, axes = plt.subplots(figsize=(7, 0.8 + 0.28 * count * max(len(series), 1)))
        height = 0.8 / max(len(series), 1)
        for index, (colour, (name, values)) in enumerate(
            zip(PALETTE, series.items(), strict=False)
        ):
            positions = [i + index * height for i in range(count)]
            axes.barh(positions, [v or 0 for v in values], height=height, label=name, color=colour)
        axes.set_yticks([i + height * (len(series) - 1) / 2 for i in range(count)], list(labels))
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("Percentage of those who need it")
        axes.legend(loc="lower right", frameon=False, fontsize=8)
        return _svg(figure, title)

    return _cached("grouped", [title, list(labels), {k: list(v) for k, v in series.items()}], draw)


def distribution_chart_svg(
    *, title: str, labels: Sequence[str], values: Sequence[int | None], threshold: int
) -> str:
    """Horizontal bars of how many gave each answer; a suppressed count draws no bar and
    says "fewer than N" (the table beside the chart has the same figures)."""

    def draw() -> str:
        figure, axes = plt.subplots(figsize=(6, 0.5 + 0.4 * max(len(labels), 1)))
        shown = [v or 0 for v in values]
        bars = axes.barh(list(labels)[::-1], shown[::-1], color=PALETTE[1])
        top = max(shown + [1])
        for bar, value in zip(bars, list(values)[::-1], strict=True):
            text = f"fewer than {threshold}" if value is None else f"{value:,}"
            axes.text(
                bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, text, va="center"
            )
        axes.set_xlim(0, top * 1.3)
        axes.set_xlabel("People")
        return _svg(figure, title)

    return _cached("distribution", [title, list(labels), list(values), threshold], draw)
