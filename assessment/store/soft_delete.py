"""Soft delete: a deleted team, assessment or action is hidden from every ORM query (pages,
API, export, peers, history, the read model) for DELETE_KEPT_DAYS, while its owners may restore
it; `flask purge-deleted` then removes it for good.

One rule does the hiding, here, so no query can forget it: every ORM select of whole rows (and
the relationships loaded from them) leaves out rows whose deleted_at is set, unless it asks for
them with the execution option INCLUDE_DELETED (the "Recently deleted" list, restoring,
purging). A select of columns only (select(Assessment.id)) is not covered: it says
`deleted_at.is_(None)` itself (store/peers.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from assessment.store.models import SoftDeleted

DELETE_KEPT_DAYS = 30
INCLUDE_DELETED = "include_deleted"


# Built once (an option is immutable): building it for every query cost more than adding it.
_LIVE_ROWS_ONLY = with_loader_criteria(SoftDeleted, lambda cls: cls.deleted_at.is_(None),
                                       include_aliases=True)


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted(state: ORMExecuteState) -> None:
    if (state.is_select and not state.is_column_load and not state.is_relationship_load
            and not state.execution_options.get(INCLUDE_DELETED, False)):
        state.statement = state.statement.options(_LIVE_ROWS_ONLY)


def purge_before(now: dt.datetime) -> dt.datetime:
    """Rows deleted before this moment are kept no longer."""
    return now - dt.timedelta(days=DELETE_KEPT_DAYS)
