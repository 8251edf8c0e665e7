"""Read-side helpers: load an assessment with what its pages need, and turn rows into scores."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment import scoring
from assessment.extensions import db
from assessment.models import CHOICE_LEVEL, FINISHED, Answer, Assessment, Response, Team
from assessment.questionnaire import Questionnaire


def get_assessment_or_404(public_id: str) -> Assessment:
    """The assessment behind a private link, with its team, answers and targets loaded."""
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.public_id == public_id)
        .options(
            selectinload(Assessment.team),
            selectinload(Assessment.targets),
            selectinload(Assessment.responses).selectinload(Response.answers),
        )
    )
    if assessment is None:
        abort(404)
    return assessment


def respondent(assessment: Assessment) -> Response:
    """The one response of an assessment (several respondents come later)."""
    return assessment.responses[0]


def answers_by_question(assessment: Assessment) -> dict[str, Answer]:
    return {a.question_id: a for a in respondent(assessment).answers}


def scoring_answers(answers: Iterable[Answer]) -> dict[str, scoring.Answer]:
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
    answers = scoring_answers(respondent(assessment).answers)
    return scoring.score_assessment(questionnaire, answers, targets_by_pillar(assessment))


def demo_assessments() -> list[Assessment]:
    """Finished assessments of the demo team, oldest first, for the home page."""
    return list(db.session.scalars(
        select(Assessment).join(Team).where(Team.is_demo.is_(True), Assessment.status == FINISHED)
        .order_by(Assessment.started_at)
    ))
