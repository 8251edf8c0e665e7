"""Independent validation: an organization reviewer marks each answer of a team's finished
assessment validated or challenged; the team replies to a challenge (or reopens and changes
the answer)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import csrf, db
from assessment.rules.validation import CHALLENGED, STATE_WORDS, score_states
from assessment.store import read_model, reviews
from assessment.store.models import MEMBER, Assessment
from assessment.views.common import STALE_FORM_MESSAGE, form_is_stale
from assessment.web.access import assessment_for
from assessment.web.review_access import assessment_to_review, assessments_to_review
from assessment.web.review_forms import (
    ReplyForm,
    comment_field_name,
    review_form_class,
    verdict_field_name,
)

bp = Blueprint("validation", __name__)


@bp.get("/reviews")
@login_required
def to_review() -> str:
    """The finished assessments of the teams in the organizations the user reviews."""
    assessments = assessments_to_review()
    verdicts = reviews.verdicts_of([a.id for a in assessments])
    return render_template("validation/list.html", assessments=assessments, verdicts=verdicts,
                           challenged=CHALLENGED)


@bp.route("/assessments/<public_id>/validation", methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps the reviewer's choices when a token expires
def review_answers(public_id: str) -> str | Response:
    """The answers of a finished assessment, each with its level, evidence and note (nothing
    else of the team), and the reviewer's verdict and comment on each."""
    assessment = assessment_to_review(public_id)
    if assessment.finished_at is None:
        abort(404)  # never finished: nothing to review yet
    scored = read_model.scored_assessment(assessment)
    questionnaire, rows = scored.questionnaire, scored.answers.rows
    under_review = tuple(q.id for *_, q in questionnaire.questions()
                         if q.id in rows and rows[q.id].choice is not None)
    kept = reviews.reviews_of([assessment.id])[assessment.id]
    form_class = review_form_class(under_review)
    form = form_class(meta={"csrf": False},
                      data=_form_data(kept) if request.method == "GET" else None)
    stale = False
    if request.method == "POST":
        form.refuse_tampering()
        if not assessment.is_finished:
            flash("The team reopened this assessment, so nothing was saved. "
                  "You can review it again when they finish it.", "warning")
            return redirect(url_for(".review_answers", public_id=public_id))
        if stale := form_is_stale():
            flash(STALE_FORM_MESSAGE, "warning")
    if request.method == "POST" and not stale and form.validate():
        changed = reviews.review_answers(assessment, questionnaire, form.verdicts(),
                                         current_user)
        db.session.commit()
        flash(f"Your review is saved: {changed} {'verdict' if changed == 1 else 'verdicts'} "
              "changed. The team sees your challenges on its results page.", "success")
        return redirect(url_for(".review_answers", public_id=public_id))
    states = score_states(questionnaire, scored.given, {q: r.state for q, r in kept.items()})
    return render_template("validation/review.html", assessment=assessment, scored=scored,
                           questionnaire=questionnaire, rows=rows, kept=kept, form=form,
                           under_review=set(under_review), states=states,
                           state_words=STATE_WORDS, verdict_field_name=verdict_field_name,
                           comment_field_name=comment_field_name)


def _form_data(kept: dict) -> dict[str, str]:
    data = {}
    for question_id, review in kept.items():
        data[verdict_field_name(question_id)] = review.state
        data[comment_field_name(question_id)] = review.comment
    return data


@bp.route("/assessments/<public_id>/challenges/<question_id>/reply", methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps the reply typed when a token expires
def reply(public_id: str, question_id: str) -> str | Response:
    """A team member answers a reviewer's challenge."""
    assessment, _ = assessment_for(public_id, MEMBER)
    ReplyForm(meta={"csrf": False}).refuse_tampering()
    review = reviews.reviews_of([assessment.id])[assessment.id].get(question_id)
    if review is None or review.state != CHALLENGED:
        flash("This answer is not challenged now: the reviewer changed their verdict, or "
              "your team changed the answer.", "info")
        return redirect(_results_url(assessment))
    scored = read_model.scored_assessment(assessment)
    question = next((q for *_, q in scored.questionnaire.questions() if q.id == question_id),
                    None)
    form = ReplyForm(meta={"csrf": False},
                     data={"reply": review.reply} if request.method == "GET" else None)
    stale = request.method == "POST" and form_is_stale()
    if stale:
        flash(STALE_FORM_MESSAGE, "warning")
    if request.method == "POST" and not stale and form.validate():
        reviews.reply_to_challenge(assessment, scored.questionnaire, review, form.reply.data,
                                   current_user)
        db.session.commit()
        flash("Your reply is saved. Your reviewer sees it beside the challenge.", "success")
        return redirect(_results_url(assessment))
    return render_template("validation/reply.html", assessment=assessment, review=review,
                           question=question, row=scored.answers.rows.get(question_id),
                           questionnaire=scored.questionnaire, form=form)


def _results_url(assessment: Assessment) -> str:
    if assessment.is_finished:
        return url_for("results.results", public_id=assessment.public_id, _anchor="challenges")
    return url_for("take.review", public_id=assessment.public_id)
