"""Sessions kept on the server: signing out, a new password and "sign out everywhere else" end
copies of a session at once; removing or demoting someone takes back the invites they made."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.store import teams
from assessment.store.models import MEMBER, OWNER, VIEWER, Assessment, Invite, Membership, User
from tests.conftest import PASSWORD, check_page, page_text, sign_in_as


def form_token(client, url: str = "/") -> str:
    page = BeautifulSoup(client.get(url).data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def signed_in(app, email: str = "lead@state.gov"):
    """A browser that signed in through the sign-in page."""
    browser = app.test_client()
    response = browser.post("/sign-in", data={"csrf_token": form_token(browser, "/sign-in"),
                                              "email": email, "password": PASSWORD,
                                              "next": ""})
    assert response.status_code == 302
    return browser


def copy_of(app, browser):
    """Another browser holding a copy of the first one's session cookie."""
    other = app.test_client()
    other.set_cookie("session", browser.get_cookie("session").value)
    return other


def reads_teams(browser) -> bool:
    return browser.get("/teams").status_code == 200


def test_signing_out_ends_a_copied_session(app, make_user):
    make_user()
    browser = signed_in(app)
    thief = copy_of(app, browser)
    assert reads_teams(thief)
    token = form_token(thief, "/account/api-tokens")
    assert browser.post("/sign-out", data={"csrf_token": form_token(browser)}).status_code == 302
    assert not reads_teams(thief)
    made = thief.post("/account/api-tokens", data={"csrf_token": token, "name": "stolen",
                                                   "expires": "30"})
    assert made.status_code == 302 and made.location.startswith("/sign-in")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(
            db.Model.metadata.tables["api_token"])) == 0


def test_a_password_reset_ends_the_users_other_sessions(app, make_user, caplog):
    make_user()
    elsewhere = signed_in(app)
    assert reads_teams(elsewhere)
    browser = app.test_client()
    with caplog.at_level("INFO"):
        browser.post("/reset-password", data={"csrf_token": form_token(browser,
                                                                        "/reset-password"),
                                              "email": "lead@state.gov"})
    link = re.search(r"http://localhost(/reset-password/\S+)", caplog.text).group(1)
    new = "a brand new password here"
    response = browser.post(link, data={"csrf_token": form_token(browser, link),
                                        "password": new, "confirm": new})
    assert response.status_code == 302
    assert not reads_teams(elsewhere)


def test_signing_out_everywhere_else_ends_other_sessions_and_keeps_this_one(app, make_user):
    make_user()
    here, elsewhere = signed_in(app), signed_in(app)
    copied = copy_of(app, here)
    page = check_page(here.get("/account").data)
    assert "lead@state.gov" in page_text(page)
    response = here.post("/account/sign-out-everywhere", data={"csrf_token": form_token(here)},
                         follow_redirects=True)
    assert "You are signed out everywhere else" in page_text(check_page(response.data))
    assert reads_teams(here)
    assert not reads_teams(elsewhere) and not reads_teams(copied)


def test_signing_out_everywhere_needs_a_post_with_a_token(app, make_user):
    browser = sign_in_as(app.test_client(), make_user())
    assert browser.get("/account/sign-out-everywhere").status_code == 405
    assert browser.post("/account/sign-out-everywhere").status_code == 400
    assert reads_teams(browser)


# Invites: the role an invite gives is one its maker still holds.

@pytest.fixture
def two_owners(app, client, make_assessment, make_user, join_team):
    """Team T with its owner (`client`) and a second owner, O2, signed in on their own."""
    public_id = make_assessment()
    second = make_user("o2@state.gov")
    join_team(public_id, second, OWNER)
    with app.app_context():
        team_id = db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))
    return team_id, second, sign_in_as(app.test_client(), second)


def make_invite(browser, team_id: int, role: str) -> str:
    page = BeautifulSoup(browser.post(f"/teams/{team_id}/invites", data={
        "csrf_token": form_token(browser, f"/teams/{team_id}"), "role": role, "email": ""}
    ).data, "html.parser")
    return page.find(id="invite-link").get_text().removeprefix("http://localhost")


def membership(app, team_id: int, user_id: int) -> str | None:
    with app.app_context():
        return db.session.scalar(db.select(Membership.role).filter_by(team_id=team_id,
                                                                       user_id=user_id))


def change(client, team_id: int, app, user_id: int, action: str, **data) -> None:
    with app.app_context():
        membership_id = db.session.scalar(db.select(Membership.id).filter_by(
            team_id=team_id, user_id=user_id))
    response = client.post(f"/teams/{team_id}/members/{membership_id}/{action}",
                           data={"csrf_token": form_token(client, f"/teams/{team_id}"), **data})
    assert response.status_code == 302


def test_a_removed_owner_cannot_use_their_old_invite(app, client, two_owners):
    team_id, second, o2 = two_owners
    link = make_invite(o2, team_id, OWNER)
    change(client, team_id, app, second, "remove")
    assert membership(app, team_id, second) is None
    again = sign_in_as(app.test_client(), second)  # signed in afresh
    response = again.post(link, data={"csrf_token": form_token(again)})
    assert response.status_code == 404
    assert membership(app, team_id, second) is None


@pytest.mark.parametrize("new_role", [MEMBER, VIEWER])
def test_a_demoted_owners_invites_stop_working(app, client, two_owners, make_user, new_role):
    team_id, second, o2 = two_owners
    links = [make_invite(o2, team_id, role) for role in (OWNER, MEMBER)]
    change(client, team_id, app, second, "role", role=new_role)
    newcomer_id = make_user("new@state.gov")
    newcomer = sign_in_as(app.test_client(), newcomer_id)
    for link in links:
        assert newcomer.get(link).status_code == 404
        assert newcomer.post(link, data={"csrf_token": form_token(newcomer)}).status_code == 404
    assert membership(app, team_id, newcomer_id) is None


@pytest.mark.parametrize(("maker_role", "invite_role", "works"), [
    (OWNER, OWNER, True), (OWNER, VIEWER, True),
    (MEMBER, OWNER, False), (MEMBER, MEMBER, True),
    (VIEWER, MEMBER, False), (None, VIEWER, False),  # None: no longer in the team
])
def test_an_invite_gives_only_a_role_its_maker_still_holds(app, two_owners, maker_role,
                                                          invite_role, works):
    """Even when the maker's role changed without the usual revocation (an import, a fix by
    hand), the link checks the role its maker holds now."""
    team_id, second, _ = two_owners
    with app.app_context():
        team = db.session.get(Assessment, 1).team
        token = teams.create_invite(team, invite_role, db.session.get(User, second))
        row = db.session.scalar(db.select(Membership).filter_by(team_id=team_id,
                                                                user_id=second))
        if maker_role is None:
            db.session.delete(row)
        else:
            row.role = maker_role
        db.session.commit()
        assert (teams.find_invite(token) is not None) is works
        assert db.session.scalar(db.select(db.func.count()).select_from(Invite)) == 1
