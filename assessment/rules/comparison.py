"""Comparing two assessments of a team: what moved per pillar and practice, which answers
changed, and whether targets were met. Pure functions over scored results.

Assessments taken on different questionnaire versions compare on the questions they share:
`shared_answers` keeps only those before both are scored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from assessment.rules.scoring import Answer, Results

Direction = Literal["up", "down", "same", "new", "gone", "none"]


@dataclass(frozen=True)
class ScoreChange:
    """One score in an earlier and a later assessment (None: no score there)."""

    id: str
    name: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> Direction:
        return direction(self.before, self.after)


@dataclass(frozen=True)
class PillarChange(ScoreChange):
    target_before: Decimal = Decimal("3.0")
    target_after: Decimal = Decimal("3.0")

    @property
    def met_before(self) -> bool | None:
        return None if self.before is None else self.before >= self.target_before

    @property
    def met_after(self) -> bool | None:
        return None if self.after is None else self.after >= self.target_after


@dataclass(frozen=True)
class AnswerChange:
    question_id: str
    before: Answer | None  # None: not answered (or not asked) then
    after: Answer | None


@dataclass(frozen=True)
class Comparison:
    overall: ScoreChange
    pillars: tuple[PillarChange, ...]
    practices: tuple[ScoreChange, ...]
    answers_changed: tuple[AnswerChange, ...]


def direction(before: Decimal | None, after: Decimal | None) -> Direction:
    """Which way a score moved, for the arrow shown beside it."""
    if before is None and after is None:
        return "none"
    if before is None:
        return "new"
    if after is None:
        return "gone"
    return "up" if after > before else "down" if after < before else "same"


def shared_answers(answers: Mapping[str, Answer],
                   question_ids: Collection[str]) -> dict[str, Answer]:
    """Only the answers to questions both questionnaire versions ask."""
    return {qid: answer for qid, answer in answers.items() if qid in question_ids}


def version_differences(before_ids: Collection[str],
                        after_ids: Collection[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Question ids only the earlier version asked, and only the later one asks, sorted."""
    return tuple(sorted(set(before_ids) - set(after_ids))), \
        tuple(sorted(set(after_ids) - set(before_ids)))


def compare(before: Results, after: Results, before_answers: Mapping[str, Answer],
            after_answers: Mapping[str, Answer]) -> Comparison:
    """Pillar, practice and overall changes, and every answer that differs, in questionnaire
    order (the later assessment's questionnaire)."""
    earlier_pillars = {p.pillar.id: p for p in before.pillars}
    pillars, practices = [], []
    for pillar in after.pillars:
        old = earlier_pillars.get(pillar.pillar.id)
        pillars.append(PillarChange(
            pillar.pillar.id, pillar.pillar.name, old.score if old else None, pillar.score,
            old.target if old else pillar.target, pillar.target))
        old_practices = {p.practice.id: p for p in old.practices} if old else {}
        for practice in pillar.practices:
            previous = old_practices.get(practice.practice.id)
            practices.append(ScoreChange(practice.practice.id, practice.practice.name,
                                         previous.score if previous else None, practice.score))
    order = [q.id for p in after.pillars for pr in p.pillar.practices for q in pr.questions]
    asked = set(order)
    order += sorted(set(before_answers) - asked)
    changed = tuple(
        AnswerChange(qid, before_answers.get(qid), after_answers.get(qid))
        for qid in order
        if before_answers.get(qid) != after_answers.get(qid)
    )
    return Comparison(ScoreChange("overall", "Overall", before.score, after.score),
                      tuple(pillars), tuple(practices), changed)
