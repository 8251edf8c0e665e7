"""A scored assessment as plain, frozen data: what the read model (store/read_model.py) gives
every page, file and API answer. No ORM objects, so the PDF and rules code can read it.

Pure types: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from assessment.rules import consensus, scoring
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.wording import Dated, assessment_date


class AnswerRow(Protocol):
    """What pages read of an answer; stored answers, query rows and Row all have it."""

    @property
    def question_id(self) -> str: ...
    @property
    def choice(self) -> str | None: ...
    @property
    def level(self) -> int | None: ...
    @property
    def note(self) -> str: ...
    @property
    def link(self) -> str: ...  # the evidence link ("" when none)


@dataclass(frozen=True)
class Row:
    """An answer as plain data: a respondent's, or the team's."""

    question_id: str
    choice: str | None
    level: int | None
    note: str
    link: str = ""  # the evidence link; the team's answer joins its respondents' links


@dataclass(frozen=True)
class TeamAnswers:
    """Everyone's answers to an assessment: per question the spread and the team's answer."""

    spreads: dict[str, consensus.QuestionSpread]
    rows: dict[str, Row]  # the team's answer per question, as pages and scoring read it
    respondents: int  # people who answered at least one question
    notes: dict[str, list[str]]  # respondents' notes per question


@dataclass(frozen=True)
class TargetSetting:
    """A team's target for one pillar of one assessment, and when they mean to reach it."""

    target: Decimal
    target_date: dt.date | None


@dataclass(frozen=True)
class ScoredAssessment:
    """An assessment, the questionnaire version it was taken on, its answers and its scores.

    A cache may keep one under `cache_key`: the assessment's id, its last change and its
    questionnaire version (the read model moves `updated_at` on every change that scores see).
    """

    id: int
    public_id: str
    team_id: int
    status: str  # "draft" or "finished"
    finished: bool
    open_to_team: bool
    questionnaire_version: str
    started_at: dt.datetime
    finished_at: dt.datetime | None  # the latest finish; a reopened assessment keeps it
    updated_at: dt.datetime
    questionnaire: Questionnaire
    answers: TeamAnswers
    given: Mapping[str, scoring.Answer]  # the team's answers as scoring read them
    results: scoring.Results
    targets: Mapping[str, TargetSetting]

    @property
    def dated(self) -> Dated:
        """The date it goes by: its latest finish, or its start if never finished."""
        return assessment_date(self.started_at, self.finished_at)

    @property
    def when(self) -> dt.datetime:
        return self.dated.on

    @property
    def reopened(self) -> bool:
        return not self.finished and self.finished_at is not None

    @property
    def cache_key(self) -> tuple[int, dt.datetime, str]:
        return self.id, self.updated_at, self.questionnaire_version

    @property
    def target_dates(self) -> dict[str, dt.date | None]:
        return {pillar_id: s.target_date for pillar_id, s in self.targets.items()}

    def pillar(self, pillar_id: str) -> scoring.PillarScore | None:
        return next((p for p in self.results.pillars if p.pillar.id == pillar_id), None)
