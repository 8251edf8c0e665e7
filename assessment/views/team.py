"""Teams: the teams you belong to, members and roles, invite links, and new assessments."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db
from assessment.store import audit, deleting, organizations, starting, teams
from assessment.store.models import OWNER, ROLES, VIEWER, Invite, Membership, Team, utcnow
from assessment.views.common import current_questionnaire
from assessment.web import invite_mail, once, recent
from assessment.web.access import role_in, team_or_404
from assessment.web.account_forms import InviteAnswerForm, InviteForm, RoleForm
from assessment.web.mail import Delivery
from assessment.web.strict_form import ButtonForm

bp = Blueprint("team", __name__)


@bp.get("/teams")
@login_required
def index() -> str:
    return render_template("team/index.html", memberships=teams.teams_of(current_user),
                           invites=teams.invites_for(current_user), roles=ROLES)


@bp.post("/teams/invites")
@login_required
def answer_invite() -> Response:
    """Accept or ignore an invite made for your email address (by an import)."""
    form = InviteAnswerForm()
    if not form.validate():
        abort(400, description="The form did not say which invite to answer, or how.")
    choice = form.answer.data
    invite = teams.waiting_invite(int(form.invite.data), current_user)
    if invite is None:
        abort(404)
    team = invite.team
    if choice == "ignore":
        teams.ignore_invite(invite)
        audit.record_event("invite_ignored", team=team)
        db.session.commit()
        flash(f"You ignored the invite to the team for {team.service}.", "success")
        return redirect(url_for(".index"))
    return join_by_invite(invite)


def join_by_invite(invite: Invite) -> Response:
    """Accept an invite for the signed-in user: to the team's page, or back to Your teams with
    why not (the invite was used meanwhile, or its maker no longer holds its role)."""
    try:
        membership = teams.accept_invite(invite, current_user)
    except teams.TeamError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".index"))
    audit.record_event("invite_accepted", team=invite.team, detail=f"as {membership.role}")
    db.session.commit()
    flash(f"You joined the team for {invite.team.service}.", "success")
    return redirect(url_for(".team", team_id=membership.team_id))


@bp.get("/teams/<int:team_id>")
def team(team_id: int) -> str:
    team, role = team_or_404(team_id, VIEWER)
    return render_team(team, role, InviteForm())


def render_team(team: Team, role: str, invite_form: InviteForm) -> str:
    return render_template("team/team.html", team=team, role=role, roles=ROLES,
                           owner=OWNER, is_member=role_in(team) is not None,
                           invite_form=invite_form,
                           invites=teams.invites_of_team(team) if role == OWNER else [],
                           now=utcnow(), organization_links=organizations.links_of_team(team),
                           deleted=deleting.recently_deleted(team) if role == OWNER else [])


@bp.post("/teams/<int:team_id>/invites")
def invite(team_id: int) -> str | Response | tuple[str, int]:
    team, role = team_or_404(team_id, OWNER)
    form = InviteForm()
    if not form.validate():
        return render_team(team, role, form), 400
    if (earlier := once.earlier_answer()) is not None:
        return earlier
    email = form.email.data or None
    token = teams.create_invite(team, form.role.data, current_user, email)
    link = invite_mail.link_for(token)
    invite = teams.invite_by_token(token)
    delivery = invite_mail.send_invite(invite, email, link, current_user) \
        if email and invite else None
    audit.record_event("invite_created", team=team, detail=f"role {form.role.data}" + (
        "" if delivery is None else f", emailed to {email}" if delivery == Delivery.SENT
        else f", for {email}, not emailed ({delivery.value})"))
    # The link shows once; the same form posted again makes no second link.
    once.remember(url_for(".team", team_id=team.id), "You made that invite link a moment ago. "
                  "Use the link shown then, or make a new one.", "info")
    db.session.commit()
    return render_template("team/invite_created.html", team=team, role=ROLES[form.role.data],
                           link=link, email=email, delivery=delivery, deliveries=Delivery,
                           days=teams.INVITE_DAYS)


@bp.post("/teams/<int:team_id>/invites/<int:invite_id>/revoke")
def revoke_invite(team_id: int, invite_id: int) -> Response:
    """An owner takes back an invite (or clears an expired one from the list)."""
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    back = redirect(url_for(".team", team_id=team.id, _anchor="invites"))
    invite = teams.invite_of_team(team, invite_id)
    if invite is None:
        flash("That invite was already used or revoked.", "info")
        return back
    role, email = invite.role, invite.email
    expired = teams.why_invite_fails(invite) == teams.EXPIRED
    if not teams.revoke_invite(invite):  # revoked or used meanwhile
        db.session.rollback()
        flash("That invite was already used or revoked.", "info")
        return back
    audit.record_event("invite_revoked", team=team, detail=f"role {role}, " + (
        f"for {email}" if email else "link") + (", expired" if expired else ""))
    db.session.commit()
    whom = f"for {email}" if email else f"link for a {ROLES[role].lower()}"
    flash(f"You removed the expired invite {whom}." if expired else
          f"You revoked the invite {whom}. Its link no longer works.", "success")
    return back


@bp.post("/teams/<int:team_id>/members/<int:membership_id>/role")
def change_role(team_id: int, membership_id: int) -> str | Response:
    team, _ = team_or_404(team_id, OWNER)
    form = RoleForm()
    form.refuse_tampering()
    membership = membership_or_404(team, membership_id)
    new_role = ROLES.get(form.role.data or "", "another role").lower()
    a_role = f"an {new_role}" if new_role[0] in "aeiou" else f"a {new_role}"
    if (ask := recent.confirm_first(f"make {membership.user.email} {a_role}")) is not None:
        return ask
    before = membership.role
    try:
        teams.change_role(membership, form.role.data)
    except teams.TeamError as error:
        db.session.rollback()
        audit.record_event("role_changed", team=team, outcome=audit.FAILURE,
                           detail=f"{membership.user.email}: {before} to {form.role.data}")
        db.session.commit()
        flash(str(error), "error")
    else:
        audit.record_event("role_changed", team=team,
                           detail=f"{membership.user.email}: {before} to {membership.role}")
        db.session.commit()
        flash(f"{membership.user.email} is now a {membership.role_label.lower()}.", "success")
    return redirect(url_for(".team", team_id=team.id))


@bp.post("/teams/<int:team_id>/members/<int:membership_id>/remove")
def remove_member(team_id: int, membership_id: int) -> Response:
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    membership = membership_or_404(team, membership_id)
    email = membership.user.email
    if membership.user_id == current_user.id:
        return leave(team_id)
    if refused := _remove_or_explain(membership, teams.remove_from_team):
        return refused
    audit.record_event("member_removed", team=team, detail=email)
    db.session.commit()
    flash(f"You removed {email} from the team. The answers they gave stay in your "
          "assessments.", "success")
    return redirect(url_for(".team", team_id=team.id))


@bp.post("/teams/<int:team_id>/leave")
@login_required  # the demo team lets anyone read it, but only its members can leave it
def leave(team_id: int) -> Response:
    """Leave a team you belong to; its last owner cannot."""
    team, _ = team_or_404(team_id, VIEWER)
    ButtonForm().refuse_tampering()
    membership = teams.membership_of(team, current_user)
    if membership is None:  # the demo team, read without being in it
        abort(404)
    if refused := _remove_or_explain(membership):
        return refused
    audit.record_event("member_left", team=team)
    db.session.commit()
    flash(f"You left the team for {team.service}.", "success")
    return redirect(url_for(".index"))


def _remove_or_explain(membership: Membership,
                       remove: Callable[[Membership], None] = teams.remove_member,
                       ) -> Response | None:
    """Take the member off the team; when the rules forbid it (the last owner), say why on
    the team page instead."""
    team_id = membership.team_id
    try:
        remove(membership)
    except teams.TeamError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".team", team_id=team_id))
    return None


@bp.get("/teams/<int:team_id>/audit")
def audit_log(team_id: int) -> str:
    """What happened in the team, newest first: for owners only."""
    team, _ = team_or_404(team_id, OWNER)
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    return render_template("team/audit.html", team=team, rows=audit.log_rows(team, zone),
                           zone=zone)


@bp.post("/teams/<int:team_id>/assessments")
def start_assessment(team_id: int) -> Response:
    """Start the team's next assessment; while one is in progress, continue that one."""
    team, _ = team_or_404(team_id, OWNER)
    ButtonForm().refuse_tampering()
    if (earlier := once.earlier_answer()) is not None:
        return earlier
    assessment, started = starting.start_next_assessment(current_questionnaire(), team)
    if started:
        audit.record_event("assessment_started", team=team)
    return once.answered(
        url_for("take.resume", public_id=assessment.public_id),
        "" if started else f"The team for {team.service} already has an assessment in "
        "progress. Continue it here.", "info")


@bp.get("/invites/<token>")
def invite_page(token: str) -> str | tuple[str, int]:
    """Where an invite link lands: the team, who invited you and the role; signed out, sign in
    or create an account and come back here; a link that no longer works says why."""
    invite = teams.invite_by_token(token)
    problem = "unknown" if invite is None else teams.why_invite_fails(invite)
    if invite is None or problem is not None:
        return invite_gone(invite, problem)
    here = url_for(".invite_page", token=token)
    return render_template("team/join.html", invite=invite, role=ROLES[invite.role],
                           token=token, here=here, membership=(
                               teams.membership_of(invite.team, current_user)
                               if current_user.is_authenticated else None))


@bp.post("/invites/<token>")
@login_required
def join(token: str) -> str | tuple[str, int] | Response:
    ButtonForm().refuse_tampering()
    invite = teams.invite_by_token(token)
    if invite is None or (problem := teams.why_invite_fails(invite)) is not None:
        return invite_gone(invite, "unknown" if invite is None else problem)
    return join_by_invite(invite)


def invite_gone(invite: Invite | None, problem: str | None) -> tuple[str, int]:
    """The page for a link that does not work: never made or revoked (404); used, expired or
    withdrawn (410, naming the team so the visitor can ask for a new one)."""
    return render_template("team/invite_gone.html", invite=invite, problem=problem,
                           role=ROLES[invite.role] if invite else None), \
        404 if invite is None else 410


def membership_or_404(team: Team, membership_id: int) -> Membership:
    """A membership of this team; one of another team is as unknown as one that never was."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.team_id != team.id:
        abort(404)
    return membership

