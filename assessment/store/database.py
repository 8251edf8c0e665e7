"""Database engine settings: SQLite made safe for several workers; PostgreSQL with timeouts, so
an unreachable database is an answer in seconds, not a worker killed after thirty."""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError

# Set for requests that write, so SQLite takes its write lock when the transaction begins.
_writing: ContextVar[bool] = ContextVar("writing", default=False)
SQLITE_BUSY_TIMEOUT_MS = 15_000


# A pooled connection idle for longer than this is checked before use; one used more
# recently has just answered a request.
PING_AFTER_IDLE_SECONDS = 1.0
clock = time.monotonic  # tests move it on


def init_app(app: Flask) -> None:
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    app.before_request(_note_write_request)


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Pool and driver settings. On PostgreSQL: a connect timeout, a statement timeout, and TCP
    keepalives and a user timeout that notice a peer gone silent. Connections left idle are
    checked before use (ping_idle_connections)."""
    connect = int(config.get("DATABASE_CONNECT_TIMEOUT", 5))
    statement = int(config.get("DATABASE_STATEMENT_TIMEOUT", 15))
    options: dict[str, Any] = {}
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        options["pool_timeout"] = connect  # waiting for a free pooled connection
        options["connect_args"] = {
            "connect_timeout": connect,
            "options": f"-c statement_timeout={statement * 1000}",
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 3, "tcp_user_timeout": statement * 1000,
        }
    return options


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use when it has been idle for longer than
    idle_seconds, so one the database dropped in the meantime (a restart, a fail-over) is
    replaced instead of failing a request. SQLAlchemy's pool_pre_ping checks every time: a
    round trip on every request, about a tenth of a page served from the cache, for a
    connection that answered a moment ago."""
    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = clock()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = clock()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if clock() - record.info.get("idle_since", -math.inf) <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error for a dead connection
            raise DisconnectionError("an idle connection was dropped") from error
        if not alive:
            raise DisconnectionError("an idle connection was dropped")


def _note_write_request() -> None:
    _writing.set(request.method not in {"GET", "HEAD", "OPTIONS"})


def note_writing() -> None:
    """For a command that reads and then writes (seed-demo beside a running server): SQLite
    takes the write lock when the transaction begins, and waits for it, instead of failing."""
    _writing.set(True)


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
