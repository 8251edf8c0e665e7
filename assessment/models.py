"""Typed SQLAlchemy models: teams, their assessments, respondents' responses and answers."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessment.extensions import db

DRAFT = "draft"
FINISHED = "finished"
CHOICE_LEVEL, CHOICE_NA, CHOICE_UNKNOWN = "level", "na", "unknown"
# An action's status, as stored, and as people read it.
ACTION_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}


def utcnow() -> dt.datetime:
    """Now in UTC, stored without a zone so SQLite and PostgreSQL behave alike."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_public_id() -> str:
    """An unguessable id for links: 128 random bits."""
    return secrets.token_urlsafe(16)


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="team", order_by="Assessment.started_at"
    )


class Assessment(db.Model):
    __tablename__ = "assessment"
    __table_args__ = (CheckConstraint(f"status IN ('{DRAFT}', '{FINISHED}')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    team: Mapped[Team] = relationship(back_populates="assessments")
    responses: Mapped[list[Response]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Response.id"
    )
    targets: Mapped[list[PillarTarget]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Action.id"
    )

    @property
    def is_finished(self) -> bool:
        return self.status == FINISHED


class PillarTarget(db.Model):
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

    assessment: Mapped[Assessment] = relationship(back_populates="targets")


class Response(db.Model):
    """One respondent's answers to an assessment (one respondent per assessment for now)."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """An answer to one question, by stable question id: a level 1–5, N/A or Don't know.

    A note may be kept before a choice is made, so choice can be empty.
    """

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="uq_answer_one_per_question"),
        CheckConstraint(
            f"(choice = '{CHOICE_LEVEL}' AND level IS NOT NULL AND level BETWEEN 1 AND 5)"
            f" OR (choice IN ('{CHOICE_NA}', '{CHOICE_UNKNOWN}') AND level IS NULL)"
            " OR (choice IS NULL AND level IS NULL)",
            name="choice_matches_level",
        ),
        Index("ix_answer_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(160))
    choice: Mapped[str | None] = mapped_column(String(10))
    level: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


class Action(db.Model):
    """Something the team will do to improve one practice, for its improvement plan."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ACTION_STATUSES)})",
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[str] = mapped_column(String(160))  # stable questionnaire id
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="actions")

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status, self.status)
