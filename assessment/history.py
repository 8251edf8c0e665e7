"""A team's assessments over time, scored in a fixed number of queries, and the spread of
other teams' latest scores. Pages, the API and exports read scores through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from assessment import peers, scoring
from assessment.extensions import db
from assessment.models import FINISHED, Assessment, PillarTarget, Team
from assessment.queries import TeamAnswers, scoring_answers, team_answers_for
from assessment.questionnaire import Questionnaire
from assessment.questionnaire_versions import questionnaires_for


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
    ranked = (
        select(Assessment.id, func.row_number().over(
            partition_by=Assessment.team_id,
            order_by=(Assessment.started_at.desc(), Assessment.id.desc())).label("rank"))
        .join(Team).where(Assessment.status == FINISHED, Assessment.team_id != team.id,
                          Team.is_demo.is_(False))
        .subquery())
    return list(db.session.scalars(
        select(Assessment).join(ranked, ranked.c.id == Assessment.id)
        .where(ranked.c.rank == 1).order_by(Assessment.id)))


def peer_spreads(team: Team, questionnaire: Questionnaire) -> dict[str, peers.Spread | None]:
    """Per pillar of the questionnaire, the spread of other teams' latest scores, or None when
    fewer than peers.MIN_TEAMS teams have a score for it. No team is ever named."""
    others = score_assessments(latest_finished_of_other_teams(team))
    return {
        pillar.id: peers.spread([score.score for other in others
                                 if (score := other.pillar(pillar.id)) is not None
                                 and score.score is not None])
        for pillar in questionnaire.pillars
    }

