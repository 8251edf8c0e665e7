"""The three asks of the plan's leadership brief (funding, staff, policy), derived from the next
steps of the top priorities: how long each step takes and who usually owns it (questions.yaml).

- Funding: every top priority with a step that takes longer than 90 days needs money or time
  set aside beyond this quarter; with none, no new funding is asked for.
- Staff: the roles that own the top priorities' steps, most steps first, and the priorities
  whose actions have no owner yet.
- Policy: the steps a senior leader usually owns are decisions only leadership can make; with
  none, no policy decision is asked for.

A questionnaire version that states no effort (or no owner) for its steps (format 1) gives
"cannot tell yet" rather than "nothing needed".

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

LONGER = "longer"  # the effort key of a step that takes more than 90 days
DECIDER = "Senior leader"  # the owner role whose steps are leadership's decisions


class AskStep(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def effort_key(self) -> str | None: ...  # "quick-win", "longer" or None (not stated)
    @property
    def owner(self) -> str | None: ...


class AskPriority(Protocol):
    @property
    def practice(self) -> str: ...
    @property
    def steps(self) -> Sequence[AskStep]: ...
    @property
    def needs_owner(self) -> bool: ...  # no action, or an action without an owner


@dataclass(frozen=True)
class Ask:
    kind: str  # "Funding", "Staff" or "Policy"
    needed: bool  # False: these priorities ask nothing of this kind
    text: str
    because: tuple[str, ...] = ()  # the practices (or steps) behind it


def leadership_asks(priorities: Sequence[AskPriority]) -> tuple[Ask, Ask, Ask]:
    """The funding, staff and policy asks that the top priorities imply, in that order."""
    return funding_ask(priorities), staff_ask(priorities), policy_ask(priorities)


def funding_ask(priorities: Sequence[AskPriority]) -> Ask:
    longer = tuple(p.practice for p in priorities if any(s.effort_key == LONGER for s in p.steps))
    if priorities and not any(s.effort_key for p in priorities for s in p.steps):
        return Ask("Funding", False, "We cannot tell yet: this questionnaire version does not "
                   "say how long its next steps take.")
    if not longer:
        return Ask("Funding", False, "No new funding: every next step of your top priorities is "
                   "a quick win, done within 90 days with the people you have.")
    count = sum(1 for p in priorities for s in p.steps if s.effort_key == LONGER)
    return Ask("Funding", True, f"Set aside budget and time beyond 90 days for "
               f"{_count(count, 'step')} of longer work in {_count(len(longer), 'priority')}.",
               longer)


def staff_ask(priorities: Sequence[AskPriority]) -> Ask:
    roles = Counter(s.owner for p in priorities for s in p.steps if s.owner)
    unowned = tuple(p.practice for p in priorities if p.needs_owner)
    if not roles and not unowned:
        return Ask("Staff", False, "No staff ask: the next steps do not name who owns them.")
    parts = []
    if roles:
        named = ", ".join(f"{role} ({_count(n, 'step')})" for role, n in
                          sorted(roles.items(), key=lambda item: (-item[1], item[0])))
        parts.append(f"Give time to the people in these roles: {named}.")
    if unowned:
        parts.append(f"Give {_count(len(unowned), 'priority')} an action with a named owner.")
    return Ask("Staff", True, " ".join(parts), unowned)


def policy_ask(priorities: Sequence[AskPriority]) -> Ask:
    decisions = tuple(s.text for p in priorities for s in p.steps if s.owner == DECIDER)
    if priorities and not any(s.owner for p in priorities for s in p.steps):
        return Ask("Policy", False, "We cannot tell yet: this questionnaire version does not "
                   "say who owns its next steps.")
    if not decisions:
        return Ask("Policy", False, "No policy decision yet: no next step of your top priorities "
                   "needs a senior leader.")
    return Ask("Policy", True, f"Decide on {_count(len(decisions), 'step')} that only a senior "
               "leader can take.", decisions)


def _count(n: int, word: str) -> str:
    plural = "priorities" if word == "priority" else f"{word}s"
    return f"{n} {word if n == 1 else plural}"
