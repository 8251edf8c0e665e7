"""Who may do what: a member's role in the assessment's team, checked on every request."""

from __future__ import annotations

from flask import Flask, abort
from flask_login import current_user
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import contains_eager

from assessment.extensions import db, login_manager
from assessment.store import stamps
from assessment.store.models import (
    MEMBER,
    ORG_OWNER,
    ORG_REVIEWER,
    ORG_VIEWER,
    OWNER,
    ROLE_RANK,
    VIEWER,
    Action,
    Assessment,
    Membership,
    Organization,
    OrganizationMember,
    OrganizationTeam,
    Team,
)
from assessment.store.stamps import AnySelect, Stamp

RANK = ROLE_RANK


def init_app(app: Flask) -> None:
    app.add_template_global(may_change_action)
    app.add_template_global(shows_emails)


def may_change_action(action: Action, role: str | None) -> bool:
    """Owners change and remove every action; members only the ones they added."""
    if role == OWNER:
        return True
    return (role == MEMBER and current_user.is_authenticated
            and action.created_by_id == current_user.id)


def require_action_rights(action: Action, role: str) -> None:
    if not may_change_action(action, role):
        abort(403)


def shows_emails(team: Team) -> bool:
    """People's email addresses show only to the team's members: the demo team, which anyone
    may read, shows them to no one else."""
    return not team.is_demo or role_in(team) is not None


def role_allows(role: str | None, needed: str) -> bool:
    """True when a role is at least the one needed (owner > member > viewer)."""
    return role is not None and RANK[role] >= RANK[needed]


def role_in(team: Team) -> str | None:
    """The signed-in user's role in the team, or None."""
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(select(Membership.role).where(
        Membership.team_id == team.id, Membership.user_id == current_user.id))


def require_role(team: Team, needed: str) -> str:
    """The user's role in the team when it allows what is needed; otherwise stop the request.

    Signed out: sign in first. Not a member: 404, so other teams' pages stay unknown.
    A member whose role is too low: 403. Anyone may read the demo team's assessments.
    """
    return check_role(team, role_in(team), needed)


def check_role(team: Team, role: str | None, needed: str) -> str:
    """require_role, given the user's role in the team (None: not a member)."""
    if role is None and team.is_demo and needed == VIEWER:
        return VIEWER
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if role is None:
        abort(404)
    if not role_allows(role, needed):
        abort(403)
    return role


# Built once (building a statement costs more than running it); no user_id matches no member.
_ASSESSMENT_AND_ROLE = (
    select(Assessment, Membership.role)
    .join(Assessment.team)
    .outerjoin(Membership, and_(Membership.team_id == Assessment.team_id,
                                Membership.user_id == bindparam("user_id")))
    .options(contains_eager(Assessment.team))
    .where(Assessment.public_id == bindparam("public_id")))
_TEAM_AND_ROLE = (
    select(Team, Membership.role)
    .outerjoin(Membership, and_(Membership.team_id == Team.id,
                                Membership.user_id == bindparam("user_id")))
    .where(Team.id == bindparam("team_id")))


_ASSESSMENT_ROLE_AND_PEERS = stamps.with_peer_stamp(_ASSESSMENT_AND_ROLE)
_TEAM_ROLE_AND_PEERS = stamps.with_peer_stamp(_TEAM_AND_ROLE)


def assessment_for(public_id: str, needed: str) -> tuple[Assessment, str]:
    """The assessment behind the link and the user's role, if the role allows what is needed.
    One query loads the assessment, its team and the user's membership."""
    assessment, role, _ = _assessment_row(_ASSESSMENT_AND_ROLE, public_id, needed)
    return assessment, role


def assessment_and_peer_stamp(public_id: str, needed: str) -> tuple[Assessment, str, Stamp]:
    """assessment_for, with the peer stamp (store/stamps.py) read in the same query: the
    results page is kept under it."""
    return _assessment_row(_ASSESSMENT_ROLE_AND_PEERS, public_id, needed)


def _assessment_row(statement: AnySelect, public_id: str,
                    needed: str) -> tuple[Assessment, str, Stamp]:
    user_id = current_user.id if current_user.is_authenticated else None
    row = db.session.execute(statement, {"public_id": public_id, "user_id": user_id}).one_or_none()
    if row is None:
        abort(404)
    assessment, role, *stamp = row
    return assessment, check_role(assessment.team, role, needed), tuple(stamp)


def team_or_404(team_id: int, needed: str) -> tuple[Team, str]:
    """The team and the user's role in it, if the role allows what is needed (one query)."""
    team, role, _ = _team_row(_TEAM_AND_ROLE, team_id, needed)
    return team, role


def team_and_peer_stamp(team_id: int, needed: str) -> tuple[Team, str, Stamp]:
    """team_or_404, with the peer stamp read in the same query: the history page is kept
    under it."""
    return _team_row(_TEAM_ROLE_AND_PEERS, team_id, needed)


def _team_row(statement: AnySelect, team_id: int, needed: str) -> tuple[Team, str, Stamp]:
    user_id = current_user.id if current_user.is_authenticated else None
    row = db.session.execute(statement, {"team_id": team_id, "user_id": user_id}).one_or_none()
    if row is None:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(404)
    team, role, *stamp = row
    return team, check_role(team, role, needed), tuple(stamp)


# An organization's people: owners manage it, reviewers validate, viewers read.
ORG_RANK = {ORG_VIEWER: 1, ORG_REVIEWER: 2, ORG_OWNER: 3}
_ORGANIZATION_AND_ROLE = (
    select(Organization, OrganizationMember.role)
    .outerjoin(OrganizationMember, and_(
        OrganizationMember.organization_id == Organization.id,
        OrganizationMember.user_id == bindparam("user_id")))
    .where(Organization.id == bindparam("organization_id")))


def organization_or_404(organization_id: int, needed: str) -> tuple[Organization, str]:
    """The organization and the user's role in it, if the role allows what is needed (one
    query). Signed out: sign in first. Not in it: 404, so other organizations stay unknown.
    A role too low: 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    row = db.session.execute(_ORGANIZATION_AND_ROLE, {
        "organization_id": organization_id, "user_id": current_user.id}).one_or_none()
    if row is None or row[1] is None:
        abort(404)
    organization, role = row
    if ORG_RANK[role] < ORG_RANK[needed]:
        abort(403)
    return organization, role


def organization_team_or_404(organization: Organization, team_id: int) -> OrganizationTeam:
    """A team in the organization or one of its bureaus, as the organization sees it (its own
    link first); any other team is unknown."""
    from assessment.store.portfolio import with_bureaus

    link = db.session.scalar(select(OrganizationTeam).where(
        OrganizationTeam.organization_id.in_(with_bureaus(organization)),
        OrganizationTeam.team_id == team_id)
        .order_by(OrganizationTeam.organization_id != organization.id).limit(1))
    if link is None:
        abort(404)
    return link
