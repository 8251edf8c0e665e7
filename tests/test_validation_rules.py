"""The validation state of each score, case by case (rules/validation.py)."""

from __future__ import annotations

import pytest

from assessment.rules.audit_words import event_words
from assessment.rules.evidence import link_problem, missing_evidence, needs_evidence
from assessment.rules.scored import Row
from assessment.rules.validation import (
    CHALLENGED,
    SELF_REPORTED,
    VALIDATED,
    score_states,
    state_of,
)
from assessment.store.audit import ACTIONS
from tests.test_scoring import build

V, C = VALIDATED, CHALLENGED


@pytest.mark.parametrize(("verdicts", "state"), [
    ([], SELF_REPORTED),  # nothing scored: nothing to validate
    ([None], SELF_REPORTED),
    ([V], VALIDATED),
    ([V, V, V], VALIDATED),
    ([V, None], SELF_REPORTED),  # one answer not reviewed yet
    ([C], CHALLENGED),
    ([V, C, V], CHALLENGED),  # a challenged answer is never counted as validated
    ([None, C], CHALLENGED),
])
def test_a_score_is_validated_only_when_every_answer_behind_it_is(verdicts, state):
    assert state_of(verdicts) == state


@pytest.mark.parametrize(("answers", "verdicts", "practices", "pillars", "overall"), [
    # a.p1: q1, q2; a.p2: q1; b.p1: q1
    ({}, {}, [SELF_REPORTED] * 3, [SELF_REPORTED] * 2, SELF_REPORTED),
    ({"a.p1.q1": V, "a.p1.q2": V, "a.p2.q1": V, "b.p1.q1": V}, {},
     [VALIDATED] * 3, [VALIDATED] * 2, VALIDATED),
    ({"a.p1.q1": V, "a.p1.q2": C, "a.p2.q1": V, "b.p1.q1": V}, {},
     [CHALLENGED, VALIDATED, VALIDATED], [CHALLENGED, VALIDATED], CHALLENGED),
    ({"a.p1.q1": V, "a.p2.q1": V, "b.p1.q1": V}, {},  # a.p1.q2 not reviewed
     [SELF_REPORTED, VALIDATED, VALIDATED], [SELF_REPORTED, VALIDATED], SELF_REPORTED),
    # a "Not applicable" answer is not scored, so it needs no verdict, and its verdict counts
    # for nothing
    ({"a.p1.q1": V, "a.p2.q1": V, "b.p1.q1": V}, {"a.p1.q2": "na"},
     [VALIDATED] * 3, [VALIDATED] * 2, VALIDATED),
    ({"a.p1.q1": V, "a.p1.q2": C, "a.p2.q1": V, "b.p1.q1": V}, {"a.p1.q2": "unknown"},
     [VALIDATED] * 3, [VALIDATED] * 2, VALIDATED),
])
def test_each_practice_and_pillar_takes_the_state_of_its_level_answers(
        answers, verdicts, practices, pillars, overall):
    questionnaire, given = build({"a": [[3, 4], [2]], "b": [[5]]})
    given = {**given, **verdicts}
    states = score_states(questionnaire, given, answers)
    assert [states.practice(p) for p in ("a.p1", "a.p2", "b.p1")] == practices
    assert [states.pillar(p) for p in ("a", "b")] == pillars
    assert states.overall == overall


def test_the_counts_say_how_many_answers_were_challenged_and_validated():
    questionnaire, given = build({"a": [[3, 4], [2]]})
    states = score_states(questionnaire, given, {"a.p1.q1": V, "a.p1.q2": C, "a.p2.q1": V})
    assert (states.validated, states.challenged, states.reviewed) == (2, 1, True)
    assert not score_states(questionnaire, given, {}).reviewed


@pytest.mark.parametrize(("level", "note", "link", "needed"), [
    (5, "", "", True),
    (4, "  ", "", True),
    (4, "Our CX strategy, signed 2026.", "", False),
    (5, "", "https://www.agency.gov/plan", False),
    (3, "", "", False),  # only levels 4 and 5 ask for evidence
    (None, "", "", False),  # N/A or Don't know
])
def test_an_answer_at_level_4_or_5_needs_a_note_or_a_link(level, note, link, needed):
    assert needs_evidence(level, note, link) is needed


@pytest.mark.parametrize(("link", "fine"), [
    ("", True),
    ("https://www.agency.gov/cx/plan.pdf", True),
    ("http://intranet.agency.gov/report", True),
    ("HTTPS://WWW.AGENCY.GOV", True),
    ("javascript:alert(1)", False),
    ("ftp://files.agency.gov/plan", False),
    ("www.agency.gov/plan", False),  # no scheme
    ("https://", False),  # no host
    ("https://www.agency.gov/a plan", False),  # a space
    ("https://[::1", False),  # not parseable
    ("https://www.agency.gov/" + "a" * 480, False),  # over 500 characters
])
def test_an_evidence_link_must_be_a_web_address(link, fine):
    assert (link_problem(link) is None) is fine


def test_missing_evidence_lists_high_answers_without_evidence_in_order():
    questionnaire, _ = build({"a": [[3, 4], [5]], "b": [[4]]})
    rows = {"a.p1.q1": Row("a.p1.q1", "level", 3, ""),
            "a.p1.q2": Row("a.p1.q2", "level", 4, ""),
            "a.p2.q1": Row("a.p2.q1", "level", 5, "Signed plan"),
            "b.p1.q1": Row("b.p1.q1", "level", 4, "", "")}
    missing = missing_evidence(questionnaire, rows)
    assert [(m.pillar_id, m.question_id, m.number, m.level) for m in missing] == [
        ("a", "a.p1.q2", 2, 4), ("b", "b.p1.q1", 1, 4)]


@pytest.mark.parametrize(("action", "sentence"), [
    ("answer_validated", "Validated the answer to “Is there a CX strategy?” in the March 2026 "
                         "assessment"),
    ("answer_challenged", "Challenged the answer to “Is there a CX strategy?” in the March "
                          "2026 assessment"),
    ("challenge_replied", "Replied to the challenge of the answer to “Is there a CX "
                          "strategy?” in the March 2026 assessment"),
    ("challenged_answer_changed", "Changed the challenged answer to “Is there a CX "
                                  "strategy?” in the March 2026 assessment; it is "
                                  "self-reported again"),
])
def test_each_review_step_reads_as_a_sentence_in_the_audit_log(action, sentence):
    words = event_words(action, "Is there a CX strategy?, assessment 7", ACTIONS,
                        {7: "the March 2026 assessment"})
    assert words == sentence
