"""The improvement plan: actions for weak practices, the plan as PDF, and the actions as CSV."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug import Response

from assessment.extensions import csrf, db
from assessment.report import actions_csv as exports
from assessment.report.plan_data import action_rows, find_practice
from assessment.store import audit, database, deleting, operations, read_model
from assessment.store.models import ACTION_STATUSES, MEMBER, VIEWER, Action, Assessment
from assessment.store.queries import get_action_or_404
from assessment.store.questionnaire_versions import questionnaire_for
from assessment.store.soft_delete import DELETE_KEPT_DAYS
from assessment.views.common import STALE_FORM_MESSAGE, form_is_stale
from assessment.web import once
from assessment.web.access import assessment_for, require_action_rights
from assessment.web.forms import ActionForm, action_form_data
from assessment.web.strict_form import ButtonForm

bp = Blueprint("plan", __name__)


@bp.route("/assessments/<public_id>/practices/<practice_id>/actions/new",
          methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps what was typed when a token expires
def add_action(public_id: str, practice_id: str) -> str | Response:
    assessment = finished_assessment_or_redirect(public_id)
    practice_or_404(assessment, practice_id)
    form = ActionForm(meta={"csrf": False})
    if form_is_saveable(form):
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        operations.add_action(assessment, practice_id, form.details(), current_user.id)
        audit.record_event("action_added", team=assessment.team, detail=form.title.data.strip())
        return once.answered(back_to_practice(public_id, practice_id),
                             f"You added the action “{form.title.data.strip()}”.")
    return action_page(assessment, practice_id, form, action=None)


@bp.route("/assessments/<public_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@csrf.exempt  # checked by form_is_stale(), which keeps what was typed when a token expires
def edit_action(public_id: str, action_id: int) -> str | Response:
    assessment, role = finished_assessment_and_role(public_id)
    action = get_action_or_404(assessment, action_id)
    require_action_rights(action, role)
    form = ActionForm(meta={"csrf": False}, data=action_form_data(
        action.title, action.owner, action.due_date, action.status))
    if form_is_saveable(form):
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        before = action.status
        operations.update_action(action, form.details(), on=assessment,
                                 changed_by=current_user.id)
        audit.record_event("action_changed", team=assessment.team, detail=action.title + (
            f": {ACTION_STATUSES[before]} to {action.status_label}"
            if before != action.status else ""))
        return once.answered(back_to_practice(public_id, action.practice_id),
                             f"You changed the action “{action.title}”.")
    return action_page(assessment, action.practice_id, form, action=action)


@bp.route("/assessments/<public_id>/actions/<int:action_id>/remove", methods=["GET", "POST"])
def remove_action(public_id: str, action_id: int) -> str | Response:
    assessment, role = finished_assessment_and_role(public_id)
    action = get_action_or_404(assessment, action_id)
    require_action_rights(action, role)
    if request.method == "POST":
        ButtonForm().refuse_tampering()
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        deleting.delete_action(action, current_user)
        audit.record_event("action_deleted", team=assessment.team, detail=action.title)
        return once.answered(back_to_practice(public_id, action.practice_id),
                             f"You removed the action “{action.title}”. An owner can restore "
                             f"it from the team page for {DELETE_KEPT_DAYS} days.")
    found = find_practice(questionnaire_for(assessment.questionnaire_version), action.practice_id)
    return render_template("plan/remove.html", assessment=assessment, action=action,
                           practice=found[1] if found else None)


@bp.get("/assessments/<public_id>/plan.pdf")
def plan_pdf(public_id: str) -> Response:
    assessment = finished_assessment_or_redirect(
        public_id, "Finish the assessment to download your improvement plan.", VIEWER)
    from assessment.report import (
        pdf as report,  # WeasyPrint loads on the first plan, not at start-up
    )

    pdf = report.plan_pdf(assessment)
    return download(pdf, "application/pdf", assessment, "improvement-plan.pdf")


@bp.get("/assessments/<public_id>/actions.csv")
def actions_csv(public_id: str) -> Response:
    assessment = finished_assessment_or_redirect(
        public_id, "Finish the assessment to download your actions.", VIEWER)
    scored = read_model.scored_assessment(assessment)
    rows = action_rows(scored.questionnaire, scored.results,
                       read_model.assessment_actions(assessment))
    return download(exports.actions_csv(rows).encode("utf-8"), "text/csv; charset=utf-8",
                    assessment, "actions.csv")


def finished_assessment_or_redirect(
        public_id: str, message: str = "Finish the assessment to plan your actions.",
        needed: str = MEMBER,
) -> Assessment:
    """The assessment behind the link, when the user's role allows what is needed; a draft
    sends the user to its review page instead."""
    return finished_assessment_and_role(public_id, message, needed)[0]


def finished_assessment_and_role(
        public_id: str, message: str = "Finish the assessment to plan your actions.",
        needed: str = MEMBER,
) -> tuple[Assessment, str]:
    """finished_assessment_or_redirect, with the user's role in the team."""
    assessment, role = assessment_for(public_id, needed)
    if not assessment.is_finished:
        flash(message, "info")
        abort(redirect(url_for("take.review", public_id=public_id)))
    return assessment, role


def practice_or_404(assessment: Assessment, practice_id: str) -> None:
    """A practice of the questionnaire version the assessment was taken on, or 404."""
    if find_practice(questionnaire_for(assessment.questionnaire_version), practice_id) is None:
        abort(404)


def form_is_saveable(form: ActionForm) -> bool:
    """True for a sound, fresh, valid post. Tampering is a 400; a stale form is shown again."""
    if request.method != "POST":
        return False
    form.refuse_tampering()
    if form_is_stale():
        flash(STALE_FORM_MESSAGE, "warning")
        return False
    return form.validate()


def action_page(assessment: Assessment, practice_id: str, form: ActionForm,
                action: Action | None) -> str:
    """The add or change page, with the practice's scores and suggested next step."""
    scored = read_model.scored_assessment(assessment)
    questionnaire = scored.questionnaire
    weak = next((w for w in scored.results.weak_practices
                 if w.practice.practice.id == practice_id), None)
    found = find_practice(questionnaire, practice_id)
    return render_template("plan/action.html", assessment=assessment, form=form, action=action,
                           pillar=found[0] if found else None,
                           practice=found[1] if found else None, weak=weak,
                           questionnaire=questionnaire)


def back_to_practice(public_id: str, practice_id: str) -> str:
    return url_for("results.results", public_id=public_id, _anchor=f"practice-{practice_id}")


def download(body: bytes, mimetype: str, assessment: Assessment, what: str) -> Response:
    from assessment.report import pdf as report

    name = report.download_name(assessment.team.service, report.plan_date(assessment), what)
    # A GET reads in a deferred SQLite transaction; made into a write after another worker
    # wrote (a render takes seconds), it would fail at once with "database is locked". End
    # the read, then write the audit line in a transaction that waits for the write lock.
    team = assessment.team
    db.session.commit()
    database.note_writing()
    audit.record_event("export", team=team, detail=name)
    db.session.commit()
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
