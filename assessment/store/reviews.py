"""An organization reviewer's verdicts on a finished assessment's answers, the team's replies,
and what happens to a verdict when its answer changes. They flush; the request commits.

Every step moves Assessment.updated_at, so kept pages and scores that show the validation state
(results, history, the plan) are made again, and every step is in the audit log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.scored import ScoredAssessment
from assessment.rules.validation import ScoreStates, score_states
from assessment.store import audit
from assessment.store.conflicts import insert_or_skip
from assessment.store.models import CHALLENGED, AnswerReview, Assessment, User, utcnow

QUESTION_WORDS_MAX = 150  # of a question's text, in the audit log


@dataclass(frozen=True)
class Verdict:
    """What a reviewer decided about one answer: VALIDATED or CHALLENGED, with a comment."""

    state: str
    comment: str


def reviews_of(assessment_ids: Collection[int]) -> dict[int, dict[str, AnswerReview]]:
    """The verdicts on each assessment's answers, by question id (one query)."""
    found: dict[int, dict[str, AnswerReview]] = {i: {} for i in assessment_ids}
    if assessment_ids:
        for review in db.session.scalars(select(AnswerReview).where(
                AnswerReview.assessment_id.in_(list(assessment_ids)))):
            found[review.assessment_id][review.question_id] = review
    return found


def verdicts_of(assessment_ids: Collection[int]) -> dict[int, dict[str, str]]:
    """Only the states: by assessment, by question id."""
    return {i: {q: r.state for q, r in kept.items()}
            for i, kept in reviews_of(assessment_ids).items()}


def score_states_for(scored: Sequence[ScoredAssessment]) -> dict[int, ScoreStates]:
    """The validation state of every score of each reviewed assessment, by assessment id (one
    query, whatever the number of assessments): for results, history and the portfolio."""
    verdicts = verdicts_of([s.id for s in scored])
    return {s.id: score_states(s.questionnaire, s.given, verdicts[s.id])
            for s in scored if verdicts[s.id]}


def _detail(assessment: Assessment, questionnaire: Questionnaire, question_id: str) -> str:
    text = next((q.text for *_, q in questionnaire.questions() if q.id == question_id),
                question_id)
    if len(text) > QUESTION_WORDS_MAX:
        text = text[:QUESTION_WORDS_MAX - 1] + "…"
    return f"{text}, assessment {assessment.id}"


def review_answers(assessment: Assessment, questionnaire: Questionnaire,
                   verdicts: Mapping[str, Verdict], reviewer: User) -> int:
    """Record the reviewer's verdicts (a verdict that is the same as before changes nothing).
    Returns how many changed."""
    kept = reviews_of([assessment.id])[assessment.id]
    changed = 0
    for question_id, verdict in verdicts.items():
        review = kept.get(question_id)
        comment = verdict.comment.strip()
        if review is not None and (review.state, review.comment) == (verdict.state, comment):
            continue
        if review is None:  # two reviewers saving the first verdict at once make one row
            review = _new_review(assessment, question_id, verdict.state)
        if review.state != verdict.state:
            review.reply, review.replied_by_id, review.replied_at = "", None, None
        review.state, review.comment = verdict.state, comment
        review.reviewer_id, review.reviewed_at = reviewer.id, utcnow()
        audit.record_event(f"answer_{verdict.state}", team=assessment.team,
                           detail=_detail(assessment, questionnaire, question_id))
        changed += 1
    if changed:
        assessment.updated_at = utcnow()
    db.session.flush()
    return changed


def _new_review(assessment: Assessment, question_id: str, state: str) -> AnswerReview:
    insert_or_skip(AnswerReview, {"assessment_id": assessment.id, "question_id": question_id,
                                  "state": state, "comment": "", "reply": "",
                                  "reviewed_at": utcnow()},
                   unique_on=["assessment_id", "question_id"])
    return db.session.scalars(
        select(AnswerReview).where(AnswerReview.assessment_id == assessment.id,
                                   AnswerReview.question_id == question_id)
        .with_for_update().execution_options(populate_existing=True)).one()


def reply_to_challenge(assessment: Assessment, questionnaire: Questionnaire,
                       review: AnswerReview, reply: str, user: User) -> None:
    """The team's answer to a challenge, kept beside it for the reviewer."""
    review.reply, review.replied_by_id, review.replied_at = reply.strip(), user.id, utcnow()
    assessment.updated_at = utcnow()
    audit.record_event("challenge_replied", team=assessment.team,
                       detail=_detail(assessment, questionnaire, review.question_id))
    db.session.flush()


def clear_reviews(assessment: Assessment, question_ids: Collection[str],
                  questionnaire: Questionnaire) -> int:
    """A changed answer loses its verdict: it is self-reported again. Returns how many."""
    if not question_ids:
        return 0
    cleared = list(db.session.scalars(select(AnswerReview).where(
        AnswerReview.assessment_id == assessment.id,
        AnswerReview.question_id.in_(list(question_ids)))))
    for review in cleared:
        action = "challenged_answer_changed" if review.state == CHALLENGED \
            else "validated_answer_changed"
        audit.record_event(action, team=assessment.team,
                           detail=_detail(assessment, questionnaire, review.question_id))
    if cleared:  # by statement: a row another request deleted meanwhile is no error
        db.session.execute(delete(AnswerReview).where(
            AnswerReview.id.in_([r.id for r in cleared])))
        for review in cleared:
            db.session.expunge(review)
        assessment.updated_at = utcnow()
    db.session.flush()
    return len(cleared)
