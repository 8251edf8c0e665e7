"""Teams, as verbs: add and remove members, invite by link, change roles, claim a team from before
accounts."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import selectinload

from assessment.extensions import db
from assessment.store.accounts import end_every_session
from assessment.store.models import OWNER, ROLE_RANK, Invite, Membership, Team, User, utcnow

INVITE_DAYS = 7
EMAIL_INVITE_DAYS = 30  # someone invited by an import may not sign in for weeks
EXPIRED_SHOWN_DAYS = 30  # the team page lists an expired invite this long, then drops it
# Why an invite link no longer works.
USED, EXPIRED, WITHDRAWN = "used", "expired", "withdrawn"


class TeamError(ValueError):
    """Why a change to a team was refused, in words for the user."""


def add_member(team: Team, user: User, role: str) -> Membership:
    """Add the user to the team with a role, or change the role of a member already there."""
    membership = membership_of(team, user)
    if membership is None:
        membership = Membership(team=team, user=user, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


def membership_of(team: Team, user: User) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.team_id == team.id,
                                                      Membership.user_id == user.id))


def change_role(membership: Membership, role: str) -> None:
    """Give a member another role; a team always keeps at least one owner. A lower role takes
    back the invite links they made."""
    if membership.role == OWNER and role != OWNER and owner_count(membership.team) == 1:
        raise TeamError("A team needs at least one owner. Make someone else an owner first.")
    if ROLE_RANK[role] < ROLE_RANK[membership.role]:
        revoke_invites_by(membership.team_id, membership.user_id)
    membership.role = role
    db.session.flush()


def remove_member(membership: Membership) -> None:
    """Take someone out of the team (or let them leave), with the invite links they made.
    Answers they gave stay part of the team's assessments. A team always keeps at least one
    owner."""
    if membership.role == OWNER and owner_count(membership.team) == 1:
        raise TeamError("A team needs at least one owner. Make someone else an owner first.")
    revoke_invites_by(membership.team_id, membership.user_id)
    db.session.delete(membership)
    db.session.flush()


def remove_from_team(membership: Membership) -> None:
    """An owner takes someone out of the team; out of their last team, every session of theirs
    ends too."""
    user = membership.user
    remove_member(membership)
    if not has_teams(user):
        end_every_session(user)


def has_teams(user: User) -> bool:
    return (db.session.scalar(select(func.count()).select_from(Membership)
                              .where(Membership.user_id == user.id)) or 0) > 0


def revoke_invites_by(team_id: int, user_id: int) -> None:
    """The open invite links someone made for a team stop working."""
    db.session.execute(delete(Invite).where(Invite.team_id == team_id,
                                            Invite.created_by_id == user_id,
                                            Invite.used_at.is_(None)))


def owner_count(team: Team) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.team_id == team.id, Membership.role == OWNER)) or 0


def has_members(team: Team) -> bool:
    return (db.session.scalar(select(func.count()).select_from(Membership)
                              .where(Membership.team_id == team.id)) or 0) > 0


def create_invite(team: Team, role: str, created_by: User | None,
                  email: str | None = None) -> str:
    """A new invite link's token; only its hash is stored. With an email address (the person
    the owner sends it to), the invite also waits on that person's "Your teams"."""
    token = secrets.token_urlsafe(24)
    db.session.add(Invite(team=team, role=role, token_hash=_hash(token),
                          email=email.lower() if email else None,
                          created_by_id=created_by.id if created_by else None,
                          expires_at=utcnow() + dt.timedelta(days=INVITE_DAYS)))
    db.session.flush()
    return token


def new_link(invite: Invite) -> str:
    """A fresh token for an invite, to email it as a link: any link sent before stops
    working."""
    token = secrets.token_urlsafe(24)
    invite.token_hash = _hash(token)
    db.session.flush()
    return token


def invites_of_team(team: Team, now: dt.datetime | None = None) -> list[Invite]:
    """The team's unused invites, soonest to expire first: those still open, then those that
    expired within the last EXPIRED_SHOWN_DAYS (older ones drop off the list)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Invite).options(selectinload(Invite.created_by))
        .where(Invite.team_id == team.id, Invite.used_at.is_(None),
               Invite.expires_at > now - dt.timedelta(days=EXPIRED_SHOWN_DAYS))
        .order_by(Invite.expires_at <= now, Invite.expires_at, Invite.id)))


def invite_of_team(team: Team, invite_id: int) -> Invite | None:
    """One unused invite of the team; another team's is as unknown as one that never was."""
    invite = db.session.get(Invite, invite_id)
    if invite is None or invite.team_id != team.id or invite.used_at is not None:
        return None
    return invite


def revoke_invite(invite: Invite) -> bool:
    """The invite stops working: its link leads nowhere and it no longer waits for anyone.
    One statement, so two owners revoking it at once remove it once; False for the one that
    found it gone (or used meanwhile)."""
    removed = cast(CursorResult, db.session.execute(
        delete(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None))
        .execution_options(synchronize_session=False))).rowcount == 1
    db.session.expunge(invite)
    return removed


def invite_email(team: Team, email: str, role: str, created_by: User | None) -> Invite:
    """An invite for one email address, which that person accepts or ignores once signed in.
    Nobody holds a link to it: its token is thrown away."""
    invite = Invite(team=team, role=role, email=email.lower(),
                    token_hash=_hash(secrets.token_urlsafe(24)),
                    created_by_id=created_by.id if created_by else None,
                    expires_at=utcnow() + dt.timedelta(days=EMAIL_INVITE_DAYS))
    db.session.add(invite)
    db.session.flush()
    return invite


def invites_for(user: User) -> list[Invite]:
    """The invites waiting for the user's email address: not answered, not expired."""
    return list(db.session.scalars(
        select(Invite).join(Team).options(selectinload(Invite.created_by))
        .where(Invite.email == user.email.lower(),
                                        Invite.used_at.is_(None), Invite.expires_at > utcnow())
        .order_by(Team.service, Invite.id)))


def waiting_invite(invite_id: int, user: User) -> Invite | None:
    """One of the invites waiting for the user; None for anyone else's."""
    return next((i for i in invites_for(user) if i.id == invite_id), None)


def ignore_invite(invite: Invite) -> None:
    db.session.delete(invite)
    db.session.flush()


def find_invite(token: str) -> Invite | None:
    """The invite behind a token while it is unused, not expired, and its maker still holds
    the role it gives."""
    invite = invite_by_token(token)
    return invite if invite is not None and why_invite_fails(invite) is None else None


def invite_by_token(token: str) -> Invite | None:
    """The invite behind a token, whatever its state; None when no invite has it (never made,
    or revoked)."""
    return db.session.scalar(select(Invite).where(Invite.token_hash == _hash(token)))


def why_invite_fails(invite: Invite, now: dt.datetime | None = None) -> str | None:
    """USED, EXPIRED or WITHDRAWN (its maker no longer holds the role it gives), or None
    while the invite works."""
    if invite.used_at is not None:
        return USED
    if invite.expires_at <= (now or utcnow()):
        return EXPIRED
    return None if maker_may_grant(invite) else WITHDRAWN


def maker_may_grant(invite: Invite) -> bool:
    """An invite gives no role its maker does not hold now. Links made by no one (commands,
    imports) are not limited."""
    if invite.created_by_id is None:
        return True
    role = db.session.scalar(select(Membership.role).where(
        Membership.team_id == invite.team_id, Membership.user_id == invite.created_by_id))
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[invite.role]


def accept_invite(invite: Invite, user: User) -> Membership:
    """Join the team; an invite never lowers the role of someone already in it. The link is
    claimed in one statement, so two people opening it at once cannot both join."""
    if not maker_may_grant(invite) or cast(CursorResult, db.session.execute(
            update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None))
            .values(used_at=utcnow()))).rowcount != 1:
        raise TeamError("That invite link was already used or no longer works. "
                        "Ask an owner of the team for a new one.")
    existing = membership_of(invite.team, user)
    if existing is not None:
        db.session.flush()
        return existing
    return add_member(invite.team, user, invite.role)


def claim_team(team: Team, user: User) -> Membership:
    """Make the user the owner of a team from before accounts (one with no members yet)."""
    if has_members(team) or team.is_demo:
        raise TeamError("This team already has members.")
    return add_member(team, user, OWNER)


def teams_of(user: User) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(Team).where(Membership.user_id == user.id)
        .order_by(Team.service, Team.id)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_hisp(team: Team, service: str | None) -> None:
    """Mark the team's service as a designated High Impact Service Provider (the service it
    is, from rules/hisp.PROFILES or typed), or, with None, as not one. Flushes."""
    team.is_hisp = service is not None
    team.hisp_service = service.strip()[:200] if service is not None else None
    db.session.flush()
