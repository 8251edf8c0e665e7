"""The plan's plain data: strongest and weakest pillars, action order (its changes in words are
in tests/test_wording.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

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


@pytest.mark.parametrize(("owners", "no_action", "unowned", "flagged"), [
    ((), True, 0, True),
    (("",), False, 1, True),
    (("CX lead", "  "), False, 1, True),
    (("CX lead", "Program manager"), False, 0, False),
], ids=["no action", "an action without an owner", "one of two without an owner",
        "every action owned"])
def test_a_priority_without_an_action_or_an_owner_is_flagged(questionnaire, owners, no_action,
                                                             unowned, flagged):
    answers = {q.id: 2 if p.id == "collaboration" else 3 for p, _, q in questionnaire.questions()}
    results = score_assessment(questionnaire, answers)
    first = results.weak_practices[0].practice.practice.id
    plan = build_plan(questionnaire, results, Team("Agency", "Office", "Service"),
                      dt.date(2026, 11, 12), "2026.1", {},
                      [FakeAction(first, f"Action {i}", owner) for i, owner in enumerate(owners)])
    top = plan.top_priorities[0]
    assert (top.has_no_action, len(top.unowned_actions), top.needs_owner) == \
        (no_action, unowned, flagged)
    assert plan.asks[1].needed  # staff: name an owner, or give the step owners time
    assert (top.practice in plan.asks[1].because) == flagged


def test_a_priority_carries_why_its_a11_function_and_effort(questionnaire):
    answers = {q.id: 2 if p.id == "measurement" else 3 for p, _, q in questionnaire.questions()}
    plan = build_plan(questionnaire, score_assessment(questionnaire, answers),
                      Team("Agency", "Office", "Service"), dt.date(2026, 11, 12), "2026.1", {}, [])
    top = plan.top_priorities[0]
    assert top.why == questionnaire.pillar("measurement").purpose
    assert top.a11_function == "Measurement"
    keys = {s.effort_key for s in top.steps}
    assert top.effort == ("Quick win (within 90 days)" if keys == {"quick-win"}
                          else "Longer (more than 90 days)")
    assert plan.next_due == dt.date(2027, 11, 12) and plan.moves == ()


def test_what_moved_lists_changed_practices_largest_change_first_with_this_times_notes(
        questionnaire):
    from assessment.report.plan_moves import practice_moves
    from assessment.rules.scored import Row

    culture = questionnaire.pillar("culture").practices
    before = score_assessment(questionnaire, {q.id: 3 for *_, q in questionnaire.questions()})
    now_levels = {q.id: 3 for *_, q in questionnaire.questions()}
    now_levels |= {q.id: 5 for q in culture[0].questions} | {q.id: 2 for q in culture[1].questions}
    notes = {culture[0].questions[0].id: Row(culture[0].questions[0].id, "level", 5,
                                             "  We hired a CX lead.  ")}
    moves = practice_moves(score_assessment(questionnaire, now_levels), before, notes)
    assert [(m.practice, m.change.words, m.notes) for m in moves] == [
        (culture[0].name, "Up 2.0", ("We hired a CX lead.",)),
        (culture[1].name, "Down 1.0", ()),
    ]


def test_a_personal_email_resource_is_dropped_and_none_prints_an_address(questionnaire):
    from assessment.rules.questionnaire import Resource

    practice = questionnaire.pillars[0].practices[0]
    personal = Resource("Contact the toolkit team", "mailto:someone@gsa.gov", "GSA", "Email")
    kept = Resource("Suggest a resource", None, "GSA", "Email", status="historical", year=2016,
                    note="We do not list personal addresses.")
    changed = replace(practice, resources=(personal, kept))
    pillar = replace(questionnaire.pillars[0], practices=(changed,))
    edited = replace(questionnaire, pillars=(pillar, *questionnaire.pillars[1:]))
    answers = {q.id: 1 if pr.id == practice.id else 3 for _, pr, q in edited.questions()}
    plan = build_plan(edited, score_assessment(edited, answers), Team("A", "O", "S"),
                      dt.date(2026, 11, 12), "2026.1", {}, [])
    assert [(r.title, r.url, r.status) for r in plan.top_priorities[0].resources] == \
        [("Suggest a resource", None, "Historical (2016)")]
