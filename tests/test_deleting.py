"""Deleting is safe: it asks first, hides what was deleted everywhere, is logged, can be
undone by an owner for 30 days, and `flask purge-deleted` removes it after that. An account
is deleted by its owner, once no team depends on them as its only owner."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.store import api_tokens, deleting, teams
from assessment.store.models import (
    MEMBER,
    OWNER,
    Action,
    AuditEvent,
    Membership,
    Response,
    Team,
    User,
)
from tests.conftest import check_page, page_text


def post_form(browser, page_url: str, action: str, **data: str):
    """Post the form whose action starts with `action` on the page, with its hidden fields."""
    page = BeautifulSoup(browser.get(page_url).data, "html.parser")
    form = page.select_one(f"form[action^='{action}']")
    assert form is not None, f"no form for {action} on {page_url}"
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    return browser.post(form["action"], data=fields | data)


def events(app, action: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent.detail).filter_by(action=action)))


def titles(browser, public_id: str) -> list[str]:
    page = BeautifulSoup(browser.get(f"/assessments/{public_id}/results").data, "html.parser")
    return [p.get_text() for p in page.select(".app-action__title")]


@pytest.fixture
def api(app, owner_id):
    with app.app_context():
        _, secret = api_tokens.make_token(db.session.get(User, owner_id), "script", None)
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_deleting_an_assessment_asks_hides_it_everywhere_and_an_owner_restores_it(
        app, client, world, api):
    finished, team_id = world["finished"], world["values"]["team_id"]
    confirm = check_page(client.get(f"/assessments/{finished}/delete").data.decode())
    assert "Yes, delete the assessment" in page_text(confirm)
    response = post_form(client, f"/assessments/{finished}/delete",
                         f"/assessments/{finished}/delete")
    assert response.status_code == 302 and response.location == f"/teams/{team_id}"
    for path in (f"/assessments/{finished}/results", f"/assessments/{finished}/plan.pdf",
                 f"/assessments/{finished}/export.json", f"/api/assessments/{finished}"):
        assert client.get(path, headers=api).status_code == 404, path
    for path in (f"/teams/{team_id}", f"/teams/{team_id}/history",
                 f"/teams/{team_id}/export.json", f"/api/teams/{team_id}/assessments"):
        assert finished not in client.get(path, headers=api).data.decode(), path
    team_page = page_text(check_page(client.get(f"/teams/{team_id}").data.decode()))
    assert "Recently deleted" in team_page and "You can restore it until" in team_page
    assert len(events(app, "assessment_deleted")) == 1
    with app.app_context():
        assessment_id = world["values"]["assessment_id"]
    restored = post_form(client, f"/teams/{team_id}",
                         f"/teams/{team_id}/deleted/assessments/{assessment_id}/restore")
    assert restored.status_code == 302
    assert client.get(f"/assessments/{finished}/results").status_code == 200
    assert len(events(app, "assessment_restored")) == 1


def test_deleting_a_team_hides_it_and_its_assessments_until_its_owner_restores_it(
        app, client, world, api):
    team_id, draft = world["values"]["team_id"], world["draft"]
    assert "Yes, delete the team" in client.get(f"/teams/{team_id}/delete").data.decode()
    response = post_form(client, f"/teams/{team_id}/delete", f"/teams/{team_id}/delete")
    assert response.location == "/teams/deleted"
    for path in (f"/teams/{team_id}", f"/assessments/{draft}/review",
                 f"/api/teams/{team_id}"):
        assert client.get(path, headers=api).status_code == 404, path
    assert f'href="/teams/{team_id}"' not in client.get("/teams").data.decode()
    assert str(team_id) not in client.get("/api/teams", headers=api).data.decode()
    member = world["clients"][MEMBER]
    assert member.get(f"/assessments/{draft}/review").status_code == 404
    deleted_page = page_text(check_page(client.get("/teams/deleted").data.decode()))
    assert "Passport Services" in deleted_page
    assert "Passport Services" not in member.get("/teams/deleted").data.decode()  # owners only
    assert member.post(f"/teams/deleted/{team_id}/restore", data=dict(
        csrf_token=BeautifulSoup(member.get("/teams").data, "html.parser").find(
            "input", attrs={"name": "csrf_token"})["value"])).status_code in (400, 404)
    post_form(client, "/teams/deleted", f"/teams/deleted/{team_id}/restore")
    assert client.get(f"/assessments/{draft}/review").status_code == 200
    assert events(app, "team_deleted") == events(app, "team_restored") == ["Passport Services"]


def test_a_removed_action_can_be_restored_from_the_team_page(app, client, world):
    finished, team_id = world["finished"], world["values"]["team_id"]
    action_id = world["values"]["action_id"]
    remove = f"/assessments/{finished}/actions/{action_id}/remove"
    assert "An owner can restore it" in page_text(check_page(client.get(remove).data.decode()))
    post_form(client, remove, remove)
    assert titles(client, finished) == []
    assert "The action “Brief the team”" in client.get(f"/teams/{team_id}").data.decode()
    post_form(client, f"/teams/{team_id}", f"/teams/{team_id}/deleted/actions/{action_id}")
    assert titles(client, finished) == ["Brief the team"]
    assert events(app, "action_deleted") == events(app, "action_restored") == ["Brief the team"]


@pytest.mark.parametrize("persona, status", [(MEMBER, 403), ("viewer", 403),
                                             ("other team", 404)])
def test_only_owners_delete_and_restore(app, world, persona, status):
    browser = world["clients"][persona]
    values = world["values"]
    token = BeautifulSoup(browser.get("/teams").data, "html.parser").find(
        "input", attrs={"name": "csrf_token"})
    data = {"csrf_token": token["value"]} if token else {}
    with app.app_context():
        deleting.delete_action(db.session.get(Action, values["action_id"]), None)
        db.session.commit()
    for path in (f"/assessments/{world['finished']}/delete", f"/teams/{values['team_id']}/delete",
                 f"/teams/{values['team_id']}/deleted/actions/{values['action_id']}/restore",
                 f"/teams/{values['team_id']}/deleted/assessments/"
                 f"{values['assessment_id']}/restore"):
        assert browser.post(path, data=data).status_code == status, path
    with app.app_context():
        assert db.session.get(Team, values["team_id"]).deleted_at is None
        assert db.session.scalar(db.select(Action.deleted_at).where(
            Action.id == values["action_id"]).execution_options(include_deleted=True))


def test_purge_deleted_removes_only_what_was_deleted_over_30_days_ago(app, world):
    values = world["values"]
    with app.app_context():
        team = db.session.get(Team, values["team_id"])
        action = db.session.get(Action, values["action_id"])
        deleting.delete_action(action, None)
        deleting.delete_team(team, None)
        action.deleted_at = dt.datetime(2000, 1, 1)  # long ago
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-deleted"])
    assert result.exit_code == 0 and "Removed 0 teams, 0 assessments and 1 actions" in \
        result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Team).execution_options(
            include_deleted=True).where(Team.id == values["team_id"])) == 1
        team = db.session.scalar(db.select(Team).where(Team.id == values["team_id"])
                                 .execution_options(include_deleted=True))
        team.deleted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-deleted"])
    assert "Removed 1 teams, 0 assessments and 0 actions" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Team).execution_options(
            include_deleted=True).where(Team.id == values["team_id"])) == 0


def test_the_only_owner_hands_the_team_over_before_deleting_their_account(
        app, client, world, owner_id):
    page = page_text(check_page(client.get("/account/delete").data.decode()))
    assert "First, hand over your teams" in page and "Delete my account" not in page
    with app.app_context():
        member = db.session.scalar(db.select(Membership).filter_by(role=MEMBER))
        member.role = OWNER  # team A handed over
        # An invite the owner made for it: it must not outlive its maker (with no maker, the
        # role it grants could no longer be checked).
        invite_token = teams.create_invite(member.team, OWNER, db.session.get(User, owner_id))
        for other in deleting.teams_only_owned_by(db.session.get(User, owner_id)):
            deleting.delete_team(other, None)  # the owner's other team, deleted
        db.session.commit()
    page = check_page(client.get("/account/delete").data.decode())
    assert "Delete my account" in page_text(page)
    wrong = post_form(client, "/account/delete", "/account/delete", password="not it")
    assert wrong.status_code == 400 and "That is not your password" in wrong.data.decode()
    done = post_form(client, "/account/delete", "/account/delete",
                     password="correct horse battery staple")
    assert done.status_code == 302 and done.location == "/"
    with app.app_context():
        assert db.session.get(User, owner_id) is None
        assert teams.invite_by_token(invite_token) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Response)) >= 2
        assert db.session.scalar(db.select(AuditEvent.email).filter_by(
            action="account_deleted")) == "owner@state.gov"
    assert client.get("/teams").status_code == 302  # signed out


def test_a_deleted_team_and_a_deleted_assessment_count_no_more_among_other_teams(
        app, make_assessment):
    from assessment.store.models import Assessment
    from assessment.store.peers import latest_finished_assessments

    kept, gone = (make_assessment(finished=True, service=s) for s in ("Visas", "Passports"))
    with app.app_context():
        def latest() -> set[str]:
            return {a.public_id for a in latest_finished_assessments()}

        assert {kept, gone} <= latest()
        deleting.delete_team(db.session.scalar(
            db.select(Assessment).filter_by(public_id=gone)).team, None)
        deleting.delete_assessment(db.session.scalar(
            db.select(Assessment).filter_by(public_id=kept)), None)
        assert not {kept, gone} & latest()
