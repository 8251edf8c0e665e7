"""How other teams score: the spread of their latest results, shown only when enough teams
contribute that none can be picked out. Pure functions; the caller never passes names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from assessment.rules.scoring import round_score

MIN_TEAMS = 5  # fewer than this and a team's own score could be guessed


@dataclass(frozen=True)
class Spread:
    """Minimum, quartiles and maximum of other teams' scores, rounded like our scores."""

    teams: int
    minimum: Decimal
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal
    maximum: Decimal


def spread(scores: Sequence[Decimal]) -> Spread | None:
    """The spread of one score across teams, or None below MIN_TEAMS teams.

    Quartiles use the inclusive method (linear between data points, as spreadsheets' QUARTILE
    does), computed exactly and rounded half up to one decimal.
    """
    if len(scores) < MIN_TEAMS:
        return None
    values = sorted(scores)  # Decimals sort exactly; only the points used become fractions
    return Spread(len(values), *(round_score(point) for point in (
        Fraction(values[0]), *_quartiles(values), Fraction(values[-1]))))


def _quartiles(values: Sequence[Decimal]) -> list[Fraction]:
    """Lower quartile, median and upper quartile of sorted values, exactly: the arithmetic of
    statistics.quantiles(n=4, method="inclusive"), without converting and sorting every value
    again (a spread covers every other team: thousands of scores)."""
    last = len(values) - 1
    points = []
    for quarter in range(1, 4):
        index, part = divmod(quarter * last, 4)
        points.append((Fraction(values[index]) * (4 - part)
                       + Fraction(values[index + 1]) * part) / 4)
    return points


@dataclass(frozen=True)
class BoxPlot:
    """x positions on a 0-5 scale for a small box plot of a spread, and the team's own score."""

    width: int
    height: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float
    own: float | None
    ticks: tuple[tuple[float, int], ...]


BOX_WIDTH, BOX_HEIGHT, BOX_SIDE = 240, 44, 10


def box_plot(spread: Spread, own: Decimal | None) -> BoxPlot:
    def x(score: Decimal) -> float:
        return round(BOX_SIDE + float(score) / 5 * (BOX_WIDTH - 2 * BOX_SIDE), 1)

    return BoxPlot(BOX_WIDTH, BOX_HEIGHT, x(spread.minimum), x(spread.lower_quartile),
                   x(spread.median), x(spread.upper_quartile), x(spread.maximum),
                   None if own is None else x(own),
                   tuple((x(Decimal(n)), n) for n in range(6)))


@dataclass(frozen=True)
class PeerRow:
    """A pillar: the team's own score and other teams' spread (None: too few teams)."""

    id: str
    name: str
    own: Decimal | None
    spread: Spread | None

    @property
    def box(self) -> BoxPlot | None:
        return None if self.spread is None else box_plot(self.spread, self.own)

    @property
    def standing(self) -> str:
        """Where the team's score stands among other teams', in words."""
        if self.spread is None:
            return ""
        if self.own is None:
            return "No score"
        if self.own > self.spread.upper_quartile:
            return "Above the middle half"
        if self.own < self.spread.lower_quartile:
            return "Below the middle half"
        return "In the middle half"


def peer_rows(own: Mapping[str, Decimal | None], pillars: Sequence[tuple[str, str]],
              spreads: Mapping[str, Spread | None] | None) -> list[PeerRow] | None:
    """Per pillar (id, name), in questionnaire order: the team's own score beside the spread.
    None when there is nothing to compare with (spreads None: the demo team)."""
    if spreads is None:
        return None
    return [PeerRow(pillar_id, name, own.get(pillar_id), spreads.get(pillar_id))
            for pillar_id, name in pillars]
