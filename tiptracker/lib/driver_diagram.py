"""A driver diagram drawn: the aim, its primary drivers, their secondary drivers and the change
ideas that serve them, in four columns joined by lines (SVG for the page, PNG for documents).

The page shows the same tree as a nested list (the accessible version); the drawing is an
image with a short text alternative. It is drawn at one width, wide enough for four columns
of readable text (DIAGRAM_WIDTH), never scaled down: on a narrow screen it sits in a
scrolling region of its own. A change idea may serve several secondary drivers, so the
change ideas are a column of their own, each placed as near as it can be to the drivers it
serves, with a line to each.
"""

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from tiptracker.lib.charts import (
    FONT_SIZE,
    GAP,
    LINE,
    cached,
    figure_png,
    figure_svg,
    wrapped,
)

DIAGRAM_STYLE_VERSION = 1
DIAGRAM_WIDTH = 705.0  # points: 940 CSS pixels, the width of the page's content at 1280
COLUMNS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
PAD = 5.0  # inside a box, around its text
BETWEEN = 8.0  # between boxes in a column
GROUP = 16.0  # between the secondary drivers of two primary drivers
# GOV.UK colours: text black, boxes outlined in dark grey and filled by column.
BLACK, DARK_GREY, LINK_GREY = "#0b0c0c", "#505a5f", "#b1b4b6"
FILLS = ("#d2e2f1", "#e8f1f8", "#f3f2f1", "#ffffff")  # aim .. change ideas


@dataclass(frozen=True)
class Tree:
    """What the diagram shows: the aim; each primary driver with its secondary drivers; each
    change idea with the secondary drivers it serves (by their index in the flat list of
    secondary drivers, in the order of the primaries)."""

    aim: str
    primaries: tuple[tuple[str, tuple[str, ...]], ...]
    ideas: tuple[tuple[str, tuple[int, ...]], ...]


@dataclass
class _Box:
    column: int
    lines: list[str]
    top: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


def _stack(boxes: Sequence[_Box], wanted: Sequence[float]) -> None:
    """Place each box as near its wanted middle as it can, in order, none overlapping."""
    floor = 0.0
    for box, middle in zip(boxes, wanted, strict=True):
        box.top = max(floor, middle - box.height / 2)
        floor = box.top + box.height + BETWEEN


def _layout(tree: Tree, width: float) -> tuple[list[list[_Box]], list[tuple[_Box, _Box]], float]:
    column_width = (width - 3 * 2 * GAP) / 4
    room = column_width - 2 * PAD

    def box(column: int, text: str) -> _Box:
        return _Box(column, wrapped(text, room))

    primaries = [box(1, title) for title, _ in tree.primaries]
    secondaries: list[_Box] = []
    links: list[tuple[_Box, _Box]] = []
    floor = 0.0
    for primary, (_title, children) in zip(primaries, tree.primaries, strict=True):
        group = [box(2, child) for child in children]
        for child in group:
            child.top = floor
            floor += child.height + BETWEEN
            links.append((primary, child))
        if not group:
            floor += primary.height + BETWEEN  # a primary driver without any yet keeps its row
        secondaries += group
        floor += GROUP - BETWEEN
    # Each primary driver beside the middle of its secondary drivers.
    wanted, position = [], 0
    for primary, (_title, children) in zip(primaries, tree.primaries, strict=True):
        group = secondaries[position : position + len(children)]
        position += len(children)
        if group:
            wanted.append((group[0].top + group[-1].top + group[-1].height) / 2)
        else:
            wanted.append(wanted[-1] + primary.height + GROUP if wanted else primary.height / 2)
    _stack(primaries, wanted)
    # Each change idea beside the middle of the drivers it serves, in that order.
    ideas = [(box(3, title), served) for title, served in tree.ideas]

    def centre_of(served: tuple[int, ...]) -> float:
        middles = [secondaries[i].middle for i in served if 0 <= i < len(secondaries)]
        return sum(middles) / len(middles) if middles else 0.0

    ideas.sort(key=lambda pair: centre_of(pair[1]))
    _stack([b for b, _ in ideas], [centre_of(s) for _, s in ideas])
    for idea, served in ideas:
        links += [(secondaries[i], idea) for i in served if 0 <= i < len(secondaries)]
    columns: list[list[_Box]] = [[box(0, tree.aim)], primaries, secondaries, [b for b, _ in ideas]]
    bottom = max(
        (b.top + b.height for column in columns[1:] for b in column), default=columns[0][0].height
    )
    aim = columns[0][0]
    aim.top = max(0.0, bottom / 2 - aim.height / 2)
    links = [(aim, p) for p in primaries] + links
    return columns, links, max(bottom, aim.top + aim.height)


def figure_of(tree: Tree, width: float = DIAGRAM_WIDTH) -> Figure:
    columns, links, height = _layout(tree, width)
    heading = LINE + GAP
    total = heading + height + GAP
    figure = Figure(figsize=(width / 72, total / 72))
    column_width = (width - 3 * 2 * GAP) / 4

    def x_of(column: int) -> float:
        return column * (column_width + 2 * GAP)

    def y_of(top: float) -> float:  # points from the top -> figure fraction from the bottom
        return 1 - (heading + top) / total

    for number, name in enumerate(COLUMNS):
        figure.text(
            x_of(number) / width,
            1 - LINE / total,
            name,
            fontsize=FONT_SIZE,
            fontweight="bold",
            color=BLACK,
            va="center",
        )
    for left, right in links:
        figure.add_artist(
            Line2D(
                [(x_of(left.column) + column_width) / width, x_of(right.column) / width],
                [y_of(left.middle), y_of(right.middle)],
                color=LINK_GREY,
                linewidth=1.2,
                transform=figure.transFigure,
            )
        )
    for boxes in columns:
        for b in boxes:
            figure.add_artist(
                FancyBboxPatch(
                    (x_of(b.column) / width, y_of(b.top + b.height)),
                    column_width / width,
                    b.height / total,
                    boxstyle="square,pad=0",
                    facecolor=FILLS[b.column],
                    edgecolor=DARK_GREY,
                    linewidth=1.0,
                    transform=figure.transFigure,
                )
            )
            figure.text(
                (x_of(b.column) + PAD) / width,
                y_of(b.top + PAD),
                "\n".join(b.lines),
                fontsize=FONT_SIZE,
                color=BLACK,
                va="top",
                linespacing=LINE / FONT_SIZE,
            )
    return figure


def _payload(tree: Tree) -> str:
    return json.dumps([DIAGRAM_STYLE_VERSION, tree.aim, tree.primaries, tree.ideas])


def diagram_svg(tree: Tree, *, title: str) -> str:
    """The diagram as an SVG image named `title`, in a scrolling region where it is wider than
    the screen (the page puts it there), cached by its content."""
    safe_title = re.sub(r"[<>&\"]", "", title)

    def draw() -> str:
        digest = hashlib.sha256(_payload(tree).encode()).hexdigest()[:10]
        return figure_svg(
            figure_of(tree), title=title, id_prefix=f"d{digest}-", css_class="tip-diagram"
        )

    return cached("driver-diagram", [_payload(tree), safe_title], draw)


def diagram_png(tree: Tree) -> bytes:
    return cached("driver-diagram-png", _payload(tree), lambda: figure_png(figure_of(tree)))
