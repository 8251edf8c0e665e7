"""The plan's plain data: strongest and weakest pillars, action order (its changes in words are
in tests/test_wording.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from assessment.report.plan_data import Team, action_rows, build_plan
from assessment.rules.scoring import score_assessment


@dataclass
class FakeAction:
    practice_id: str
    title: str
    owner: str = ""
    due_date: dt.date | None = None
    status: str = "not_started"
    history: tuple = ()


def test_actions_follow_their_practices_priority_then_questionnaire_order_then_due_date(
        questionnaire):
    answers = {q.id: 2 if p.id == "collaboration" else 3 for p, _, q in questionnaire.questions()}
    results = score_assessment(questionnaire, answers)
    first_weak = results.weak_practices[0].practice.practice.id
    rows = action_rows(questionnaire, results, [
        FakeAction("strategy.share-priorities", "Not weak, later in the questionnaire"),
        FakeAction("strategy.big-picture", "Not weak, first in the questionnaire"),
        FakeAction(first_weak, "No date"),
        FakeAction(first_weak, "Due later", due_date=dt.date(2027, 6, 1)),
        FakeAction(first_weak, "Due sooner", due_date=dt.date(2027, 1, 1), status="done"),
        FakeAction("retired.practice", "From an older questionnaire"),
    ])
    assert [r.title for r in rows] == [
        "Due sooner", "Due later", "No date", "Not weak, first in the questionnaire",
        "Not weak, later in the questionnaire", "From an older questionnaire"]
    assert [r.priority for r in rows] == [1, 1, 1, None, None, None]
    assert rows[0].status == "Done" and rows[0].pillar == "Collaboration"
    assert rows[-1].practice == "A practice no longer asked (retired.practice)"


@pytest.mark.parametrize(("levels", "strongest", "weakest"), [
    ({"strategy": 5, "culture": 1}, ("Strategy",), ("Culture",)),
    ({"strategy": 5, "governance": 5, "culture": 1}, ("Strategy", "Governance"), ("Culture",)),
    ({}, "all", "all"),  # every pillar at 3: all strongest and all weakest
], ids=["one-each", "tie-for-strongest", "all-equal"])
def test_the_strongest_and_weakest_pillars_include_ties(questionnaire, levels, strongest,
                                                         weakest):
    answers = {q.id: levels.get(p.id, 3) for p, _, q in questionnaire.questions()}
    plan = build_plan(questionnaire, score_assessment(questionnaire, answers),
                      Team("Agency", "Office", "Service"), dt.date(2026, 11, 12), "2026.1", {}, [])
    every = tuple(p.name for p in questionnaire.pillars)
    assert plan.strongest.names == (every if strongest == "all" else strongest)
    assert plan.weakest.names == (every if weakest == "all" else weakest)


def test_a_plan_with_no_scores_has_no_strongest_or_weakest_pillar(questionnaire):
    plan = build_plan(questionnaire,
                      score_assessment(questionnaire, {q.id: "na" for *_, q in
                                                       questionnaire.questions()}),
                      Team("Agency", "Office", "Service"), dt.date(2026, 11, 12), "2026.1", {}, [])
    assert (plan.strongest, plan.weakest, plan.overall, plan.priorities) == (None, None, None, ())
    assert [a.answer for section in plan.answers for a in section.rows] == \
        ["Not answered"] * questionnaire.question_count  # no recorded answers were given
