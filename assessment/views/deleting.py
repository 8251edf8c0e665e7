"""Deleting safely: a page that asks first, 30 days to restore, and an entry in the audit log.
Deleting an account is for good, once its teams have another owner."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db
from assessment.store import accounts, audit, deleting
from assessment.store.models import OWNER, Action, Assessment, Team
from assessment.store.soft_delete import DELETE_KEPT_DAYS
from assessment.store.sso import has_password
from assessment.web import auth, once, recent
from assessment.web.access import assessment_for, team_or_404
from assessment.web.account_forms import DeleteAccountForm
from assessment.web.strict_form import ButtonForm

bp = Blueprint("deleting", __name__)


@bp.route("/assessments/<public_id>/delete", methods=["GET", "POST"])
def delete_assessment(public_id: str) -> str | Response:
    assessment, _ = assessment_for(public_id, OWNER)
    team = assessment.team
    if request.method == "POST":
        ButtonForm().refuse_tampering()
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        deleting.delete_assessment(assessment, current_user)
        audit.record_event("assessment_deleted", team=team,
                           detail=f"the assessment {assessment.dated.phrase}")
        return once.answered(url_for("team.team", team_id=team.id),
                             f"You deleted the assessment {assessment.dated.phrase}. You can "
                             f"restore it under “Recently deleted” for {DELETE_KEPT_DAYS} days.")
    return render_template("deleting/confirm.html", what=f"the assessment "
                           f"{assessment.dated.phrase}", team=team, kind="assessment",
                           back=url_for("team.team", team_id=team.id), days=DELETE_KEPT_DAYS)


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
def delete_team(team_id: int) -> str | Response:
    team, _ = team_or_404(team_id, OWNER)
    if request.method == "POST":
        ButtonForm().refuse_tampering()
        if (earlier := once.earlier_answer()) is not None:
            return earlier
        if (ask := recent.confirm_first(f"delete the team for {team.service}")) is not None:
            return ask
        deleting.delete_team(team, current_user)
        audit.record_event("team_deleted", team=team, detail=team.service)
        return once.answered(url_for(".recently_deleted_teams"),
                             f"You deleted the team for {team.service}. You can restore it "
                             f"here for {DELETE_KEPT_DAYS} days.")
    return render_template("deleting/confirm.html", what=f"the team for {team.service}",
                           team=team, kind="team", back=url_for("team.team", team_id=team.id),
                           days=DELETE_KEPT_DAYS)


@bp.post("/teams/<int:team_id>/deleted/assessments/<int:assessment_id>/restore")
def restore_assessment(team_id: int, assessment_id: int) -> Response:
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    assessment = deleting.deleted_one(Assessment, assessment_id, team.id)
    if not isinstance(assessment, Assessment):
        abort(404)
    deleting.restore_assessment(assessment)
    audit.record_event("assessment_restored", team=team,
                       detail=f"the assessment {assessment.dated.phrase}")
    db.session.commit()
    flash(f"You restored the assessment {assessment.dated.phrase}.", "success")
    return redirect(url_for("team.team", team_id=team.id))


@bp.post("/teams/<int:team_id>/deleted/actions/<int:action_id>/restore")
def restore_action(team_id: int, action_id: int) -> Response:
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    action = deleting.deleted_one(Action, action_id, team.id)
    if not isinstance(action, Action):
        abort(404)
    deleting.restore_action(action)
    audit.record_event("action_restored", team=team, detail=action.title)
    db.session.commit()
    flash(f"You restored the action “{action.title}”.", "success")
    return redirect(url_for("team.team", team_id=team.id))


@bp.get("/teams/deleted")
@login_required
def recently_deleted_teams() -> str:
    """Teams you own that were deleted and can still be restored."""
    return render_template("deleting/teams.html", teams=deleting.deleted_teams_of(current_user),
                           kept_until=deleting.kept_until, days=DELETE_KEPT_DAYS)


@bp.post("/teams/deleted/<int:team_id>/restore")
@login_required
def restore_team(team_id: int) -> Response:
    ButtonForm().refuse_tampering()
    team = next((t for t in deleting.deleted_teams_of(current_user) if t.id == team_id), None)
    if not isinstance(team, Team):
        abort(404)
    deleting.restore_team(team)
    audit.record_event("team_restored", team=team, detail=team.service)
    db.session.commit()
    flash(f"You restored the team for {team.service}.", "success")
    return redirect(url_for("team.team", team_id=team.id))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> str | Response | tuple[str, int]:
    """Delete your own account, after your password. The only owner of a team hands it over
    (or deletes the team) first."""
    form = DeleteAccountForm()
    blocking = deleting.teams_only_owned_by(current_user)
    with_password = has_password(current_user)
    if form.validate_on_submit() and not blocking:  # a tampered post gets its 400 first
        if with_password and not accounts.password_matches(current_user.password_hash,
                                                           form.password.data or ""):
            form.password.errors = [*form.password.errors,
                                    "That is not your password. Your account is not deleted."
                                    if form.password.data else
                                    "Enter your password to delete your account."]
            return render_template("deleting/account.html", form=form, blocking=blocking,
                                   with_password=with_password), 400
        if not with_password and (asked := recent.confirm_first("delete your account")):
            return asked  # no password: a recent sign-in at the provider says it is them
        user = current_user._get_current_object()
        audit.record_event("account_deleted", user=user)
        auth.sign_out()
        deleting.delete_account(user)
        db.session.commit()
        flash("Your account is deleted. Thank you for using the self-assessment.", "success")
        return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("deleting/account.html", form=form, blocking=blocking,
                           with_password=with_password), status
