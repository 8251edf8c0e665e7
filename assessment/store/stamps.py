"""Stamps: what a kept page is checked against on every request, read in the same query as the
page's own rows.

The database keeps the numbers (migration 0015's triggers), so a change made by any app
process, a bulk statement or SQL typed by hand is seen by every process at its next request:

- a team's row carries team.revision, which moves with every change to the team, its
  assessments (answers, agreed answers, targets, reviews, finishing, reopening, deleting,
  restoring) and its actions (added, changed, deleted, restored, carried forward or purged);
- an organization's row carries organization.revision, which moves with every change to the
  rows of its teams (so with their revisions), its links to teams and its bureaus;
- the change counter 'peers' moves whenever any team's latest finished scores may have
  changed (other teams' scores, as the peer spreads read them).

So a results page is kept under the assessment's row, the team's row and the peer stamp; a
history page under the team's row and the peer stamp; a portfolio under the organization's
row (web/fragments.cached_page, views/portfolio.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, Select, inspect, select

from assessment.extensions import Model, db
from assessment.store.models import PEERS, ChangeCounter

Stamp = tuple[Any, ...]
AnySelect = Select[*tuple[Any, ...]]


def _peer_columns() -> list[ScalarSelect[Any]]:
    """What every team's latest finished scores depend on: the 'peers' change counter."""
    return [select(ChangeCounter.revision).where(ChangeCounter.name == PEERS)
            .scalar_subquery()]


# Built once: building a statement costs more than running it.
_PEERS = select(*_peer_columns())


def peer_stamp() -> Stamp:
    """Changes whenever any team's latest finished scores may have."""
    return tuple(db.session.execute(_PEERS).one())


def with_peer_stamp(statement: AnySelect) -> AnySelect:
    """The statement with the peer stamp's columns after its own, so a page that loads its
    rows and checks other teams' scores asks the database once."""
    return statement.add_columns(*_peer_columns())


def row_values(row: Model) -> Stamp:
    """Every column of a loaded row (a column added later is covered too)."""
    return (type(row).__name__, *(getattr(row, column.key)
                                  for column in inspect(type(row)).column_attrs))
