"""Geometry for the server-drawn SVG line chart of a pillar's score over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 480, 220, 36, 16, 12, 36
MAX_SCORE = 5


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the date, as shown under the axis
    score: Decimal


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: tuple[Point, ...]
    path: str  # SVG path through the points that have a score
    gridlines: tuple[tuple[float, int], ...]  # (y, score)
    target_y: float | None


def trend_chart(series: Sequence[tuple[dt.date, Decimal | None]],
                target: Decimal | None = None) -> TrendChart:
    """Points spaced evenly in time order; assessments with no score leave a gap."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(score: Decimal) -> float:
        return round(TOP + plot_h - float(score) / MAX_SCORE * plot_h, 1)

    step = plot_w / max(len(series) - 1, 1)
    points = tuple(
        Point(_x(i, len(series), step, plot_w), y_of(score), day.strftime("%b %Y"), score)
        for i, (day, score) in enumerate(series) if score is not None
    )
    commands, pen_down = [], False
    for index, (_, score) in enumerate(series):
        if score is None:
            pen_down = False  # lift the pen: no line across an assessment without a score
            continue
        point = next(p for p in points if p.x == _x(index, len(series), step, plot_w))
        commands.append(f"{'L' if pen_down else 'M'}{point.x},{point.y}")
        pen_down = True
    path = " ".join(commands)
    gridlines = tuple((y_of(Decimal(n)), n) for n in range(MAX_SCORE + 1))
    return TrendChart(WIDTH, HEIGHT, points, path, gridlines,
                      None if target is None else y_of(target))


def _x(index: int, count: int, step: float, plot_w: int) -> float:
    return round(LEFT + (index * step if count > 1 else plot_w / 2), 1)
