"""Rules for comparing over time: changes, shared questions, peer spread, trend geometry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from assessment.rules.comparison import compare, direction, shared_answers, version_differences
from assessment.rules.peers import MIN_TEAMS, spread
from assessment.rules.scored import ScoredAssessment, TargetSetting, TeamAnswers
from assessment.rules.scoring import score_assessment
from assessment.rules.side_by_side import answer_text, choose, options, side_by_side
from assessment.rules.trend_chart import trend_chart
from assessment.rules.version_changes import QuestionsOfPillar, version_changes
from assessment.store.read_model import on_shared_questions


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


# Side by side: which two assessments, answers in words, questionnaire versions.

@dataclass
class Taken:
    public_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


def day(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, 1, n, hour)


TEAM = [Taken("a", day(1), day(2)), Taken("b", day(5), day(6)), Taken("c", day(8), day(9)),
        Taken("d", day(10))]


@pytest.mark.parametrize(("before", "after", "expected"), [
    (None, None, ("b", "c", {}, False)),
    ("a", "c", ("a", "c", {}, False)),
    ("c", "a", ("a", "c", {}, True)),
    ("a", "d", ("a", "d", {}, False)),
    ("x", "c", (None, None, {"before": "We cannot find that earlier assessment. "
                                       "Choose one from the list."}, False)),
    ("a", "", (None, None, {"after": "Choose the later assessment."}, False)),
    (None, "a", (None, None, {"before": "Choose the earlier assessment."}, False)),
    ("b", "b", (None, None, {"after": "Choose two different assessments. "
                                      "You chose the same one twice."}, False)),
    ("x", "y", (None, None, {"before": "We cannot find that earlier assessment. Choose one "
                                       "from the list.",
                             "after": "We cannot find that later assessment. Choose one "
                                      "from the list."}, False)),
], ids=["default: two latest finished", "as asked", "swapped", "a draft", "unknown",
        "empty", "missing", "same twice", "both unknown"])
def test_choosing_two_assessments(before, after, expected):
    choice = choose(TEAM, before, after)
    assert (choice.before.public_id if choice.before else None,
            choice.after.public_id if choice.after else None,
            dict(choice.errors), choice.swapped) == expected


@pytest.mark.parametrize("team", [[], TEAM[:1], [TEAM[0], TEAM[3]]],
                         ids=["none", "one", "one finished"])
def test_without_two_finished_assessments_nothing_is_chosen(team):
    choice = choose(team, None, None)
    assert (choice.before, choice.after, dict(choice.errors)) == (None, None, {})


def test_options_are_newest_first_and_two_on_one_day_show_the_time():
    team = TEAM[:3] + [Taken("e", day(9, 10), day(9, 15))] + TEAM[3:]
    assert [(o.public_id, o.label) for o in options(team)] == [
        ("d", "Started January 10, 2025 (in progress)"),
        ("e", "Finished January 9, 2025 at 3:00 PM"),
        ("c", "Finished January 9, 2025 at 9:00 AM"), ("b", "Finished January 6, 2025"),
        ("a", "Finished January 2, 2025")]


@pytest.mark.parametrize(("answer", "label", "has_statement"), [
    (2, "Level 2: Tactical", True), ("na", "Not applicable", False),
    ("unknown", "Don't know", False), (None, "Not answered", False),
])
def test_an_answer_in_words(questionnaire, answer, label, has_statement):
    question = questionnaire.pillars[0].questions[0]
    text = answer_text(questionnaire, question.id, answer)
    assert text.label == label
    assert text.statement == (question.levels[1] if has_statement else None)


def renamed_version(questionnaire, version: str):
    """Another version of the questionnaire: the first question dropped, one added."""
    from dataclasses import replace

    pillar = questionnaire.pillars[0]
    practice = pillar.practices[0]
    added = replace(practice.questions[0], id="strategy.new.q1", text="A new question?")
    practices = (replace(practice, questions=(added,)),) + pillar.practices[1:]
    return replace(questionnaire, version=version,
                   pillars=(replace(pillar, practices=practices),) + questionnaire.pillars[1:])


def test_the_same_version_has_no_changes(questionnaire):
    assert version_changes(questionnaire, questionnaire) is None


def test_a_new_version_says_what_both_ask_and_what_only_one_asks(questionnaire):
    later = renamed_version(questionnaire, "2028.1")
    dropped = questionnaire.pillars[0].questions[0]
    changes = version_changes(questionnaire, later)
    assert (changes.before_version, changes.after_version) == (questionnaire.version, "2028.1")
    assert len(changes.shared) == questionnaire.question_count - 1
    assert dropped.id not in changes.shared
    assert changes.only_before == (QuestionsOfPillar("Strategy", (dropped.text,)),)
    assert changes.only_after == (QuestionsOfPillar("Strategy", ("A new question?",)),)
    assert (changes.only_before_count, changes.only_after_count) == (1, 1)


def scored(questionnaire, given, targets=None) -> ScoredAssessment:
    """A finished assessment scored on all its answers, as the read model returns it."""
    settings = {pillar_id: TargetSetting(*t) for pillar_id, t in (targets or {}).items()}
    return ScoredAssessment(
        id=1, public_id="x", team_id=1, status="finished", finished=True, open_to_team=False,
        questionnaire_version=questionnaire.version, started_at=day(1), finished_at=day(2),
        updated_at=day(2), questionnaire=questionnaire, answers=TeamAnswers({}, {}, 1, {}),
        given=given, targets=settings,
        results=score_assessment(questionnaire, given,
                                 {pillar_id: s.target for pillar_id, s in settings.items()}))


def test_side_by_side_across_versions_scores_only_shared_questions(questionnaire):
    later_questionnaire = renamed_version(questionnaire, "2028.1")
    dropped = questionnaire.pillars[0].questions[0].id
    before = {q.id: 2 for *_, q in questionnaire.questions()} | {dropped: 5}
    after = {q.id: 2 for *_, q in later_questionnaire.questions()} | {"strategy.new.q1": 5}
    page = side_by_side(*on_shared_questions(
        scored(questionnaire, before),
        scored(later_questionnaire, after, {"strategy": (D("2.0"), dt.date(2027, 1, 31))})))
    strategy = page.pillars[0]
    assert (strategy.change.before, strategy.change.after) == (D("2.0"), D("2.0"))
    assert (strategy.change.met_before, strategy.change.met_after) == (False, True)
    assert (strategy.date_before, strategy.date_after) == (None, dt.date(2027, 1, 31))
    assert page.answers_changed == 0
    assert page.versions.only_after_count == 1
