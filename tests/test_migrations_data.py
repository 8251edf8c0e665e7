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


ACTIONS_ON_TWO_YEARS = [
    "INSERT INTO team (id, agency, office, service, is_demo, created_at)"
    " VALUES (1, 'A', 'B', 'C', false, '2025-01-01')",
    "INSERT INTO user_account (id, email, password_hash, created_at, session_generation)"
    " VALUES (1, 'lead@state.gov', 'x', '2025-01-01', 0)",
    "INSERT INTO assessment (id, public_id, team_id, questionnaire_version, status, started_at,"
    " finished_at, updated_at, open_to_team) VALUES"
    " (1, 'first', 1, '2026.1', 'finished', '2025-01-01', '2025-02-01', '2025-02-01', false),"
    " (2, 'second', 1, '2026.1', 'finished', '2026-01-01', '2026-02-01', '2026-02-01', false)",
    "INSERT INTO action (id, assessment_id, practice_id, title, owner, status, created_by_id,"
    " created_at, updated_at) VALUES"
    " (1, 1, 'strategy.big-picture', 'Open, first year', '', 'in_progress', 1,"
    "  '2025-02-02', '2025-03-01'),"
    " (2, 1, 'strategy.big-picture', 'Done, first year', '', 'done', NULL,"
    "  '2025-02-02', '2025-04-01'),"
    " (3, 2, 'strategy.big-picture', 'Open, latest year', '', 'not_started', 1,"
    "  '2026-02-02', '2026-02-02'),"
    " (4, 2, 'strategy.big-picture', 'Done, latest year', '', 'done', 1,"
    "  '2026-02-02', '2026-03-01')",
]


def test_upgrading_keeps_each_action_where_it_showed_and_carries_the_latest_open_ones(app):
    from assessment.store import read_model
    from assessment.store.models import Action, Assessment

    with app.app_context():
        downgrade(revision="0007")
        with db.engine.begin() as connection:
            for row in ACTIONS_ON_TWO_YEARS:
                connection.execute(text(row))
        upgrade()
        first, second = (db.session.scalar(db.select(Assessment).filter_by(public_id=p))
                         for p in ("first", "second"))
        assert [a.title for a in read_model.assessment_actions(first)] == \
            ["Open, first year", "Done, first year"]
        assert [a.title for a in read_model.assessment_actions(second)] == \
            ["Open, latest year", "Done, latest year"]
        assert all(a.team_id == 1 for a in db.session.scalars(db.select(Action)))
        history = {a.title: [(c.status, str(c.changed_at)[:10], c.changed_by_id)
                             for c in a.status_changes]
                   for a in db.session.scalars(db.select(Action))}
        assert history == {
            "Open, first year": [("in_progress", "2025-03-01", None)],
            "Done, first year": [("done", "2025-04-01", None)],
            "Open, latest year": [("not_started", "2026-02-02", 1)],
            "Done, latest year": [("done", "2026-03-01", None)],
        }
        db.session.execute(text(  # the next year's assessment, as start_assessment makes it
            "INSERT INTO assessment (id, public_id, team_id, questionnaire_version, status,"
            " started_at, updated_at, open_to_team) VALUES (3, 'third', 1, '2026.1', 'draft',"
            " '2027-01-01 00:00:00.000000', '2027-01-01 00:00:00.000000', false)"))
        third = db.session.scalar(db.select(Assessment).filter_by(public_id="third"))
        assert [a.title for a in read_model.assessment_actions(third)] == ["Open, latest year"]
        db.session.rollback()
        downgrade(revision="0007")
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT id, assessment_id FROM action ORDER BY id")).all() == \
                [(1, 1), (2, 1), (3, 2), (4, 2)]
        upgrade()
