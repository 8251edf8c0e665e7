"""What the history page shows: rows of scores with change arrows, a trend per pillar, and the
team's latest score beside other teams' spread. Pure functions over plain snapshots; no Flask,
no database (`snapshot` reads one from a scored assessment, `history_page` builds the page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from assessment.rules.comparison import Direction, direction
from assessment.rules.peers import Spread
from assessment.rules.scoring import DEFAULT_TARGET
from assessment.rules.trend_chart import TrendChart, trend_chart

if TYPE_CHECKING:
    from assessment.rules.questionnaire import Questionnaire
    from assessment.store.history import ScoredAssessment

OVERALL = "overall"  # the series id of the overall score, beside the pillar ids
ARROWS = {"up": "▲", "down": "▼", "same": "="}


@dataclass(frozen=True)
class Score:
    """One score of one assessment: overall or a pillar's."""

    value: Decimal | None  # None: not enough answers (or a pillar this version did not ask)
    level: int | None
    level_name: str  # "" without a level
    target: Decimal | None = None  # the pillar's target then; None for the overall score


@dataclass(frozen=True)
class Snapshot:
    """An assessment as the history page needs it."""

    public_id: str
    when: dt.datetime  # finished, else started
    finished: bool
    scores: Mapping[str, Score]  # by OVERALL and pillar id
    targets: Mapping[str, tuple[Decimal, dt.date | None]]  # the targets the team set on it


@dataclass(frozen=True)
class Change:
    """A score and how it moved since the previous finished assessment."""

    score: Decimal | None
    direction: Direction
    change: Decimal | None
    since: dt.date | None  # the previous finished assessment, None for the first

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction, "")

    @property
    def shown(self) -> str:
        """The change as printed beside the arrow: +0.6, −0.3 or 0.0 (a true minus sign)."""
        if self.change is None:
            return ""
        return f"+{self.change}" if self.change > 0 else f"−{-self.change}" if self.change < 0 \
            else "0.0"

    @property
    def words(self) -> str:
        """The change for screen readers; the arrow never carries meaning alone."""
        if self.since is None or self.score is None:
            return ""
        month = self.since.strftime("%B %Y")
        if self.direction == "up":
            return f"up {self.change} from {month}"
        if self.direction == "down":
            return f"down {-self.change} from {month}"  # type: ignore[operator]
        if self.direction == "same":
            return f"no change from {month}"
        return f"no score in {month} to compare with"


@dataclass(frozen=True)
class HistoryRow:
    public_id: str
    when: dt.datetime
    finished: bool
    changes: Mapping[str, Change]  # by OVERALL and pillar id; empty for a draft
    previous: str | None  # public id of the previous finished assessment, to compare with


def previous_finished(snapshots: Sequence[Snapshot]) -> list[Snapshot | None]:
    """For each snapshot (oldest first), the latest finished one before it."""
    previous, latest = [], None
    for snapshot in snapshots:
        previous.append(latest)
        if snapshot.finished:
            latest = snapshot
    return previous


def history_rows(snapshots: Sequence[Snapshot], series: Sequence[str]) -> list[HistoryRow]:
    """One row per assessment, newest first. Finished ones get each score and its change
    against the previous finished assessment; drafts get no scores (they may change)."""
    rows = []
    for snapshot, before in zip(snapshots, previous_finished(snapshots), strict=True):
        changes = {}
        if snapshot.finished:
            for series_id in series:
                changes[series_id] = change(snapshot, before, series_id)
        rows.append(HistoryRow(snapshot.public_id, snapshot.when, snapshot.finished, changes,
                               before.public_id if before and snapshot.finished else None))
    return rows[::-1]


def change(after: Snapshot, before: Snapshot | None, series_id: str) -> Change:
    score = _value(after, series_id)
    if before is None:
        return Change(score, "none" if score is None else "new", None, None)
    earlier = _value(before, series_id)
    moved = None if score is None or earlier is None else score - earlier
    return Change(score, direction(earlier, score), moved, before.when.date())


def _value(snapshot: Snapshot, series_id: str) -> Decimal | None:
    score = snapshot.scores.get(series_id)
    return None if score is None else score.value


@dataclass(frozen=True)
class TrendPoint:
    when: dt.date
    score: Decimal | None
    level: int | None
    level_name: str
    target: Decimal | None  # the target at the time


@dataclass(frozen=True)
class Trend:
    """One score over time: finished assessments only, oldest first, and the current target."""

    id: str
    name: str
    points: tuple[TrendPoint, ...]
    target: Decimal | None  # None for the overall score, which has no target
    target_date: dt.date | None

    @property
    def series(self) -> list[tuple[dt.date, Decimal | None]]:
        return [(p.when, p.score) for p in self.points]


def current_target(snapshots: Sequence[Snapshot], pillar_id: str,
                   default: Decimal) -> tuple[Decimal, dt.date | None]:
    """The pillar's target as last set: the latest assessment (finished or not) with a target
    for it; otherwise the default target, with no date."""
    for snapshot in reversed(snapshots):
        if pillar_id in snapshot.targets:
            return snapshot.targets[pillar_id]
    return default, None


def trend(snapshots: Sequence[Snapshot], series_id: str, name: str,
          default_target: Decimal) -> Trend:
    """The trend of the overall score (series_id OVERALL) or of one pillar."""
    points = tuple(
        TrendPoint(s.when.date(), score.value, score.level, score.level_name, score.target)
        for s in snapshots if s.finished
        for score in [s.scores.get(series_id, Score(None, None, ""))]
    )
    if series_id == OVERALL:
        return Trend(series_id, name, points, None, None)
    target, target_date = current_target(snapshots, series_id, default_target)
    return Trend(series_id, name, points, target, target_date)


@dataclass(frozen=True)
class PeerRow:
    """A pillar: the team's latest finished score and other teams' spread (None: too few)."""

    id: str
    name: str
    own: Decimal | None
    spread: Spread | None

    @property
    def box(self) -> BoxPlot | None:
        return None if self.spread is None else box_plot(self.spread, self.own)


def peer_rows(latest: Snapshot | None, pillars: Sequence[tuple[str, str]],
              spreads: Mapping[str, Spread | None]) -> list[PeerRow]:
    """Per pillar (id, name), in questionnaire order."""
    return [PeerRow(pillar_id, name, None if latest is None else _value(latest, pillar_id),
                    spreads.get(pillar_id)) for pillar_id, name in pillars]


def latest_finished(snapshots: Sequence[Snapshot]) -> Snapshot | None:
    return next((s for s in reversed(snapshots) if s.finished), None)


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


def snapshot(scored: ScoredAssessment) -> Snapshot:
    """What the history page reads of a scored assessment."""
    questionnaire, results = scored.questionnaire, scored.results

    def name(level: int | None) -> str:
        return "" if level is None else questionnaire.level(level).name

    scores = {OVERALL: Score(results.score, results.level, name(results.level))}
    scores |= {p.pillar.id: Score(p.score, p.level, name(p.level), p.target)
               for p in results.pillars}
    return Snapshot(scored.assessment.public_id, scored.when, scored.assessment.is_finished,
                    scores, {pillar_id: (t.target, t.target_date)
                             for pillar_id, t in scored.targets.items()})


@dataclass(frozen=True)
class ChartedTrend:
    trend: Trend
    chart: TrendChart


@dataclass(frozen=True)
class HistoryPage:
    series: tuple[tuple[str, str], ...]  # (id, name): overall, then each pillar
    rows: list[HistoryRow]  # newest first
    trends: list[ChartedTrend]  # overall first; empty without a finished assessment
    peers: list[PeerRow]
    finished: int  # how many finished assessments
    latest: Snapshot | None  # the latest finished one


def history_page(scored: Sequence[ScoredAssessment], questionnaire: Questionnaire,
                 spreads: Mapping[str, Spread | None]) -> HistoryPage:
    """Everything the history page shows, from the team's scored assessments (oldest first),
    with the current questionnaire's pillars as the columns."""
    snapshots = [snapshot(s) for s in scored]
    pillars = tuple((p.id, p.name) for p in questionnaire.pillars)
    series = ((OVERALL, "Overall"), *pillars)
    latest = latest_finished(snapshots)
    trends = [] if latest is None else [
        ChartedTrend(t, trend_chart(t.series, t.target)) for series_id, name in series
        for t in [trend(snapshots, series_id, name, DEFAULT_TARGET)]]
    return HistoryPage(series, history_rows(snapshots, [i for i, _ in series]), trends,
                       peer_rows(latest, pillars, spreads) if latest else [],
                       sum(s.finished for s in snapshots), latest)
