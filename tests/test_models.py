"""The schema: migrations match the models, and constraints keep answers sound."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from assessment.extensions import db
from assessment.store import models
from assessment.store.models import Answer, Assessment


def test_the_migrations_build_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_then_upgrade_round_trips(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"team", "assessment", "response", "answer", "pillar_target"} <= set(
            inspect(db.engine).get_table_names())


def _first_response_id(app, make_assessment) -> int:
    public_id = make_assessment({"strategy.big-picture.q1": "3"})
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        return assessment.responses[0].id


@pytest.mark.parametrize(("question_id", "choice", "level"), [
    ("strategy.big-picture.q1", "level", 4),   # a second answer to the same question
    ("strategy.develop-strategy.q1", "level", 6),
    ("strategy.develop-strategy.q1", "level", None),
    ("strategy.develop-strategy.q1", "na", 3),
    ("strategy.develop-strategy.q1", "maybe", None),
], ids=["duplicate-question", "level-6", "level-missing", "na-with-level", "unknown-choice"])
def test_the_database_refuses_unsound_answers(app, make_assessment, question_id, choice, level):
    response_id = _first_response_id(app, make_assessment)
    with app.app_context():
        db.session.add(Answer(response_id=response_id, question_id=question_id, choice=choice,
                              level=level, note=""))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_suite_runs_on_the_database_that_database_url_names(app):
    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") \
        else "sqlite"
    with app.app_context():
        assert db.engine.dialect.name == wanted


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("SQLite settings only")
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_new_public_id_never_starts_with_a_dash(monkeypatch):
    # An id like "-Qx…" would be read as an option by `flask plan ID`; such a draw is redrawn.
    draws = iter(["-starts-with-a-dash", "--two-dashes", "fine-Id_1"])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda n: next(draws))
    assert models.new_public_id() == "fine-Id_1"
