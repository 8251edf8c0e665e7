"""How other teams score: the spread of their latest results, shown only when enough teams
contribute that none can be picked out. Pure functions; the caller never passes names."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
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
    values = sorted(Fraction(str(score)) for score in scores)
    lower, middle, upper = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(len(values), *(round_score(Fraction(v)) for v in
                                 (values[0], lower, middle, upper, values[-1])))
