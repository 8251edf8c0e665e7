"""The team view: how everyone answered each question, where they disagree, the agreed answer."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from werkzeug import Response

from assessment.store import audit, operations, reviews
from assessment.store.models import OWNER, VIEWER
from assessment.store.queries import respondent_progress, team_answers
from assessment.views.common import current_questionnaire
from assessment.web import once
from assessment.web.access import assessment_for
from assessment.web.forms import AgreeForm

bp = Blueprint("consensus", __name__)
ONLY_DIFFER = "differ"  # ?show=differ: only the questions where respondents' answers differ


@bp.get("/assessments/<public_id>/team-answers")
def team_view(public_id: str) -> str:
    assessment, role = assessment_for(public_id, VIEWER)
    questionnaire = current_questionnaire()
    answers = team_answers(assessment)
    # With one respondent nothing can differ; any other value shows every question.
    only_differ = request.args.get("show") == ONLY_DIFFER and answers.respondents > 1
    shown = {q.id for *_, q in questionnaire.questions()
             if not only_differ or (q.id in answers.spreads and answers.spreads[q.id].differ)}
    return render_template(
        "consensus/team_answers.html", assessment=assessment, role=role, answers=answers,
        questionnaire=questionnaire, only_differ=only_differ, shown=shown,
        show_values=(("all", "Every question"), (ONLY_DIFFER, "Only where answers differ")),
        team=respondent_progress(assessment, questionnaire.question_count))


@bp.route("/assessments/<public_id>/questions/<question_id>/agree", methods=["GET", "POST"])
def agree(public_id: str, question_id: str) -> str | Response:
    assessment, _ = assessment_for(public_id, OWNER)
    questionnaire = current_questionnaire()
    if not questionnaire.has_question(question_id):
        abort(404)
    question = next(q for *_, q in questionnaire.questions() if q.id == question_id)
    spread = team_answers(assessment).spreads.get(question_id)
    agreed = spread.agreed if spread else None
    form = AgreeForm(data={"choice": "" if agreed is None else str(agreed)}
                     if request.method == "GET" else None)
    if form.validate_on_submit():
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        choice = form.choice.data or None
        before = team_answers(assessment).rows.get(question_id)
        operations.agree_answer(assessment, question_id, choice, form.note.data or "",
                                current_user.id)
        audit.record_event("agreed_answer", team=assessment.team,
                           detail=f"{question_id}: {choice or 'cleared'}")
        if team_answers(assessment).rows.get(question_id) != before:  # the team's answer moved
            reviews.clear_reviews(assessment, {question_id}, questionnaire)
        return once.answered(url_for(".team_view", public_id=public_id,
                                     _anchor=f"q-{question_id}"), "The team's answer is saved.")
    return render_template("consensus/agree.html", assessment=assessment, question=question,
                           spread=spread, form=form, questionnaire=questionnaire)
