"""Stamps: one cheap query that changes whenever what a kept page shows may have changed.

A stamp is a tuple of counts and latest change times. It moves when a row is added (count and
latest id or time), changed (every table read here sets updated_at on change, and
store/operations.py moves Assessment.updated_at whenever answers, agreed answers or targets
change) or removed (count). Pages are kept under their stamp (web/fragments.cached_page), so a
change in any app process is seen by every other one at its next request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BindParameter,
    DateTime,
    Integer,
    ScalarSelect,
    bindparam,
    func,
    inspect,
    select,
    text,
)

from assessment.extensions import Model, db
from assessment.store.models import (
    EVER_FINISHED,
    Action,
    Assessment,
    Organization,
    OrganizationTeam,
    Team,
    utcnow,
)

Stamp = tuple[Any, ...]


# The statements are built once, with their ids as parameters: building one costs more than
# running it.
ASSESSMENT_ID: BindParameter[int] = bindparam("assessment_id", type_=Integer)
TEAM_ID: BindParameter[int] = bindparam("team_id", type_=Integer)
RECENT: BindParameter[dt.datetime] = bindparam("recent", type_=DateTime)
# gunicorn ends a request after 30 s: a change older than this has committed or never will.
SETTLING = dt.timedelta(hours=1)


def _peer_columns() -> list[ScalarSelect[Any]]:
    """What every team's latest finished scores depend on, read from a few index entries
    whatever the number of teams. Every change that scores see moves Assessment.updated_at
    (store/read_model.py: answers, agreed answers, targets, finishing, reopening, deleting,
    restoring), so: the latest change to an assessment that is or once was finished; how many
    of those changed since RECENT (a change that committed after a later one was read has a
    time below the latest, but is counted: a request commits well within SETTLING); the newest
    such assessment (an import keeps its assessments' old times); which teams are demo teams
    and which are HISPs (a peer spread may be limited to them)."""
    finished = text(EVER_FINISHED)  # as the partial index is defined (store/models.py)
    return [
        select(func.max(Assessment.updated_at)).where(finished).scalar_subquery(),
        select(func.count(Assessment.id)).where(finished, Assessment.updated_at > RECENT)
        .scalar_subquery(),
        select(func.max(Assessment.id)).where(finished).scalar_subquery(),
        select(func.count(Team.id)).where(Team.is_demo.is_(True)).scalar_subquery(),
        select(func.coalesce(func.sum(Team.id), 0)).where(Team.is_hisp.is_(True))
        .scalar_subquery(),
    ]


def _team_columns() -> list[ScalarSelect[Any]]:
    """What the list of a team's assessments depends on: each one's last change, and how
    many there are."""
    of_team = Assessment.team_id == TEAM_ID
    return [
        select(func.count(Assessment.id)).where(of_team).scalar_subquery(),
        select(func.max(Assessment.updated_at)).where(of_team).scalar_subquery(),
        select(func.max(Assessment.id)).where(of_team).scalar_subquery(),
    ]


def _action_columns() -> list[ScalarSelect[Any]]:
    """What an assessment's actions depend on: the team's actions (open ones carry forward
    from earlier assessments) added, changed, deleted, restored (each moves updated_at) or
    purged (the count)."""
    of_team = Action.team_id == TEAM_ID
    return [
        select(func.count(Action.id)).where(of_team).scalar_subquery(),
        select(func.max(Action.updated_at)).where(of_team).scalar_subquery(),
        select(func.max(Action.id)).where(of_team).scalar_subquery(),
    ]


_PEERS = select(*_peer_columns())
_RESULTS = select(*_action_columns(), *_team_columns(), *_peer_columns())
_HISTORY = select(*_team_columns(), *_peer_columns())


def peer_stamp() -> Stamp:
    """Changes whenever any team's latest finished scores may have."""
    return tuple(db.session.execute(_PEERS, {"recent": _recent()}).one())


def results_stamp(assessment: Assessment) -> Stamp:
    """Everything a results page shows beyond the assessment's own row: its actions, the
    team's other assessments (the compare link) and other teams' scores (the peer table)."""
    return tuple(db.session.execute(_RESULTS, {"assessment_id": assessment.id,
                                               "team_id": assessment.team_id,
                                               "recent": _recent()}).one())


def history_stamp(team: Team) -> Stamp:
    """Everything a team's history page shows beyond the team's row: its assessments and
    other teams' scores."""
    return tuple(db.session.execute(_HISTORY, {"team_id": team.id, "recent": _recent()}).one())


ORGANIZATION_ID: BindParameter[int] = bindparam("organization_id", type_=Integer)
# The organization and its bureaus (one level down, as store/portfolio.py reads them).
_WITH_BUREAUS = select(Organization.id).where(
    (Organization.id == ORGANIZATION_ID) | (Organization.parent_id == ORGANIZATION_ID))
_ORGANIZATION_TEAM_IDS = select(OrganizationTeam.team_id).where(
    OrganizationTeam.organization_id.in_(_WITH_BUREAUS))


def _organization_columns() -> list[ScalarSelect[Any]]:
    """What a portfolio shows beyond its teams' rows: which teams are in it (a team that joins
    or leaves changes the count or the newest link), its bureaus, and the teams' assessments
    (every change to scores, reviews included, moves Assessment.updated_at; a change that
    committed after a later one was read is counted since RECENT, as for peers) and actions."""
    in_it = Assessment.team_id.in_(_ORGANIZATION_TEAM_IDS)
    acts = Action.team_id.in_(_ORGANIZATION_TEAM_IDS)
    links = OrganizationTeam.organization_id.in_(_WITH_BUREAUS)
    return [
        select(func.count(OrganizationTeam.id)).where(links).scalar_subquery(),
        select(func.max(OrganizationTeam.id)).where(links).scalar_subquery(),
        select(func.count(Organization.id)).where(Organization.parent_id == ORGANIZATION_ID)
        .scalar_subquery(),
        select(func.count(Assessment.id)).where(in_it).scalar_subquery(),
        select(func.max(Assessment.updated_at)).where(in_it).scalar_subquery(),
        select(func.max(Assessment.id)).where(in_it).scalar_subquery(),
        select(func.count(Assessment.id)).where(in_it, Assessment.updated_at > RECENT)
        .scalar_subquery(),
        select(func.count(Action.id)).where(acts).scalar_subquery(),
        select(func.max(Action.updated_at)).where(acts).scalar_subquery(),
        select(func.max(Action.id)).where(acts).scalar_subquery(),
    ]


_ORGANIZATION = select(*_organization_columns())
# The teams' own rows: names, HISP designation, deletion (a team has no time of change).
_ORGANIZATION_TEAMS = (
    select(Team.id, Team.agency, Team.office, Team.service, Team.is_hisp, Team.hisp_service,
           Team.deleted_at)
    .where(Team.id.in_(_ORGANIZATION_TEAM_IDS)).order_by(Team.id))


def portfolio_stamp(organization: Organization) -> Stamp:
    """Everything an organization's portfolio shows beyond the organization's own row."""
    params = {"organization_id": organization.id, "recent": _recent()}
    return (tuple(db.session.execute(_ORGANIZATION, params).one()),
            tuple(tuple(row) for row in db.session.execute(_ORGANIZATION_TEAMS, params)))


def _recent() -> dt.datetime:
    return utcnow() - SETTLING


def row_values(row: Model) -> Stamp:
    """Every column of a loaded row (a column added later is covered too)."""
    return (type(row).__name__, *(getattr(row, column.key)
                                  for column in inspect(type(row)).column_attrs))
