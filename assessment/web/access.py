"""Who may do what: a member's role in the assessment's team, checked on every request."""

from __future__ import annotations

from flask import Flask, abort
from flask_login import current_user
from sqlalchemy import and_, false, select
from sqlalchemy.orm import contains_eager

from assessment.extensions import db, login_manager
from assessment.store.models import (
    MEMBER,
    OWNER,
    ROLE_RANK,
    VIEWER,
    Action,
    Assessment,
    Membership,
    Team,
)

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


def assessment_for(public_id: str, needed: str) -> tuple[Assessment, str]:
    """The assessment behind the link and the user's role, if the role allows what is needed.
    One query loads the assessment, its team and the user's membership."""
    user_id = current_user.id if current_user.is_authenticated else None
    is_member = and_(Membership.team_id == Assessment.team_id, Membership.user_id == user_id) \
        if user_id is not None else false()
    row = db.session.execute(
        select(Assessment, Membership.role)
        .join(Assessment.team)
        .outerjoin(Membership, is_member)
        .options(contains_eager(Assessment.team))
        .where(Assessment.public_id == public_id)
    ).one_or_none()
    if row is None:
        abort(404)
    assessment, role = row
    return assessment, check_role(assessment.team, role, needed)


def team_or_404(team_id: int, needed: str) -> tuple[Team, str]:
    team = db.session.get(Team, team_id)
    if team is None:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(404)
    return team, require_role(team, needed)
