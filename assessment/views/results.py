"""Results of a finished assessment, and the targets a team sets for each pillar."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug import Response

from assessment.rules import hisp
from assessment.rules.audit_words import target_changes
from assessment.rules.charts import SCREEN, pillar_bar_chart
from assessment.rules.peers import MIN_TEAMS, peer_rows
from assessment.rules.scoring import DEFAULT_TARGET
from assessment.rules.validation import CHALLENGED, score_states
from assessment.store import audit, operations, read_model, reviews, stamps
from assessment.store.models import OWNER, VIEWER, Assessment, utcnow
from assessment.store.peers import peer_spreads
from assessment.store.queries import actions_by_practice
from assessment.web import once
from assessment.web.access import assessment_and_peer_stamp, assessment_for
from assessment.web.forms import target_form_class, target_form_data
from assessment.web.fragments import cached_page

bp = Blueprint("results", __name__)


@bp.get("/assessments/<public_id>/results")
def results(public_id: str) -> str | Response:
    assessment, role, peers = assessment_and_peer_stamp(public_id, VIEWER)
    if not assessment.is_finished:
        flash("Finish the assessment to see your results.", "info")
        return redirect(url_for("take.review", public_id=public_id))
    # Kept until the assessment, its team (whose revision moves with its actions and its other
    # assessments) or other teams' scores change (the reader and their role are part of every
    # page's key).
    key = ("results", role, stamps.row_values(assessment), stamps.row_values(assessment.team),
           peers)
    return cached_page(key, lambda: _results_page(assessment, role))


def _results_page(assessment: Assessment, role: str) -> str:
    scored = read_model.scored_assessment(assessment)  # on the version it was taken on
    team = assessment.team
    finished = [a for a in read_model.team_assessments(team) if a.is_finished]
    pillars = scored.results.pillars
    hisps_only = team.is_hisp and request.args.get("peers") == "hisp"
    kept = reviews.reviews_of([assessment.id])[assessment.id]
    validation = score_states(scored.questionnaire, scored.given,
                              {q: r.state for q, r in kept.items()})
    challenges = [(pillar, question, kept[question.id], scored.answers.rows.get(question.id))
                  for pillar, _, question in scored.questionnaire.questions()
                  if question.id in kept and kept[question.id].state == CHALLENGED]
    return render_template(
        "results/results.html", assessment=assessment, scored=scored, results=scored.results,
        targets=scored.targets, respondents=scored.answers.respondents,
        chart=pillar_bar_chart(pillars, SCREEN), questionnaire=scored.questionnaire,
        actions=actions_by_practice(read_model.assessment_actions(assessment)), role=role,
        min_teams=MIN_TEAMS,
        peers=peer_rows({p.pillar.id: p.score for p in pillars},
                        [(p.pillar.id, p.pillar.name) for p in pillars],
                        peer_spreads(team, scored.questionnaire, hisps_only)),
        hisps_only=hisps_only, hisp_duties=hisp.DUTIES,
        validation=validation if validation.reviewed else None, challenges=challenges,
        compare_url=compare_url(assessment, finished),
        history_url=url_for("history.team_history", team_id=team.id)
        if "history.team_history" in current_app.view_functions else None)


def compare_url(assessment: Assessment, finished: list[Assessment]) -> str | None:
    """The side-by-side page for this assessment and the team's finished one before it (or,
    for the first, the one after it); None when the team has no other finished assessment."""
    if len(finished) < 2 or assessment not in finished:
        return None
    index = finished.index(assessment)
    before, after = (finished[index - 1], assessment) if index else (assessment, finished[1])
    return url_for("compare.compare", team_id=assessment.team_id, before=before.public_id,
                   after=after.public_id)


@bp.route("/assessments/<public_id>/targets", methods=["GET", "POST"])
def targets(public_id: str) -> str | Response:
    assessment, _ = assessment_for(public_id, OWNER)
    scored = read_model.scored_assessment(assessment)
    questionnaire = scored.questionnaire
    kept = {pillar_id: (s.target, s.target_date) for pillar_id, s in scored.targets.items()}
    form = target_form_class(questionnaire)(
        data=target_form_data(questionnaire, kept) if request.method == "GET" else None)
    form.today = utcnow().date()
    form.kept_dates = {pillar_id: date for pillar_id, (_, date) in kept.items()}
    if form.validate_on_submit():
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        chosen = {p.id: (Decimal(form[f"target-{p.id}"].data), form.target_dates.get(p.id))
                  for p in questionnaire.pillars}
        operations.set_targets(assessment, {k: target for k, (target, _) in chosen.items()},
                               {k: by for k, (_, by) in chosen.items()})
        audit.record_event("targets_set", team=assessment.team, detail=f"assessment "
                           f"{assessment.id}: " + target_changes(
                               (p.name, *kept.get(p.id, (DEFAULT_TARGET, None)), *chosen[p.id])
                               for p in questionnaire.pillars))
        return once.answered(url_for(".results", public_id=public_id) if assessment.is_finished
                             else url_for("take.review", public_id=public_id),
                             "Your targets are saved.")
    return render_template("results/targets.html", assessment=assessment, form=form,
                           questionnaire=questionnaire)
