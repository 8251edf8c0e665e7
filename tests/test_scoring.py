"""The scoring rules of PRODUCT.md, case by case, on small questionnaires checked by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest

from assessment.rules.questionnaire import (
    A11Function,
    Level,
    Pillar,
    Practice,
    Question,
    Questionnaire,
)
from assessment.rules.scoring import (
    DEFAULT_TARGET,
    Answer,
    Results,
    level_for,
    round_score,
    score_a11_functions,
    score_assessment,
)

Cell = Answer | None  # a level, "na", "unknown", or None for a question left unanswered
Spec = Mapping[str, Sequence[Sequence[Cell]]]  # pillar id -> practices -> answers to questions

LEVELS = tuple(Level(n, f"Level {n}", f"What level {n} looks like.") for n in range(1, 6))


def build(spec: Spec, weights: Mapping[str, Fraction] | None = None,
          ) -> tuple[Questionnaire, dict[str, Answer]]:
    """A questionnaire shaped like spec, and the answers it lists.

    Practice j of pillar "a" is "a.p<j>" (from 1), its question k is "a.p<j>.q<k>", and its
    next step out of level n is "a.p<j> step <n>".
    """
    answers: dict[str, Answer] = {}
    pillars = []
    for pillar_id, practices in spec.items():
        built = []
        for j, cells in enumerate(practices, start=1):
            practice_id = f"{pillar_id}.p{j}"
            questions = []
            for k, cell in enumerate(cells, start=1):
                question_id = f"{practice_id}.q{k}"
                questions.append(Question(question_id, f"How is {question_id}?",
                                          tuple(f"Statement {n}" for n in range(1, 6))))
                if cell is not None:
                    answers[question_id] = cell
            built.append(Practice(
                practice_id, f"Practice {practice_id}", "Summary.", tuple(questions),
                tuple(f"{practice_id} step {n}" for n in range(1, 6)), (),
                (weights or {}).get(practice_id, Fraction(1)),
            ))
        pillars.append(Pillar(pillar_id, f"Pillar {pillar_id}", "Purpose.", "fn", tuple(built)))
    questionnaire = Questionnaire("test", dt.date(2026, 1, 1), "Test", LEVELS,
                                  (A11Function("fn", "Function"),), tuple(pillars))
    return questionnaire, answers


def results_for(spec: Spec, weights: Mapping[str, Fraction] | None = None,
                targets: Mapping[str, Decimal] | None = None) -> Results:
    questionnaire, answers = build(spec, weights)
    return score_assessment(questionnaire, answers, targets)


def scores(results: Results) -> list[str | None]:
    """Each pillar's displayed score, or None for "not enough answers"."""
    return [None if p.score is None else str(p.score) for p in results.pillars]


# --------------------------------------------------------------------------- rounding, levels

@pytest.mark.parametrize(("value", "shown"), [
    pytest.param(Fraction("2.95"), "3.0", id="2.95 rounds up to 3.0"),
    pytest.param(Fraction("2.94"), "2.9", id="2.94 rounds down to 2.9"),
    pytest.param(Fraction("2.25"), "2.3", id="2.25 rounds half up to 2.3"),
    pytest.param(Fraction(1, 3), "0.3", id="one third is 0.3"),
    pytest.param(Fraction(2, 3), "0.7", id="two thirds is 0.7"),
    pytest.param(Fraction(5), "5.0", id="5 keeps one decimal"),
    pytest.param(Fraction(1), "1.0", id="1 keeps one decimal"),
    pytest.param(Fraction("4.05"), "4.1", id="4.05 rounds half up to 4.1"),
    pytest.param(Fraction("3.45"), "3.5", id="3.45 rounds half up to 3.5"),
])
def test_a_score_is_rounded_half_up_to_one_decimal(value: Fraction, shown: str) -> None:
    assert str(round_score(value)) == shown


@pytest.mark.parametrize(("value", "level"), [
    pytest.param(Fraction("2.95"), 3, id="2.95 shows 3.0 so level 3"),
    pytest.param(Fraction("2.94"), 2, id="2.94 shows 2.9 so level 2"),
    pytest.param(Fraction("3.99"), 4, id="3.99 shows 4.0 so level 4"),
    pytest.param(Fraction(1), 1, id="1 is level 1"),
    pytest.param(Fraction(5), 5, id="5 is level 5"),
])
def test_the_level_is_the_whole_part_of_the_rounded_score(value: Fraction, level: int) -> None:
    assert level_for(round_score(value)) == level


# --------------------------------------------------------------------------- practice scores

@pytest.mark.parametrize(("answers", "shown", "level"), [
    pytest.param([4], "4.0", 4, id="one answer"),
    pytest.param([2, 3], "2.5", 2, id="mean of two answers"),
    pytest.param([1, 2, 2], "1.7", 1, id="mean 5/3 rounds to 1.7"),
    pytest.param([2, "na"], "2.0", 2, id="not applicable is left out"),
    pytest.param([2, "unknown"], "2.0", 2, id="don't know is left out"),
    pytest.param([2, None], "2.0", 2, id="unanswered is left out"),
    pytest.param([2] * 19 + [1], "2.0", 2, id="mean 1.95 shows 2.0 so level 2"),
    pytest.param(["na", "unknown"], None, None, id="no numeric answer has no score"),
    pytest.param([None, None], None, None, id="nothing answered has no score"),
])
def test_a_practice_score_is_the_mean_of_its_numeric_answers(
        answers: list[Cell], shown: str | None, level: int | None) -> None:
    practice = results_for({"a": [answers]}).pillars[0].practices[0]
    shown_score = None if practice.score is None else str(practice.score)
    assert (shown_score, practice.level) == (shown, level)


# --------------------------------------------------------------------------- pillar scores

@pytest.mark.parametrize(("practices", "weights", "shown"), [
    pytest.param([[3]], {}, "3.0", id="one practice with one question"),
    pytest.param([[1, 1], [4]], {}, "2.5", id="a practice counts once however many questions"),
    pytest.param([[2, 3], [2]], {}, "2.3", id="mean of 2.5 and 2 is 2.25 shown 2.3"),
    pytest.param([[4], [1]], {"a.p1": Fraction(2)}, "3.0", id="weight 2 counts twice"),
    pytest.param([[4], [1]], {"a.p2": Fraction(1, 2)}, "3.0", id="weight one half counts half"),
    pytest.param([["na"], [2], [4]], {"a.p1": Fraction(3)}, "3.0",
                 id="a practice without a score and its weight are skipped"),
    pytest.param([[3] * 19 + [2]], {}, "3.0", id="mean 2.95 shows 3.0"),
])
def test_a_pillar_score_is_the_weighted_mean_of_its_scored_practices(
        practices: list[list[Cell]], weights: dict[str, Fraction], shown: str) -> None:
    assert scores(results_for({"a": practices}, weights)) == [shown]


@pytest.mark.parametrize(("practices", "shown"), [
    pytest.param([[2, "na"], [4, "unknown"]], "3.0", id="exactly half unscored still scores"),
    pytest.param([[2, 2, None]], "2.0", id="one of three unscored scores"),
    pytest.param([[2, "na"], ["unknown", None]], None, id="three of four unscored has no score"),
    pytest.param([[2], ["na", None]], None, id="two of three unscored has no score"),
    pytest.param([["na", "na"], ["na"]], None, id="all not applicable has no score"),
    pytest.param([[3]], "3.0", id="the only question answered scores"),
    pytest.param([["na"]], None, id="the only question not applicable has no score"),
    pytest.param([["unknown"]], None, id="the only question don't know has no score"),
    pytest.param([[None]], None, id="the only question unanswered has no score"),
])
def test_a_pillar_more_than_half_unscored_has_not_enough_answers(
        practices: list[list[Cell]], shown: str | None) -> None:
    results = results_for({"a": practices})
    assert (scores(results), results.pillars[0].enough_answers) == ([shown], shown is not None)


# --------------------------------------------------------------------------- overall score

@pytest.mark.parametrize(("spec", "shown", "covered"), [
    pytest.param({"a": [[2]], "b": [[4]]}, "3.0", 2, id="mean of two pillars"),
    pytest.param({"a": [[2, 3], [2]], "b": [[2]]}, "2.1", 2,
                 id="pillar means 2.25 and 2 give 2.125 not the mean of shown 2.3 and 2.0"),
    pytest.param({"a": [[3]], "b": [[3] * 9 + [2]]}, "3.0", 2,
                 id="pillar means 3 and 2.9 give 2.95"),
    pytest.param({"a": [[2]], "b": [["na"]], "c": [[5]]}, "3.5", 2,
                 id="a pillar without a score is left out"),
    pytest.param({"a": [["na"]], "b": [[None]]}, None, 0, id="no pillar scored has no overall"),
])
def test_the_overall_score_is_the_mean_of_the_scored_pillars(
        spec: Spec, shown: str | None, covered: int) -> None:
    results = results_for(spec)
    assert (None if results.score is None else str(results.score), results.pillars_covered) == (
        shown, covered)


def test_a_mean_of_exactly_2_95_shows_3_0_and_level_3_everywhere() -> None:
    results = results_for({"a": [[3] * 19 + [2]], "b": [[3] * 19 + [2]]})
    pillar, practice = results.pillars[0], results.pillars[0].practices[0]
    assert (practice.mean, pillar.mean, results.mean) == (Fraction("2.95"),) * 3
    assert [(str(x.score), x.level) for x in (practice, pillar, results)] == [("3.0", 3)] * 3
    assert (pillar.meets_target, results.weak_practices) == (True, ())


# --------------------------------------------------------------------------- targets

def test_the_default_target_is_3_0() -> None:
    assert str(DEFAULT_TARGET) == "3.0"


@pytest.mark.parametrize(("spec", "targets", "expected"), [
    pytest.param({"a": [[3]]}, {}, [("3.0", True)], id="3.0 meets the default target"),
    pytest.param({"a": [[3] * 9 + [2]]}, {}, [("3.0", False)], id="2.9 misses the default"),
    pytest.param({"a": [[3]], "b": [[3]]}, {"b": Decimal("3.5")},
                 [("3.0", True), ("3.5", False)], id="a per-pillar target overrides the default"),
    pytest.param({"a": [[2]]}, {"a": Decimal("2.0")}, [("2.0", True)], id="a lower target met"),
    pytest.param({"a": [["na"]]}, {}, [("3.0", None)], id="no score neither meets nor misses"),
])
def test_each_pillar_has_a_target_and_says_whether_it_meets_it(
        spec: Spec, targets: dict[str, Decimal], expected: list[tuple[str, bool | None]]) -> None:
    results = results_for(spec, targets=targets)
    assert [(str(p.target), p.meets_target) for p in results.pillars] == expected


# --------------------------------------------------------------------------- weak practices

def weak(results: Results) -> list[tuple[str, str, str, str, str]]:
    return [(w.practice.practice.id, str(w.practice.score), str(w.target), str(w.gap), w.next_step)
            for w in results.weak_practices]


@pytest.mark.parametrize(("spec", "targets", "expected"), [
    pytest.param({"a": [[3], [2, 3], [4]]}, {}, [("a.p2", "2.5", "3.0", "0.5", "a.p2 step 2")],
                 id="only practices below target"),
    pytest.param({"a": [[2] * 19 + [1]]}, {}, [("a.p1", "2.0", "3.0", "1.0", "a.p1 step 2")],
                 id="gap and next step use the rounded score"),
    pytest.param({"a": [[3] * 19 + [2]]}, {}, [], id="2.95 shows 3.0 which is not below 3.0"),
    pytest.param({"a": [[4], [4, 3]]}, {"a": Decimal("4.0")},
                 [("a.p2", "3.5", "4.0", "0.5", "a.p2 step 3")], id="a raised target"),
    pytest.param({"a": [[2], ["na"]]}, {}, [("a.p1", "2.0", "3.0", "1.0", "a.p1 step 2")],
                 id="a practice without a score is never weak"),
    pytest.param({"z": [[2], [1]], "a": [[3]]}, {"a": Decimal("5.0")},
                 [("z.p2", "1.0", "3.0", "2.0", "z.p2 step 1"),
                  ("a.p1", "3.0", "5.0", "2.0", "a.p1 step 3"),
                  ("z.p1", "2.0", "3.0", "1.0", "z.p1 step 2")],
                 id="largest gap first and ties keep pillar order"),
    pytest.param({"a": [[2], [1], [2], [1]]}, {},
                 [("a.p2", "1.0", "3.0", "2.0", "a.p2 step 1"),
                  ("a.p4", "1.0", "3.0", "2.0", "a.p4 step 1"),
                  ("a.p1", "2.0", "3.0", "1.0", "a.p1 step 2"),
                  ("a.p3", "2.0", "3.0", "1.0", "a.p3 step 2")],
                 id="ties keep practice order"),
])
def test_weak_practices_are_below_their_pillar_target_largest_gap_first(
        spec: Spec, targets: dict[str, Decimal], expected: list[tuple[str, ...]]) -> None:
    assert weak(results_for(spec, targets=targets)) == expected


@pytest.mark.parametrize(("spec", "targets", "expected"), [
    pytest.param({"a": [[3] * 19 + [2]]}, {}, [], id="mean 2.95 shows 3.0: meets 3.0"),
    pytest.param({"a": [[3] * 16 + [2]]}, {}, [("a.p1", "2.9", "3.0", "0.1", "a.p1 step 2")],
                 id="mean 2.94 shows 2.9: below 3.0 by 0.1"),
    pytest.param({"a": [[4] * 9 + [3] * 11]}, {"a": Decimal("3.5")}, [],
                 id="mean 3.45 shows 3.5: meets 3.5"),
    pytest.param({"a": [[4] * 4 + [3] * 5]}, {"a": Decimal("3.5")},
                 [("a.p1", "3.4", "3.5", "0.1", "a.p1 step 3")],
                 id="mean 3.44 shows 3.4: below 3.5 by 0.1"),
    pytest.param({"a": [[5] * 19 + [4]]}, {"a": Decimal("5.0")}, [],
                 id="mean 4.95 shows 5.0: meets 5.0"),
])
def test_a_practice_is_below_target_when_its_shown_score_is(
        spec: Spec, targets: dict[str, Decimal], expected: list[tuple[str, ...]]) -> None:
    assert weak(results_for(spec, targets=targets)) == expected


@pytest.mark.parametrize(("spec", "weak_ids", "to_find_out"), [
    pytest.param({"a": [[1], ["na"], [None]], "b": [[2]]}, ["b.p1"],
                 ["a.p1", "a.p2", "a.p3"], id="a pillar with 1 of 3 scored"),
    pytest.param({"a": [[1, "unknown", "unknown"]]}, [], ["a.p1"],
                 id="a practice scored 1.0 in a pillar with too few answers"),
    pytest.param({"a": [[1], ["na"]]}, ["a.p1"], [], id="exactly half scored is enough"),
    pytest.param({"z": [["na"], [1]], "a": [["unknown"], ["unknown"], [2]]}, ["z.p2"],
                 ["a.p1", "a.p2", "a.p3"], id="only the pillar with too few answers"),
    pytest.param({"a": [["na"]], "b": [[None]]}, [], ["a.p1", "b.p1"],
                 id="nothing scored: everything to find out"),
])
def test_a_pillar_with_not_enough_answers_gives_no_weak_practice_only_things_to_find_out(
        spec: Spec, weak_ids: list[str], to_find_out: list[str]) -> None:
    results = results_for(spec)
    assert [w.practice.practice.id for w in results.weak_practices] == weak_ids
    assert [practice.id for _, practice in results.to_find_out] == to_find_out
    assert all(pillar.practices.count(practice) == 1 for pillar, practice in results.to_find_out)


def test_the_priorities_are_the_first_five_weak_practices() -> None:
    results = results_for({"a": [[2], [1], [2]], "b": [[2], [1], [3], [1]]})
    assert [w.practice.practice.id for w in results.priorities] == [
        "a.p2", "b.p2", "b.p4", "a.p1", "a.p3"]
    assert len(results.weak_practices) == 6


# --------------------------------------------------------------------------- knowledge gaps

def test_knowledge_gaps_list_every_dont_know_in_questionnaire_order() -> None:
    questionnaire, answers = build({"a": [["unknown", 2], ["na"]], "b": [[None, "unknown"]]})
    answers = dict(reversed(answers.items()))  # the order answers arrive in does not matter
    results = score_assessment(questionnaire, answers)
    assert [q.id for _, _, q in results.knowledge_gaps] == ["a.p1.q1", "b.p1.q2"]
    assert [(p.id, pr.id) for p, pr, _ in results.knowledge_gaps] == [("a", "a.p1"),
                                                                       ("b", "b.p1")]


@pytest.mark.parametrize(("spec", "unanswered"), [
    pytest.param({"a": [[1, 2], [3]]}, 0, id="all answered"),
    pytest.param({"a": [["na", "unknown"], [3]]}, 0, id="na and don't know are answers"),
    pytest.param({"a": [[None, 2]], "b": [[None], [None]]}, 3, id="missing answers counted"),
])
def test_unanswered_counts_the_questions_with_no_answer(spec: Spec, unanswered: int) -> None:
    assert results_for(spec).unanswered == unanswered


# --------------------------------------------------------------------------- the real questionnaire

def test_the_real_questionnaire_all_at_level_3_scores_3_0_with_no_weak_practice(
        questionnaire: Questionnaire) -> None:
    results = score_assessment(questionnaire, {q.id: 3 for *_, q in questionnaire.questions()})
    assert {str(p.score) for p in results.pillars} == {"3.0"}
    assert (str(results.score), results.level, results.pillars_covered) == ("3.0", 3, 8)
    assert (results.weak_practices, results.knowledge_gaps, results.unanswered) == ((), (), 0)


def test_the_real_questionnaire_all_at_level_1_makes_every_practice_weak(
        questionnaire: Questionnaire) -> None:
    results = score_assessment(questionnaire, {q.id: 1 for *_, q in questionnaire.questions()})
    practices = [pr for p in questionnaire.pillars for pr in p.practices]
    assert [w.practice.practice for w in results.weak_practices] == practices
    assert {(str(w.gap), str(w.target)) for w in results.weak_practices} == {("2.0", "3.0")}
    assert [w.next_step for w in results.weak_practices] == [pr.next_steps[0] for pr in practices]
    assert [w.practice.practice for w in results.priorities] == practices[:5]
    assert (str(results.score), results.level) == ("1.0", 1)


@pytest.mark.parametrize("choice", ["na", "unknown"])
def test_the_real_questionnaire_all_unscored_has_no_score_at_all(
        questionnaire: Questionnaire, choice: Answer) -> None:
    results = score_assessment(questionnaire, {q.id: choice for *_, q in questionnaire.questions()})
    assert [p.score for p in results.pillars] == [None] * len(questionnaire.pillars)
    assert (results.score, results.level, results.pillars_covered) == (None, None, 0)
    assert results.weak_practices == ()
    assert len(results.knowledge_gaps) == (questionnaire.question_count if choice == "unknown"
                                           else 0)


# --------------------------------------------------------------------------- A-11 core functions

@pytest.mark.parametrize(("levels", "expected"), [
    ({}, {"measurement": "3.0", "governance-strategy": "3.0", "service-design": "3.0"}),
    ({"design": 2, "digital-services": 5}, {"service-design": "3.5"}),
    ({"strategy": 4, "governance": 1}, {"governance-strategy": "2.5"}),
    ({"design": "na"}, {"service-design": "3.0"}),  # only Digital Services has a score
    ({"measurement": "unknown"}, {"measurement": None}),
], ids=["all-at-3", "mean-of-two-pillars", "strategy-and-governance", "one-pillar-unscored",
        "no-pillar-scored"])
def test_each_a11_core_function_scores_the_mean_of_its_scored_pillars(questionnaire, levels,
                                                                      expected):
    answers = {q.id: levels.get(p.id, 3) for p, _, q in questionnaire.questions()}
    functions = {f.function.id: f for f in score_a11_functions(
        questionnaire, score_assessment(questionnaire, answers).pillars)}
    assert len(functions) == len(questionnaire.a11_functions)
    for function_id, score in expected.items():
        shown = functions[function_id].score
        assert (None if shown is None else str(shown)) == score
    assert all(p.pillar.id != "collaboration" for f in functions.values() for p in f.pillars)
