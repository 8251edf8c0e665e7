"""Two assessments of a team side by side: which two to show, and what the page prints.

Pure functions over assessments' plain fields, questionnaires and scores; no Flask, no database.
Assessments taken on different questionnaire versions come scored on the questions both
versions ask (store/read_model.on_shared_questions), so the change is like for like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from assessment.rules import comparison
from assessment.rules.questionnaire import Question, Questionnaire
from assessment.rules.scoring import Answer, Results
from assessment.rules.version_changes import VersionChanges
from assessment.rules.wording import NOT_ANSWERED, answer_words, assessment_date


class Choosable(Protocol):
    public_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def is_finished(self) -> bool: ...


A = TypeVar("A", bound=Choosable)


@dataclass(frozen=True)
class Option:
    public_id: str
    label: str


def options(assessments: Sequence[Choosable]) -> list[Option]:
    """One choice per assessment, newest first: its date and whether it is finished. Two on
    the same day also show the time."""
    def label(a: Choosable, with_time: bool) -> str:
        dated = assessment_date(a.started_at, a.finished_at)
        text = dated.words + (f" at {dated.on:%-I:%M %p}" if with_time else "")
        if a.is_finished:
            return text
        return text + (" (reopened, in progress)" if dated.by_finish else " (in progress)")

    plain = [label(a, False) for a in assessments]
    return [Option(a.public_id, label(a, plain.count(text) > 1))
            for a, text in reversed(list(zip(assessments, plain, strict=True)))]


@dataclass(frozen=True)
class Choice(Generic[A]):
    """The two assessments to compare, or what is wrong with the choice (field -> message)."""

    before: A | None = None
    after: A | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    swapped: bool = False  # the earlier one was chosen as "later": we put them in order


def choose(assessments: Sequence[A], before: str | None, after: str | None) -> Choice[A]:
    """The pair asked for (ids of this team's assessments only, oldest first in `assessments`);
    without ids, the two latest finished ones. An id of another team's assessment is simply
    not among them, so it reads exactly like an unknown one."""
    if before is None and after is None:
        finished = [a for a in assessments if a.is_finished]
        return Choice(finished[-2], finished[-1]) if len(finished) >= 2 else Choice()
    place = {a.public_id: index for index, a in enumerate(assessments)}
    errors = {}
    for name, value, which in (("before", before, "earlier"), ("after", after, "later")):
        if not value:
            errors[name] = f"Choose the {which} assessment."
        elif value not in place:
            errors[name] = f"We cannot find that {which} assessment. Choose one from the list."
    if not errors and before == after:
        errors["after"] = "Choose two different assessments. You chose the same one twice."
    if errors or before is None or after is None:
        return Choice(errors=errors)
    first, second = place[before], place[after]
    if first > second:
        return Choice(assessments[second], assessments[first], swapped=True)
    return Choice(assessments[first], assessments[second])


class Taken(Protocol):
    """One scored assessment as the comparison needs it (rules/scored.ScoredAssessment)."""

    @property
    def questionnaire(self) -> Questionnaire: ...
    @property
    def given(self) -> Mapping[str, Answer]: ...
    @property
    def results(self) -> Results: ...
    @property
    def target_dates(self) -> Mapping[str, dt.date | None]: ...


@dataclass(frozen=True)
class AnswerText:
    label: str  # "Level 2: Tactical", "Not applicable", "Don't know", "Not answered"
    statement: str | None  # the level statement chosen, for a level answer


@dataclass(frozen=True)
class ChangedAnswer:
    question: str
    before: AnswerText
    after: AnswerText


@dataclass(frozen=True)
class PillarSide:
    """One pillar: its score, target and target date in each, its practices, changed answers."""

    change: comparison.PillarChange
    date_before: dt.date | None
    date_after: dt.date | None
    practices: tuple[comparison.ScoreChange, ...]
    answers: tuple[ChangedAnswer, ...]


@dataclass(frozen=True)
class SideBySide:
    overall: comparison.ScoreChange
    pillars: tuple[PillarSide, ...]
    versions: VersionChanges | None
    answers_changed: int


def side_by_side(before: Taken, after: Taken, versions: VersionChanges | None) -> SideBySide:
    """What moved between two assessments, scored on the questions both were asked."""
    result = comparison.compare(before.results, after.results, before.given, after.given)
    practices = {p.id: p for p in result.practices}
    pillars = []
    for change, pillar in zip(result.pillars, after.questionnaire.pillars, strict=True):
        asked = {q.id for q in pillar.questions}
        pillars.append(PillarSide(
            change, before.target_dates.get(pillar.id), after.target_dates.get(pillar.id),
            tuple(practices[p.id] for p in pillar.practices),
            tuple(ChangedAnswer(_question(after, before, a.question_id).text,
                                answer_text(before.questionnaire, a.question_id, a.before),
                                answer_text(after.questionnaire, a.question_id, a.after))
                  for a in result.answers_changed if a.question_id in asked)))
    return SideBySide(result.overall, tuple(pillars), versions,
                      sum(len(p.answers) for p in pillars))


def answer_text(questionnaire: Questionnaire, question_id: str,
                answer: Answer | None) -> AnswerText:
    """An answer as people read it: the level with its name and statement, or what else."""
    if not isinstance(answer, int):
        return AnswerText(answer_words(answer, missing=NOT_ANSWERED), None)
    question = _find(questionnaire, question_id)
    statement = question.levels[answer - 1] if question and answer <= len(question.levels) \
        else None
    return AnswerText(answer_words(answer, level_name=questionnaire.level(answer).name),
                      statement)


def _find(questionnaire: Questionnaire, question_id: str) -> Question | None:
    return next((q for *_, q in questionnaire.questions() if q.id == question_id), None)


def _question(after: Taken, before: Taken, question_id: str) -> Question:
    found = _find(after.questionnaire, question_id) or _find(before.questionnaire, question_id)
    assert found is not None, question_id  # compare() lists only questions a version asks
    return found
