"""Geometry for the server-drawn SVG bar chart of pillar scores, on screen and in the printed
plan: one drawing (templates/_macros/chart.html), sized by a Layout."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessment.rules.scoring import PillarScore

MAX_SCORE = 5
NOT_ENOUGH_ANSWERS = "Not enough answers"
VALUE_GAP = 6  # from the end of a bar (or the target marker) to the words after it
MARKER_CLEARANCE = 4  # words keep this far from the middle of the target marker
CHAR_WIDTH = 0.6  # a generous width of one character, in ems (digits are about 0.55)


@dataclass(frozen=True)
class Layout:
    """Sizes of one use of the chart. Labels sit above their bar, or to the left of it."""

    width: int
    left: int  # where the bars start
    right: int
    top: int
    row: int  # height of one pillar's row
    bar: int  # height of a bar
    labels_beside: bool  # True: each label to the left of its bar (the printed plan)
    label_size: int
    value_size: int
    tick_size: int
    note_size: int  # "Not enough answers"
    tick_gap: int  # from the axis down to its numbers
    bottom: int  # below the axis
    overhang: int  # how far the target marker reaches above and below its bar
    font: str
    css_class: str


SCREEN = Layout(width=480, left=10, right=40, top=10, row=52, bar=18, labels_beside=False,
                label_size=15, value_size=14, tick_size=13, note_size=13, tick_gap=18,
                bottom=26, overhang=4,
                font="Source Sans Pro Web, Helvetica Neue, Arial, sans-serif",
                css_class="app-chart")
PRINT = Layout(width=600, left=200, right=40, top=6, row=30, bar=18, labels_beside=True,
               label_size=14, value_size=13, tick_size=12, note_size=12, tick_gap=16,
               bottom=22, overhang=3, font="Public Sans", css_class="chart")


@dataclass(frozen=True)
class Bar:
    label: str
    score: Decimal | None
    label_x: int
    label_y: int
    bar_y: int
    value_y: int  # baseline of the score written after the bar
    width: float
    target_x: float
    value_x: float  # where the score (or "Not enough answers") starts: never on the target
    before: Decimal | None = None  # last time's score, drawn as a thin bar under this one
    before_width: float | None = None  # None: no earlier score to draw


@dataclass(frozen=True)
class BarChart:
    layout: Layout
    height: int
    plot_width: int
    ticks: tuple[tuple[float, int], ...]  # (x, score)
    bars: tuple[Bar, ...]
    axis_y: int
    alt: str  # what the chart shows, with every number: its one alternative text
    has_before: bool = False  # last time's scores are drawn too

    @property
    def width(self) -> int:
        return self.layout.width

    @property
    def left(self) -> int:
        return self.layout.left


def _x(score: Decimal, plot_width: int) -> float:
    return round(float(score) / MAX_SCORE * plot_width, 1)


def pillar_bar_chart(pillars: Sequence[PillarScore], layout: Layout = SCREEN,
                     before: Mapping[str, Decimal | None] | None = None) -> BarChart:
    """One bar per pillar on a 0–5 scale, its label above it (or beside it) and a marker at
    its target. `before`, by pillar id: last time's scores, each a thin grey bar under the
    pillar's bar (a pillar it lacks has none)."""
    plot_width = layout.width - layout.left - layout.right
    bars = []
    for i, p in enumerate(pillars):
        row_top = layout.top + i * layout.row
        if layout.labels_beside:  # the label's baseline level with the middle of the bar
            label_x, label_y, bar_y = layout.left - 10, row_top + 14, row_top + 1
            value_y = label_y
        else:
            label_x, label_y, bar_y = layout.left, row_top + 14, row_top + 22
            value_y = bar_y + 14
        width = 0 if p.score is None else _x(p.score, plot_width)
        target_x = layout.left + _x(p.target, plot_width)
        text, size = ((NOT_ENOUGH_ANSWERS, layout.note_size) if p.score is None
                      else (str(p.score), layout.value_size))
        earlier = None if before is None else before.get(p.pillar.id)
        bars.append(Bar(p.pillar.name, p.score, label_x, label_y, bar_y, value_y, width,
                        target_x, value_x(layout.left + width, target_x, text, size), earlier,
                        None if earlier is None else _x(earlier, plot_width)))
    axis_y = layout.top + len(pillars) * layout.row + (2 if layout.labels_beside else 4)
    ticks = tuple((layout.left + _x(Decimal(n), plot_width), n) for n in range(MAX_SCORE + 1))
    return BarChart(layout, axis_y + layout.bottom, plot_width, ticks, tuple(bars), axis_y,
                    chart_alt(pillars, before), before is not None)


def value_x(bar_end: float, target_x: float, text: str, size: int) -> float:
    """Where the words after a bar start: just after the bar, or, when they would touch the
    target marker there, just after the marker (so "2.8" never sits on a target of 3.0)."""
    start = bar_end + VALUE_GAP
    end = start + len(text) * size * CHAR_WIDTH
    if start <= target_x + MARKER_CLEARANCE and end >= target_x - MARKER_CLEARANCE:
        return round(target_x + VALUE_GAP, 1)
    return round(start, 1)


def chart_alt(pillars: Iterable[PillarScore],
              before: Mapping[str, Decimal | None] | None = None) -> str:
    """The chart's alternative text: what it shows, and every number in it."""
    parts = [
        f"{p.pillar.name} {p.score if p.score is not None else 'not enough answers'}, "
        f"target {p.target}"
        + ("" if before is None else
           f", last time {_or_none(before.get(p.pillar.id))}") + "."
        for p in pillars
    ]
    what = "Bar chart of your score out of 5 for each pillar, with each target marked"
    return what + (", and last time's score under it. " if before is not None else ". ") + \
        " ".join(parts)


def _or_none(score: Decimal | None) -> str:
    return "no score" if score is None else str(score)
