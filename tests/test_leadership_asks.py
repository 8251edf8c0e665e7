"""The leadership brief's three asks follow from the top priorities' next steps
(rules/leadership_asks.py): longer steps ask for funding, step owners and unowned actions for
staff, a senior leader's steps for a policy decision."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assessment.rules.leadership_asks import leadership_asks


@dataclass(frozen=True)
class S:
    text: str
    effort_key: str | None
    owner: str | None


@dataclass(frozen=True)
class P:
    practice: str
    steps: tuple[S, ...]
    needs_owner: bool = False


QUICK = S("Hold a session.", "quick-win", "CX lead")
LONG = S("Build a dashboard.", "longer", "Performance lead")
DECIDE = S("Name a chief customer officer.", "longer", "Senior leader")


@pytest.mark.parametrize(("priorities", "funding", "staff", "policy"), [
    ((), False, False, False),
    ((P("Engage", (QUICK,)),), False, True, False),
    ((P("Publish", (QUICK, LONG)),), True, True, False),
    ((P("Hire a CCO", (DECIDE,)),), True, True, True),
    ((P("Engage", (S("Talk.", None, None),), needs_owner=True),), False, True, False),
    ((P("Engage", (S("Talk.", None, None),)),), False, False, False),
], ids=["no priorities: no asks", "quick wins only: no funding, staff for their owners",
        "a longer step: funding", "a senior leader's step: policy",
        "an unowned priority: staff, even without step owners",
        "nothing stated and all owned: no asks"])
def test_each_ask_is_needed_only_when_the_priorities_imply_it(priorities, funding, staff,
                                                              policy):
    asks = leadership_asks(priorities)
    assert [a.kind for a in asks] == ["Funding", "Staff", "Policy"]
    assert [a.needed for a in asks] == [funding, staff, policy]


def test_steps_without_effort_or_owner_say_we_cannot_tell_rather_than_nothing_needed():
    funding, staff, policy = leadership_asks([P("Engage", (S("Talk.", None, None),))])
    assert funding.text.startswith("We cannot tell yet") and not funding.needed
    assert policy.text.startswith("We cannot tell yet") and not policy.needed
    assert not staff.needed


def test_the_funding_ask_counts_longer_steps_and_names_their_practices():
    funding = leadership_asks([P("Publish", (LONG, LONG, QUICK)), P("Engage", (QUICK,)),
                               P("Hire a CCO", (DECIDE,))])[0]
    assert funding.text.startswith("Set aside budget and time beyond 90 days for 3 steps")
    assert "in 2 priorities" in funding.text
    assert funding.because == ("Publish", "Hire a CCO")


def test_the_staff_ask_names_roles_by_steps_owned_and_the_priorities_without_an_owner():
    staff = leadership_asks([P("Publish", (LONG, QUICK, QUICK), needs_owner=True),
                             P("Engage", (LONG,))])[1]
    assert "CX lead (2 steps), Performance lead (2 steps)" in staff.text
    assert "Give 1 priority an action with a named owner." in staff.text
    assert staff.because == ("Publish",)


def test_the_policy_ask_lists_the_steps_a_senior_leader_owns():
    policy = leadership_asks([P("Hire a CCO", (DECIDE, QUICK))])[2]
    assert policy.text == "Decide on 1 step that only a senior leader can take."
    assert policy.because == (DECIDE.text,)
