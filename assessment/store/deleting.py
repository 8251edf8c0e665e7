"""Deleting that can be undone: a team, an assessment or an action is marked deleted (hidden
everywhere, see store/soft_delete.py), can be restored by the team's owners for
DELETE_KEPT_DAYS, and is then purged for good. Deleting an account is for good at once.
They flush; the request (or command) commits once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased

from assessment.extensions import db
from assessment.store.models import (
    OWNER,
    Action,
    Assessment,
    Invite,
    Membership,
    Team,
    User,
    utcnow,
)
from assessment.store.soft_delete import DELETE_KEPT_DAYS, INCLUDE_DELETED, purge_before


class DeleteError(Exception):
    """A delete the rules refuse, with the words to tell the user why."""


def delete_action(action: Action, by: User | None) -> None:
    """Take an action out of the plan, for DELETE_KEPT_DAYS days at least."""
    action.deleted_at, action.deleted_by_id = utcnow(), by.id if by else None
    db.session.flush()


def delete_assessment(assessment: Assessment, by: User | None) -> None:
    """Hide an assessment and everything in it (answers, targets, its plan)."""
    assessment.deleted_at, assessment.deleted_by_id = utcnow(), by.id if by else None
    db.session.flush()


def delete_team(team: Team, by: User | None) -> None:
    """Hide a team and its assessments. Its assessments are marked with the team's own moment,
    so restoring the team brings back those and not ones deleted before it."""
    now = utcnow()
    team.deleted_at, team.deleted_by_id = now, by.id if by else None
    db.session.execute(update(Assessment).where(Assessment.team_id == team.id,
                                                Assessment.deleted_at.is_(None))
                       .values(deleted_at=now, deleted_by_id=team.deleted_by_id))
    db.session.flush()


def restore_action(action: Action) -> None:
    action.deleted_at = action.deleted_by_id = None
    db.session.flush()


def restore_assessment(assessment: Assessment) -> None:
    assessment.deleted_at = assessment.deleted_by_id = None
    assessment.updated_at = utcnow()  # a new cache key: see store/read_model.py
    db.session.flush()


def restore_team(team: Team) -> None:
    """Bring back a team and the assessments deleted with it."""
    db.session.execute(update(Assessment).where(Assessment.team_id == team.id,
                                                Assessment.deleted_at == team.deleted_at)
                       .values(deleted_at=None, deleted_by_id=None)
                       .execution_options(synchronize_session=False))
    team.deleted_at = team.deleted_by_id = None
    db.session.flush()


@dataclass(frozen=True)
class Deleted:
    """Something deleted that can still be restored: what, when, by whom, until when."""

    kind: str  # "assessment" or "action"
    id: int
    what: str
    deleted_at: dt.datetime
    deleted_by: str  # an email address, or "" when not known
    kept_until: dt.datetime


def kept_until(deleted_at: dt.datetime) -> dt.datetime:
    return deleted_at + dt.timedelta(days=DELETE_KEPT_DAYS)


def recently_deleted(team: Team) -> list[Deleted]:
    """The team's deleted assessments and actions that can still be restored, newest first.
    Assessments deleted with a deleted team come back with the team, so are not listed."""
    cutoff = purge_before(utcnow())
    found = []
    for assessment, email in db.session.execute(
            select(Assessment, User.email).outerjoin(User, User.id == Assessment.deleted_by_id)
            .where(Assessment.team_id == team.id, Assessment.deleted_at > cutoff)
            .execution_options(**{INCLUDE_DELETED: True})):
        found.append(_deleted("assessment", assessment.id,
                              f"The assessment {assessment.dated.phrase}",
                              assessment.deleted_at, email))
    for action, email in db.session.execute(
            select(Action, User.email).outerjoin(User, User.id == Action.deleted_by_id)
            .where(Action.team_id == team.id, Action.deleted_at > cutoff)
            .execution_options(**{INCLUDE_DELETED: True})):
        found.append(_deleted("action", action.id, f"The action “{action.title}”",
                              action.deleted_at, email))
    return sorted(found, key=lambda d: d.deleted_at, reverse=True)


def _deleted(kind: str, row_id: int, what: str, at: dt.datetime | None,
             email: str | None) -> Deleted:
    assert at is not None  # only deleted rows are listed
    return Deleted(kind, row_id, what, at, email or "", kept_until(at))


def deleted_teams_of(user: User) -> list[Team]:
    """Teams the user owns that are deleted and can still be restored, newest first."""
    return list(db.session.scalars(
        select(Team).join(Membership).where(
            Membership.user_id == user.id, Membership.role == OWNER,
            Team.deleted_at > purge_before(utcnow()))
        .order_by(Team.deleted_at.desc()).execution_options(**{INCLUDE_DELETED: True})))


def deleted_one(model: type[Team] | type[Assessment] | type[Action], row_id: int,
                team_id: int | None = None) -> Team | Assessment | Action | None:
    """A deleted row that can still be restored (of the team, when given), or None."""
    query = select(model).where(model.id == row_id, model.deleted_at > purge_before(utcnow()))
    if team_id is not None and model is not Team:
        query = query.where(model.team_id == team_id)  # type: ignore[union-attr]
    return cast(Team | Assessment | Action | None,
                db.session.scalar(query.execution_options(**{INCLUDE_DELETED: True})))


def purge_deleted(now: dt.datetime | None = None) -> dict[str, int]:
    """Remove for good what was deleted more than DELETE_KEPT_DAYS days ago; how many of each.
    Removing a team or an assessment removes what is in it (the database cascades)."""
    cutoff = purge_before(now or utcnow())
    counts = {}
    for name, model in (("actions", Action), ("assessments", Assessment), ("teams", Team)):
        result = db.session.execute(delete(model).where(model.deleted_at < cutoff)
                                    .execution_options(synchronize_session=False))
        counts[name] = result.rowcount  # type: ignore[attr-defined]
    db.session.flush()
    return counts


def teams_only_owned_by(user: User) -> list[Team]:
    """The teams (not deleted) whose only owner is the user: they need another owner, or to be
    deleted, before the account can go."""
    other = aliased(Membership)
    others = (select(func.count()).select_from(other)
              .where(other.team_id == Team.id, other.role == OWNER,
                     other.user_id != user.id).correlate(Team).scalar_subquery())
    return list(db.session.scalars(
        select(Team).join(Membership).where(Membership.user_id == user.id,
                                            Membership.role == OWNER, others == 0)
        .order_by(Team.service, Team.id)))


def delete_account(user: User) -> None:
    """Remove an account for good: its memberships, tokens and sessions go with it; answers it
    gave stay in the team's assessments without a name. Refused while it is the only owner of
    a team."""
    if teams_only_owned_by(user):
        raise DeleteError("You are the only owner of a team. Make someone else an owner, or "
                          "delete the team, before you delete your account.")
    # Its open invites go first: an invite whose maker is gone would grant any role forever.
    db.session.execute(delete(Invite).where(Invite.created_by_id == user.id,
                                            Invite.used_at.is_(None)))
    db.session.delete(user)
    db.session.flush()
