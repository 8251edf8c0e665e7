"""How other teams score: the spread of every other real team's latest finished scores, and
the rule that the demo team never shows it."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from decimal import Decimal

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from assessment.extensions import db
from assessment.rules import peers
from assessment.rules.questionnaire import Questionnaire
from assessment.store.models import FINISHED, Assessment, Team
from assessment.store.read_model import score_assessments
from assessment.store.stamps import peer_stamp

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
    hisps = set(db.session.scalars(select(Team.id).where(Team.is_hisp.is_(True)))) \
        if hisps_only else None
    scores = [pillars for team_id, pillars in latest_scores_of_every_team().items()
              if team_id != team.id and (hisps is None or team_id in hisps)]
    return {
        pillar.id: peers.spread([score for pillars in scores
                                 if (score := pillars.get(pillar.id)) is not None])
        for pillar in questionnaire.pillars
    }


def latest_scores_of_every_team() -> PeerScores:
    """Pillar scores of every real team's latest finished assessment. Scoring them all is work
    that grows with the number of teams (some 7 s for 2,000 teams), so the result is kept in
    the process until an assessment is finished, reopened or moved, or an agreed answer
    changes (one cheap query checks that); then only the teams whose latest finished
    assessment changed are scored again (one query finds them)."""
    stamp = peer_stamp()
    cache = current_app.extensions.get(_PEER_CACHE)
    if cache is not None and cache[0] == stamp:
        return cache[1]
    kept: dict[int, tuple[Hashable, dict[str, Decimal | None]]] = dict(cache[2]) if cache else {}
    latest = latest_finished_assessments()
    changed = [a for a in latest if a.team_id not in kept or kept[a.team_id][0] != _key(a)]
    for item in score_assessments(changed):
        kept[item.team_id] = (item.cache_key, {p.pillar.id: p.score
                                               for p in item.results.pillars})
    fresh = {a.team_id: kept[a.team_id] for a in latest}  # teams gone since drop out
    current_app.extensions[_PEER_CACHE] = (stamp, {team_id: scores for team_id, (_, scores)
                                                   in fresh.items()}, fresh)
    return current_app.extensions[_PEER_CACHE][1]


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
            latest_scores_of_every_team()
            db.session.remove()
            db.engine.dispose()  # no connection may be shared with the workers
    except SQLAlchemyError as error:
        log.warning("other teams' scores not kept before start-up: %s", error)
