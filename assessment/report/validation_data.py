"""The validation state of a plan's scores as plain data, for the plan (report/plan_data.py's
Plan.validation) and report/_validation.html."""

from __future__ import annotations

from collections.abc import Mapping

from assessment.report.plan_data import PlanValidation, ScoreValidation
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scoring import Answer
from assessment.rules.validation import STATE_WORDS, score_states


def plan_validation(questionnaire: Questionnaire, given: Mapping[str, Answer],
                    verdicts: Mapping[str, str]) -> PlanValidation | None:
    """The state of each pillar and practice score; None when no answer was reviewed."""
    states = score_states(questionnaire, given, verdicts)
    if not states.reviewed:
        return None
    scores = []
    for pillar in questionnaire.pillars:
        state = states.pillar(pillar.id)
        scores.append(ScoreValidation(pillar.name, None, state, STATE_WORDS[state]))
        for practice in pillar.practices:
            state = states.practice(practice.id)
            scores.append(ScoreValidation(pillar.name, practice.name, state, STATE_WORDS[state]))
    return PlanValidation(states.overall, STATE_WORDS[states.overall], tuple(scores),
                          states.validated, states.challenged)
