"""Read-side helpers: load an assessment with what its pages need, and combine everyone's
answers into the team's (store/read_model.py scores them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import cast

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from assessment.extensions import db
from assessment.rules import consensus, scoring
from assessment.rules.scored import AnswerRow, Row, TeamAnswers
from assessment.store.models import (
    CHOICE_LEVEL,
    FINISHED,
    Action,
    AgreedAnswer,
    Answer,
    Assessment,
    Response,
    Team,
    User,
)


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
    """One action the assessment shows; any other action is not found."""
    from assessment.store.read_model import assessment_actions

    action = next((a for a in assessment_actions(assessment) if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


def actions_by_practice(actions: Iterable[Action]) -> dict[str, list[Action]]:
    """Actions grouped by practice id, soonest due first, undated last."""
    grouped: dict[str, list[Action]] = {}
    for action in sorted(actions,
                         key=lambda a: (a.due_date is None, a.due_date or dt.date.min, a.id)):
        grouped.setdefault(action.practice_id, []).append(action)
    return grouped


def _answer(row: AnswerRow) -> scoring.Answer | None:
    if row.choice is None:
        return None
    return row.level if row.choice == CHOICE_LEVEL else row.choice  # type: ignore[return-value]


def _row(question_id: str, answer: scoring.Answer | None, note: str, link: str = "") -> Row:
    if isinstance(answer, int):
        return Row(question_id, CHOICE_LEVEL, answer, note, link)
    return Row(question_id, answer, None, note, link)


def team_answers(assessment: Assessment) -> TeamAnswers:
    """Every respondent's answers and the agreed ones, in two light queries, combined by the
    consensus rules: the agreed answer, else the lower median of the respondents."""
    return team_answers_for([assessment.id]).get(assessment.id) or combine_answers([], [])


def team_answers_for(assessment_ids: Collection[int]) -> dict[int, TeamAnswers]:
    """team_answers for many assessments at once, in the same two queries."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Response.assessment_id, Answer.question_id, Answer.choice, Answer.level,
               Answer.note, Answer.response_id, Answer.evidence_link)
        .join(Response).where(Response.assessment_id.in_(ids))
        .order_by(Answer.response_id, Answer.id)
    ).all()
    agreed = db.session.execute(
        select(AgreedAnswer.assessment_id, AgreedAnswer.question_id, AgreedAnswer.choice,
               AgreedAnswer.level, AgreedAnswer.note)
        .where(AgreedAnswer.assessment_id.in_(ids))).all()
    rows_of: dict[int, list] = {i: [] for i in ids}
    agreed_of: dict[int, list] = {i: [] for i in ids}
    for row in rows:
        rows_of[row.assessment_id].append(row)
    for agreed_row in agreed:
        agreed_of[agreed_row.assessment_id].append(agreed_row)
    return {i: combine_answers(rows_of[i], agreed_of[i]) for i in ids}


def combine_answers(rows: Iterable, agreed_rows: Iterable[AnswerRow]) -> TeamAnswers:
    """Respondents' answer rows (with response_id) and agreed rows, as the team's answers."""
    agreed = {a.question_id: a for a in agreed_rows}
    by_response: dict[int, dict[str, scoring.Answer]] = {}
    notes: dict[str, list[str]] = {}
    links: dict[str, list[str]] = {}
    for row in rows:
        by_response.setdefault(row.response_id, {})
        if (answer := _answer(row)) is not None:
            by_response[row.response_id][row.question_id] = answer
        if row.note:
            notes.setdefault(row.question_id, []).append(row.note)
        if link := getattr(row, "evidence_link", ""):
            links.setdefault(row.question_id, []).append(link)
    spreads = consensus.team_answers(
        by_response.values(), {q: a for q, r in agreed.items() if (a := _answer(r)) is not None})
    team_rows = {}
    for question_id in spreads.keys() | notes.keys() | links.keys():
        spread = spreads.get(question_id)
        note = agreed[question_id].note if question_id in agreed and agreed[question_id].note \
            else " / ".join(notes.get(question_id, []))
        team_rows[question_id] = _row(question_id, spread.answer if spread else None, note,
                                      " ".join(dict.fromkeys(links.get(question_id, []))))
    return TeamAnswers(spreads, team_rows, sum(1 for r in by_response.values() if r), notes)


def answers_by_question(assessment: Assessment) -> dict[str, AnswerRow]:
    """The team's answer per question, as plain rows (see team_answers)."""
    return dict(team_answers(assessment).rows)


def my_answers(assessment: Assessment, user_id: int | None) -> dict[str, AnswerRow]:
    """One respondent's own answers by question id, as plain rows (one query). The response
    is the user's own; without one, the response from before accounts, if any."""
    rows = db.session.execute(
        select(Response.id.label("response_id"), Response.user_id,
               Answer.question_id, Answer.choice, Answer.level, Answer.note,
               Answer.evidence_link.label("link"))
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.assessment_id == assessment.id,
               (Response.user_id == user_id) | Response.user_id.is_(None))
        .order_by(Response.id)).all()
    chosen = next((row.response_id for row in rows if row.user_id == user_id), None) or \
        next((row.response_id for row in rows if row.user_id is None), None)
    return {row.question_id: row for row in rows
            if row.response_id == chosen and row.question_id is not None}


@dataclass(frozen=True)
class RespondentProgress:
    email: str
    answered: int
    finished: bool


def respondent_progress(assessment: Assessment, question_count: int) -> list[RespondentProgress]:
    """Who has answered how much, for the team's progress."""
    counts = db.session.execute(
        select(Response.id, Response.user_id, func.count(Answer.id))
        .outerjoin(Answer, (Answer.response_id == Response.id) & Answer.choice.is_not(None))
        .where(Response.assessment_id == assessment.id).group_by(Response.id, Response.user_id)
    ).all()
    emails = dict(db.session.execute(select(User.id, User.email).where(
        User.id.in_([c.user_id for c in counts if c.user_id is not None]))).all())
    return [RespondentProgress(emails.get(c.user_id, "Answers from before accounts"), c[2],
                               c[2] >= question_count) for c in counts if c[2] or c.user_id]


def scoring_answers(answers: Iterable[AnswerRow]) -> dict[str, scoring.Answer]:
    """Answer rows as the scoring rules take them: a level, 'na' or 'unknown'."""
    return {
        a.question_id: cast(scoring.Answer, a.level if a.choice == CHOICE_LEVEL else a.choice)
        for a in answers
        if a.choice is not None
    }


def demo_assessments() -> list[Assessment]:
    """Finished assessments of the demo team, oldest first, for the home page."""
    return list(db.session.scalars(
        select(Assessment).join(Team).where(Team.is_demo.is_(True), Assessment.status == FINISHED)
        .order_by(Assessment.started_at)
    ))
