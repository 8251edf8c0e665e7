"""team.revision and organization.revision (migration 0015): the database moves a team's on
every change to the team's row, its assessments or its actions, and an organization's on every
change to a team in it or in one of its bureaus, a team joining or leaving, or a bureau coming
or going; whoever makes the change (the app, a bulk statement, SQL typed by hand), and no
other's. Kept pages (store/stamps.py, views/portfolio.py) rely on them."""

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


ORGANIZATION_CHANGES = {  # what changes: which of department, bureau, other move
    "a team of the department answers": (
        "UPDATE assessment SET updated_at = '2031-01-01' WHERE team_id = :department_team",
        {"department"}),
    "a team of the bureau adds an action": (
        CHANGES["an action added"].replace(":team", ":bureau_team"), {"bureau", "department"}),
    "a team of the bureau is renamed": (
        "UPDATE team SET service = 'Renamed' WHERE id = :bureau_team", {"bureau", "department"}),
    "a team in no organization answers": (
        "UPDATE assessment SET updated_at = '2031-01-01' WHERE team_id = :loose_team", set()),
    "a team leaves the department": (
        "DELETE FROM organization_team WHERE team_id = :department_team", {"department"}),
    "a team joins the bureau": (
        "INSERT INTO organization_team (organization_id, team_id, shares_answers, joined_at) "
        "VALUES (:bureau, :loose_team, false, '2031-01-01')", {"bureau", "department"}),
    "a team is purged": ("DELETE FROM team WHERE id = :department_team", {"department"}),
    "a bureau is added": (
        "INSERT INTO organization (name, parent_id, requires_evidence, is_demo, created_at, "
        "revision) VALUES ('New bureau', :department, false, false, '2031-01-01', 0)",
        {"department"}),
    "the bureau is removed": ("DELETE FROM organization WHERE id = :bureau", {"department"}),
    "the bureau moves to the other organization": (
        "UPDATE organization SET parent_id = :other WHERE id = :bureau",
        {"department", "other"}),  # the bureau's own row changed: its page sees that
}


@pytest.fixture
def organizations(app, questionnaire, owner_id) -> dict[str, int]:
    """A department with a bureau and another organization; a team in the department, one in
    the bureau, and one in none."""
    from assessment.store.models import Organization, OrganizationTeam

    with app.app_context():
        ids = {name: build_team(questionnaire, owner_id, 1, 1, f"Service {name}").team_id
               for name in ("department_team", "bureau_team", "loose_team")}
        department = Organization(name="Department")
        bureau = Organization(name="Bureau", parent=department)
        other = Organization(name="Other")
        db.session.add_all([department, bureau, other])
        db.session.flush()
        db.session.add_all([OrganizationTeam(organization_id=department.id,
                                             team_id=ids["department_team"]),
                            OrganizationTeam(organization_id=bureau.id,
                                             team_id=ids["bureau_team"])])
        db.session.commit()
        return ids | {"department": department.id, "bureau": bureau.id, "other": other.id}


def organization_revisions(ids: dict[str, int]) -> dict[str, int | None]:
    return {name: db.session.scalar(text("SELECT revision FROM organization WHERE id = :id"),
                                    {"id": ids[name]})
            for name in ("department", "bureau", "other")}


@pytest.mark.parametrize("change", ORGANIZATION_CHANGES)
def test_an_organization_revision_moves_with_what_its_portfolio_shows(app, organizations,
                                                                       change):
    statement, moving = ORGANIZATION_CHANGES[change]
    with app.app_context():
        before = organization_revisions(organizations)
        db.session.execute(text(statement), organizations)
        db.session.commit()
        after = organization_revisions(organizations)
    for name in ("department", "bureau", "other"):
        if after[name] is None:  # removed
            continue
        assert (after[name] > before[name]) == (name in moving), name


PEER_CHANGES = {  # statement, whether other teams' peer spreads may change
    "a finished assessment's answers change": (
        "UPDATE assessment SET updated_at = '2031-01-01' WHERE team_id = :team", True),
    "a finished assessment is reopened": (
        "UPDATE assessment SET status = 'draft' WHERE team_id = :team", True),
    "a finished assessment is purged": ("DELETE FROM assessment WHERE team_id = :team", True),
    "a finished assessment arrives (an import)": (
        "INSERT INTO assessment (public_id, team_id, questionnaire_version, status, "
        "open_to_team, started_at, finished_at, updated_at) VALUES ('imported', :team, 'v', "
        "'finished', false, '2020-01-01', '2020-01-02', '2020-01-02')", True),
    "the team becomes a HISP": ("UPDATE team SET is_hisp = true WHERE id = :team", True),
    "the team becomes a demo team": ("UPDATE team SET is_demo = true WHERE id = :team", True),
    "the team is deleted": ("UPDATE team SET deleted_at = '2031-01-01' WHERE id = :team", True),
    "a draft is started": (CHANGES["an assessment started"].replace("new-one", "another"),
                           False),
    "a draft's answers change": (
        "UPDATE assessment SET updated_at = '2031-01-01' WHERE public_id = 'new-one'", False),
    "the team is renamed": ("UPDATE team SET service = 'Renewals' WHERE id = :team", False),
    "an action changes": ("UPDATE action SET status = 'done' WHERE team_id = :team", False),
}


@pytest.mark.parametrize("change", PEER_CHANGES)
def test_the_peer_stamp_moves_with_what_peer_spreads_read_and_nothing_else(app, two_teams,
                                                                            change):
    from assessment.store.stamps import peer_stamp

    statement, moves = PEER_CHANGES[change]
    with app.app_context():
        db.session.execute(text(CHANGES["an assessment started"]), {"team": two_teams[1]})
        db.session.commit()
        before = peer_stamp()
        db.session.execute(text(statement), {"team": two_teams[0]})
        db.session.commit()
        assert (peer_stamp() != before) == moves
