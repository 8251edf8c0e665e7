"""A team's assessments over time, scored in a fixed number of queries, and the spread of
other teams' latest scores. Pages, the API and exports read scores through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.rules import peers, scoring
from assessment.rules.questionnaire import Questionnaire
from assessment.store.models import FINISHED, AgreedAnswer, Assessment, PillarTarget, Team
from assessment.store.queries import TeamAnswers, scoring_answers, team_answers_for
from assessment.store.questionnaire_versions import questionnaires_for

_PEER_CACHE = "peer_scores"


@dataclass(frozen=True)
class PillarTargetSetting:
    """A team's target for one pillar of one assessment, and when they mean to reach it."""

    target: Decimal
    target_date: dt.date | None


@dataclass(frozen=True)
class ScoredAssessment:
    """An assessment with the questionnaire it was taken on, its answers and its scores."""

    assessment: Assessment
    questionnaire: Questionnaire
    answers: TeamAnswers
    results: scoring.Results
    targets: dict[str, PillarTargetSetting]

    @property
    def when(self) -> dt.datetime:
        """The date shown for it: when it was finished, else when it was started."""
        return self.assessment.finished_at or self.assessment.started_at

    def pillar(self, pillar_id: str) -> scoring.PillarScore | None:
        return next((p for p in self.results.pillars if p.pillar.id == pillar_id), None)


def target_settings(targets: Sequence[PillarTarget]) -> dict[str, PillarTargetSetting]:
    return {t.pillar_id: PillarTargetSetting(Decimal(t.target).quantize(Decimal("0.1")),
                                             t.target_date) for t in targets}


def score_assessments(assessments: Sequence[Assessment]) -> list[ScoredAssessment]:
    """Score each assessment on its own questionnaire version, in the order given.

    Queries: answers and agreed answers (2), targets (1), and kept questionnaire versions
    (at most 1, once per process) — however many assessments and respondents there are.
    """
    ids = [a.id for a in assessments]
    answers = team_answers_for(ids)
    targets: dict[int, list[PillarTarget]] = {i: [] for i in ids}
    if ids:
        for target in db.session.scalars(select(PillarTarget).where(
                PillarTarget.assessment_id.in_(ids))):
            targets[target.assessment_id].append(target)
    versions = questionnaires_for({a.questionnaire_version for a in assessments})
    scored = []
    for assessment in assessments:
        questionnaire = versions[assessment.questionnaire_version]
        settings = target_settings(targets[assessment.id])
        results = scoring.score_assessment(
            questionnaire, scoring_answers(answers[assessment.id].rows.values()),
            {pillar_id: s.target for pillar_id, s in settings.items()})
        scored.append(ScoredAssessment(assessment, questionnaire, answers[assessment.id],
                                       results, settings))
    return scored


def team_assessments(team: Team) -> list[Assessment]:
    """Every assessment of the team, oldest first, in one query."""
    return list(db.session.scalars(
        select(Assessment).where(Assessment.team_id == team.id)
        .order_by(Assessment.started_at, Assessment.id)))


def team_history(team: Team) -> list[ScoredAssessment]:
    """Every assessment of the team, oldest first, scored."""
    return score_assessments(team_assessments(team))


def latest_finished_of_other_teams(team: Team) -> list[Assessment]:
    """The latest finished assessment of every other real team (demo teams do not count)."""
    return latest_finished_assessments(exclude_team_id=team.id)


def latest_finished_assessments(exclude_team_id: int | None = None) -> list[Assessment]:
    """The latest finished assessment of every real team (demo teams do not count)."""
    conditions = [Assessment.status == FINISHED, Team.is_demo.is_(False)]
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


def peer_spreads(team: Team, questionnaire: Questionnaire) -> dict[str, peers.Spread | None]:
    """Per pillar of the questionnaire, the spread of other teams' latest scores, or None when
    fewer than peers.MIN_TEAMS teams have a score for it. No team is ever named."""
    scores = [pillars for team_id, pillars in latest_scores_of_every_team().items()
              if team_id != team.id]
    return {
        pillar.id: peers.spread([score for pillars in scores
                                 if (score := pillars.get(pillar.id)) is not None])
        for pillar in questionnaire.pillars
    }


def latest_scores_of_every_team() -> PeerScores:
    """Pillar scores of every real team's latest finished assessment. Scoring them all is work
    that grows with the number of teams, so the result is kept in the process until an
    assessment is finished, reopened or moved, or an agreed answer changes (one cheap query
    checks that)."""
    stamp = tuple(db.session.execute(select(
        select(func.count(Assessment.id)).where(Assessment.status == FINISHED)
        .scalar_subquery(),
        select(func.max(Assessment.updated_at)).where(Assessment.status == FINISHED)
        .scalar_subquery(),
        select(func.count(AgreedAnswer.id)).scalar_subquery(),
        select(func.max(AgreedAnswer.updated_at)).scalar_subquery(),
        select(func.count(Team.id)).where(Team.is_demo.is_(True)).scalar_subquery(),
    )).one())
    cache = current_app.extensions.get(_PEER_CACHE)
    if cache is not None and cache[0] == stamp:
        return cache[1]
    scores = {item.assessment.team_id: {p.pillar.id: p.score for p in item.results.pillars}
              for item in score_assessments(latest_finished_assessments())}
    current_app.extensions[_PEER_CACHE] = (stamp, scores)
    return scores
