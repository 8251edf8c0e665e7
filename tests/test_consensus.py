"""The team's answer from several respondents: agreed answer, else the lower median."""

from __future__ import annotations

import pytest

from assessment.rules.consensus import (
    differ,
    disagrees,
    lower_median,
    spread,
    team_answer,
    team_answers,
)


@pytest.mark.parametrize(("levels", "median"), [
    ([], None), ([3], 3), ([1, 5], 1), ([2, 3, 4], 3), ([4, 1, 3, 2], 2), ([5, 5, 1, 1], 1),
    ([2, 2, 5], 2), ([1, 2, 3, 4, 5, 5], 3),
])
def test_the_median_takes_the_lower_middle_level_on_ties(levels, median):
    assert lower_median(levels) == median


@pytest.mark.parametrize(("answers", "expected_spread", "disagreement"), [
    ([], 0, False), ([3], 0, False), ([3, 4], 1, False), ([2, 4], 2, True),
    ([1, 5, 3], 4, True), (["na", 5, "unknown"], 0, False), ([1, "na", 3], 2, True),
])
def test_a_spread_of_two_levels_or_more_is_a_disagreement(answers, expected_spread,
                                                          disagreement):
    assert spread(answers) == expected_spread
    assert disagrees(answers) is disagreement


@pytest.mark.parametrize(("answers", "agreed", "expected"), [
    ([], None, None),
    ([2, 4], None, 2),
    ([2, 4, 5], None, 4),
    ([2, 4], 3, 3),                      # the owner's agreed answer wins
    ([2, 4], "na", "na"),
    (["na", 3, "unknown"], None, 3),     # levels count; N/A and Don't know are not scored
    (["na", "unknown"], None, "unknown"),  # nobody knows: a knowledge gap
    (["na", "na"], None, "na"),
    ([], 5, 5),
])
def test_the_team_answer_is_the_agreed_one_else_the_median(answers, agreed, expected):
    assert team_answer(answers, agreed) == expected


def test_team_answers_collect_each_question_across_respondents():
    spreads = team_answers([{"q1": 1, "q2": "na"}, {"q1": 4}, {"q1": 3, "q3": 2}], {"q3": 5})
    assert spreads["q1"].answers == (1, 4, 3) and spreads["q1"].answer == 3
    assert spreads["q1"].disagreement and spreads["q1"].spread == 3
    assert spreads["q2"].answer == "na" and not spreads["q2"].disagreement
    assert spreads["q3"].answer == 5 and spreads["q3"].agreed == 5


@pytest.mark.parametrize(("answers", "differs"), [
    ([], False), ([3], False), ([3, 3], False), (["na", "na"], False), ([3, 4], True),
    ([3, "na"], True), (["na", "unknown"], True),
])
def test_answers_differ_when_respondents_did_not_all_give_the_same_answer(answers, differs):
    assert differ(answers) is differs
