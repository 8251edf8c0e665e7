"""Writes that can meet the same write from another request, made safe without a retry.

Two requests that both find no row and both insert it would make one of them fail on the
unique constraint. Inserting "or skip" lets the database decide: one row is made, the other
insert does nothing (on PostgreSQL it waits for the first to commit), and both go on to read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from assessment.extensions import db


def insert_or_skip(model: type, values: Mapping[str, Any], unique_on: Sequence[str]) -> bool:
    """Insert a row unless one with the same `unique_on` columns exists; True if inserted."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING says whether a row went in; the row count does not (psycopg reports -1 for an
    # insert that returns the new primary key).
    statement = (insert(table).values(**values).on_conflict_do_nothing(index_elements=unique_on)
                 .returning(table.c[unique_on[0]]))
    return db.session.connection().execute(statement).first() is not None
