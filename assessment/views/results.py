"""Results of a finished assessment, and the targets a team sets for each pillar."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug import Response

from assessment import operations
from assessment.access import assessment_for
from assessment.charts import pillar_bar_chart
from assessment.extensions import db
from assessment.forms import find_tampering, target_fields, target_form_class
from assessment.models import OWNER, VIEWER
from assessment.queries import (
    actions_by_practice,
    results_for,
    targets_by_pillar,
    team_answers,
)
from assessment.scoring import DEFAULT_TARGET
from assessment.views.common import current_questionnaire

bp = Blueprint("results", __name__)


@bp.get("/assessments/<public_id>/results")
def results(public_id: str) -> str | Response:
    assessment, role = assessment_for(public_id, VIEWER)
    if not assessment.is_finished:
        flash("Finish the assessment to see your results.", "info")
        return redirect(url_for("take.review", public_id=public_id))
    questionnaire = current_questionnaire()
    answers = team_answers(assessment)
    scores = results_for(questionnaire, assessment, answers)
    return render_template("results/results.html", assessment=assessment, results=scores,
                           respondents=answers.respondents,
                           chart=pillar_bar_chart(scores.pillars), questionnaire=questionnaire,
                           actions=actions_by_practice(assessment), role=role)


@bp.route("/assessments/<public_id>/targets", methods=["GET", "POST"])
def targets(public_id: str) -> str | Response:
    assessment, _ = assessment_for(public_id, OWNER)
    questionnaire = current_questionnaire()
    if request.method == "POST" and (problem := find_tampering(request.form,
                                                                target_fields(questionnaire))):
        abort(400, description=problem)
    current = targets_by_pillar(assessment)
    form = target_form_class(questionnaire)(data={
        f"target-{p.id}": f"{current.get(p.id, DEFAULT_TARGET):.1f}" for p in questionnaire.pillars
    } if request.method == "GET" else None)
    if form.validate_on_submit():
        operations.set_targets(assessment, {
            p.id: Decimal(form[f"target-{p.id}"].data) for p in questionnaire.pillars
        })
        db.session.commit()
        flash("Your targets are saved.", "success")
        return redirect(url_for(".results", public_id=public_id) if assessment.is_finished
                        else url_for("take.review", public_id=public_id))
    return render_template("results/targets.html", assessment=assessment, form=form,
                           questionnaire=questionnaire)
