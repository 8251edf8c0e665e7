"""Starting, as verbs: make a team of your own (never a second copy of one you can see), and
start a team's next assessment (never a second draft beside an open one).

Both hold a lock while they check, so two posts at once (a double-click, two tabs) make one
team or one draft: on PostgreSQL a row lock (the person, or the team); on SQLite, a write
request takes the database's write lock when its transaction begins (store/database.py).
"""

from __future__ import annotations

from sqlalchemy import select

from assessment.extensions import db
from assessment.rules.questionnaire import Questionnaire
from assessment.rules.yearly_cycle import name_key
from assessment.store import operations, teams
from assessment.store.models import DRAFT, OWNER, Assessment, Membership, Team, User


class SameTeamError(ValueError):
    """The person can already see a team with this agency, office and service."""

    def __init__(self, team: Team) -> None:
        super().__init__(f"You already have the team for {team.service}.")
        self.team = team


def team_named(user: User, agency: str, office: str, service: str) -> Team | None:
    """The team the user belongs to with this agency, office and service, compared without
    regard to case or spacing; None when there is none. Teams the user is not in are never
    found, so nobody learns that another agency's team exists. The demo team, which anyone
    can read, counts only for its members: it is an example, not a real team's record."""
    wanted = name_key(agency, office, service)
    return next((team for team in db.session.scalars(
        select(Team).join(Membership).where(Membership.user_id == user.id)
        .order_by(Team.id)) if name_key(team.agency, team.office, team.service) == wanted),
        None)


def create_own_team(user: User, agency: str, office: str, service: str) -> Team:
    """A new team owned by the user. Raises SameTeamError, having stored nothing, when the
    user already has a team of that name. The user's row stays locked until the request
    commits, so a second post of the same form waits, then finds the first one's team."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = team_named(user, agency, office, service)
    if existing is not None:
        raise SameTeamError(existing)
    team = operations.create_team(agency, office, service)
    teams.add_member(team, user, OWNER)
    return team


def open_draft(team: Team) -> Assessment | None:
    """The team's assessment in progress (never finished, or reopened), newest first."""
    return db.session.scalar(
        select(Assessment).where(Assessment.team_id == team.id, Assessment.status == DRAFT)
        .order_by(Assessment.started_at.desc(), Assessment.id.desc()).limit(1))


def start_next_assessment(questionnaire: Questionnaire, team: Team) -> tuple[Assessment, bool]:
    """The team's next assessment: a new draft, or the one already in progress. Returns it and
    whether it is new. The team's row stays locked until the request commits, so two posts at
    once make one draft."""
    db.session.execute(select(Team.id).where(Team.id == team.id).with_for_update())
    draft = open_draft(team)
    if draft is not None:
        return draft, False
    return operations.start_assessment(questionnaire, team), True
