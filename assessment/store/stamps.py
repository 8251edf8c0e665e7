"""Stamps: one cheap query that changes whenever what a kept page shows may have changed.

A stamp is a tuple of counts, sums and latest change times. Other teams' scores: it moves when
an assessment that is or was finished is added (count and latest id), changed (store/
read_model.py moves Assessment.updated_at whenever answers, agreed answers or targets change)
or removed (count). A team's own data: team.revision, which the database moves on every change
to the team, its assessments or its actions (migration 0015). Pages are kept under their stamp
(web/fragments.cached_page), so a change in any app process is seen by every other one at its
next request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BindParameter,
    DateTime,
    ScalarSelect,
    Select,
    bindparam,
    func,
    inspect,
    select,
    text,
)

from assessment.extensions import Model, db
from assessment.store.models import (
    EVER_FINISHED,
    Assessment,
    Team,
    utcnow,
)

Stamp = tuple[Any, ...]
AnySelect = Select[*tuple[Any, ...]]


# The statements are built once, with their ids as parameters: building one costs more than
# running it.
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


_PEERS = select(*_peer_columns())


def peer_stamp() -> Stamp:
    """Changes whenever any team's latest finished scores may have."""
    return tuple(db.session.execute(_PEERS, {"recent": _recent()}).one())


def with_peer_stamp(statement: AnySelect) -> AnySelect:
    """The statement with the peer stamp's columns after its own, so a page that loads its
    rows and checks other teams' scores asks the database once (pass peer_parameters())."""
    return statement.add_columns(*_peer_columns())


def peer_parameters() -> dict[str, Any]:
    return {"recent": _recent()}


# A team's own pages need no more than the team's row: its revision (migration 0015) moves
# with every change to the team, its assessments (answers, agreed answers, targets, reviews,
# finishing, reopening, deleting, restoring) and its actions (added, changed, deleted,
# restored, carried forward or purged). So a results page is kept under the assessment's row,
# the team's row and the peer stamp; a history page under the team's row and the peer stamp.
# Likewise a portfolio needs no more than the organization's row: its revision moves with
# every change to its teams' rows (so with their revisions), its links to teams and its
# bureaus.


def _recent() -> dt.datetime:
    return utcnow() - SETTLING


def row_values(row: Model) -> Stamp:
    """Every column of a loaded row (a column added later is covered too)."""
    return (type(row).__name__, *(getattr(row, column.key)
                                  for column in inspect(type(row)).column_attrs))
