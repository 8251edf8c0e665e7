"""Rules for comparing over time: changes, shared questions, peer spread, trend geometry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from assessment.comparison import compare, direction, shared_answers, version_differences
from assessment.peers import MIN_TEAMS, spread
from assessment.scoring import score_assessment
from assessment.trend_chart import trend_chart


@pytest.mark.parametrize(("before", "after", "expected"), [
    (D("2.0"), D("3.5"), "up"), (D("3.5"), D("2.0"), "down"), (D("3.0"), D("3.0"), "same"),
    (None, D("3.0"), "new"), (D("3.0"), None, "gone"), (None, None, "none"),
])
def test_direction_says_which_way_a_score_moved(before, after, expected):
    assert direction(before, after) == expected


def test_only_questions_both_versions_ask_are_compared():
    answers = {"a.q1": 3, "a.q2": "na", "b.q1": 5}
    assert shared_answers(answers, {"a.q1", "b.q1", "c.q1"}) == {"a.q1": 3, "b.q1": 5}
    assert version_differences({"a.q1", "a.q2"}, {"a.q1", "b.q1"}) == (("a.q2",), ("b.q1",))


def test_comparing_two_assessments_shows_changes_targets_and_changed_answers(questionnaire):
    strategy = questionnaire.pillar("strategy")
    before_answers = {q.id: 2 for *_, q in questionnaire.questions()}
    after_answers = dict(before_answers) | {q.id: 4 for q in strategy.questions}
    after_answers[questionnaire.pillar("culture").questions[0].id] = "unknown"
    before = score_assessment(questionnaire, before_answers)
    after = score_assessment(questionnaire, after_answers, {"strategy": D("3.5")})

    result = compare(before, after, before_answers, after_answers)

    pillars = {p.id: p for p in result.pillars}
    assert (pillars["strategy"].before, pillars["strategy"].after) == (D("2.0"), D("4.0"))
    assert pillars["strategy"].change == D("2.0")
    assert (pillars["strategy"].met_before, pillars["strategy"].met_after) == (False, True)
    assert pillars["strategy"].target_after == D("3.5")
    assert pillars["governance"].direction == "same"
    assert [c.question_id for c in result.answers_changed] == \
        [q.id for q in strategy.questions] + [questionnaire.pillar("culture").questions[0].id]
    assert result.answers_changed[-1].after == "unknown"
    assert result.overall.direction == "up"
    practice = next(p for p in result.practices if p.id == strategy.practices[0].id)
    assert (practice.before, practice.after, practice.change) == (D("2.0"), D("4.0"), D("2.0"))


def test_answers_to_questions_a_new_version_dropped_are_listed_last(questionnaire):
    before_answers = {"retired.q1": 3}
    before = score_assessment(questionnaire, before_answers)
    after = score_assessment(questionnaire, {})
    result = compare(before, after, before_answers, {})
    assert [(c.question_id, c.before, c.after) for c in result.answers_changed] == \
        [("retired.q1", 3, None)]


@pytest.mark.parametrize(("scores", "expected"), [
    # minimum, lower quartile, median, upper quartile, maximum (inclusive method, half up)
    (["1.0", "2.0", "3.0", "4.0", "5.0"], ("1.0", "2.0", "3.0", "4.0", "5.0")),
    (["2.0", "2.5", "3.0", "3.5", "4.0", "4.5"], ("2.0", "2.6", "3.3", "3.9", "4.5")),
    (["3.0"] * 5, ("3.0", "3.0", "3.0", "3.0", "3.0")),
    (["1.1", "1.2", "1.3", "1.4", "4.9"], ("1.1", "1.2", "1.3", "1.4", "4.9")),
], ids=["one-to-five", "six-teams", "all-equal", "outlier"])
def test_peer_spread_is_minimum_quartiles_and_maximum(scores, expected):
    result = spread([D(s) for s in scores])
    assert (result.minimum, result.lower_quartile, result.median, result.upper_quartile,
            result.maximum) == tuple(D(e) for e in expected)
    assert result.teams == len(scores)


def test_peer_spread_is_withheld_below_five_teams():
    assert MIN_TEAMS == 5
    assert spread([D("3.0")] * 4) is None
    assert spread([]) is None


def test_a_trend_line_skips_assessments_without_a_score():
    series = [(dt.date(2024, 11, 1), D("1.0")), (dt.date(2025, 11, 1), None),
              (dt.date(2026, 11, 1), D("5.0"))]
    chart = trend_chart(series, target=D("3.0"))
    assert [p.label for p in chart.points] == ["Nov 2024", "Nov 2026"]
    assert chart.path.count("M") == 2 and "L" not in chart.path  # no line across the gap
    low, high = chart.points
    assert low.y > chart.target_y > high.y  # higher scores sit higher on the chart
    assert high.x > low.x


def test_a_single_assessment_is_one_point_in_the_middle():
    chart = trend_chart([(dt.date(2026, 1, 1), D("3.0"))])
    assert len(chart.points) == 1 and chart.path.startswith("M")
    assert chart.target_y is None
