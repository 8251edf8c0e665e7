"""Owners remove members; anyone leaves a team; a team always keeps an owner; answers stay."""

from __future__ import annotations

from assessment.extensions import db
from assessment.store.models import MEMBER, OWNER, VIEWER, Assessment, AuditEvent, Membership
from tests.conftest import check_page, page_text, sign_in_as


def team_of(app, public_id: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))


def members(app, team_id: int) -> dict[str, str]:
    with app.app_context():
        return {m.user.email: m.role for m in db.session.scalars(
            db.select(Membership).filter_by(team_id=team_id))}


def membership_id(app, team_id: int, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Membership.id).filter_by(team_id=team_id,
                                                                     user_id=user_id))


def test_an_owner_removes_a_member_whose_answers_stay(app, client, csrf_token, make_assessment,
                                                      make_user, join_team, questionnaire):
    public_id = make_assessment()
    team_id = team_of(app, public_id)
    ana = make_user("ana@state.gov")
    join_team(public_id, ana, MEMBER)
    with app.app_context():
        assessment = db.session.scalar(db.select(Assessment).filter_by(public_id=public_id))
        assessment.open_to_team = True
        db.session.commit()
    member = sign_in_as(app.test_client(), ana)
    url = f"/assessments/{public_id}/pillars/strategy"
    token = member.get(url).data.decode().split('name="csrf_token" value="')[1].split('"')[0]
    member.post(url, data={"csrf_token": token, "action": "continue",
                           **{f"answer-{q.id}": "4" for q in questionnaire.pillars[0].questions}})

    page = check_page(client.get(f"/teams/{team_id}").data)
    assert "Remove ana@state.gov from the team" in page_text(page)
    assert "Remove owner@state.gov" not in page_text(page)  # yourself: leave instead
    response = client.post(f"/teams/{team_id}/members/{membership_id(app, team_id, ana)}/remove",
                           data={"csrf_token": csrf_token(f"/teams/{team_id}")},
                           follow_redirects=True)
    assert "You removed ana@state.gov from the team" in response.data.decode()
    assert members(app, team_id) == {"owner@state.gov": OWNER}
    # Out of their last team, ana is signed out everywhere; signed in again, the team is gone.
    assert member.get(f"/teams/{team_id}").location.startswith("/sign-in")
    assert sign_in_as(app.test_client(), ana).get(f"/teams/{team_id}").status_code == 404
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="member_removed"))
        assert event.detail == "ana@state.gov"
    review = page_text(check_page(client.get(f"/assessments/{public_id}/review").data))
    assert "ana@state.gov" in review  # their answers still count toward the team's


def test_a_member_leaves_and_the_last_owner_cannot(app, client, csrf_token, make_assessment,
                                                   make_user, join_team):
    public_id = make_assessment()
    team_id = team_of(app, public_id)
    ana = make_user("ana@state.gov")
    join_team(public_id, ana, VIEWER)
    viewer = sign_in_as(app.test_client(), ana)
    page = viewer.get(f"/teams/{team_id}").data.decode()
    assert "Leave this team" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = viewer.post(f"/teams/{team_id}/leave", data={"csrf_token": token})
    assert response.location == "/teams"
    assert members(app, team_id) == {"owner@state.gov": OWNER}

    response = client.post(f"/teams/{team_id}/leave",
                           data={"csrf_token": csrf_token(f"/teams/{team_id}")},
                           follow_redirects=True)
    assert "A team needs at least one owner" in response.data.decode()
    assert members(app, team_id) == {"owner@state.gov": OWNER}


def test_an_owner_leaves_once_someone_else_owns_the_team(app, client, csrf_token,
                                                         make_assessment, make_user, join_team):
    public_id = make_assessment()
    team_id = team_of(app, public_id)
    join_team(public_id, make_user("ana@state.gov"), OWNER)
    response = client.post(f"/teams/{team_id}/leave",
                           data={"csrf_token": csrf_token(f"/teams/{team_id}")})
    assert response.status_code == 302
    assert members(app, team_id) == {"ana@state.gov": OWNER}


def test_removing_needs_an_owner_of_that_team(app, client, csrf_token, make_assessment,
                                              make_user, join_team):
    public_id = make_assessment()
    team_id = team_of(app, public_id)
    ana, bo = make_user("ana@state.gov"), make_user("bo@state.gov")
    join_team(public_id, ana, MEMBER)
    join_team(public_id, bo, MEMBER)
    member = sign_in_as(app.test_client(), ana)
    page = member.get(f"/teams/{team_id}").data.decode()
    assert "Remove bo@state.gov" not in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    target = f"/teams/{team_id}/members/{membership_id(app, team_id, bo)}/remove"
    assert member.post(target, data={"csrf_token": token}).status_code == 403
    other_team = team_of(app, make_assessment(service="Visas"))
    wrong_team = f"/teams/{other_team}/members/{membership_id(app, team_id, bo)}/remove"
    assert client.post(wrong_team, data={"csrf_token": csrf_token(f"/teams/{team_id}")}
                       ).status_code == 404
    assert client.post(target, data={"csrf_token": "forged"}).status_code == 400
    assert set(members(app, team_id)) == {"owner@state.gov", "ana@state.gov", "bo@state.gov"}


def invites(app) -> list[tuple[str, str]]:
    from assessment.store.models import Invite
    with app.app_context():
        return [(i.role, i.token_hash) for i in db.session.scalars(db.select(Invite))]


def test_an_owner_makes_an_invite_link_that_is_shown_once(app, client, csrf_token,
                                                         make_assessment, make_user):
    team_id = team_of(app, make_assessment())
    response = client.post(f"/teams/{team_id}/invites",
                           data={"csrf_token": csrf_token(f"/teams/{team_id}"), "role": VIEWER,
                                 "email": ""})
    page = check_page(response.data)
    link = page.find(id="invite-link").get_text()
    assert "/invites/" in link and "as a viewer" in page_text(page)
    assert "We emailed" not in page_text(page) and "No email was sent" not in page_text(page)
    assert [role for role, _ in invites(app)] == [VIEWER]
    newcomer = sign_in_as(app.test_client(), make_user("new@state.gov"))
    join = newcomer.get(link.split("localhost", 1)[1]).data.decode()
    token = join.split('name="csrf_token" value="')[1].split('"')[0]
    newcomer.post(link.split("localhost", 1)[1], data={"csrf_token": token})
    assert members(app, team_id)["new@state.gov"] == VIEWER


def test_without_a_mail_server_the_page_says_no_email_was_sent(app, client, csrf_token,
                                                               make_assessment, caplog):
    team_id = team_of(app, make_assessment())
    with caplog.at_level("INFO"):
        response = client.post(f"/teams/{team_id}/invites",
                               data={"csrf_token": csrf_token(f"/teams/{team_id}"),
                                     "role": MEMBER, "email": "ana@state.gov"})
    page = check_page(response.data)
    text = page_text(page)
    assert "We emailed" not in text
    assert "No email was sent: this site has no mail server set up" in text
    assert "send it to ana@state.gov yourself" in text
    assert "/invites/" in page.find(id="invite-link").get_text()
    logged = next(r.getMessage() for r in caplog.records if "Join the Passport Services" in
                  r.getMessage())
    assert "MAIL_SERVER is not set" in logged and "/invites/" in logged
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="invite_created"))
        assert event.detail == "role member, for ana@state.gov, not emailed (no mail server)"


def test_a_mistyped_invite_address_keeps_what_was_typed_and_makes_no_link(
        app, client, csrf_token, make_assessment):
    team_id = team_of(app, make_assessment())
    response = client.post(f"/teams/{team_id}/invites",
                           data={"csrf_token": csrf_token(f"/teams/{team_id}"), "role": VIEWER,
                                 "email": "ana at state"})
    assert response.status_code == 400
    page = check_page(response.data)
    assert "Enter an email address like name@agency.gov" in page.select_one(
        "#error-summary").get_text()
    assert page.find("input", id="invite-email")["value"] == "ana at state"
    assert page.select_one("#invite-role option[selected]")["value"] == VIEWER
    assert invites(app) == []
