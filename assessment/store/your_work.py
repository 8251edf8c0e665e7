"""What a signed-in person has to do, across their teams, as plain data: each team's latest
finished score and its trend, a draft to continue, when the next assessment is due, and the
actions due soon or overdue. "Your work" and the start page read it.

Queries, however many teams, assessments and actions: memberships with teams (1), the teams'
assessments (1), scores through the read model (at most 3, fewer when cached), due actions (1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from assessment.extensions import db
from assessment.rules import yearly_cycle
from assessment.rules.scored import ScoredAssessment
from assessment.rules.wording import Dated
from assessment.store.models import (
    ACTION_STATUSES,
    FINISHED,
    MEMBER,
    OWNER,
    Action,
    Assessment,
    Membership,
    Team,
    User,
)
from assessment.store.read_model import score_assessments


@dataclass(frozen=True)
class Draft:
    """An assessment in progress: never finished, or reopened."""

    public_id: str
    dated: Dated
    reopened: bool
    may_answer: bool  # owners always; members once it is open to the team


@dataclass(frozen=True)
class TeamWork:
    """One of your teams, as "Your work" and the start page show it."""

    team_id: int
    agency: str
    office: str
    service: str
    role: str
    role_label: str
    latest: ScoredAssessment | None  # the latest finished assessment
    trend: yearly_cycle.Trend | None  # its overall score against the finished one before
    draft: Draft | None
    latest_finish: dt.date | None
    next_due: dt.date | None  # a year after the latest finish

    @property
    def may_start(self) -> bool:
        """Only owners start assessments, and a team has one draft at a time."""
        return self.role == OWNER and self.draft is None


@dataclass(frozen=True)
class DueAction:
    """An action not done whose due date has passed or comes within 30 days."""

    title: str
    owner: str
    due_date: dt.date
    status_label: str
    overdue: bool
    service: str
    public_id: str  # the assessment whose plan holds it


@dataclass(frozen=True)
class YourWork:
    today: dt.date
    teams: list[TeamWork]
    due_actions: list[DueAction]

    @property
    def drafts(self) -> list[TeamWork]:
        return [t for t in self.teams if t.draft is not None]


def your_work(user: User, today: dt.date) -> YourWork:
    """Everything "Your work" shows for the user, on the given day."""
    memberships = db.session.execute(
        select(Membership, Team).join(Team).where(Membership.user_id == user.id)
        .order_by(Team.service, Team.office, Team.id)).all()
    team_ids = [team.id for _, team in memberships]
    by_team: dict[int, list[Assessment]] = {i: [] for i in team_ids}
    if team_ids:
        for assessment in db.session.scalars(
                select(Assessment).where(Assessment.team_id.in_(team_ids))
                .order_by(Assessment.started_at, Assessment.id)):
            by_team[assessment.team_id].append(assessment)
    finished = {i: [a for a in rows if a.status == FINISHED] for i, rows in by_team.items()}
    wanted = [a for rows in finished.values() for a in rows[-2:]]
    scored = {s.id: s for s in score_assessments(wanted)}
    teams = [_team_work(membership, team, by_team[team.id], finished[team.id], scored)
             for membership, team in memberships]
    names = {t.team_id: t.service for t in teams}
    return YourWork(today, teams, due_actions(names, today))


def _team_work(membership: Membership, team: Team, assessments: Sequence[Assessment],
               finished: Sequence[Assessment], scored: dict[int, ScoredAssessment]) -> TeamWork:
    latest = scored[finished[-1].id] if finished else None
    earlier = scored[finished[-2].id] if len(finished) > 1 else None
    draft = next((a for a in reversed(assessments) if a.status != FINISHED), None)
    finishes = [a.finished_at.date() for a in assessments if a.finished_at is not None]
    latest_finish = max(finishes) if finishes else None
    return TeamWork(
        team_id=team.id, agency=team.agency, office=team.office, service=team.service,
        role=membership.role, role_label=membership.role_label, latest=latest,
        trend=yearly_cycle.trend(latest.results.score if latest else None,
                                 earlier.results.score if earlier else None),
        draft=Draft(draft.public_id, draft.dated, draft.reopened,
                    membership.role == OWNER or (membership.role == MEMBER
                                                 and draft.open_to_team))
        if draft is not None else None,
        latest_finish=latest_finish,
        next_due=yearly_cycle.next_assessment_due(latest_finish) if latest_finish else None)


def due_actions(services: dict[int, str], today: dt.date) -> list[DueAction]:
    """The actions of these teams that are not done and due by 30 days from today (overdue
    ones included), soonest first, in one query."""
    if not services:
        return []
    horizon = today + dt.timedelta(days=yearly_cycle.DUE_SOON_DAYS)
    rows = db.session.execute(
        select(Action, Action.team_id, Assessment.public_id)
        .join(Assessment, Action.assessment_id == Assessment.id)
        .where(Action.team_id.in_(list(services)), Action.status != yearly_cycle.DONE,
               Action.due_date.is_not(None), Action.due_date <= horizon)
        .order_by(Action.due_date, Action.id)).all()
    return [DueAction(action.title, action.owner, action.due_date,
                      ACTION_STATUSES.get(action.status, action.status),
                      action.due_date < today, services[team_id], public_id)
            for action, team_id, public_id in rows
            if action.due_date is not None
            and yearly_cycle.action_is_due(action.due_date, action.status, today)]
