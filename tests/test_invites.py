"""Invites: the owners' list of invites not used yet, revoking one, "we emailed" only when a mail
server took the message, the page an invite link opens (signed out, it names the team and offers
sign-in or sign-up, and the invite survives both), and links that no longer work."""

from __future__ import annotations

import datetime as dt
import email.message
import json
import re

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import db
from assessment.rules.wording import date_text
from assessment.store import teams
from assessment.store.models import (
    MEMBER,
    OWNER,
    VIEWER,
    Assessment,
    AuditEvent,
    Invite,
    Membership,
    Team,
    User,
    utcnow,
)
from tests.conftest import OWNER_EMAIL, PASSWORD, check_page, page_text, sign_in_as


class MailServer:
    """A stand-in for smtplib.SMTP that keeps what it is sent, or refuses everything."""

    def __init__(self) -> None:
        self.sent: list[email.message.EmailMessage] = []
        self.refuse = False

    def __call__(self, host: str, port: int, timeout: float) -> MailServer:
        if self.refuse:
            raise ConnectionRefusedError("the mail server is down")
        return self

    def __enter__(self) -> MailServer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def send_message(self, message: email.message.EmailMessage) -> None:
        self.sent.append(message)

    def body(self, index: int = -1) -> str:
        return self.sent[index].get_content()


@pytest.fixture
def mail_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> MailServer:
    """MAIL_SERVER set, with a stand-in server that accepts every message."""
    from assessment.web import mail

    server = MailServer()
    app.config["MAIL_SERVER"] = "mail.agency.test"
    monkeypatch.setattr(mail.smtplib, "SMTP", server)
    return server


def team_of(app: Flask, public_id: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Assessment.team_id).filter_by(public_id=public_id))


def invite(client: FlaskClient, csrf_token, team_id: int, role: str = MEMBER,
           email: str = "") -> BeautifulSoup:
    response = client.post(f"/teams/{team_id}/invites", data={
        "csrf_token": csrf_token(f"/teams/{team_id}"), "role": role, "email": email})
    assert response.status_code == 200
    return check_page(response.data)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def form_token(client: FlaskClient, path: str) -> str:
    page = BeautifulSoup(client.get(path).data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def test_a_mail_server_that_accepts_the_invite_makes_the_page_say_we_emailed_it(
        app, client, csrf_token, make_assessment, mail_server):
    team_id = team_of(app, make_assessment())
    page = invite(client, csrf_token, team_id, MEMBER, "Ana@State.gov")
    assert "We emailed this link to Ana@State.gov" in page_text(page)
    link = page.find(id="invite-link").get_text()
    assert len(mail_server.sent) == 1 and mail_server.sent[0]["To"] == "Ana@State.gov"
    body = mail_server.body()
    assert link in body and "owner@state.gov invited you" in body and "as a member" in body
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="invite_created"))
        assert event.detail == "role member, emailed to Ana@State.gov"


def test_a_mail_server_that_refuses_makes_the_page_say_so_and_show_the_link(
        app, client, csrf_token, make_assessment, mail_server):
    mail_server.refuse = True
    team_id = team_of(app, make_assessment())
    page = invite(client, csrf_token, team_id, MEMBER, "ana@state.gov")
    text = page_text(page)
    assert "We could not email the link to ana@state.gov" in text and "We emailed" not in text
    assert "/invites/" in page.find(id="invite-link").get_text()
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="invite_created"))
        assert event.detail == "role member, for ana@state.gov, not emailed (failed)"


def test_the_invite_link_is_whole_text_with_a_copy_button_only_scripts_show(
        app, client, csrf_token, make_assessment):
    team_id = team_of(app, make_assessment())
    page = invite(client, csrf_token, team_id)
    link = page.find(id="invite-link")
    assert link.name == "code" and re.fullmatch(r"http://localhost/invites/[\w-]{32}",
                                                link.get_text())
    button = page.find("button", attrs={"data-copy": "invite-link"})
    assert button.has_attr("hidden") and button["type"] == "button"
    assert page.find("script", src=re.compile(r"/static/js/copy-link\.js"))


def invite_rows(page: BeautifulSoup) -> list[str]:
    table = page.find("table", class_="app-invites")
    return [page_text(row).strip() for row in table.tbody.find_all("tr")] if table else []


def test_owners_see_every_invite_not_used_yet_with_its_role_maker_and_expiry(
        app, client, csrf_token, make_assessment, make_user, join_team):
    public_id = make_assessment()
    team_id = team_of(app, public_id)
    invite(client, csrf_token, team_id, VIEWER)
    invite(client, csrf_token, team_id, MEMBER, "ana@state.gov")
    joiner = make_user("c@x.gov")
    with app.app_context():
        team = db.session.get(Team, team_id)
        teams.invite_email(team, "bo@state.gov", OWNER, None)  # as an import makes them
        used = teams.create_invite(team, MEMBER, None)
        teams.accept_invite(teams.find_invite(used), db.session.get(User, joiner))
        for days_ago, email in ((3, "old@state.gov"), (40, "ancient@state.gov")):
            expired = teams.invite_email(team, email, VIEWER, None)
            expired.expires_at = utcnow() - dt.timedelta(days=days_ago)
        db.session.commit()
        expires = date_text((utcnow() + dt.timedelta(days=teams.INVITE_DAYS)).date())
    rows = invite_rows(check_page(client.get(f"/teams/{team_id}").data))
    assert len(rows) == 4  # used, and expired over 30 days ago: not listed
    assert rows[0].startswith("Anyone with the link Viewer owner@state.gov")
    assert f"Expires {expires}" in rows[0] and "Revoke the invite for anyone with" in rows[0]
    assert rows[1].startswith("ana@state.gov Member owner@state.gov")
    assert rows[2].startswith("bo@state.gov Owner Not recorded")
    assert "Expired" in rows[3] and rows[3].startswith("old@state.gov") and "Remove" in rows[3]
    member = make_user("m@state.gov")
    join_team(public_id, member, MEMBER)
    member_page = check_page(sign_in_as(app.test_client(), member).get(f"/teams/{team_id}").data)
    assert invite_rows(member_page) == [] and "Invites not used yet" not in page_text(member_page)


def test_an_owner_revokes_an_invite_and_its_link_stops_working(
        app, client, csrf_token, anonymous, make_assessment):
    team_id = team_of(app, make_assessment())
    link = path_of(invite(client, csrf_token, team_id, MEMBER, "ana@state.gov")
                   .find(id="invite-link").get_text())
    with app.app_context():
        invite_id = db.session.scalar(db.select(Invite.id))
    revoke = f"/teams/{team_id}/invites/{invite_id}/revoke"
    assert client.post(revoke, data={"csrf_token": "forged"}).status_code == 400
    assert anonymous.get(link).status_code == 200
    response = client.post(revoke, data={"csrf_token": csrf_token(f"/teams/{team_id}")},
                           follow_redirects=True)
    text = page_text(check_page(response.data))
    assert "You revoked the invite for ana@state.gov. Its link no longer works." in text
    assert "There are no invites waiting" in text
    gone = anonymous.get(link)
    assert gone.status_code == 404
    assert "This invite link does not work" in page_text(check_page(gone.data))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invite)) == 0
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="invite_revoked"))
        assert event.detail == "role member, for ana@state.gov"
        assert event.email == OWNER_EMAIL
    again = client.post(revoke, data={"csrf_token": csrf_token(f"/teams/{team_id}")},
                        follow_redirects=True)
    assert "That invite was already used or revoked" in page_text(check_page(again.data))


def test_a_signed_out_visitor_sees_the_team_the_inviter_and_the_role(
        app, client, csrf_token, anonymous, make_assessment):
    team_id = team_of(app, make_assessment(service="Passport renewal"))
    link = path_of(invite(client, csrf_token, team_id, VIEWER).find(id="invite-link").get_text())
    page = check_page(anonymous.get(link).data)
    text = page_text(page)
    assert page.h1.get_text() == "Join the team for Passport renewal"
    assert "owner@state.gov invited you to join the team for Passport renewal as a viewer" in text
    with app.app_context():
        team = db.session.get(Team, team_id)
        assert team.office in text and team.agency in text
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in page.select("main a.usa-button")}
    assert hrefs["Sign in to join the team"] == f"/sign-in?next={link}"
    assert hrefs["Create an account"] == f"/sign-up?next={link}"
    assert not page.select("main form")  # nothing to press before signing in


def sign_in(client: FlaskClient, email: str, next_path: str):
    return client.post("/sign-in", data={"csrf_token": form_token(client, "/sign-in"),
                                         "email": email, "password": PASSWORD,
                                         "next": next_path})


def test_signing_in_from_an_invite_comes_back_to_it_and_joins(
        app, client, csrf_token, anonymous, make_assessment, make_user):
    team_id = team_of(app, make_assessment())
    link = path_of(invite(client, csrf_token, team_id, MEMBER).find(id="invite-link").get_text())
    make_user("ana@state.gov")
    response = sign_in(anonymous, "ana@state.gov", link)
    assert response.status_code == 302 and response.location == link
    page = check_page(anonymous.get(link).data)
    assert "You are signed in as ana@state.gov" in page_text(page)
    joined = anonymous.post(link, data={"csrf_token": form_token(anonymous, link)})
    assert joined.location == f"/teams/{team_id}"
    with app.app_context():
        roles = {m.user.email: m.role for m in db.session.scalars(
            db.select(Membership).filter_by(team_id=team_id))}
    assert roles == {OWNER_EMAIL: OWNER, "ana@state.gov": MEMBER}


def test_signing_up_by_the_emailed_link_keeps_the_invite(
        app, client, csrf_token, anonymous, make_assessment, mail_server):
    team_id = team_of(app, make_assessment())
    link = path_of(invite(client, csrf_token, team_id, MEMBER).find(id="invite-link").get_text())
    anonymous.post("/sign-up", data={"csrf_token": form_token(anonymous, f"/sign-up?next={link}"),
                                     "email": "new@state.gov", "password": PASSWORD,
                                     "next": link})
    finish = path_of(re.search(r"http://localhost/sign-up/\S+", mail_server.body()).group())
    newcomer = app.test_client()  # the email opened in another browser
    made = newcomer.post(finish, data={"csrf_token": form_token(newcomer, finish)})
    assert made.status_code == 302 and made.location == link
    joined = newcomer.post(link, data={"csrf_token": form_token(newcomer, link)})
    assert joined.location == f"/teams/{team_id}"


def test_a_member_already_in_the_team_is_told_so(app, client, csrf_token, make_assessment):
    team_id = team_of(app, make_assessment())
    link = path_of(invite(client, csrf_token, team_id, VIEWER).find(id="invite-link").get_text())
    page = check_page(client.get(link).data)
    assert "You are already in this team. Your role: Owner." in page_text(page)
    assert not page.select("main form")  # nothing to join


@pytest.mark.parametrize(("state", "heading", "says"), [
    ("used", "This invite link was already used", "Each invite link works once"),
    ("expired", "This invite link has expired", "It worked until"),
    ("withdrawn", "This invite link was withdrawn", "can no longer give this role"),
])
def test_a_link_that_no_longer_works_says_why_and_names_the_team(
        app, anonymous, make_assessment, make_user, join_team, state, heading, says):
    public_id = make_assessment(service="Visa appointments")
    maker = make_user("m@state.gov")
    join_team(public_id, maker, MEMBER)
    with app.app_context():
        team = db.session.get(Team, team_of(app, public_id))
        token = teams.create_invite(team, MEMBER, db.session.get(User, maker))
        found = teams.find_invite(token)
        if state == "used":
            found.used_at = utcnow()
        elif state == "expired":
            found.expires_at = utcnow() - dt.timedelta(hours=1)
        else:
            db.session.scalar(db.select(Membership).filter_by(user_id=maker)).role = VIEWER
        db.session.commit()
    response = anonymous.get(f"/invites/{token}")
    assert response.status_code == 410
    page = check_page(response.data)
    assert page.h1.get_text() == heading
    assert says in page_text(page) and "the team for Visa appointments" in page_text(page)
    signed_in = sign_in_as(app.test_client(), make_user("new@state.gov"))
    posted = signed_in.post(f"/invites/{token}",
                            data={"csrf_token": form_token(signed_in, "/teams")})
    assert posted.status_code == 410


def test_an_unknown_link_gets_a_clear_page(anonymous):
    response = anonymous.get("/invites/not-a-real-token")
    assert response.status_code == 404
    assert "This invite link does not work" in page_text(check_page(response.data))


def imported_invites(app, client, questionnaire, make_user):
    from tests.test_export_import import build_team, get_json, upload

    with app.app_context():
        team_id = build_team(questionnaire)
    data = get_json(client, f"/teams/{team_id}/export.json")
    stranger = sign_in_as(app.test_client(), make_user("x@irs.gov"))
    response = upload(stranger, json.dumps(data).encode())
    assert response.status_code == 302
    return page_text(check_page(stranger.get(response.location).data))


def test_people_an_import_invites_are_emailed_a_link_when_a_mail_server_is_set(
        app, client, anonymous, questionnaire, make_user, mail_server):
    text = imported_invites(app, client, questionnaire, make_user)
    assert "We emailed each of them a link to join" in text
    assert sorted(m["To"] for m in mail_server.sent) == sorted(
        [OWNER_EMAIL, "m@state.gov", "v@state.gov"])
    viewer_mail = next(m.get_content() for m in mail_server.sent if m["To"] == "v@state.gov")
    assert "x@irs.gov invited you" in viewer_mail and "as a viewer" in viewer_mail
    link = path_of(re.search(r"http://localhost/invites/\S+", viewer_mail).group())
    page = check_page(anonymous.get(link).data)
    assert "invited you to join the team for Passport Services as a viewer" in page_text(page)


def test_without_a_mail_server_the_import_says_no_email_was_sent(
        app, client, questionnaire, make_user):
    text = imported_invites(app, client, questionnaire, make_user)
    assert "No email was sent: this site has no mail server set up" in text
    assert "We emailed" not in text
