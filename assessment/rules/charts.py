"""Geometry for the server-drawn SVG bar chart of pillar scores (templates draw it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessment.rules.scoring import PillarScore

WIDTH, LEFT, RIGHT, TOP, ROW, BAR = 480, 10, 40, 10, 52, 18
MAX_SCORE = 5


@dataclass(frozen=True)
class Bar:
    label: str
    score: Decimal | None
    label_y: int
    bar_y: int
    width: float
    target_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    plot_width: int
    bar_height: int
    ticks: tuple[tuple[float, int], ...]  # (x, score)
    bars: tuple[Bar, ...]
    axis_y: int


def _x(score: Decimal, plot_width: int) -> float:
    return round(float(score) / MAX_SCORE * plot_width, 1)


def pillar_bar_chart(pillars: Sequence[PillarScore]) -> BarChart:
    """One bar per pillar on a 0–5 scale, its label above it and a marker at its target."""
    plot_width = WIDTH - LEFT - RIGHT
    bars = tuple(
        Bar(
            label=p.pillar.name,
            score=p.score,
            label_y=TOP + i * ROW + 14,
            bar_y=TOP + i * ROW + 22,
            width=0 if p.score is None else _x(p.score, plot_width),
            target_x=LEFT + _x(p.target, plot_width),
        )
        for i, p in enumerate(pillars)
    )
    axis_y = TOP + len(pillars) * ROW + 4
    ticks = tuple((LEFT + _x(Decimal(n), plot_width), n) for n in range(MAX_SCORE + 1))
    return BarChart(WIDTH, axis_y + 26, LEFT, plot_width, BAR, ticks, bars, axis_y)


def pillar_bar_chart_for_print(pillars: Sequence[PillarScore]) -> BarChart:
    """A compact version for the printed plan: each label to the left of its bar."""
    width, left, right, top, row, bar_height = 600, 200, 40, 6, 30, 18
    plot_width = width - left - right
    bars = tuple(
        Bar(
            label=p.pillar.name,
            score=p.score,
            label_y=top + i * row + 14,  # baseline, level with the middle of the bar
            bar_y=top + i * row + 1,
            width=0 if p.score is None else _x(p.score, plot_width),
            target_x=left + _x(p.target, plot_width),
        )
        for i, p in enumerate(pillars)
    )
    axis_y = top + len(pillars) * row + 2
    ticks = tuple((left + _x(Decimal(n), plot_width), n) for n in range(MAX_SCORE + 1))
    return BarChart(width, axis_y + 22, left, plot_width, bar_height, ticks, bars, axis_y)
