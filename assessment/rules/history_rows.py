"""What the history page shows: rows of scores with change arrows, a trend per pillar, and the
team's latest score beside other teams' spread. Pure functions over plain snapshots; no Flask,
no database (`snapshot` reads one from a scored assessment, `history_page` builds the page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessment.rules.comparison import ScoreChange
from assessment.rules.peers import PeerRow, Spread, peer_rows
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import ScoredAssessment
from assessment.rules.scoring import DEFAULT_TARGET
from assessment.rules.trend_chart import TrendChart, trend_chart
from assessment.rules.wording import Dated

OVERALL = "overall"  # the series id of the overall score, beside the pillar ids


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
    dated: Dated  # the latest finish, else the start
    finished: bool
    scores: Mapping[str, Score]  # by OVERALL and pillar id
    targets: Mapping[str, tuple[Decimal, dt.date | None]]  # the targets the team set on it

    def scores_by_id(self) -> dict[str, Decimal | None]:
        return {series_id: score.value for series_id, score in self.scores.items()}


@dataclass(frozen=True)
class HistoryRow:
    public_id: str
    dated: Dated
    finished: bool
    changes: Mapping[str, ScoreChange]  # by OVERALL and pillar id; empty for a draft
    previous: str | None  # public id of the previous finished assessment, to compare with


def previous_finished(snapshots: Sequence[Snapshot]) -> list[Snapshot | None]:
    """For each snapshot (oldest first), the latest finished one before it."""
    previous: list[Snapshot | None] = []
    latest: Snapshot | None = None
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
        rows.append(HistoryRow(snapshot.public_id, snapshot.dated, snapshot.finished, changes,
                               before.public_id if before and snapshot.finished else None))
    return rows[::-1]


def change(after: Snapshot, before: Snapshot | None, series_id: str) -> ScoreChange:
    """A score against the previous finished assessment's, dated by that one's finish."""
    score = _value(after, series_id)
    if before is None:
        return ScoreChange(series_id, "", None, score)
    return ScoreChange(series_id, "", _value(before, series_id), score,
                       before.dated.on.date())


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
        TrendPoint(s.dated.on.date(), score.value, score.level, score.level_name, score.target)
        for s in snapshots if s.finished
        for score in [s.scores.get(series_id, Score(None, None, ""))]
    )
    if series_id == OVERALL:
        return Trend(series_id, name, points, None, None)
    target, target_date = current_target(snapshots, series_id, default_target)
    return Trend(series_id, name, points, target, target_date)


def latest_finished(snapshots: Sequence[Snapshot]) -> Snapshot | None:
    return next((s for s in reversed(snapshots) if s.finished), None)


def snapshot(scored: ScoredAssessment) -> Snapshot:
    """What the history page reads of a scored assessment."""
    questionnaire, results = scored.questionnaire, scored.results

    def name(level: int | None) -> str:
        return "" if level is None else questionnaire.level(level).name

    scores = {OVERALL: Score(results.score, results.level, name(results.level))}
    scores |= {p.pillar.id: Score(p.score, p.level, name(p.level), p.target)
               for p in results.pillars}
    return Snapshot(scored.public_id, scored.dated, scored.finished, scores,
                    {pillar_id: (t.target, t.target_date)
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
    peers: list[PeerRow] | None  # None: the demo team, which never shows other teams
    finished: int  # how many finished assessments
    latest: Snapshot | None  # the latest finished one


def history_page(scored: Sequence[ScoredAssessment], questionnaire: Questionnaire,
                 spreads: Mapping[str, Spread | None] | None) -> HistoryPage:
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
                       peer_rows(latest.scores_by_id() if latest else {}, pillars, spreads),
                       sum(s.finished for s in snapshots), latest)
