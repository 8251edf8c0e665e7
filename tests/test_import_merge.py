"""Import merges a team file into a team you own instead of copying it; a team file of a team
you already have is refused, with that team offered as the one to add it to."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.store import operations, teams
from assessment.store.models import OWNER, VIEWER, Assessment, Invite, Membership, Team, User
from tests.conftest import OWNER_EMAIL, check_page, page_text
from tests.test_export_import import build_team, get_json, upload


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count()).select_from(Team)),
                db.session.scalar(db.select(db.func.count()).select_from(Assessment)))


def setup_team(app, questionnaire) -> int:
    with app.app_context():
        return build_team(questionnaire)


def test_a_team_file_of_a_team_you_have_is_refused_and_offers_that_team(app, client,
                                                                         questionnaire):
    team_id = setup_team(app, questionnaire)
    body = client.get(f"/teams/{team_id}/export.json").data
    before = counts(app)
    response = upload(client, body)
    assert response.status_code == 400
    page = check_page(response.data)
    assert "You already have the team for Passport Services" in page_text(page)
    assert "Nothing was imported" in page_text(page)
    chosen = page.select_one("select#team option[selected]")
    assert chosen is not None and chosen["value"] == str(team_id)
    assert counts(app) == before


def test_a_team_file_chosen_for_your_team_adds_only_what_the_team_lacks(app, client,
                                                                         questionnaire):
    team_id = setup_team(app, questionnaire)
    data = get_json(client, f"/teams/{team_id}/export.json")
    newer = json.loads(json.dumps(data["assessments"][1]))
    newer["started_at"] = "2027-01-10T09:00:00Z"  # one the team does not have yet
    newer["finished_at"] = newer["updated_at"] = "2027-02-01T10:30:00Z"
    data["assessments"].append(newer)
    teams_before, assessments_before = counts(app)
    response = upload(client, json.dumps(data).encode(), team=str(team_id))
    assert response.status_code == 302 and response.location == f"/teams/{team_id}"
    assert counts(app) == (teams_before, assessments_before + 1)
    text = page_text(check_page(client.get(response.location).data))
    assert "You imported 1 assessment" in text
    # Imported again, nothing is added twice.
    assert upload(client, json.dumps(data).encode(), team=str(team_id)).status_code == 302
    assert counts(app) == (teams_before, assessments_before + 1)


def test_a_merge_invites_only_the_people_the_file_lists_who_are_not_in_the_team(
        app, client, questionnaire):
    team_id = setup_team(app, questionnaire)
    data = get_json(client, f"/teams/{team_id}/export.json")
    data["team"]["members"].append({"email": "new@state.gov", "role": "member",
                                    "joined_at": data["team"]["members"][0]["joined_at"]})
    assert upload(client, json.dumps(data).encode(), team=str(team_id)).status_code == 302
    with app.app_context():
        invited = db.session.scalars(db.select(Invite.email).filter_by(team_id=team_id)).all()
    assert invited == ["new@state.gov"]


def test_a_team_file_can_be_added_to_another_team_you_own(app, client, questionnaire):
    team_id = setup_team(app, questionnaire)
    body = client.get(f"/teams/{team_id}/export.json").data
    with app.app_context():
        other = operations.create_team("Department of State", "Consular Affairs", "Visas")
        teams.add_member(other, db.session.scalar(db.select(User).filter_by(
            email=OWNER_EMAIL)), OWNER)
        db.session.commit()
        other_id = other.id
    assert upload(client, body, team=str(other_id)).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)
                                 .filter_by(team_id=other_id)) == 3


def test_the_import_page_explains_adding_a_team_file_to_a_team(client, app, questionnaire):
    setup_team(app, questionnaire)
    page = BeautifulSoup(client.get("/teams/import").data, "html.parser")
    assert page.select_one("label[for=team]").get_text() == "Team to add the file to"
    assert "instead of making a copy" in page_text(page)


def test_a_viewer_of_the_same_team_is_told_to_ask_an_owner(app, client, questionnaire):
    team_id = setup_team(app, questionnaire)
    body = client.get(f"/teams/{team_id}/export.json").data
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).join(User).filter(
            User.email == OWNER_EMAIL, Membership.team_id == team_id))
        membership.role = VIEWER
        db.session.commit()
    response = upload(client, body)
    assert response.status_code == 400
    text = page_text(check_page(response.data))
    assert "Only its owners can add a file to it: ask one of them to import the file" in text


def test_a_merged_file_brings_the_actions_of_the_assessments_it_adds(app, client, questionnaire):
    """Actions added on an assessment the team lacks come with it, and still end where the
    file says; the actions of assessments the team has are not added twice."""
    from assessment.store import read_model

    team_id = setup_team(app, questionnaire)
    data = get_json(client, f"/teams/{team_id}/export.json")
    newer = json.loads(json.dumps(data["assessments"][1]))
    newer["started_at"] = "2027-01-10T09:00:00Z"
    newer["finished_at"] = newer["updated_at"] = "2027-02-01T10:30:00Z"
    practice = questionnaire.pillars[0].practices[0].id
    newer["actions"] = [{
        "practice_id": practice, "title": "Publish the survey results", "owner": "CX lead",
        "due_date": None, "status": "done", "created_at": "2027-01-11T09:00:00Z",
        "updated_at": "2027-01-20T09:00:00Z", "last_assessment": len(data["assessments"]),
        "history": [{"status": "done", "changed_at": "2027-01-20T09:00:00Z",
                     "changed_by": None}]}]
    data["assessments"].append(newer)
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(
            db.metadata.tables["action"]))
    assert upload(client, json.dumps(data).encode(), team=str(team_id)).status_code == 302
    with app.app_context():
        after = db.session.scalar(db.select(db.func.count()).select_from(
            db.metadata.tables["action"]))
        assert after == before + 1
        added = db.session.scalars(db.select(Assessment).filter_by(team_id=team_id)
                                   .order_by(Assessment.started_at.desc())).first()
        shown = {a.title: a for a in read_model.assessment_actions(added)}
        assert shown["Publish the survey results"].last_assessment_id == added.id
