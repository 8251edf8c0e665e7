"""The app on an explicit backend for tests of races and outages: a SQLite file, or a database
of this run's own on the local PostgreSQL (DATABASE_URL's server when it names one), whatever
DATABASE_URL says, so these tests run on both databases in every run."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url

from assessment import create_app
from assessment.extensions import db

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_server() -> URL:
    base = os.environ.get("DATABASE_URL", "")
    return make_url(base if base.startswith("postgresql") else LOCAL_POSTGRES)


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[URL]:
    """A PostgreSQL database of this run's own, migrated once, dropped at the end."""
    server = postgres_server()
    name = f"cx_access_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name)
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def backend_app(database_uri: str, tmp_path: Path, **config: object) -> Flask:
    """The app on a database, migrated."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": database_uri,
                      "PLAN_CACHE_DIR": str(tmp_path / "plan-cache"),
                      "PLAN_RENDER_AHEAD": False, **config})
    with app.app_context():
        upgrade()
    return app


def empty(app: Flask) -> None:
    """Remove every row (PostgreSQL keeps the database between tests) and close the pool."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.engine.dispose()
