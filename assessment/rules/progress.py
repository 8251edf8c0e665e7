"""Where a respondent is in the questionnaire: what is answered and what is left, per pillar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.rules.questionnaire import Pillar, Question, Questionnaire
from assessment.rules.scored import AnswerRow


@dataclass(frozen=True)
class PillarProgress:
    pillar: Pillar
    answered: int
    unanswered: tuple[Question, ...]

    @property
    def total(self) -> int:
        return self.answered + len(self.unanswered)

    @property
    def is_complete(self) -> bool:
        return not self.unanswered


@dataclass(frozen=True)
class Progress:
    pillars: tuple[PillarProgress, ...]

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.pillars)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.pillars)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def first_incomplete_pillar(self) -> Pillar | None:
        return next((p.pillar for p in self.pillars if not p.is_complete), None)

    def step_of(self, pillar_id: str) -> int:
        """1-based step number of a pillar; the review page is the step after the last pillar."""
        return next(i for i, p in enumerate(self.pillars, 1) if p.pillar.id == pillar_id)


def journey_progress(questionnaire: Questionnaire, answers: Mapping[str, AnswerRow]) -> Progress:
    """Count answered questions (any choice, including N/A and Don't know) per pillar."""
    pillars = []
    for pillar in questionnaire.pillars:
        questions = pillar.questions
        unanswered = tuple(q for q in questions if _choice(answers.get(q.id)) is None)
        pillars.append(PillarProgress(pillar, len(questions) - len(unanswered), unanswered))
    return Progress(tuple(pillars))


def _choice(answer: AnswerRow | None) -> str | None:
    return None if answer is None else answer.choice
