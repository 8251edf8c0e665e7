"""The words for several respondents: how many answered, how far each has got, and how the
team's answer to a question was picked (rules/consensus.py holds the rule itself).

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment.rules.scoring import DONT_KNOW, Answer

# The rule of rules/consensus.py, said once for every page and the plan.
TEAM_ANSWER_RULE = ("the answer an owner agreed or, without one, the middle of the levels "
                    "people gave (of two middle levels, the lower one)")


def people(count: int) -> str:
    """ "1 person", "3 people"."""
    return f"{count} {'person' if count == 1 else 'people'}"


def respondents_words(count: int) -> str:
    """How many people answered, and what that means for the team's answers."""
    if count == 0:
        return "Nobody has answered yet."
    if count == 1:
        return "1 person answered, so each of their answers is the team's answer."
    return f"{people(count)} answered. Where answers differ, the team's answer is " \
           f"{TEAM_ANSWER_RULE}."


def progress_words(answered: int, total: int) -> str:
    """How far one respondent has got. Answering every question is not finishing: only an
    owner finishes the assessment."""
    if answered >= total:
        return f"answered all {total} questions"
    if answered == 0:
        return "has not answered yet"
    return f"answered {answered} of {total} questions"


def team_answer_basis(answers: Sequence[Answer], agreed: Answer | None) -> str | None:
    """Why the team's answer to one question is what it is, as rules/consensus.py picks it;
    None when nobody answered."""
    if agreed is not None:
        return "agreed by an owner"
    if not answers:
        return None
    if len(answers) == 1:
        return "the only answer"
    levels = sorted(a for a in answers if isinstance(a, int))
    if not levels:
        return ("nobody gave a level and someone answered “Don't know”" if DONT_KNOW in answers
                else "everyone answered “Not applicable”")
    if len(levels) == 1:
        return "the only level given"
    if len(set(levels)) == 1:
        return f"all {len(levels)} levels given are the same"
    if len(levels) == 2:
        return "the lower of the two levels given"
    if len(levels) % 2:
        return f"the middle of the {len(levels)} levels given"
    return f"the lower of the two middle levels of the {len(levels)} given"
