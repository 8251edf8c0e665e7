"""team.revision (migration 0015): the database moves it on every change to the team's row, its
assessments or its actions, whoever makes the change (the app, a bulk statement, SQL typed by
hand), and moves no other team's. Kept pages (store/stamps.py) rely on it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from assessment.extensions import db
from tests.test_bounded_queries import build_team

NOW = "2030-01-01 00:00:00"
CHANGES = {
    "the team renamed": "UPDATE team SET service = 'Renewals' WHERE id = :team",
    "the team made a HISP": "UPDATE team SET is_hisp = true WHERE id = :team",
    "the team deleted (soft)": f"UPDATE team SET deleted_at = '{NOW}' WHERE id = :team",
    "an assessment started": "INSERT INTO assessment (public_id, team_id, questionnaire_version,"
                             " status, open_to_team, started_at, updated_at) VALUES ('new-one',"
                             f" :team, 'v', 'draft', false, '{NOW}', '{NOW}')",
    "an assessment changed (answers move updated_at)":
        f"UPDATE assessment SET updated_at = '{NOW}' WHERE team_id = :team",
    "an assessment reopened": "UPDATE assessment SET status = 'draft' WHERE team_id = :team",
    "an assessment purged": "DELETE FROM assessment WHERE team_id = :team",
    "an action added": "INSERT INTO action (team_id, assessment_id, practice_id, title, owner,"
                       " status, created_at, updated_at) SELECT team_id, id, 'p', 'Do it', '',"
                       f" 'not_started', '{NOW}', '{NOW}' FROM assessment WHERE team_id = :team",
    "an action changed": "UPDATE action SET status = 'done' WHERE team_id = :team",
    "an action purged": "DELETE FROM action WHERE team_id = :team",
}


@pytest.fixture
def two_teams(app, questionnaire, owner_id) -> tuple[int, int]:
    """Two teams of one finished assessment and one action each."""
    with app.app_context():
        ids = tuple(build_team(questionnaire, owner_id, 1, 1, f"Service {n}").team_id
                    for n in range(2))
        for team in ids:
            db.session.execute(text(CHANGES["an action added"]), {"team": team})
        db.session.commit()
    return ids  # type: ignore[return-value]


def revisions(ids: tuple[int, int]) -> list[int]:
    return [db.session.scalar(text("SELECT revision FROM team WHERE id = :id"), {"id": team})
            for team in ids]


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_a_team_moves_its_revision_and_no_other(app, two_teams, change):
    changed, other = two_teams
    with app.app_context():
        before = revisions(two_teams)
        db.session.execute(text(CHANGES[change]), {"team": changed})
        db.session.commit()
        after = revisions(two_teams)
    assert after[0] > before[0]
    assert after[1] == before[1]


def test_reading_moves_nothing(app, two_teams, client):
    with app.app_context():
        before = revisions(two_teams)
    assert client.get(f"/teams/{two_teams[0]}/history").status_code == 200
    with app.app_context():
        assert revisions(two_teams) == before


def test_a_team_revision_moves_once_per_change_of_the_team_row(app, two_teams):
    """The team trigger moves the revision only when the update did not: an assessment's
    change moves it by one, not by one for the assessment and one for the team row."""
    with app.app_context():
        before = revisions(two_teams)[0]
        db.session.execute(text("UPDATE assessment SET updated_at = :at WHERE team_id = :team"),
                           {"at": dt.datetime(2031, 1, 1), "team": two_teams[0]})
        db.session.commit()
        assert revisions(two_teams)[0] == before + 1
