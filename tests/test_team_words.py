"""The words for several respondents (rules/team_words.py), each checked against the rule it
describes (rules/consensus.py)."""

from __future__ import annotations

import pytest

from assessment.rules.consensus import team_answer
from assessment.rules.team_words import (
    TEAM_ANSWER_RULE,
    progress_words,
    respondents_words,
    team_answer_basis,
)


@pytest.mark.parametrize(("answers", "agreed", "basis", "picked"), [
    ([], None, None, None),
    ([3], None, "the only answer", 3),
    (["unknown"], None, "the only answer", "unknown"),
    ([2, 4], None, "the lower of the two levels given", 2),
    ([4, 2], None, "the lower of the two levels given", 2),
    ([1, 3, 4], None, "the middle of the 3 levels given", 3),
    ([4, 1, 3, 2], None, "the lower of the two middle levels of the 4 given", 2),
    ([3, 3], None, "all 2 levels given are the same", 3),
    ([3, "na"], None, "the only level given", 3),
    (["na", "unknown"], None, "nobody gave a level and someone answered “Don't know”",
     "unknown"),
    (["na", "na"], None, "everyone answered “Not applicable”", "na"),
    ([1, 5], 4, "agreed by an owner", 4),
])
def test_the_words_say_how_the_rule_picked_the_teams_answer(answers, agreed, basis, picked):
    assert team_answer_basis(answers, agreed) == basis
    assert team_answer(answers, agreed) == picked


@pytest.mark.parametrize(("count", "words"), [
    (0, "Nobody has answered yet."),
    (1, "1 person answered, so each of their answers is the team's answer."),
    (2, f"2 people answered. Where answers differ, the team's answer is {TEAM_ANSWER_RULE}."),
])
def test_one_respondent_is_not_told_about_answers_that_differ(count, words):
    assert respondents_words(count) == words


@pytest.mark.parametrize(("answered", "total", "words"), [
    (0, 35, "has not answered yet"), (5, 35, "answered 5 of 35 questions"),
    (35, 35, "answered all 35 questions"),
])
def test_answering_every_question_is_not_called_finishing(answered, total, words):
    assert progress_words(answered, total) == words
    assert "finish" not in words
