"""An import never makes anyone but the importer a member: everyone else the team file lists
gets a pending invite for their email, with the role the file gives, to accept or ignore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.extensions import db
from assessment.store.models import MEMBER, OWNER, VIEWER, Invite, Membership, Team, User
from tests.conftest import OWNER_EMAIL, check_page, page_text, sign_in_as
from tests.test_export_import import build_team, get_json, upload

STRANGER = "x@irs.gov"


@pytest.fixture
def imported(app: Flask, client: FlaskClient, questionnaire, make_user) -> dict:
    """Team A (owner, m@ member, v@ viewer) exported; a stranger imports the file, which lists
    team A's people, one of them as owner. Returns the stranger's client, the new team's id and
    the page the import ended on."""
    with app.app_context():
        team_id = build_team(questionnaire)
    data = get_json(client, f"/teams/{team_id}/export.json")
    stranger = sign_in_as(app.test_client(), make_user(STRANGER))
    response = upload(stranger, json.dumps(data).encode())
    assert response.status_code == 302, page_text(BeautifulSoup(response.data, "html.parser"))
    new_team = int(response.location.rstrip("/").split("/")[-1])
    return {"client": stranger, "team_id": new_team,
            "page": page_text(check_page(stranger.get(response.location).data))}


def roles_in(team_id: int) -> dict[str, str]:
    return {m.user.email: m.role for m in db.session.scalars(
        select(Membership).where(Membership.team_id == team_id))}


def test_an_import_makes_nobody_but_the_importer_a_member(app: Flask, imported: dict) -> None:
    with app.app_context():
        assert roles_in(imported["team_id"]) == {STRANGER: OWNER}
        invites = db.session.scalars(select(Invite).filter_by(team_id=imported["team_id"]))
        assert {i.email: i.role for i in invites} == {
            OWNER_EMAIL: OWNER, "m@state.gov": MEMBER, "v@state.gov": VIEWER}


def test_the_import_result_page_says_who_was_invited(imported: dict) -> None:
    assert "We invited the 3 other people the file lists as members" in imported["page"]
    assert "They join only if they accept" in imported["page"]


def person(app: Flask, email: str) -> FlaskClient:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(email=email))
    return sign_in_as(app.test_client(), user_id)


def answer(app: Flask, client: FlaskClient, email: str, choice: str, team_id: int):
    page = check_page(client.get("/teams").data)
    form = page.find("form", attrs={"data-invite-team": str(team_id)})
    assert form is not None, page_text(page)
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    return client.post(form["action"], data=fields | {"answer": choice})


def test_an_invited_person_sees_the_invite_and_joins_with_its_role(app: Flask,
                                                                   imported: dict) -> None:
    owner = person(app, OWNER_EMAIL)
    assert "Taxpayer" not in page_text(check_page(owner.get("/teams").data))
    response = answer(app, owner, OWNER_EMAIL, "accept", imported["team_id"])
    assert response.status_code == 302
    assert response.location.endswith(f"/teams/{imported['team_id']}")
    with app.app_context():
        assert roles_in(imported["team_id"]) == {STRANGER: OWNER, OWNER_EMAIL: OWNER}
    assert 'data-invite-team' not in owner.get("/teams").get_data(as_text=True)


def test_an_invited_person_can_ignore_the_invite(app: Flask, imported: dict) -> None:
    member = person(app, OWNER_EMAIL)
    response = answer(app, member, OWNER_EMAIL, "ignore", imported["team_id"])
    assert response.status_code == 302 and response.location.endswith("/teams")
    with app.app_context():
        assert roles_in(imported["team_id"]) == {STRANGER: OWNER}
        assert db.session.scalar(select(Invite).filter_by(email=OWNER_EMAIL)) is None
    assert 'data-invite-team' not in member.get("/teams").get_data(as_text=True)


def test_nobody_else_can_answer_an_invite_for_your_email(app: Flask, imported: dict) -> None:
    owner = person(app, OWNER_EMAIL)
    page = check_page(owner.get("/teams").data)
    form = page.find("form", attrs={"data-invite-team": str(imported["team_id"])})
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    stranger_page = check_page(imported["client"].get("/teams").data)
    token = stranger_page.find("input", attrs={"name": "csrf_token"})["value"]
    response = imported["client"].post(form["action"], data=fields | {
        "answer": "accept", "csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert roles_in(imported["team_id"]) == {STRANGER: OWNER}


def test_import_json_invites_the_people_the_file_lists(app: Flask, client: FlaskClient,
                                                       questionnaire, make_user,
                                                       tmp_path: Path) -> None:
    with app.app_context():
        team_id = build_team(questionnaire)
    path = tmp_path / "team.json"
    path.write_text(json.dumps(get_json(client, f"/teams/{team_id}/export.json")))
    make_user(STRANGER)
    result = app.test_cli_runner().invoke(args=["import-json", str(path), "--owner", STRANGER])
    assert result.exit_code == 0, result.output
    assert "We invited the 3 other people the file lists as members" in result.output
    with app.app_context():
        new_team = db.session.scalar(select(Team.id).order_by(Team.id.desc()))
        assert roles_in(new_team) == {STRANGER: OWNER}
