"""Comparing two assessments of a team: what moved per pillar and practice, which answers
changed, and whether targets were met. Pure functions over scored results.

Assessments taken on different questionnaire versions compare on the questions they share:
`shared_answers` keeps only those before both are scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from assessment.rules.scoring import Answer, Results
from assessment.rules.wording import date_text

Direction = Literal["up", "down", "same", "new", "gone", "none"]
ARROWS = {"up": "▲", "down": "▼", "same": "="}
# What a change says when it has no number to give, by direction.
CHANGE_WORDS = {"same": "No change", "new": "New score", "gone": "No score now",
                "none": "No score either time"}


@dataclass(frozen=True)
class ScoreChange:
    """One score in an earlier and a later assessment (None: no score there), and how it
    reads: the one type for a change, on the compare and history pages and in the plan."""

    id: str
    name: str
    before: Decimal | None
    after: Decimal | None
    since: dt.date | None = None  # when the earlier score was made, where a page says it

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> Direction:
        return direction(self.before, self.after)

    @property
    def arrow(self) -> str:
        """▲, ▼ or = beside the number; never the only sign of the change."""
        return ARROWS.get(self.direction, "")

    @property
    def shown(self) -> str:
        """The change as printed beside the arrow: +0.6, −0.3 or 0.0 (a true minus sign)."""
        change = self.change
        if change is None:
            return ""
        return f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "0.0"

    @property
    def way(self) -> str:
        """"Up" or "Down", said before the signed number beside the arrow; else empty."""
        return {"up": "Up", "down": "Down"}.get(self.direction, "")

    @property
    def words(self) -> str:
        """The change in words: "Up 0.6", "Down 0.3", "No change", "New score"…"""
        change = self.change
        if self.way and change is not None:
            return f"{self.way} {abs(change)}"
        return CHANGE_WORDS[self.direction]

    @property
    def since_words(self) -> str:
        """The change since a dated earlier score, for screen readers beside an arrow:
        "up 0.6 from March 2025", "no score in June 2024 to compare with"."""
        if self.since is None or self.after is None:
            return ""
        month = date_text(self.since, "month")
        if self.direction == "new":
            return f"no score in {month} to compare with"
        return f"{self.words[0].lower()}{self.words[1:]} from {month}"


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
            target_before=old.target if old else pillar.target, target_after=pillar.target))
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
