"""Organizations, as verbs: make one, manage its people, invite teams by link, and let a team
join, leave, or share its answers. Each flushes; the request commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import selectinload

from assessment.extensions import db
from assessment.store.models import (
    ORG_OWNER,
    OWNER,
    Membership,
    Organization,
    OrganizationInvite,
    OrganizationMember,
    OrganizationTeam,
    Team,
    User,
    utcnow,
)

INVITE_DAYS = 14
# Why an organization's invite link no longer works.
USED, EXPIRED, WITHDRAWN = "used", "expired", "withdrawn"


class OrganizationError(ValueError):
    """Why a change to an organization was refused, in words for the user."""


def create_organization(name: str, creator: User, parent: Organization | None = None
                        ) -> Organization:
    """A new organization (a bureau, with its parent); its creator is its first owner."""
    organization = Organization(name=name.strip(), parent=parent)
    db.session.add(organization)
    db.session.add(OrganizationMember(organization=organization, user=creator, role=ORG_OWNER))
    db.session.flush()
    return organization


def organizations_of(user: User) -> list[OrganizationMember]:
    """The user's places in organizations, by organization name."""
    return list(db.session.scalars(
        select(OrganizationMember).join(Organization)
        .options(selectinload(OrganizationMember.organization))
        .where(OrganizationMember.user_id == user.id).order_by(Organization.name, Organization.id)))


def person_of(organization: Organization, user_id: int) -> OrganizationMember | None:
    return db.session.scalar(select(OrganizationMember).where(
        OrganizationMember.organization_id == organization.id,
        OrganizationMember.user_id == user_id))


def add_person(organization: Organization, email: str, role: str) -> OrganizationMember:
    """Give an existing account a role in the organization (or change the role it has)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise OrganizationError(f"No account uses {email.strip()}. Ask them to create an "
                                "account first, then add them.")
    person = person_of(organization, user.id)
    if person is None:
        person = OrganizationMember(organization=organization, user=user, role=role)
        db.session.add(person)
    elif person.role != role:
        change_person_role(person, role)
    db.session.flush()
    return person


def owner_count(organization: Organization) -> int:
    return db.session.scalar(select(func.count()).select_from(OrganizationMember).where(
        OrganizationMember.organization_id == organization.id,
        OrganizationMember.role == ORG_OWNER)) or 0


def change_person_role(person: OrganizationMember, role: str) -> None:
    """Give someone another role; an organization always keeps at least one owner."""
    if person.role == ORG_OWNER and role != ORG_OWNER and owner_count(person.organization) == 1:
        raise OrganizationError("An organization needs at least one owner. Make someone else "
                                "an owner first.")
    person.role = role
    db.session.flush()


def remove_person(person: OrganizationMember) -> None:
    """Take someone out of the organization; never its last owner."""
    if person.role == ORG_OWNER and owner_count(person.organization) == 1:
        raise OrganizationError("An organization needs at least one owner. Make someone else "
                                "an owner first.")
    db.session.delete(person)
    db.session.flush()


def create_invite(organization: Organization, created_by: User) -> str:
    """A new invite link's token for a team's owner; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    db.session.add(OrganizationInvite(
        organization=organization, token_hash=_hash(token), created_by_id=created_by.id,
        expires_at=utcnow() + dt.timedelta(days=INVITE_DAYS)))
    db.session.flush()
    return token


# Expired links stay listed (marked) for this long, so owners see which teams did not join.
EXPIRED_SHOWN_DAYS = 30


def open_invites(organization: Organization, now: dt.datetime | None = None
                 ) -> list[OrganizationInvite]:
    """The organization's invite links not used or withdrawn yet, the soonest to expire
    first; expired ones for EXPIRED_SHOWN_DAYS after they expired."""
    since = (now or utcnow()) - dt.timedelta(days=EXPIRED_SHOWN_DAYS)
    return list(db.session.scalars(
        select(OrganizationInvite)
        .options(selectinload(OrganizationInvite.created_by))
        .where(OrganizationInvite.organization_id == organization.id,
               OrganizationInvite.used_at.is_(None), OrganizationInvite.revoked_at.is_(None),
               OrganizationInvite.expires_at > since)
        .order_by(OrganizationInvite.expires_at, OrganizationInvite.id)))


def invite_of(organization: Organization, invite_id: int) -> OrganizationInvite | None:
    """One of the organization's invites; another organization's is as unknown as none."""
    invite = db.session.get(OrganizationInvite, invite_id)
    return invite if invite is not None and invite.organization_id == organization.id else None


def withdraw_invite(invite: OrganizationInvite) -> bool:
    """The link stops working (its page then says it was withdrawn). One statement, so two
    owners withdrawing it at once withdraw it once; False for the one that found it used or
    withdrawn meanwhile."""
    return cast(CursorResult, db.session.execute(
        update(OrganizationInvite)
        .where(OrganizationInvite.id == invite.id, OrganizationInvite.used_at.is_(None),
               OrganizationInvite.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False))).rowcount == 1


def invite_by_token(token: str) -> OrganizationInvite | None:
    """The invite behind a token, whatever its state; None when no invite has it."""
    return db.session.scalar(select(OrganizationInvite).where(
        OrganizationInvite.token_hash == _hash(token)))


def why_invite_fails(invite: OrganizationInvite, now: dt.datetime | None = None) -> str | None:
    """USED, EXPIRED or WITHDRAWN (revoked, or its maker is no longer an owner), or None."""
    if invite.used_at is not None:
        return USED
    if invite.expires_at <= (now or utcnow()):
        return EXPIRED
    if invite.revoked_at is not None or invite.created_by_id is None:
        return WITHDRAWN
    maker = person_of(invite.organization, invite.created_by_id)
    return None if maker is not None and maker.role == ORG_OWNER else WITHDRAWN


def teams_to_offer(user: User, organization: Organization) -> list[Team]:
    """The teams the user owns that are not in the organization yet."""
    joined = select(OrganizationTeam.team_id).where(
        OrganizationTeam.organization_id == organization.id)
    return list(db.session.scalars(
        select(Team).join(Membership).where(Membership.user_id == user.id,
                                            Membership.role == OWNER, Team.id.not_in(joined))
        .order_by(Team.service, Team.id)))


def accept_invite(invite: OrganizationInvite, team: Team, user: User) -> OrganizationTeam:
    """The team joins the organization. The link is claimed in one statement, so it works
    once even when two owners accept at the same moment."""
    if cast(CursorResult, db.session.execute(
            update(OrganizationInvite)
            .where(OrganizationInvite.id == invite.id, OrganizationInvite.used_at.is_(None))
            .values(used_at=utcnow(), team_id=team.id))).rowcount != 1:
        raise OrganizationError("That invite link was already used. Ask an owner of the "
                                "organization for a new one.")
    link = OrganizationTeam(organization_id=invite.organization_id, team_id=team.id,
                            accepted_by_id=user.id)
    db.session.add(link)
    db.session.flush()
    return link


def links_of_team(team: Team) -> list[OrganizationTeam]:
    """The organizations the team is in."""
    return list(db.session.scalars(
        select(OrganizationTeam).options(selectinload(OrganizationTeam.organization))
        .where(OrganizationTeam.team_id == team.id).order_by(OrganizationTeam.id)))


def link_of(team: Team, organization_id: int) -> OrganizationTeam | None:
    return db.session.scalar(select(OrganizationTeam).where(
        OrganizationTeam.team_id == team.id,
        OrganizationTeam.organization_id == organization_id))


def leave_organization(link: OrganizationTeam) -> None:
    """The team leaves: the organization no longer sees it (the audit log keeps that it did)."""
    db.session.delete(link)
    db.session.flush()


def set_sharing(link: OrganizationTeam, shares_answers: bool) -> None:
    """Whether the organization sees the team's respondents' answers and notes."""
    link.shares_answers = shares_answers
    db.session.flush()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
