"""Read-side helpers: load an assessment with what its pages need, and turn rows into scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from flask import abort
from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from assessment import scoring
from assessment.extensions import db
from assessment.models import CHOICE_LEVEL, FINISHED, Action, Answer, Assessment, Response, Team
from assessment.questionnaire import Questionnaire


def get_assessment_or_404(public_id: str) -> Assessment:
    """The assessment behind a private link, with its team. Other parts load when used:
    answers through answers_by_question() (one light query), targets and actions lazily."""
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.public_id == public_id)
        .options(joinedload(Assessment.team))
    )
    if assessment is None:
        abort(404)
    return assessment


def get_action_or_404(assessment: Assessment, action_id: int) -> Action:
    """One action of this assessment; another assessment's action is not found."""
    action = next((a for a in assessment.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


def actions_by_practice(assessment: Assessment) -> dict[str, list[Action]]:
    """The assessment's actions grouped by practice id, soonest due first, undated last."""
    grouped: dict[str, list[Action]] = {}
    for action in sorted(assessment.actions,
                         key=lambda a: (a.due_date is None, a.due_date or dt.date.min, a.id)):
        grouped.setdefault(action.practice_id, []).append(action)
    return grouped


def earlier_finished_assessment(assessment: Assessment) -> Assessment | None:
    """The team's latest finished assessment started before this one, to compare against."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.team_id == assessment.team_id, Assessment.status == FINISHED,
               tuple_(Assessment.started_at, Assessment.id)
               < tuple_(assessment.started_at, assessment.id))
        .order_by(Assessment.started_at.desc(), Assessment.id.desc())
        .limit(1)
        .options(selectinload(Assessment.targets),
                 selectinload(Assessment.responses).selectinload(Response.answers))
    )


def respondent(assessment: Assessment) -> Response:
    """The one response of an assessment (several respondents come later)."""
    return assessment.responses[0]


class AnswerRow(Protocol):
    """What pages read of an answer; both Answer objects and light query rows have it."""

    question_id: str
    choice: str | None
    level: int | None
    note: str


def answers_by_question(assessment: Assessment) -> dict[str, AnswerRow]:
    """The respondent's answers by question id, as plain rows (no ORM objects: pages that
    only read answers are several times faster this way)."""
    rows = db.session.execute(
        select(Answer.question_id, Answer.choice, Answer.level, Answer.note)
        .join(Response).where(Response.assessment_id == assessment.id)
    )
    return {row.question_id: row for row in rows}


def scoring_answers(answers: Iterable[AnswerRow]) -> dict[str, scoring.Answer]:
    """Answer rows as the scoring rules take them: a level, 'na' or 'unknown'."""
    return {
        a.question_id: a.level if a.choice == CHOICE_LEVEL else a.choice
        for a in answers
        if a.choice is not None
    }


def targets_by_pillar(assessment: Assessment) -> dict[str, Decimal]:
    return {t.pillar_id: Decimal(t.target).quantize(Decimal("0.1")) for t in assessment.targets}


def results_for(questionnaire: Questionnaire, assessment: Assessment) -> scoring.Results:
    """Score an assessment's answers against its targets."""
    answers = scoring_answers(answers_by_question(assessment).values())
    return scoring.score_assessment(questionnaire, answers, targets_by_pillar(assessment))


def demo_assessments() -> list[Assessment]:
    """Finished assessments of the demo team, oldest first, for the home page."""
    return list(db.session.scalars(
        select(Assessment).join(Team).where(Team.is_demo.is_(True), Assessment.status == FINISHED)
        .order_by(Assessment.started_at)
    ))
