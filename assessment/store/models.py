"""Typed SQLAlchemy models: teams, their assessments, respondents' responses and answers."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.extensions import Model
from assessment.rules.wording import Dated, assessment_date

DRAFT = "draft"
FINISHED = "finished"
CHOICE_LEVEL, CHOICE_NA, CHOICE_UNKNOWN = "level", "na", "unknown"
# An assessment that is finished or was once (reopening keeps finished_at), in SQL: written
# out, so PostgreSQL sees the partial index below serves queries that use it.
EVER_FINISHED = f"(finished_at IS NOT NULL OR status = '{FINISHED}')"
# A member's role in a team: owners manage, members answer, viewers read.
OWNER, MEMBER, VIEWER = "owner", "member", "viewer"
ROLES = {OWNER: "Owner", MEMBER: "Member", VIEWER: "Viewer"}
ROLE_RANK = {VIEWER: 1, MEMBER: 2, OWNER: 3}
# A person's role in an organization (a department's or agency's CX office): owners manage it
# and invite teams, reviewers validate its teams' finished assessments, viewers read.
ORG_OWNER, ORG_REVIEWER, ORG_VIEWER = "owner", "reviewer", "viewer"
ORG_ROLES = {ORG_OWNER: "Owner", ORG_REVIEWER: "Reviewer", ORG_VIEWER: "Viewer"}
# A reviewer's verdict on one answer of a finished assessment (rules/validation.py).
VALIDATED, CHALLENGED = "validated", "challenged"
# An action's status, as stored, and as people read it.
ACTION_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}
DONE = "done"


def utcnow() -> dt.datetime:
    """Now in UTC, stored without a zone so SQLite and PostgreSQL behave alike."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_public_id() -> str:
    """An unguessable id for links: 128 random bits. It never starts with "-", so it can be
    passed to a command (`flask plan ID`) without being read as an option."""
    while (public_id := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return public_id


class SoftDeleted:
    """A row that can be deleted and restored for DELETE_KEPT_DAYS: while deleted_at is set,
    every ORM query leaves it out (store/soft_delete.py); `flask purge-deleted` removes it."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None)


class Team(SoftDeleted, Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A designated High Impact Service Provider (OMB Circular A-11 Section 280), and which one:
    # a service from rules/hisp.PROFILES or one the team typed.
    is_hisp: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    hisp_service: Mapped[str | None] = mapped_column(String(200), default=None)
    # Moved by the database (migration 0015's triggers) whenever this row, one of the team's
    # assessments or one of its actions changes: what the team's kept pages and the portfolios
    # it is in are checked against (store/stamps.py). Never set by the app.
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="team", order_by="Assessment.started_at"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def name(self) -> str:
        return f"{self.service}, {self.office}"


class Assessment(SoftDeleted, Model):
    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint(f"status IN ('{DRAFT}', '{FINISHED}')", name="status_known"),
        # The peer stamp (store/stamps.py) reads the latest changes to assessments that are or
        # were finished on every page: drafts, saved all the time, are left out of the index.
        Index("ix_assessment_finished_updated_at", "updated_at",
              postgresql_where=text(EVER_FINISHED), sqlite_where=text(EVER_FINISHED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    # False: only owners answer. True: every member answers on their own.
    open_to_team: Mapped[bool] = mapped_column(default=False, server_default=false())
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The latest finish: finishing again moves it, reopening keeps it.
    finished_at: Mapped[dt.datetime | None]
    # Moves on every change that scores see: with id and questionnaire version, a cache key.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    team: Mapped[Team] = relationship(back_populates="assessments")
    responses: Mapped[list[Response]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Response.id"
    )
    targets: Mapped[list[PillarTarget]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    # The actions first added on this assessment; the actions it shows (carried forward from
    # earlier ones too) come from store/read_model.assessment_actions().
    added_actions: Mapped[list[Action]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Action.id",
        foreign_keys="Action.assessment_id"
    )
    agreed_answers: Mapped[list[AgreedAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def actions(self) -> list[Action]:
        """The actions this assessment shows (carried forward ones too), as the read model
        says: store/read_model.assessment_actions(). Read-only; one query per use."""
        from assessment.store.read_model import assessment_actions

        return assessment_actions(self)

    @property
    def is_finished(self) -> bool:
        return self.status == FINISHED

    @property
    def reopened(self) -> bool:
        return not self.is_finished and self.finished_at is not None

    @property
    def dated(self) -> Dated:
        """The date it goes by: its latest finish, or its start if never finished."""
        return assessment_date(self.started_at, self.finished_at)


class PillarTarget(Model):
    """The level a team aims for in one pillar of one assessment (default 3.0 when absent)."""

    __tablename__ = "pillar_target"
    __table_args__ = (
        UniqueConstraint("assessment_id", "pillar_id", name="uq_pillar_target_one_per_pillar"),
        CheckConstraint("target >= 1 AND target <= 5", name="target_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    pillar_id: Mapped[str] = mapped_column(String(80))
    target: Mapped[Decimal] = mapped_column(Numeric(2, 1))
    # When the team means to reach the target; None: no date set.
    target_date: Mapped[dt.date | None] = mapped_column(Date)

    assessment: Mapped[Assessment] = relationship(back_populates="targets")


class QuestionnaireSnapshot(Model):
    """The text of a questions.yaml version, kept when an assessment first starts on it, so
    older assessments are scored and compared on the questions they were asked."""

    __tablename__ = "questionnaire_snapshot"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the text
    source: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Response(Model):
    """One respondent's answers to an assessment. A response without a user holds answers
    from before accounts; the first team member who saves answers takes it over."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("assessment_id", "user_id", name="uq_response_one_per_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    user: Mapped[User | None] = relationship()


_CHOICE_MATCHES_LEVEL = (
    f"(choice = '{CHOICE_LEVEL}' AND level IS NOT NULL AND level BETWEEN 1 AND 5)"
    f" OR (choice IN ('{CHOICE_NA}', '{CHOICE_UNKNOWN}') AND level IS NULL)"
)


class Answer(Model):
    """An answer to one question, by stable question id: a level 1–5, N/A or Don't know.

    A note may be kept before a choice is made, so choice can be empty.
    """

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_answer_one_per_question"),
        # A respondent may keep a note before choosing; an agreed answer always has a choice.
        CheckConstraint(f"{_CHOICE_MATCHES_LEVEL} OR (choice IS NULL AND level IS NULL)",
                        name="choice_matches_level"),
        Index("ix_answer_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(160))
    choice: Mapped[str | None] = mapped_column(String(10))
    level: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    # A web address (http or https) the respondent gives as evidence; "" when none.
    evidence_link: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


class AgreedAnswer(Model):
    """The answer a team agreed for one question, recorded by an owner, with a note why."""

    __tablename__ = "agreed_answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id", name="uq_agreed_answer_one_per_question"),
        CheckConstraint(_CHOICE_MATCHES_LEVEL, name="choice_matches_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(160))
    choice: Mapped[str] = mapped_column(String(10))
    level: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="agreed_answers")


class Action(SoftDeleted, Model):
    """Something the team will do to improve one practice. It belongs to the team: it shows on
    the assessment it was added on and every later one of the team, until it is done; a done
    action stays on the assessments up to the one it was done on (last_assessment)."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ACTION_STATUSES)})",
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    # The assessment it was added on: the first it shows on.
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    # The last assessment it shows on: the one it was marked done on. None: it carries forward.
    last_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True, default=None)
    practice_id: Mapped[str] = mapped_column(String(160))  # stable questionnaire id
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    # Who added it: members change only their own actions. None: added before this was kept.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="added_actions",
                                                  foreign_keys=[assessment_id])
    status_changes: Mapped[list[ActionStatusChange]] = relationship(
        back_populates="action", cascade="all, delete-orphan",
        order_by="(ActionStatusChange.changed_at, ActionStatusChange.id)")

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)

    @property
    def history(self) -> list[StatusRecord]:
        """Its status changes, oldest first, as people read them."""
        return [StatusRecord(ACTION_STATUSES.get(c.status, c.status), c.changed_at,
                           c.changed_by.email if c.changed_by is not None else "")
                for c in self.status_changes]


@dataclass(frozen=True)
class StatusRecord:
    """One change of an action's status: to what, when, and by whom ("" when not known)."""

    status: str
    changed_at: dt.datetime
    by: str


class ActionStatusChange(Model):
    """An action's status as set at one moment, by one person: its status history."""

    __tablename__ = "action_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    action: Mapped[Action] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship()


PEERS = "peers"  # ChangeCounter's name for other teams' scores


class ChangeCounter(Model):
    """Numbers the database moves (migration 0015's triggers), by name. 'peers': whenever any
    team's latest finished scores may have changed (an assessment that is or was finished
    added, changed or removed; a team that becomes or stops being a demo team or a HISP, or is
    deleted or restored). Kept pages that show other teams' scores are checked against it."""

    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UsedFormKey(Model):
    """A one-time form key that a post has used, with where that post sent its user and what
    it told them: the same form posted again gets the same answer and changes nothing."""

    __tablename__ = "used_form_key"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    location: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(20), default="")


class User(UserMixin, Model):
    """Someone who signs in: an email address and a hashed password (never the password)."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Raised to end every session at once: a session carries the generation it started in.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # A hash of the one password reset link that still works, if any.
    reset_token_hash: Mapped[str | None] = mapped_column(String(64))
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class SsoIdentity(Model):
    """An account's identity at an OpenID provider: the provider's issuer and its subject for
    the person (never the email, which can change or be reused)."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_sso_identity_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))  # as the provider gave it when linked
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SignInLock(Model):
    """Failed sign-ins in a row for one address as typed (normalized), whether or not an
    account has it, and until when sign-ins with it are refused after too many."""

    __tablename__ = "sign_in_lock"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SignUpRequest(Model):
    """A sign-up waiting for its emailed link: the account is made when the link is opened.
    Only a hash of the link's token and of the chosen password are kept."""

    __tablename__ = "sign_up_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


_ROLE_CHECK = f"role IN ({', '.join(repr(r) for r in ROLES)})"


class Membership(Model):
    """A user's place in a team, with a role."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_membership_one_per_user"),
        CheckConstraint(_ROLE_CHECK, name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


class Invite(Model):
    """A link an owner shares to let someone join the team; works once, for a week. An invite
    with an email (made by an import, or a link an owner emailed) is also shown to that person
    on "Your teams" when they sign in."""

    __tablename__ = "invite"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # never the token itself
    role: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # stored lower case

    team: Mapped[Team] = relationship()
    created_by: Mapped[User | None] = relationship()


class AuditEvent(Model):
    """Who did what, when, from which address, and how it went. Never changed or deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")  # as typed, for failed sign-ins
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    address: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")


class ApiToken(Model):
    """A personal token for the read-only API: it reads what its user may read. Only a hash
    of the token is kept; the user sees the token once, when it is made."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


_ORG_ROLE_CHECK = f"role IN ({', '.join(repr(r) for r in ORG_ROLES)})"


class Organization(Model):
    """An agency or department (a bureau has its parent) whose CX office sees the finished
    scores, plans and actions of the teams that joined it."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True)
    # Answers at level 4 or 5 need evidence before a team in this organization can finish.
    requires_evidence: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Moved by the database (migration 0015's triggers) whenever a team in it or in one of its
    # bureaus changes (see Team.revision), a team joins or leaves, or a bureau is added,
    # removed or changes: the portfolio is kept under it (views/portfolio.py). Never set by
    # the app.
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side="Organization.id")
    members: Mapped[list[OrganizationMember]] = relationship(
        back_populates="organization", cascade="all, delete-orphan",
        order_by="OrganizationMember.id")
    team_links: Mapped[list[OrganizationTeam]] = relationship(
        back_populates="organization", cascade="all, delete-orphan",
        order_by="OrganizationTeam.id")


class OrganizationMember(Model):
    """A person's place in an organization, with a role (ORG_ROLES)."""

    __tablename__ = "organization_member"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", name="uq_organization_member_once"),
        CheckConstraint(_ORG_ROLE_CHECK, name="org_role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class OrganizationTeam(Model):
    """A team that accepted an organization's invitation. Leaving deletes the row (the audit
    log keeps the history). The organization sees finished scores, plans and actions; it sees
    respondents' answers and notes only while shares_answers is set by the team's owner."""

    __tablename__ = "organization_team"
    __table_args__ = (
        UniqueConstraint("organization_id", "team_id", name="uq_organization_team_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    shares_answers: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship(back_populates="team_links")
    team: Mapped[Team] = relationship()


class OrganizationInvite(Model):
    """A link an organization owner sends to a team's owner: the team owner opens it, picks
    one of the teams they own, and that team joins. Works once, for two weeks; only a hash of
    its token is kept."""

    __tablename__ = "organization_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # stored lower case
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    # The team that joined with it, once used.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()


class AnswerReview(Model):
    """An organization reviewer's verdict on the team's answer to one question of a finished
    assessment: validated, or challenged with a comment; the team may reply to a challenge.
    Changing the answer deletes the row (store/reviews.py): the answer is self-reported again."""

    __tablename__ = "answer_review"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id", name="uq_answer_review_once"),
        CheckConstraint(f"state IN ('{VALIDATED}', '{CHALLENGED}')", name="review_state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(160))
    state: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reply: Mapped[str] = mapped_column(Text, default="", server_default="")
    replied_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    replied_at: Mapped[dt.datetime | None]
