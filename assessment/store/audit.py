"""The audit log: who did what, when, from which address, and the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import or_, select

from assessment.extensions import db
from assessment.rules.audit_words import (
    LocalTime,
    assessment_names,
    event_words,
    local_time,
    who_words,
)
from assessment.rules.wording import assessment_date
from assessment.store.models import Assessment, AuditEvent, Membership, Team, User

SUCCESS, FAILURE = "success", "failure"
ORGANIZATION_EVENT = "org_"  # the prefix of an organization's actions
# What each action is called on the owners' page.
ACTIONS = {
    "sign_in": "Signed in",
    "answers_saved": "Saved answers",
    "assessment_finished": "Finished the assessment",
    "assessment_reopened": "Reopened the assessment",
    "assessment_opened": "Opened or closed the assessment to the team",
    "agreed_answer": "Recorded an agreed answer",
    "role_changed": "Changed a role",
    "member_removed": "Removed a member",
    "member_left": "Left the team",
    "invite_created": "Made an invite link",
    "invite_accepted": "Joined by invite",
    "invite_ignored": "Ignored an invite",
    "export": "Downloaded",
    "import": "Imported from a file",
    "api_token_created": "Made an API token",
    "api_token_revoked": "Revoked an API token",
    "team_created": "Made the team",  # home
    "assessment_started": "Started an assessment",  # home
    "invite_revoked": "Revoked an invite",  # invites
    "hisp_changed": "Changed whether the service is a HISP",
    "targets_set": "Changed the targets",  # words
    "sign_out": "Signed out",  # words
    "sso_linked": "Linked single sign-on to the account",  # single sign-on
    "action_added": "Added an action",  # actions branch
    "action_changed": "Changed an action",  # actions branch
    "action_deleted": "Deleted an action",  # actions branch
    "action_restored": "Restored an action",  # actions branch
    "assessment_deleted": "Deleted an assessment",  # actions branch
    "assessment_restored": "Restored an assessment",  # actions branch
    "team_deleted": "Deleted the team",  # actions branch
    "team_restored": "Restored the team",  # actions branch
    "account_deleted": "Deleted an account",  # actions branch
    "deleted_purged": "Removed for good what was deleted over 30 days ago",  # actions branch
    "passkey_added": "Added a passkey",  # passkeys
    "passkey_removed": "Removed a passkey",  # passkeys
    "recovery_codes_made": "Made new recovery codes",  # passkeys
    "recovery_code_used": "Used a recovery code",  # passkeys
    "sign_in_confirmed": "Confirmed it was them before a change",  # passkeys
    "org_created": "Made an organization",  # organizations
    "org_person_added": "Added someone to an organization",  # organizations
    "org_role_changed": "Changed a role in an organization",  # organizations
    "org_person_removed": "Removed someone from an organization",  # organizations
    "org_invite_created": "Made an invite link for a team to join an organization",
    "org_invite_withdrawn": "Withdrew an invite link for a team to join an organization",
    "org_joined": "Joined an organization",  # organizations
    "org_left": "Left an organization",  # organizations
    "org_sharing_changed": "Changed what an organization sees",  # organizations
    "answer_validated": "A reviewer validated an answer",  # validation
    "answer_challenged": "A reviewer challenged an answer",  # validation
    "challenge_replied": "Replied to a reviewer's challenge",  # validation
    "challenged_answer_changed": "Changed a challenged answer",  # validation
    "validated_answer_changed": "Changed a validated answer",  # validation
    "org_export": "Downloaded",  # organizations
}


def record_event(action: str, *, team: Team | None = None, user: User | None = None,
                 email: str = "", outcome: str = SUCCESS, detail: str = "") -> AuditEvent:
    """Add an event to the log; the request commits it (failed sign-ins commit on their own)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action, outcome=outcome, detail=detail[:500],
        user_id=user.id if user is not None else None,
        email=(user.email if user is not None else email)[:254],
        team_id=team.id if team is not None else None,
        address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(event)
    db.session.flush()
    return event


def team_events(team: Team, limit: int = 200) -> list[AuditEvent]:
    """The team's events, newest first, with its current members' sign-ins."""
    members = select(Membership.user_id).where(Membership.team_id == team.id)
    return list(db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.team_id == team.id,
                   (AuditEvent.team_id.is_(None)) & AuditEvent.user_id.in_(members)
                   # what a member did in an organization is the organization's log
                   & ~AuditEvent.action.startswith(ORGANIZATION_EVENT)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


@dataclass(frozen=True)
class LogRow:
    """One event as the owners' page shows it: in words, at a time in a named zone."""

    when: LocalTime
    who: str
    what: str
    done: bool
    address: str


def log_rows(team: Team, zone: ZoneInfo, limit: int = 200) -> list[LogRow]:
    """The team's log in words, newest first (rules/audit_words.py says how)."""
    names = assessment_names(
        (a.id, assessment_date(a.started_at, a.finished_at)) for a in db.session.execute(
            select(Assessment.id, Assessment.started_at, Assessment.finished_at)
            .where(Assessment.team_id == team.id)))
    return [LogRow(local_time(e.at, zone), who_words(e.email, e.detail),
                   event_words(e.action, e.detail, ACTIONS, names), e.outcome == SUCCESS,
                   e.address) for e in team_events(team, limit)]


def organization_log_rows(organization_id: int, zone: ZoneInfo, limit: int = 200
                          ) -> list[LogRow]:
    """An organization's log in words, newest first: every event whose detail names it
    ("organization 5: …"): made, people, invite links, teams joining, leaving or sharing,
    downloads."""
    prefix = f"organization {organization_id}:"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.detail.startswith(prefix, autoescape=True))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [LogRow(local_time(e.at, zone), who_words(e.email, e.detail),
                   event_words(e.action, e.detail.removeprefix(prefix).strip(), ACTIONS, {}),
                   e.outcome == SUCCESS, e.address) for e in events]
