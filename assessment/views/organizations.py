"""Organizations: make one, see its audit log, manage its people, and make invite links for
teams (views/team_organizations.py is the team's side: join, leave, share)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug import Response

from assessment.extensions import db
from assessment.store import audit
from assessment.store import organizations as orgs
from assessment.store.models import (
    ORG_OWNER,
    ORG_ROLES,
    Organization,
    OrganizationMember,
    utcnow,
)
from assessment.web import once
from assessment.web.access import organization_or_404
from assessment.web.organization_forms import (
    OrganizationForm,
    OrganizationRoleForm,
    PersonForm,
)
from assessment.web.strict_form import ButtonForm

bp = Blueprint("organizations", __name__)


def organization_form(form: OrganizationForm | None = None) -> OrganizationForm:
    """The form to make an organization; its parent is one you own, or none."""
    form = form or OrganizationForm()
    form.parent.choices = [("", "Nothing: it is a department or an agency")] + [
        (str(p.organization_id), p.organization.name)
        for p in orgs.organizations_of(current_user) if p.role == ORG_OWNER]
    return form


@bp.get("/organizations")
@login_required
def index() -> str:
    return render_template("organizations/index.html", form=organization_form(),
                           places=orgs.organizations_of(current_user), roles=ORG_ROLES)


@bp.post("/organizations")
@login_required
def create() -> str | Response | tuple[str, int]:
    form = organization_form()
    if not form.validate():
        return render_template("organizations/index.html", form=form, roles=ORG_ROLES,
                               places=orgs.organizations_of(current_user)), 400
    if (earlier := once.earlier_answer()) is not None:
        return earlier
    parent = db.session.get(Organization, int(form.parent.data)) if form.parent.data else None
    organization = orgs.create_organization(form.name.data, current_user, parent)
    audit.record_event("org_created", detail=f"organization {organization.id}: "
                                             f"{organization.name}")
    return once.answered(url_for("portfolio.portfolio", organization_id=organization.id),
                         f"You made {organization.name}. Invite its teams from People and "
                         "teams.")


@bp.get("/organizations/<int:organization_id>/audit")
def audit_log(organization_id: int) -> str:
    """What happened in the organization, newest first: for its owners only."""
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    return render_template("organizations/audit.html", organization=organization, zone=zone,
                           rows=audit.organization_log_rows(organization.id, zone))


@bp.get("/organizations/<int:organization_id>/people")
def people(organization_id: int) -> str:
    organization, role = organization_or_404(organization_id, ORG_OWNER)
    return render_people(organization, PersonForm())


def render_people(organization: Organization, form: PersonForm) -> str:
    return render_template("organizations/people.html", organization=organization,
                           form=form, roles=ORG_ROLES, days=orgs.INVITE_DAYS,
                           invites=orgs.open_invites(organization), now=utcnow(),
                           expired_days=orgs.EXPIRED_SHOWN_DAYS)


@bp.post("/organizations/<int:organization_id>/people")
def add_person(organization_id: int) -> str | Response | tuple[str, int]:
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    form = PersonForm()
    if not form.validate():
        return render_people(organization, form), 400
    try:
        person = orgs.add_person(organization, form.email.data, form.role.data)
    except orgs.OrganizationError as error:
        db.session.rollback()
        form.email.errors = [str(error)]
        return render_people(organization, form), 400
    audit.record_event("org_person_added", detail=f"organization {organization.id}: "
                                                  f"{person.user.email} as {person.role}")
    db.session.commit()
    flash(f"{person.user.email} is now a {ORG_ROLES[person.role].lower()} of "
          f"{organization.name}.", "success")
    return redirect(url_for(".people", organization_id=organization.id))


@bp.post("/organizations/<int:organization_id>/people/<int:person_id>/role")
def change_role(organization_id: int, person_id: int) -> Response:
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    form = OrganizationRoleForm()
    form.refuse_tampering()
    person = person_or_404(organization, person_id)
    before, email = person.role, person.user.email
    try:
        orgs.change_person_role(person, form.role.data)
    except orgs.OrganizationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".people", organization_id=organization.id))
    audit.record_event("org_role_changed", detail=f"organization {organization.id}: "
                                                  f"{email}: {before} to {person.role}")
    db.session.commit()
    flash(f"{email} is now a {ORG_ROLES[person.role].lower()}.", "success")
    return redirect(url_for(".people", organization_id=organization.id))


@bp.post("/organizations/<int:organization_id>/people/<int:person_id>/remove")
def remove_person(organization_id: int, person_id: int) -> Response:
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    ButtonForm().refuse_tampering()
    person = person_or_404(organization, person_id)
    email = person.user.email
    try:
        orgs.remove_person(person)
    except orgs.OrganizationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".people", organization_id=organization.id))
    audit.record_event("org_person_removed", detail=f"organization {organization.id}: {email}")
    db.session.commit()
    flash(f"You removed {email} from {organization.name}.", "success")
    if email == current_user.email:
        return redirect(url_for(".index"))
    return redirect(url_for(".people", organization_id=organization.id))


def person_or_404(organization: Organization, person_id: int) -> OrganizationMember:
    """Someone in this organization; anyone else is as unknown as someone who never was."""
    person = db.session.get(OrganizationMember, person_id)
    if person is None or person.organization_id != organization.id:
        abort(404)
    return person


@bp.post("/organizations/<int:organization_id>/invites")
def invite(organization_id: int) -> str | Response:
    """A link for a team's owner: shown once, never stored (only its hash is)."""
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    ButtonForm().refuse_tampering()
    if (earlier := once.earlier_answer()) is not None:
        return earlier
    token = orgs.create_invite(organization, current_user)
    audit.record_event("org_invite_created",
                       detail=f"organization {organization.id}: a link for a team")
    once.remember(url_for(".people", organization_id=organization.id),
                  "You made that invite link a moment ago. Use the link shown then, or make "
                  "a new one.", "info")
    db.session.commit()
    link = url_for("team_organizations.invite_page", invite_token=token, _external=True)
    return render_template("organizations/invite_created.html", organization=organization,
                           link=link, days=orgs.INVITE_DAYS)


@bp.post("/organizations/<int:organization_id>/invites/<int:invite_id>/withdraw")
def withdraw_invite(organization_id: int, invite_id: int) -> Response:
    """An owner takes back an invite link (or clears an expired one from the list)."""
    organization, _ = organization_or_404(organization_id, ORG_OWNER)
    ButtonForm().refuse_tampering()
    back = redirect(url_for(".people", organization_id=organization.id, _anchor="invites"))
    invite = orgs.invite_of(organization, invite_id)
    if invite is None or orgs.why_invite_fails(invite) in (orgs.USED, orgs.WITHDRAWN):
        flash("That invite link was already used or withdrawn.", "info")
        return back
    expired = orgs.why_invite_fails(invite) == orgs.EXPIRED
    made = invite.created_at
    if not orgs.withdraw_invite(invite):  # used or withdrawn meanwhile
        db.session.rollback()
        flash("That invite link was already used or withdrawn.", "info")
        return back
    audit.record_event("org_invite_withdrawn", detail=f"organization {organization.id}: a link "
                       f"made {made:%Y-%m-%d %H:%M} UTC" + (", expired" if expired else ""))
    db.session.commit()
    flash("You removed the expired invite link." if expired else
          "You withdrew the invite link. It no longer works.", "success")
    return back
