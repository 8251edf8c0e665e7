"""The questionnaire as frozen, typed structures (rules/questionnaire_file.py reads questions.yaml
into them, once at start-up)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

LEVEL_COUNT = 5
RESOURCE_FORMATS = ("PDF", "Word", "Excel", "PowerPoint", "Video", "Web page", "Email")
# How long a next step usually takes: a quick win fits within 90 days.
EFFORTS = {"quick-win": "Quick win (within 90 days)", "longer": "Longer (more than 90 days)"}
# Whether a resource still says what it said: current; renamed (the program or tool has a new
# name); archived (kept for the record, no longer updated); historical (a document of its year).
RESOURCE_STATUSES = ("current", "renamed", "archived", "historical")
# Format 1 (version 2026.1): one sentence of next step per level, resources without a status.
# Format 2 (2027.1 on): steps with effort and owner, a status on every resource.
FORMATS = (1, 2)


class QuestionnaireError(Exception):
    """questions.yaml is broken: says which file, where inside it, and what is wrong."""

    def __init__(self, path: str | Path, place: str, problem: str, line: int | None = None):
        # One line, whatever the problem quotes: a message is read in a terminal or a log.
        problem = " ".join(problem.split())
        self.path, self.place, self.problem, self.line = str(path), place, problem, line
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {place}: {problem}" if place else f"{where}: {problem}")


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str


@dataclass(frozen=True)
class A11Function:
    id: str
    name: str


@dataclass(frozen=True)
class Resource:
    title: str
    url: str | None  # None only for a resource from beyond the toolkit that has no URL in it
    publisher: str
    format: str
    size: str | None = None
    status: str | None = None  # one of RESOURCE_STATUSES; None in format 1 files
    new_name: str | None = None  # what a renamed resource is called now
    year: int | None = None  # the year of a historical resource
    note: str | None = None  # where its work continues, or what to use instead
    beyond_toolkit: bool = False  # not one of the CX Toolkit's own links

    @property
    def status_text(self) -> str | None:
        """The status as people read it, e.g. "Renamed: now cloud.gov Pages"."""
        if self.status == "renamed":
            return f"Renamed: now {self.new_name}"
        if self.status == "historical":
            return f"Historical ({self.year})"
        return {"current": "Current", "archived": "Archived"}.get(self.status or "")


@dataclass(frozen=True)
class Step:
    """One next step: what to do, how long it usually takes, and who usually owns it."""

    text: str
    effort: str | None = None  # a key of EFFORTS; None in format 1 files
    owner: str | None = None

    @property
    def effort_text(self) -> str | None:
        return EFFORTS.get(self.effort or "")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    levels: tuple[str, ...]
    help: str | None = None
    replaces: str | None = None  # the id of an older version's question this one replaces


@dataclass(frozen=True)
class Practice:
    id: str
    name: str
    summary: str
    questions: tuple[Question, ...]
    next_steps: tuple[str, ...]  # index 0 holds the step out of level 1
    resources: tuple[Resource, ...]
    weight: Fraction = Fraction(1)
    steps: tuple[tuple[Step, ...], ...] = ()  # index 0 holds the steps out of level 1
    examples: tuple[str, ...] = ()  # services to learn from, in our words (HISP profiles)

    def __post_init__(self) -> None:
        if not self.steps:  # built from one sentence per level
            object.__setattr__(self, "steps", tuple((Step(text),) for text in self.next_steps))

    def next_step(self, level: int) -> str:
        """What to do next for a team at this level (1–5), as one text."""
        return self.next_steps[level - 1]

    def steps_for(self, level: int) -> tuple[Step, ...]:
        """The steps out of this level (1–5), each with its effort and owner."""
        return self.steps[level - 1]

    def done_when(self, level: int) -> tuple[str, ...]:
        """How a team at this level knows it is done: the next level's statement of each of
        the practice's questions. Nothing at the top level."""
        if level >= LEVEL_COUNT:
            return ()
        return tuple(question.levels[level] for question in self.questions)


@dataclass(frozen=True)
class Pillar:
    id: str
    name: str
    purpose: str
    a11_function: str | None
    practices: tuple[Practice, ...]

    @cached_property  # asked on every page of the journey; a pillar never changes
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for p in self.practices for q in p.questions)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    date: dt.date
    title: str
    levels: tuple[Level, ...]
    a11_functions: tuple[A11Function, ...]
    pillars: tuple[Pillar, ...]
    format: int = 1
    source: str = field(default="", repr=False, compare=False)  # the YAML text it came from
    _index: MappingProxyType = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Any] = {}
        for pillar in self.pillars:
            index[pillar.id] = pillar
            for practice in pillar.practices:
                index[practice.id] = practice
                for question in practice.questions:
                    index[question.id] = question
        object.__setattr__(self, "_index", MappingProxyType(index))

    def pillar(self, pillar_id: str) -> Pillar:
        found = self._index.get(pillar_id)
        if not isinstance(found, Pillar):
            raise KeyError(pillar_id)
        return found

    def has_pillar(self, pillar_id: str) -> bool:
        return isinstance(self._index.get(pillar_id), Pillar)

    def has_question(self, question_id: str) -> bool:
        return isinstance(self._index.get(question_id), Question)

    def questions(self) -> Iterator[tuple[Pillar, Practice, Question]]:
        for pillar in self.pillars:
            for practice in pillar.practices:
                for question in practice.questions:
                    yield pillar, practice, question

    @property
    def question_count(self) -> int:
        return sum(1 for _ in self.questions())

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def a11_function(self, function_id: str | None) -> A11Function | None:
        return next((f for f in self.a11_functions if f.id == function_id), None)
