"""How several respondents' answers make the team's answer (pure: no Flask, no database).

The team's answer to a question is the answer the owner agreed, when set. Otherwise it is the
median of the respondents' levels, the lower of the two middle levels when their number is
even. When nobody gave a level, it is "Don't know" if anyone said so (a knowledge gap), else
"Not applicable". A spread of two levels or more between respondents is a disagreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assessment.rules.scoring import DONT_KNOW, NOT_APPLICABLE, Answer

DISAGREEMENT_SPREAD = 2


def lower_median(levels: Iterable[int]) -> int | None:
    """The median level; of the two middle levels, the lower one. None for no levels."""
    ordered = sorted(levels)
    if not ordered:
        return None
    return ordered[(len(ordered) - 1) // 2]


def spread(answers: Iterable[Answer]) -> int:
    """Highest level minus lowest level given (0 with fewer than two levels)."""
    levels = [a for a in answers if isinstance(a, int)]
    return max(levels) - min(levels) if levels else 0


def disagrees(answers: Iterable[Answer]) -> bool:
    return spread(answers) >= DISAGREEMENT_SPREAD


def differ(answers: Iterable[Answer]) -> bool:
    """True when the respondents did not all give the same answer (a level, "Not applicable"
    or "Don't know"): the questions the team may want to talk about."""
    return len(set(answers)) > 1


def team_answer(respondents: Iterable[Answer], agreed: Answer | None = None) -> Answer | None:
    """The answer the team's scores use for one question; None when nobody answered."""
    if agreed is not None:
        return agreed
    answers = list(respondents)
    median = lower_median(a for a in answers if isinstance(a, int))
    if median is not None:
        return median
    if DONT_KNOW in answers:
        return DONT_KNOW
    return NOT_APPLICABLE if NOT_APPLICABLE in answers else None


@dataclass(frozen=True)
class QuestionSpread:
    """What the respondents answered to one question, and what the team's answer is."""

    answers: tuple[Answer, ...]
    agreed: Answer | None
    answer: Answer | None
    spread: int
    disagreement: bool

    @property
    def differ(self) -> bool:
        return differ(self.answers)


def team_answers(by_respondent: Iterable[Mapping[str, Answer]],
                 agreed: Mapping[str, Answer]) -> dict[str, QuestionSpread]:
    """Per question, every respondent's answer, the spread and the team's answer."""
    collected: dict[str, list[Answer]] = {}
    for answers in by_respondent:
        for question_id, answer in answers.items():
            collected.setdefault(question_id, []).append(answer)
    result = {}
    for question_id in collected.keys() | agreed.keys():
        given = tuple(collected.get(question_id, ()))
        result[question_id] = QuestionSpread(given, agreed.get(question_id),
                                             team_answer(given, agreed.get(question_id)),
                                             spread(given), disagrees(given))
    return result
