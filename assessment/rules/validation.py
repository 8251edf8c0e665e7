"""Whether a score is validated: from an organization reviewer's verdicts on the answers
behind it. Pure: no Flask, no database.

- The answers behind a score are its level answers (1-5): "Not applicable" and "Don't know"
  are not scored, so they neither validate nor challenge it.
- A score is **challenged** when any answer behind it is challenged; **validated** when every
  answer behind it is validated; else (some answers not reviewed yet, or no level answers)
  **self-reported**. So a challenged answer is never counted as validated.
- A changed answer loses its verdict (store/reviews.py deletes it): self-reported again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scoring import Answer

VALIDATED, CHALLENGED, SELF_REPORTED = "validated", "challenged", "self-reported"
STATE_WORDS = {VALIDATED: "Validated", CHALLENGED: "Challenged", SELF_REPORTED: "Self-reported"}


def state_of(verdicts: Iterable[str | None]) -> str:
    """The state of a score from the verdicts on the answers behind it (None: not reviewed)."""
    seen = list(verdicts)
    if CHALLENGED in seen:
        return CHALLENGED
    if seen and all(v == VALIDATED for v in seen):
        return VALIDATED
    return SELF_REPORTED


@dataclass(frozen=True)
class ScoreStates:
    """The validation state of every score of an assessment, by practice and pillar id."""

    practices: Mapping[str, str]
    pillars: Mapping[str, str]
    overall: str
    challenged: int  # answers challenged
    validated: int  # answers validated (behind a score or not)

    @property
    def reviewed(self) -> bool:
        return bool(self.challenged or self.validated)

    def practice(self, practice_id: str) -> str:
        return self.practices.get(practice_id, SELF_REPORTED)

    def pillar(self, pillar_id: str) -> str:
        return self.pillars.get(pillar_id, SELF_REPORTED)


def score_states(questionnaire: Questionnaire, given: Mapping[str, Answer],
                 verdicts: Mapping[str, str]) -> ScoreStates:
    """The state of each practice, pillar and the overall score. `given`: the team's answers
    as scoring reads them; `verdicts`: the reviewer's verdict by question id."""
    practices, pillars, everything = {}, {}, []
    for pillar in questionnaire.pillars:
        in_pillar = []
        for practice in pillar.practices:
            behind = [verdicts.get(q.id) for q in practice.questions
                      if isinstance(given.get(q.id), int)]
            practices[practice.id] = state_of(behind)
            in_pillar += behind
        pillars[pillar.id] = state_of(in_pillar)
        everything += in_pillar
    counted = list(verdicts.values())
    return ScoreStates(practices, pillars, state_of(everything),
                       counted.count(CHALLENGED), counted.count(VALIDATED))
