"""How other teams score: the spread of every other real team's latest finished scores, and
the rule that the demo team never shows it."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from assessment.extensions import db
from assessment.rules import peers
from assessment.rules.questionnaire import Questionnaire
from assessment.store.models import FINISHED, Assessment, Team
from assessment.store.read_model import score_assessments
from assessment.store.stamps import Stamp, peer_stamp

_PEER_CACHE = "peer_scores"
log = logging.getLogger(__name__)


def latest_finished_assessments(exclude_team_id: int | None = None) -> list[Assessment]:
    """The latest finished assessment of every real team (demo teams do not count)."""
    # Column queries are not hidden by store/soft_delete.py: leave deleted rows out here.
    conditions = [Assessment.status == FINISHED, Team.is_demo.is_(False),
                  Assessment.deleted_at.is_(None), Team.deleted_at.is_(None)]
    if exclude_team_id is not None:
        conditions.append(Assessment.team_id != exclude_team_id)
    ranked = (
        select(Assessment.id, func.row_number().over(
            partition_by=Assessment.team_id,
            order_by=(Assessment.started_at.desc(), Assessment.id.desc())).label("rank"))
        .join(Team).where(*conditions)
        .subquery())
    return list(db.session.scalars(
        select(Assessment).join(ranked, ranked.c.id == Assessment.id)
        .where(ranked.c.rank == 1).order_by(Assessment.id)))


PeerScores = dict[int, dict[str, Decimal | None]]  # team id -> pillar id -> score


def peer_spreads(team: Team, questionnaire: Questionnaire, hisps_only: bool = False
                 ) -> dict[str, peers.Spread | None] | None:
    """Per pillar of the questionnaire, the spread of other teams' latest scores, or None when
    fewer than peers.MIN_TEAMS teams have a score for it. No team is ever named. With
    hisps_only, only teams whose service is a designated HISP count (the same minimum).

    None for the demo team: anyone can read it, so it never shows real teams' scores, even
    as a spread. This is the one place that rule lives."""
    if team.is_demo:
        return None
    kept = _kept_scores()
    if not hisps_only:  # every team's scores, kept sorted: take the team's own out
        own = kept.scores.get(team.id, {})
        return {pillar.id: peers.spread(_without(kept.ranked.get(pillar.id, []),
                                                 own.get(pillar.id)))
                for pillar in questionnaire.pillars}
    hisps = set(db.session.scalars(select(Team.id).where(Team.is_hisp.is_(True))))
    scores = [pillars for team_id, pillars in kept.scores.items()
              if team_id != team.id and team_id in hisps]
    return {
        pillar.id: peers.spread([score for pillars in scores
                                 if (score := pillars.get(pillar.id)) is not None])
        for pillar in questionnaire.pillars
    }


def _without(ranked: list[Decimal], own: Decimal | None) -> list[Decimal]:
    """Sorted scores less one occurrence of the team's own (bisect: no pass over them all)."""
    if own is None:
        return ranked
    index = bisect.bisect_left(ranked, own)
    return ranked[:index] + ranked[index + 1:]


def latest_scores_of_every_team() -> PeerScores:
    """Pillar scores of every real team's latest finished assessment (see _kept_scores)."""
    return _kept_scores().scores


@dataclass(frozen=True)
class _Kept:
    """Every team's latest scores as kept in this process, under the peer stamp they were
    read at: by team, by team with the cache key they were scored under, and per pillar
    every team's score, sorted (the spreads' input)."""

    stamp: Stamp
    scores: PeerScores
    keyed: dict[int, tuple[Hashable, dict[str, Decimal | None]]]
    ranked: dict[str, list[Decimal]]


def _kept_scores() -> _Kept:
    """Scoring every team is work that grows with the number of teams (some 7 s for 2,000
    teams), so the result is kept in the process until an assessment is finished, reopened
    or moved, or an agreed answer changes (one cheap query checks that); then only the teams
    whose latest finished assessment changed are scored again (one query finds them)."""
    stamp = peer_stamp()
    cache: _Kept | None = current_app.extensions.get(_PEER_CACHE)
    if cache is not None and cache.stamp == stamp:
        return cache
    keyed = dict(cache.keyed) if cache else {}
    latest = latest_finished_assessments()
    changed = [a for a in latest if a.team_id not in keyed or keyed[a.team_id][0] != _key(a)]
    for item in score_assessments(changed):
        keyed[item.team_id] = (item.cache_key, {p.pillar.id: p.score
                                                for p in item.results.pillars})
    keyed = {a.team_id: keyed[a.team_id] for a in latest}  # teams gone since drop out
    scores = {team_id: pillars for team_id, (_, pillars) in keyed.items()}
    ranked: dict[str, list[Decimal]] = {}
    for pillars in scores.values():
        for pillar_id, score in pillars.items():
            if score is not None:
                ranked.setdefault(pillar_id, []).append(score)
    kept = _Kept(stamp, scores, keyed, {pillar_id: sorted(values)
                                         for pillar_id, values in ranked.items()})
    current_app.extensions[_PEER_CACHE] = kept
    return kept


def _key(assessment: Assessment) -> Hashable:
    """The read model's cache key of an assessment: it moves with every change scores see."""
    return assessment.id, assessment.updated_at, assessment.questionnaire_version


def keep_before_fork(app: Flask) -> None:
    """Score every team once in gunicorn's master, before it starts workers (gunicorn.conf.py):
    each worker, and each one that replaces another later, starts with the scores and scores
    only what changed since, where each used to take seconds over its first such page. A
    database that does not answer yet costs only this head start."""
    if "questionnaire" not in getattr(app, "extensions", {}):
        return  # another app under our gunicorn settings (the benchmarks' floors)
    try:
        with app.app_context():
            _kept_scores()
            db.session.remove()
            db.engine.dispose()  # no connection may be shared with the workers
    except SQLAlchemyError as error:
        log.warning("other teams' scores not kept before start-up: %s", error)
