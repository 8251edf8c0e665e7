"""Migrating a database with data from before accounts keeps every team, assessment and answer."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from assessment.extensions import db

ROWS = [
    "INSERT INTO team (id, agency, office, service, is_demo, created_at)"
    " VALUES (1, 'A', 'B', 'C', false, '2026-01-01')",
    "INSERT INTO assessment (id, public_id, team_id, questionnaire_version, status, started_at,"
    " updated_at) VALUES (1, 'abc', 1, '2026.1', 'draft', '2026-01-01', '2026-01-01')",
    "INSERT INTO response (id, assessment_id, created_at, updated_at)"
    " VALUES (1, 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO answer (id, response_id, question_id, choice, level, note, updated_at)"
    " VALUES (1, 1, 'strategy.big-picture.q1', 'level', 3, 'kept', '2026-01-01')",
]


def test_upgrading_to_accounts_keeps_teams_assessments_and_answers(app):
    with app.app_context():
        downgrade(revision="0002")
        with db.engine.begin() as connection:
            for row in ROWS:
                connection.execute(text(row))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT a.public_id, a.open_to_team, r.user_id, n.level, n.note FROM answer n"
                " JOIN response r ON r.id = n.response_id"
                " JOIN assessment a ON a.id = r.assessment_id")).all() == \
                [("abc", False, None, 3, "kept")]


FINISHED_TWICE = [
    "INSERT INTO team (id, agency, office, service, is_demo, created_at)"
    " VALUES (1, 'A', 'B', 'C', false, '2026-01-01')",
    "INSERT INTO assessment (id, public_id, team_id, questionnaire_version, status, started_at,"
    " finished_at, updated_at, open_to_team) VALUES"
    " (1, 'twice', 1, '2026.1', 'finished', '2026-01-01', '2026-02-01 10:00:00',"
    " '2026-03-05', false),"
    " (2, 'once', 1, '2026.1', 'finished', '2026-01-01', '2026-02-01 10:00:00',"
    " '2026-02-01', false)",
    "INSERT INTO audit_event (at, email, team_id, action, outcome, address, detail) VALUES"
    " ('2026-02-01 10:00:01', '', 1, 'assessment_finished', 'success', '', 'assessment 1'),"
    " ('2026-03-05 16:30:00', '', 1, 'assessment_finished', 'success', '', 'assessment 1'),"
    " ('2026-02-01 10:00:01', '', 1, 'assessment_finished', 'success', '', 'assessment 2'),"
    " ('2026-04-01 09:00:00', '', 1, 'assessment_finished', 'failure', '', 'assessment 2')",
]


def test_upgrading_dates_an_assessment_finished_twice_by_its_latest_finish(app):
    with app.app_context():
        downgrade(revision="0004")
        with db.engine.begin() as connection:
            for row in FINISHED_TWICE:
                connection.execute(text(row))
        upgrade()
        with db.engine.connect() as connection:
            finished = dict(connection.execute(text(
                "SELECT public_id, finished_at FROM assessment")).all())
    assert {key: str(value)[:19] for key, value in finished.items()} == \
        {"twice": "2026-03-05 16:30:00", "once": "2026-02-01 10:00:00"}
