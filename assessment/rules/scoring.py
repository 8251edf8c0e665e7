"""Scoring rules (PRODUCT.md): answers in, scores, levels and weak practices out.

Pure functions over the frozen questionnaire; no Flask and no database here. Means are kept
as exact fractions and rounded only for display, half up, to one decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Literal

from assessment.rules.questionnaire import A11Function, Pillar, Practice, Question, Questionnaire

NOT_APPLICABLE: Literal["na"] = "na"
DONT_KNOW: Literal["unknown"] = "unknown"
Answer = int | Literal["na", "unknown"]  # a missing key means "not answered yet"

DEFAULT_TARGET = Decimal("3.0")
PRIORITY_COUNT = 5


@dataclass(frozen=True)
class PracticeScore:
    practice: Practice
    mean: Fraction | None  # None when no question of the practice has a level answer
    score: Decimal | None
    level: int | None


@dataclass(frozen=True)
class PillarScore:
    pillar: Pillar
    practices: tuple[PracticeScore, ...]
    mean: Fraction | None  # None when the pillar has "not enough answers"
    score: Decimal | None
    level: int | None
    target: Decimal
    scored_questions: int
    total_questions: int

    @property
    def enough_answers(self) -> bool:
        return self.mean is not None

    @property
    def meets_target(self) -> bool | None:
        return None if self.score is None else self.score >= self.target


@dataclass(frozen=True)
class WeakPractice:
    pillar: Pillar
    practice: PracticeScore
    target: Decimal
    gap: Decimal
    next_step: str

    @property
    def score(self) -> Decimal:
        """The practice's shown score (a weak practice always has one)."""
        return self.target - self.gap


@dataclass(frozen=True)
class Results:
    pillars: tuple[PillarScore, ...]
    mean: Fraction | None
    score: Decimal | None
    level: int | None
    weak_practices: tuple[WeakPractice, ...]  # largest gap first
    knowledge_gaps: tuple[tuple[Pillar, Practice, Question], ...]  # "Don't know" answers
    unanswered: int
    # Every practice of each pillar with "not enough answers", in questionnaire order: too
    # little is known to call them weak, so the team finds out more instead.
    to_find_out: tuple[tuple[Pillar, Practice], ...] = ()

    @property
    def pillars_covered(self) -> int:
        return sum(1 for p in self.pillars if p.enough_answers)

    @property
    def priorities(self) -> tuple[WeakPractice, ...]:
        return self.weak_practices[:PRIORITY_COUNT]


def round_score(value: Fraction) -> Decimal:
    """Round to one decimal, half up: 2.95 -> 3.0, 2.94 -> 2.9."""
    tenths = floor(value * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)  # keeps one decimal place: 30 -> 3.0


def level_for(score: Decimal) -> int:
    """The level shown for a rounded score is its whole part (3.0-3.9 -> 3)."""
    return int(score)


def score_practice(practice: Practice, answers: Mapping[str, Answer]) -> PracticeScore:
    """Mean of the practice's level answers; N/A, Don't know and blanks are not scored."""
    levels = [a for q in practice.questions if isinstance(a := answers.get(q.id), int)]
    if not levels:
        return PracticeScore(practice, None, None, None)
    mean = Fraction(sum(levels), len(levels))
    score = round_score(mean)
    return PracticeScore(practice, mean, score, level_for(score))


def has_enough_answers(scored: int, total: int) -> bool:
    """Guardrail: more than half of the questions unscored means no pillar score."""
    return total > 0 and (total - scored) * 2 <= total


def score_pillar(pillar: Pillar, answers: Mapping[str, Answer],
                 target: Decimal = DEFAULT_TARGET) -> PillarScore:
    """Weighted mean of the pillar's scored practices, unless the guardrail applies."""
    practices = tuple(score_practice(p, answers) for p in pillar.practices)
    total = len(pillar.questions)
    scored = sum(1 for q in pillar.questions if isinstance(answers.get(q.id), int))
    mean: Fraction | None = None
    if has_enough_answers(scored, total):
        weighted = [(p.mean, p.practice.weight) for p in practices if p.mean is not None]
        mean = Fraction(sum(m * w for m, w in weighted)) / sum(w for _, w in weighted)
    score = None if mean is None else round_score(mean)
    level = None if score is None else level_for(score)
    return PillarScore(pillar, practices, mean, score, level, target, scored, total)


def weak_practices(pillars: tuple[PillarScore, ...]) -> tuple[WeakPractice, ...]:
    """Practices whose shown (rounded) score is below their pillar's target: largest gap first,
    ties in questionnaire order. A pillar with "not enough answers" has none."""
    weak = [
        WeakPractice(p.pillar, ps, p.target, p.target - ps.score, ps.practice.next_step(ps.level))
        for p in pillars if p.enough_answers
        for ps in p.practices
        if ps.score is not None and ps.level is not None and ps.score < p.target
    ]
    return tuple(sorted(weak, key=lambda w: -w.gap))  # sorted() is stable: ties keep order


def score_assessment(questionnaire: Questionnaire, answers: Mapping[str, Answer],
                     targets: Mapping[str, Decimal] | None = None) -> Results:
    """Score every pillar and the whole assessment from answers keyed by question id."""
    targets = targets or {}
    pillars = tuple(
        score_pillar(p, answers, targets.get(p.id, DEFAULT_TARGET)) for p in questionnaire.pillars
    )
    covered = [p.mean for p in pillars if p.mean is not None]
    mean = Fraction(sum(covered)) / len(covered) if covered else None
    score = None if mean is None else round_score(mean)
    gaps = tuple(item for item in questionnaire.questions() if answers.get(item[2].id) == DONT_KNOW)
    unanswered = sum(1 for *_, q in questionnaire.questions() if q.id not in answers)
    to_find_out = tuple((p.pillar, practice) for p in pillars if not p.enough_answers
                        for practice in p.pillar.practices)
    return Results(pillars, mean, score, None if score is None else level_for(score),
                   weak_practices(pillars), gaps, unanswered, to_find_out)


@dataclass(frozen=True)
class FunctionScore:
    """One OMB Circular A-11 Section 280 core function and the pillars that map to it."""

    function: A11Function
    pillars: tuple[PillarScore, ...]
    mean: Fraction | None  # None when none of its pillars has a score
    score: Decimal | None
    level: int | None

    @property
    def pillars_covered(self) -> int:
        return sum(1 for p in self.pillars if p.enough_answers)


def score_a11_functions(questionnaire: Questionnaire,
                        pillars: tuple[PillarScore, ...]) -> tuple[FunctionScore, ...]:
    """Each core function's score: the mean of its pillars that have a score, equally weighted."""
    functions = []
    for function in questionnaire.a11_functions:
        mapped = tuple(p for p in pillars if p.pillar.a11_function == function.id)
        means = [p.mean for p in mapped if p.mean is not None]
        mean = Fraction(sum(means)) / len(means) if means else None
        score = None if mean is None else round_score(mean)
        functions.append(FunctionScore(function, mapped, mean, score,
                                       None if score is None else level_for(score)))
    return tuple(functions)
