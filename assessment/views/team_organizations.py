"""A team's side of an organization: the invite link's page, joining with one of the teams you
own, leaving, and choosing whether the organization sees your answers and notes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db
from assessment.store import audit
from assessment.store import organizations as orgs
from assessment.store.models import OWNER, Organization
from assessment.web.access import team_or_404
from assessment.web.organization_forms import JoinForm, SharingForm
from assessment.web.strict_form import ButtonForm

bp = Blueprint("team_organizations", __name__)


@bp.get("/organization-invites/<invite_token>")
def invite_page(invite_token: str) -> str | tuple[str, int]:
    """Where a team owner lands: which organization, what it will see, and which of your
    teams joins. Signed out: sign in and come back."""
    invite = orgs.invite_by_token(invite_token)
    problem = "unknown" if invite is None else orgs.why_invite_fails(invite)
    if invite is None or problem is not None:
        return invite_gone(problem)
    form = join_form(invite.organization)
    return render_template("organizations/join.html", invite=invite, form=form,
                           invite_token=invite_token,
                           here=url_for(".invite_page", invite_token=invite_token))


def join_form(organization: Organization) -> JoinForm:
    form = JoinForm()
    if current_user.is_authenticated:
        form.team.choices = [(str(t.id), f"{t.service}, {t.office}")
                             for t in orgs.teams_to_offer(current_user, organization)]
    else:
        form.team.choices = []
    return form


@bp.post("/organization-invites/<invite_token>")
@login_required
def join(invite_token: str) -> str | Response | tuple[str, int]:
    invite = orgs.invite_by_token(invite_token)
    if invite is None or (problem := orgs.why_invite_fails(invite)) is not None:
        return invite_gone("unknown" if invite is None else problem)
    form = join_form(invite.organization)
    if not form.validate():
        return render_template("organizations/join.html", invite=invite, form=form,
                               invite_token=invite_token,
                               here=url_for(".invite_page", invite_token=invite_token)), 400
    team, _ = team_or_404(int(form.team.data), OWNER)
    try:
        orgs.accept_invite(invite, team, current_user)
    except orgs.OrganizationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("team.team", team_id=team.id))
    audit.record_event("org_joined", team=team,
                       detail=f"organization {invite.organization_id}: "
                              f"{invite.organization.name}; team {team.service}")
    db.session.commit()
    flash(f"The team for {team.service} joined {invite.organization.name}. It sees your "
          "finished scores, plans and actions, not your answers or notes.", "success")
    return redirect(url_for("team.team", team_id=team.id, _anchor="organizations"))


def invite_gone(problem: str | None) -> tuple[str, int]:
    """A link that does not work: never made (404); used, expired or withdrawn (410)."""
    return render_template("organizations/invite_gone.html", problem=problem), \
        404 if problem == "unknown" else 410


@bp.post("/teams/<int:team_id>/organizations/<int:organization_id>/leave")
def leave(team_id: int, organization_id: int) -> Response:
    """A team's owner takes the team out of an organization."""
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    link = orgs.link_of(team, organization_id)
    if link is None:
        abort(404)
    name = link.organization.name
    orgs.leave_organization(link)
    audit.record_event("org_left", team=team,
                       detail=f"organization {organization_id}: {name}; team {team.service}")
    db.session.commit()
    flash(f"The team for {team.service} left {name}. It no longer sees your team.", "success")
    return redirect(url_for("team.team", team_id=team.id, _anchor="organizations"))


@bp.post("/teams/<int:team_id>/organizations/<int:organization_id>/sharing")
def sharing(team_id: int, organization_id: int) -> Response:
    """A team's owner chooses whether the organization sees answers and notes."""
    team, _ = team_or_404(team_id, OWNER)
    form = SharingForm()
    form.refuse_tampering()
    link = orgs.link_of(team, organization_id)
    if link is None:
        abort(404)
    if not form.validate():
        flash("Choose whether the organization sees your answers and notes.", "error")
        return redirect(url_for("team.team", team_id=team.id, _anchor="organizations"))
    shares = form.shares.data == "yes"
    if shares != link.shares_answers:
        orgs.set_sharing(link, shares)
        audit.record_event("org_sharing_changed", team=team, detail=(
            f"organization {organization_id}: team {team.service}, answers and notes "
            + ("shared" if shares else "not shared")))
        db.session.commit()
    flash(f"{link.organization.name} {'sees' if shares else 'does not see'} your answers and "
          "notes.", "success")
    return redirect(url_for("team.team", team_id=team.id, _anchor="organizations"))

