"""The demo team, which anyone reads: no email addresses for people outside it, and no way in
for a signed-out visitor. Actions: members change and remove their own, owners all."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.store import operations, teams
from assessment.store.models import MEMBER, Action, Assessment, Team, User
from assessment.store.operations import SubmittedAnswer
from tests.conftest import check_page, sign_in_as


def form_token(client, url: str = "/") -> str:
    page = BeautifulSoup(client.get(url).data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def demo(app, make_user, questionnaire):
    """The demo team from seed-demo, with a member who answered its latest assessment (as a
    draft reopened for the team); returns the team id, the latest assessment, the member."""
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    member = make_user("ana.member@state.gov")
    with app.app_context():
        team = db.session.scalar(db.select(Team).filter_by(is_demo=True))
        latest = team.assessments[-1]
        teams.add_member(team, db.session.get(User, member), MEMBER)
        first = questionnaire.pillars[0].questions[0].id
        operations.save_answers(operations.response_for(latest, member),
                                {first: SubmittedAnswer("3")})
        db.session.commit()
        return team.id, latest.public_id, member


def demo_emails(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(db.select(User.email)))


def test_an_anonymous_post_to_leave_the_demo_team_asks_to_sign_in(app, anonymous, demo):
    team_id, _, _ = demo
    token = form_token(anonymous, "/sign-in")
    response = anonymous.post(f"/teams/{team_id}/leave", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/sign-in")


@pytest.mark.parametrize("who", ["anonymous", "someone signed in"])
def test_the_demo_team_shows_no_email_addresses_outside_it(app, anonymous, make_user, demo, who):
    team_id, latest, _ = demo
    visitor = anonymous if who == "anonymous" else sign_in_as(app.test_client(),
                                                              make_user("x@irs.gov"))
    emails = demo_emails(app) - {"x@irs.gov"}
    assert "demo-owner@example.gov" in emails and "ana.member@state.gov" in emails
    for path in (f"/teams/{team_id}", f"/assessments/{latest}/review",
                 f"/assessments/{latest}/team-answers", f"/teams/{team_id}/export.json",
                 f"/assessments/{latest}/export.json", f"/assessments/{latest}/answers.csv"):
        response = visitor.get(path)
        assert response.status_code == 200, path
        body = response.data.decode()
        assert not [e for e in emails if e in body], path
        if path.endswith(".json"):
            assert "@demo.invalid" in body, path  # stand-ins keep who answered what together
        elif not path.endswith(".csv"):
            check_page(body)


def test_the_demo_teams_members_see_its_email_addresses(app, demo):
    team_id, latest, member = demo
    browser = sign_in_as(app.test_client(), member)
    assert "demo-owner@example.gov" in browser.get(f"/teams/{team_id}").data.decode()
    assert "ana.member@state.gov" in browser.get(f"/assessments/{latest}/export.json"
                                                 ).data.decode()


# Actions: members change and remove only the actions they added; owners change all.

@pytest.fixture
def plan(app, client, make_assessment, make_user, join_team, questionnaire, owner_id):
    """A finished assessment with an action the owner added and one a member added."""
    public_id = make_assessment({q.id: "2" for *_, q in questionnaire.questions()},
                                finished=True)
    member = make_user("m@state.gov")
    join_team(public_id, member, MEMBER)
    practice = questionnaire.pillars[0].practices[0].id
    details = operations.ActionDetails("Brief the team", "CX lead", dt.date(2027, 1, 1),
                                       "not_started")
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        owners = operations.add_action(assessment, practice, details, owner_id)
        members = operations.add_action(assessment, practice, details, member)
        db.session.commit()
        ids = {"owner": owners.id, "member": members.id}
    return public_id, sign_in_as(app.test_client(), member), ids


def action_form(action_id: int, title: str, token: str) -> dict[str, str]:
    return {"csrf_token": token, "title": title, "owner": "CX lead", "due_month": "1",
            "due_day": "1", "due_year": "2027", "status": "in_progress"}


def title_of(app, action_id: int) -> str | None:
    with app.app_context():
        action = db.session.get(Action, action_id)
        return action.title if action else None


def test_a_member_cannot_change_or_remove_an_action_the_owner_added(app, plan):
    public_id, member, ids = plan
    base = f"/assessments/{public_id}/actions/{ids['owner']}"
    token = form_token(member, f"/assessments/{public_id}/results")
    assert member.get(f"{base}/edit").status_code == 403
    assert member.post(f"{base}/edit", data=action_form(ids["owner"], "Changed", token)
                       ).status_code == 403
    assert member.post(f"{base}/remove", data={"csrf_token": token}).status_code == 403
    assert title_of(app, ids["owner"]) == "Brief the team"


def test_a_member_changes_and_removes_their_own_action(app, plan):
    public_id, member, ids = plan
    base = f"/assessments/{public_id}/actions/{ids['member']}"
    token = form_token(member, f"/assessments/{public_id}/results")
    assert member.post(f"{base}/edit", data=action_form(ids["member"], "Mine, changed", token)
                       ).status_code == 302
    assert title_of(app, ids["member"]) == "Mine, changed"
    assert member.post(f"{base}/remove", data={"csrf_token": token}).status_code == 302
    assert title_of(app, ids["member"]) is None


def test_an_owner_changes_any_action(app, client, plan):
    public_id, _, ids = plan
    token = form_token(client, f"/assessments/{public_id}/results")
    response = client.post(f"/assessments/{public_id}/actions/{ids['member']}/edit",
                           data=action_form(ids["member"], "Owner's wording", token))
    assert response.status_code == 302 and title_of(app, ids["member"]) == "Owner's wording"


def test_a_member_sees_change_links_only_on_their_own_actions(app, client, plan):
    public_id, member, ids = plan
    page = member.get(f"/assessments/{public_id}/results").data.decode()
    assert f"/actions/{ids['member']}/edit" in page
    assert f"/actions/{ids['owner']}/edit" not in page
    owners_page = client.get(f"/assessments/{public_id}/results").data.decode()
    assert f"/actions/{ids['member']}/edit" in owners_page


def test_the_demo_team_is_a_hisp_whose_latest_assessment_is_on_the_current_questionnaire(
        app, demo, questionnaire):
    team_id, _, _ = demo
    with app.app_context():
        team = db.session.get(Team, team_id)
        assert (team.is_hisp, team.hisp_service) == (True, "Passport Services")
        assert [a.questionnaire_version for a in team.assessments] == [
            "2026.1", "2026.1", questionnaire.version]
