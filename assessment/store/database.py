"""Database engine settings: SQLite made safe for several workers; PostgreSQL as it comes."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Set for requests that write, so SQLite takes its write lock when the transaction begins.
_writing: ContextVar[bool] = ContextVar("writing", default=False)
SQLITE_BUSY_TIMEOUT_MS = 15_000


def init_app(app: Flask) -> None:
    app.before_request(_note_write_request)


def _note_write_request() -> None:
    _writing.set(request.method not in {"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001
    """WAL lets readers work while one writer writes; foreign keys are off unless asked."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # We issue BEGIN ourselves (below), so pysqlite must not start transactions on its own.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    """A deferred transaction that reads and then writes can fail at once with "database is
    locked" when another worker writes; a write request takes the lock up front and waits."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")
