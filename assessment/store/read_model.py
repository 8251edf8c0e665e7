"""The read model: the one place that loads and scores assessments. The results page, history,
compare, the plan (HTML and PDF), the CSV files, the API and the export all read the frozen
ScoredAssessment it returns (rules/scored.py); nothing else calls the scoring rules.

Queries, whatever the number of assessments and respondents: answers and agreed answers (2),
targets (1) and kept questionnaire versions (at most 1, once per process); loading a team's
assessments adds 1.

Caching: a scored assessment depends only on its rows, so its answers, targets and scores are
kept per app process under ScoredAssessment.cache_key, (id, updated_at, questionnaire_version).
Every state change that scores see (answers, agreed answers, targets, finishing, reopening,
moving to another version) moves Assessment.updated_at: store/operations.py does it, and
tests/test_read_model.py checks it. The key is read from the database on every request, so
several app processes never serve each other's stale scores; a hit skips the answer and target
queries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import aliased, selectinload

from assessment.extensions import db
from assessment.rules import comparison, scoring
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import ScoredAssessment, TargetSetting, TeamAnswers
from assessment.rules.version_changes import VersionChanges, version_changes
from assessment.store.models import (
    FINISHED,
    Action,
    ActionStatusChange,
    Assessment,
    PillarTarget,
    Team,
)
from assessment.store.queries import scoring_answers, team_answers_for
from assessment.store.questionnaire_versions import questionnaires_for


def target_setting(target: PillarTarget) -> TargetSetting:
    """A stored target as scores read it: one decimal, with its date."""
    return TargetSetting(Decimal(target.target).quantize(Decimal("0.1")), target.target_date)


CACHE_SIZE = 512  # scored assessments kept per app process (a few kilobytes each)
CacheKey = tuple[int, dt.datetime, str]


@dataclass(frozen=True)
class _Scores:
    """What the read model keeps of one assessment between requests."""

    answers: TeamAnswers
    given: Mapping[str, scoring.Answer]
    results: scoring.Results
    targets: Mapping[str, TargetSetting]


class ScoresCache:
    """Least recently used scores by cache key, shared by one app process's threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[CacheKey, _Scores] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> _Scores | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: CacheKey, scores: _Scores) -> None:
        with self._lock:
            self._items[key] = scores
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def scores_cache() -> ScoresCache:
    """This app's cache (one per app, so tests and apps never share scores)."""
    cache = current_app.extensions.get("scores_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("scores_cache", ScoresCache())
    return cache


def score_assessments(assessments: Sequence[Assessment]) -> list[ScoredAssessment]:
    """Score each assessment on its own questionnaire version, in the order given; answers and
    targets are read only for those whose scores are not cached under their last change."""
    cache = scores_cache()
    keys = {a.id: _cache_key(a) for a in assessments}
    kept = {a.id: found for a in assessments if (found := cache.get(keys[a.id])) is not None}
    missing = [a for a in assessments if a.id not in kept]
    versions = questionnaires_for({a.questionnaire_version for a in assessments})
    for assessment, scores in zip(missing, _score(missing, versions), strict=True):
        kept[assessment.id] = scores
        cache.put(keys[assessment.id], scores)
    return [_scored(a, versions[a.questionnaire_version], kept[a.id]) for a in assessments]


def _cache_key(assessment: Assessment) -> CacheKey:
    return assessment.id, assessment.updated_at, assessment.questionnaire_version


def _score(assessments: Sequence[Assessment], versions: Mapping[str, Questionnaire]
           ) -> list[_Scores]:
    """Load the answers and targets of these assessments (3 queries in all) and score them."""
    if not assessments:
        return []
    ids = [a.id for a in assessments]
    answers = team_answers_for(ids)
    targets: dict[int, dict[str, TargetSetting]] = {i: {} for i in ids}
    for target in db.session.scalars(select(PillarTarget).where(
            PillarTarget.assessment_id.in_(ids))):
        targets[target.assessment_id][target.pillar_id] = target_setting(target)
    scored = []
    for assessment in assessments:
        settings = targets[assessment.id]
        given = scoring_answers(answers[assessment.id].rows.values())
        results = scoring.score_assessment(
            versions[assessment.questionnaire_version], given,
            {pillar_id: s.target for pillar_id, s in settings.items()})
        scored.append(_Scores(answers[assessment.id], given, results, settings))
    return scored


def _scored(assessment: Assessment, questionnaire: Questionnaire,
            scores: _Scores) -> ScoredAssessment:
    return ScoredAssessment(
        id=assessment.id, public_id=assessment.public_id, team_id=assessment.team_id,
        status=assessment.status, finished=assessment.status == FINISHED,
        open_to_team=assessment.open_to_team,
        questionnaire_version=assessment.questionnaire_version,
        started_at=assessment.started_at, finished_at=assessment.finished_at,
        updated_at=assessment.updated_at, questionnaire=questionnaire,
        answers=scores.answers, given=scores.given, results=scores.results,
        targets=scores.targets)


def scored_assessment(assessment: Assessment) -> ScoredAssessment:
    """One assessment, scored on the questionnaire version it was taken on."""
    return score_assessments([assessment])[0]


def team_assessments(team: Team) -> list[Assessment]:
    """Every assessment of the team, oldest first, in one query."""
    return list(db.session.scalars(
        select(Assessment).where(Assessment.team_id == team.id)
        .order_by(Assessment.started_at, Assessment.id)))


def scored_team(team: Team) -> list[ScoredAssessment]:
    """Every assessment of the team, oldest first, scored."""
    return score_assessments(team_assessments(team))


def earlier_finished_assessment(assessment: Assessment) -> Assessment | None:
    """The team's latest finished assessment started before this one, to compare against."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.team_id == assessment.team_id, Assessment.status == FINISHED,
               tuple_(Assessment.started_at, Assessment.id)
               < tuple_(assessment.started_at, assessment.id))
        .order_by(Assessment.started_at.desc(), Assessment.id.desc())
        .limit(1))


def assessment_actions(assessment: Assessment) -> list[Action]:
    """The actions an assessment shows, in the order they were added (one query, with their
    status history). Actions belong to the team and the practice: each shows on the assessment
    it was added on and on every later assessment of the team while it is open; a done action
    stays on the assessments up to the one it was done on, and not on later ones. Deleted
    actions show nowhere."""
    first, last = aliased(Assessment), aliased(Assessment)
    here = tuple_(assessment.started_at, assessment.id)
    return list(db.session.scalars(
        select(Action)
        .join(first, first.id == Action.assessment_id)
        .outerjoin(last, last.id == Action.last_assessment_id)
        .where(Action.team_id == assessment.team_id, Action.deleted_at.is_(None),
               or_(Action.assessment_id == assessment.id,
                   tuple_(first.started_at, first.id) < here),
               or_(Action.last_assessment_id.is_(None),
                   Action.last_assessment_id == assessment.id,
                   tuple_(last.started_at, last.id) > here))
        .order_by(Action.created_at, Action.id)
        .options(selectinload(Action.status_changes).joinedload(ActionStatusChange.changed_by),
                 selectinload(Action.assessment))
        # The assessments it spans may be deleted; the action still belongs to the team.
        .execution_options(include_deleted=True)))


def with_earlier(assessment: Assessment) -> tuple[ScoredAssessment, ScoredAssessment | None]:
    """An assessment and the team's finished one before it, scored together (the plan)."""
    earlier = earlier_finished_assessment(assessment)
    scored = score_assessments([assessment] if earlier is None else [assessment, earlier])
    return scored[0], scored[1] if earlier is not None else None


def on_shared_questions(before: ScoredAssessment, after: ScoredAssessment
                        ) -> tuple[ScoredAssessment, ScoredAssessment, VersionChanges | None]:
    """Two scored assessments made comparable: taken on different questionnaire versions,
    each is scored again on only the questions both versions ask, so a change is like for
    like. Also returns what differs between the versions (None: the same version)."""
    versions = version_changes(before.questionnaire, after.questionnaire)
    if versions is None:
        return before, after, None
    return _rescored(before, versions.shared), _rescored(after, versions.shared), versions


def _rescored(scored: ScoredAssessment, question_ids: Collection[str]) -> ScoredAssessment:
    given = comparison.shared_answers(scored.given, question_ids)
    results = scoring.score_assessment(
        scored.questionnaire, given,
        {pillar_id: s.target for pillar_id, s in scored.targets.items()})
    return dataclasses.replace(scored, given=given, results=results)
