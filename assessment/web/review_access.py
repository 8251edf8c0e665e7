"""Who may review a team's answers: an owner or reviewer of an organization the team belongs
to. Reviewers are not team members: the team's own pages stay closed to them (web/access.py);
they see only the review page of a finished assessment."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnExpressionArgument, Exists, bindparam, exists, select

from assessment.extensions import db, login_manager
from assessment.store.models import (
    ORG_OWNER,
    ORG_REVIEWER,
    Assessment,
    Organization,
    OrganizationMember,
    OrganizationTeam,
    Team,
)

REVIEWER_ROLES = (ORG_OWNER, ORG_REVIEWER)


# Built once (every pillar page asks, cached or not): is the team in an organization that
# requires evidence? The first organization row found says so.
_EVIDENCE_REQUIRED = (
    select(Organization.id)
    .join(OrganizationTeam, OrganizationTeam.organization_id == Organization.id)
    .where(OrganizationTeam.team_id == bindparam("team_id"),
           Organization.requires_evidence.is_(True))
    .limit(1))


def evidence_required(team: Team) -> bool:
    """True when the team belongs to an organization that requires evidence at levels 4-5."""
    return db.session.execute(_EVIDENCE_REQUIRED, {"team_id": team.id}).first() is not None


def _reviews_team(team_id: int | ColumnExpressionArgument[int], user_id: int) -> Exists:
    """The condition: the user reviews (or owns) an organization the team belongs to."""
    return exists().where(OrganizationTeam.team_id == team_id,
                          OrganizationMember.organization_id == OrganizationTeam.organization_id,
                          OrganizationMember.user_id == user_id,
                          OrganizationMember.role.in_(REVIEWER_ROLES))


def may_review(team: Team) -> bool:
    """True when the signed-in user may review the team's finished assessments."""
    if not current_user.is_authenticated:
        return False
    return bool(db.session.scalar(select(_reviews_team(team.id, current_user.id))))


def reviews_for_an_organization() -> bool:
    """True when the signed-in user reviews (or owns) an organization: "Your work" links them
    to the assessments to review."""
    return bool(db.session.scalar(select(exists().where(
        OrganizationMember.user_id == current_user.id,
        OrganizationMember.role.in_(REVIEWER_ROLES)))))


def assessment_to_review(public_id: str) -> Assessment:
    """The assessment behind the link, when the signed-in user may review it. Signed out: sign
    in first. Anyone else: 404, so other teams' assessments stay unknown."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.public_id == public_id,
                                 _reviews_team(Assessment.team_id, current_user.id)))
    if assessment is None:
        abort(404)
    return assessment


def assessments_to_review() -> list[Assessment]:
    """The finished assessments of every team in the organizations the user reviews or owns,
    newest first (one query)."""
    return list(db.session.scalars(
        select(Assessment).join(Team)
        .where(Assessment.finished_at.is_not(None),
               _reviews_team(Assessment.team_id, current_user.id))
        .order_by(Team.service, Assessment.started_at.desc(), Assessment.id.desc())))
