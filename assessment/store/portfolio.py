"""Read an organization's portfolio: its teams, their finished assessments scored by the read
model, and their open actions, in a fixed number of queries whatever the number of teams.

Queries: the teams (1), their finished assessments (1), scoring those not cached (answers 2,
targets 1, kept questionnaire versions at most 1) and open actions (1).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, or_, select

from assessment.extensions import db
from assessment.rules.portfolio import (
    FinishedScores,
    OpenAction,
    Portfolio,
    Service,
    build_portfolio,
)
from assessment.rules.questionnaire import Questionnaire
from assessment.store.models import (
    DONE,
    FINISHED,
    Action,
    Assessment,
    Organization,
    OrganizationTeam,
    Team,
)
from assessment.store.read_model import score_assessments
from assessment.store.reviews import score_states_for


def organization_services(organization: Organization) -> list[Service]:
    """The teams of the organization and of its bureaus (organizations whose parent it is),
    each with its finished assessments scored, oldest first."""
    teams = list(db.session.scalars(
        select(Team).join(OrganizationTeam, OrganizationTeam.team_id == Team.id)
        .where(OrganizationTeam.organization_id.in_(with_bureaus(organization))).distinct()))
    if not teams:
        return []
    assessments = list(db.session.scalars(
        select(Assessment).where(Assessment.team_id.in_([t.id for t in teams]),
                                 Assessment.status == FINISHED)
        .order_by(Assessment.finished_at, Assessment.id)))
    # Only each team's last finish of a year counts (the table reads the latest, the medians
    # each year's last): the others are not scored at all.
    last_of_year = {(a.team_id, a.finished_at.year if a.finished_at else 0): a
                    for a in assessments}
    counted = [a for a in assessments if last_of_year[
        (a.team_id, a.finished_at.year if a.finished_at else 0)] is a]
    finished: dict[int, list[FinishedScores]] = {t.id: [] for t in teams}
    scored_all = score_assessments(counted)
    states = score_states_for(scored_all)  # the reviewers' validation, in one query
    for scored in scored_all:
        finished[scored.team_id].append(
            FinishedScores(scored.public_id, scored.dated.on.date(), scored.results,
                           states.get(scored.id)))
    return [Service(t.id, t.service, t.office, t.agency, t.hisp_service if t.is_hisp else None,
                    tuple(finished[t.id])) for t in teams]


def with_bureaus(organization: Organization) -> Select:
    """The organization's id and its bureaus' ids, as a subquery (bureaus one level down)."""
    return select(Organization.id).where(or_(Organization.id == organization.id,
                                             Organization.parent_id == organization.id))


def open_actions(team_ids: list[int]) -> list[OpenAction]:
    """The teams' actions not done yet (deleted ones are left out), in one query."""
    if not team_ids:
        return []
    return [OpenAction(a.team_id, a.title, a.practice_id, a.owner, a.due_date, a.status)
            for a in db.session.execute(
                select(Action.team_id, Action.title, Action.practice_id, Action.owner,
                       Action.due_date, Action.status)
                .where(Action.team_id.in_(team_ids), Action.status != DONE,
                       Action.deleted_at.is_(None)))]


def organization_portfolio(organization: Organization, questionnaire: Questionnaire,
                           today: dt.date, sort: str = "service", direction: str = "asc"
                           ) -> Portfolio:
    """The portfolio as plain data (rules/portfolio.py)."""
    services = organization_services(organization)
    return build_portfolio(questionnaire, services,
                           open_actions([s.team_id for s in services]), today, sort, direction)
