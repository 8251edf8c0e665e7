"""The improvement plan as plain data: everything the PDF prints, built from scores and answers.

Pure functions over the questionnaire and the scoring results; no Flask and no database. The
report templates get these frozen values, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from assessment.report.plan_moves import Move, practice_moves
from assessment.rules import hisp
from assessment.rules.charts import PRINT, BarChart, pillar_bar_chart
from assessment.rules.comparison import ScoreChange
from assessment.rules.leadership_asks import Ask, leadership_asks
from assessment.rules.questionnaire import Pillar, Practice, Questionnaire, Resource
from assessment.rules.scored import ScoredAssessment
from assessment.rules.scoring import (
    DEFAULT_TARGET,
    PRIORITY_COUNT,
    PillarScore,
    Results,
    score_a11_functions,
)
from assessment.rules.wording import answer_words
from assessment.rules.yearly_cycle import next_assessment_due
from assessment.store.models import ACTION_STATUSES


class RecordedAnswer(Protocol):
    @property
    def choice(self) -> str | None: ...  # "level", "na", "unknown" or None
    @property
    def level(self) -> int | None: ...
    @property
    def note(self) -> str: ...


class StatusChange(Protocol):
    @property
    def status(self) -> str: ...  # as people read it: "In progress"
    @property
    def changed_at(self) -> dt.datetime: ...
    @property
    def by(self) -> str: ...  # an email address, or "" when not known


class PlannedAction(Protocol):
    practice_id: str
    title: str
    owner: str
    due_date: dt.date | None
    status: str

    @property
    def history(self) -> Sequence[StatusChange]: ...


@dataclass(frozen=True)
class LevelText:
    number: int
    name: str
    description: str

    @property
    def label(self) -> str:
        return f"Level {self.number}: {self.name}"


@dataclass(frozen=True)
class Team:
    agency: str
    office: str
    service: str
    hisp_service: str | None = None  # set when the service is a designated HISP

    @property
    def hisp_duties(self) -> tuple[str, ...]:
        """What A-11 Section 280 asks of a HISP (rules/hisp.py); nothing for other teams."""
        return hisp.DUTIES if self.hisp_service else ()


@dataclass(frozen=True)
class ResourceLine:
    title: str
    url: str | None  # None: no address to print (none in the sources, or an email address)
    publisher: str
    format: str
    size: str | None
    status: str | None = None  # e.g. "Renamed: now cloud.gov Pages"
    note: str | None = None
    beyond_toolkit: bool = False
    status_key: str | None = None  # "current", "renamed", "archived", "historical" or None

    @property
    def is_old(self) -> bool:
        """Archived or renamed: the reader is warned before following the link."""
        return self.status_key in ("archived", "renamed")


@dataclass(frozen=True)
class StepLine:
    text: str
    effort: str | None  # e.g. "Quick win (within 90 days)"
    owner: str | None
    effort_key: str | None = None  # "quick-win", "longer" or None (not stated)


@dataclass(frozen=True)
class PracticeRow:
    name: str
    summary: str
    score: Decimal | None
    level: LevelText | None
    below_target: bool


@dataclass(frozen=True)
class PillarPage:
    id: str
    name: str
    purpose: str
    a11_function: str | None
    score: Decimal | None
    level: LevelText | None
    target: Decimal
    meets_target: bool | None
    scored_questions: int
    total_questions: int
    practices: tuple[PracticeRow, ...]
    target_date: dt.date | None = None  # when the team means to reach the target

    @property
    def below_target_count(self) -> int:
        return sum(1 for p in self.practices if p.below_target)


@dataclass(frozen=True)
class Extreme:
    """The strongest or weakest pillars: every pillar that shares the highest or lowest score."""

    names: tuple[str, ...]
    score: Decimal


@dataclass(frozen=True)
class Priority:
    rank: int
    practice: str
    summary: str
    pillar: str
    score: Decimal
    level: LevelText
    target: Decimal
    gap: Decimal
    next_step: str
    resources: tuple[ResourceLine, ...]
    steps: tuple[StepLine, ...] = ()
    done_when: tuple[str, ...] = ()  # the next level's statements
    examples: tuple[str, ...] = ()  # services to learn from
    practice_id: str = ""
    why: str = ""  # the pillar's purpose: why the practice matters to customers
    a11_function: str | None = None  # the A-11 core function its pillar maps to (our mapping)
    actions: tuple[ActionRow, ...] = ()  # the team's actions for this practice

    @property
    def has_no_action(self) -> bool:
        return not self.actions

    @property
    def unowned_actions(self) -> tuple[ActionRow, ...]:
        return tuple(a for a in self.actions if not a.owner.strip())

    @property
    def needs_owner(self) -> bool:
        """No action yet, or an action that nobody owns: the plan warns about both."""
        return self.has_no_action or bool(self.unowned_actions)

    @property
    def effort(self) -> str | None:
        """"Quick win" when every step is one, "Longer" when any is not, None when unstated."""
        keys = {s.effort_key for s in self.steps}
        if not keys or None in keys:
            return None
        return "Quick win (within 90 days)" if keys == {"quick-win"} else \
            "Longer (more than 90 days)"


@dataclass(frozen=True)
class KnowledgeGap:
    pillar: str
    practice: str
    question: str
    note: str


@dataclass(frozen=True)
class FunctionRow:
    name: str
    pillars: tuple[str, ...]
    score: Decimal | None
    level: LevelText | None
    covered: int


@dataclass(frozen=True)
class ActionRow:
    priority: int | None  # the practice's rank among weak practices, if it is one
    pillar: str
    practice: str
    title: str
    owner: str
    due_date: dt.date | None
    status: str
    history: tuple[StatusStep, ...] = ()  # its status changes, oldest first
    practice_id: str = ""


@dataclass(frozen=True)
class StatusStep:
    """One status change of an action, as the plan prints it."""

    status: str
    on: dt.date
    by: str  # "" when not known

    @property
    def text(self) -> str:
        """“In progress on 2026-03-01 by lead@state.gov”: one line of the CSV's history."""
        return f"{self.status} on {self.on.isoformat()}" + (f" by {self.by}" if self.by else "")


@dataclass(frozen=True)
class AnswerRow:
    practice: str
    question: str
    answer: str
    statement: str | None  # the level statement the team chose
    note: str


@dataclass(frozen=True)
class AnswerSection:
    pillar: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class Comparison:
    earlier_finished_on: dt.date
    earlier_version: str
    overall: ScoreChange
    pillars: tuple[ScoreChange, ...]


@dataclass(frozen=True)
class ScoreValidation:
    """Whether one score is validated, challenged or self-reported (rules/validation.py)."""

    pillar: str
    practice: str | None  # None: the pillar's own score
    state: str  # "validated", "challenged" or "self-reported"
    words: str  # "Validated", "Challenged", "Self-reported"


@dataclass(frozen=True)
class PlanValidation:
    """An organization reviewer's validation of the scores (report/_validation.html)."""

    overall: str
    overall_words: str
    scores: tuple[ScoreValidation, ...]  # each pillar, then its practices, in order
    validated: int  # answers
    challenged: int  # answers


@dataclass(frozen=True)
class Plan:
    title: str
    team: Team
    finished_on: dt.date
    questionnaire_version: str
    overall: Decimal | None
    overall_level: LevelText | None
    pillars_covered: int
    unanswered: int
    strongest: Extreme | None
    weakest: Extreme | None
    pillars: tuple[PillarPage, ...]
    chart: BarChart  # its alt text is chart.alt
    priorities: tuple[Priority, ...]  # every weak practice, largest gap first
    knowledge_gaps: tuple[KnowledgeGap, ...]
    functions: tuple[FunctionRow, ...]
    unmapped_pillars: tuple[str, ...]
    actions: tuple[ActionRow, ...]
    answers: tuple[AnswerSection, ...]
    comparison: Comparison | None
    levels: tuple[LevelText, ...]
    default_target: Decimal = DEFAULT_TARGET
    priority_count: int = PRIORITY_COUNT
    respondents: int = 1  # people who answered; the team's answer combines theirs
    asks: tuple[Ask, ...] = ()  # funding, staff, policy: from the top priorities
    next_due: dt.date | None = None  # when to take the next assessment
    moves: tuple[Move, ...] = ()  # practices whose score changed since last time
    before_chart: BarChart | None = None  # the chart with last time's scores under this time's
    validation: PlanValidation | None = None  # None: no reviewer has reviewed the answers

    @property
    def top_priorities(self) -> tuple[Priority, ...]:
        return self.priorities[:self.priority_count]

    @property
    def undated_targets(self) -> tuple[PillarPage, ...]:
        return tuple(p for p in self.pillars if p.target_date is None)

    @property
    def earliest_target_date(self) -> dt.date | None:
        return min((p.target_date for p in self.pillars if p.target_date), default=None)


def build_plan(questionnaire: Questionnaire, results: Results, team: Team,
               finished_on: dt.date, questionnaire_version: str,
               answers: Mapping[str, RecordedAnswer], actions: Iterable[PlannedAction],
               earlier: ScoredAssessment | None = None,
               target_dates: Mapping[str, dt.date | None] | None = None) -> Plan:
    """Everything the improvement plan prints, as plain values. `target_dates`: by pillar id,
    when the team means to reach each target."""
    level = _level_text(questionnaire)
    scored = [p for p in results.pillars if p.score is not None]
    rows = action_rows(questionnaire, results, actions)
    priorities = tuple(
        Priority(rank, w.practice.practice.name, w.practice.practice.summary, w.pillar.name,
                 w.score, level(w.practice.level), w.target, w.gap, w.next_step,
                 tuple(_resource(r) for r in w.practice.practice.resources
                       if not _personal(r)),
                 *_steps(w.practice.practice, w.practice.level),
                 w.practice.practice.examples, w.practice.practice.id, w.pillar.purpose,
                 _function_name(questionnaire, w.pillar),
                 tuple(a for a in rows if a.practice_id == w.practice.practice.id))
        for rank, w in enumerate(results.weak_practices, start=1)
    )
    before = None if earlier is None else {p.pillar.id: p.score for p in earlier.results.pillars}
    return Plan(
        title=f"CX improvement plan: {team.service}",
        team=team,
        finished_on=finished_on,
        questionnaire_version=questionnaire_version,
        overall=results.score,
        overall_level=level(results.level),
        pillars_covered=results.pillars_covered,
        unanswered=results.unanswered,
        strongest=_extreme(scored, max),
        weakest=_extreme(scored, min),
        pillars=tuple(_pillar_page(questionnaire, p, (target_dates or {}).get(p.pillar.id))
                      for p in results.pillars),
        chart=pillar_bar_chart(results.pillars, PRINT),
        priorities=priorities,
        knowledge_gaps=tuple(
            KnowledgeGap(pillar.name, practice.name, question.text,
                         _note(answers.get(question.id)))
            for pillar, practice, question in results.knowledge_gaps
        ),
        functions=tuple(
            FunctionRow(f.function.name, tuple(p.pillar.name for p in f.pillars), f.score,
                        level(f.level), f.pillars_covered)
            for f in score_a11_functions(questionnaire, results.pillars)
        ),
        unmapped_pillars=tuple(p.name for p in questionnaire.pillars
                               if questionnaire.a11_function(p.a11_function) is None),
        actions=rows,
        answers=_answer_sections(questionnaire, answers),
        comparison=None if earlier is None else _comparison(results, earlier),
        levels=tuple(level(n) for n in range(1, len(questionnaire.levels) + 1)),
        asks=leadership_asks(priorities[:PRIORITY_COUNT]),
        next_due=next_assessment_due(finished_on),
        moves=() if earlier is None else practice_moves(results, earlier.results, answers),
        before_chart=None if before is None else pillar_bar_chart(results.pillars, PRINT, before),
    )


def _function_name(questionnaire: Questionnaire, pillar: Pillar) -> str | None:
    function = questionnaire.a11_function(pillar.a11_function)
    return function.name if function else None


def action_rows(questionnaire: Questionnaire, results: Results,
                actions: Iterable[PlannedAction]) -> tuple[ActionRow, ...]:
    """Actions in plan order: by their practice's priority, then questionnaire order, then due."""
    ranks = {w.practice.practice.id: i for i, w in enumerate(results.weak_practices, start=1)}
    order = {pr.id: i for i, (_, pr) in enumerate(practices_of(questionnaire))}
    places = {pr.id: (p, pr) for p, pr in practices_of(questionnaire)}

    def sort_key(action: PlannedAction) -> tuple:
        return (ranks.get(action.practice_id, len(ranks) + 1),
                order.get(action.practice_id, len(order)), action.due_date is None,
                action.due_date or dt.date.min)

    rows = []
    for action in sorted(actions, key=sort_key):  # stable: equal keys keep the order given
        pillar, practice = places.get(action.practice_id, (None, None))
        rows.append(ActionRow(
            ranks.get(action.practice_id),
            pillar.name if pillar else "",
            practice.name if practice else f"A practice no longer asked ({action.practice_id})",
            action.title, action.owner, action.due_date,
            ACTION_STATUSES.get(action.status, action.status),
            tuple(StatusStep(c.status, c.changed_at.date(), c.by) for c in action.history),
            action.practice_id,
        ))
    return tuple(rows)


def practices_of(questionnaire: Questionnaire) -> Iterable[tuple[Pillar, Practice]]:
    return ((pillar, practice) for pillar in questionnaire.pillars
            for practice in pillar.practices)


def find_practice(questionnaire: Questionnaire,
                  practice_id: str) -> tuple[Pillar, Practice] | None:
    return next((pair for pair in practices_of(questionnaire) if pair[1].id == practice_id), None)


def _level_text(questionnaire: Questionnaire):
    def level(number: int | None) -> LevelText | None:
        if number is None:
            return None
        found = questionnaire.level(number)
        return LevelText(found.number, found.name, found.description)
    return level


def _extreme(scored: list[PillarScore], pick) -> Extreme | None:
    if not scored:
        return None
    score = pick(p.score for p in scored)
    return Extreme(tuple(p.pillar.name for p in scored if p.score == score), score)


def _pillar_page(questionnaire: Questionnaire, pillar: PillarScore,
                 target_date: dt.date | None = None) -> PillarPage:
    level = _level_text(questionnaire)
    function = questionnaire.a11_function(pillar.pillar.a11_function)
    return PillarPage(
        pillar.pillar.id, pillar.pillar.name, pillar.pillar.purpose,
        function.name if function else None, pillar.score, level(pillar.level), pillar.target,
        pillar.meets_target, pillar.scored_questions, pillar.total_questions,
        tuple(PracticeRow(p.practice.name, p.practice.summary, p.score, level(p.level),
                          p.score is not None and p.score < pillar.target)
              for p in pillar.practices),
        target_date,
    )


def _steps(practice: Practice, level: int | None) -> tuple[tuple[StepLine, ...], tuple[str, ...]]:
    """The steps out of a weak practice's level, and the statements that say it is done."""
    if level is None:  # a weak practice always has a score; nothing to say without one
        return (), ()
    return (tuple(StepLine(s.text, s.effort_text, s.owner, s.effort)
                  for s in practice.steps_for(level)),
            practice.done_when(level))


def _resource(resource: Resource) -> ResourceLine:
    url = resource.url if resource.url and not resource.url.startswith("mailto:") else None
    return ResourceLine(resource.title, url, resource.publisher, resource.format,
                        resource.size, resource.status_text, resource.note,
                        resource.beyond_toolkit, resource.status)


def _personal(resource: Resource) -> bool:
    """A person's email address (2026.1 listed one): the plan drops it rather than print a
    contact nobody can reach. 2027.1 keeps it as a historical entry, with no address, whose
    note says where to go instead."""
    return bool(resource.url and resource.url.startswith("mailto:"))


def _note(answer: RecordedAnswer | None) -> str:
    return answer.note if answer is not None else ""


def _answer_sections(questionnaire: Questionnaire,
                     answers: Mapping[str, RecordedAnswer]) -> tuple[AnswerSection, ...]:
    level = _level_text(questionnaire)
    sections = []
    for pillar in questionnaire.pillars:
        rows = []
        for practice in pillar.practices:
            for question in practice.questions:
                answer = answers.get(question.id)
                choice = answer.choice if answer else None
                statement = None
                if choice == "level" and answer is not None and answer.level is not None:
                    text = level(answer.level).label
                    statement = question.levels[answer.level - 1]
                else:
                    text = answer_words(choice)
                rows.append(AnswerRow(practice.name, question.text, text, statement,
                                      _note(answer)))
        sections.append(AnswerSection(pillar.name, tuple(rows)))
    return tuple(sections)


def _comparison(results: Results, earlier: ScoredAssessment) -> Comparison:
    before = {p.pillar.id: p.score for p in earlier.results.pillars}
    return Comparison(
        earlier.dated.on.date(), earlier.questionnaire_version,
        ScoreChange("overall", "Overall", earlier.results.score, results.score),
        tuple(ScoreChange(p.pillar.id, p.pillar.name, before.get(p.pillar.id), p.score)
              for p in results.pillars),
    )
