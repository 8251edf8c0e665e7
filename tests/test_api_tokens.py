"""Personal API tokens: the rules, and the page where you make, see and revoke them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from assessment.extensions import db
from assessment.store import api_tokens
from assessment.store.api_tokens import bearer_secret, is_due_for_use_note, is_usable
from assessment.store.models import MEMBER, OWNER, VIEWER, ApiToken, AuditEvent, User
from tests.conftest import check_page, page_text

NOW = dt.datetime(2026, 6, 1, 12, 0)
PAGE = "/account/api-tokens"


@pytest.mark.parametrize("header, secret", [
    ("Bearer cxa_abc", "cxa_abc"),
    ("bearer cxa_abc", "cxa_abc"),
    ("  Bearer   cxa_abc  ", "cxa_abc"),
    ("Bearer", None),
    ("Bearer ", None),
    ("Basic cxa_abc", None),
    ("Bearer cxa abc", None),
    ("cxa_abc", None),
    ("Bearer " + "x" * 201, None),
    ("", None),
    (None, None),
])
def test_the_token_is_read_from_a_bearer_header(header, secret):
    assert bearer_secret(header) == secret


@pytest.mark.parametrize("revoked_at, expires_at, usable", [
    (None, None, True),
    (None, NOW + dt.timedelta(seconds=1), True),
    (None, NOW, False),
    (None, NOW - dt.timedelta(days=1), False),
    (NOW - dt.timedelta(days=1), None, False),
    (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1), False),
])
def test_a_token_works_until_revoked_or_expired(revoked_at, expires_at, usable):
    token = ApiToken(revoked_at=revoked_at, expires_at=expires_at)
    assert is_usable(token, NOW) is usable


@pytest.mark.parametrize("last_used_at, due", [
    (None, True),
    (NOW - dt.timedelta(seconds=59), False),
    (NOW - dt.timedelta(seconds=60), True),
    (NOW - dt.timedelta(days=3), True),
])
def test_last_use_is_noted_at_most_once_a_minute(last_used_at, due):
    assert is_due_for_use_note(last_used_at, NOW) is due


def test_a_new_token_is_long_random_and_only_its_hash_is_kept(app, owner_id):
    with app.app_context():
        token, secret = api_tokens.make_token(db.session.get(User, owner_id), "  CI   job ", 30)
        db.session.commit()
        assert re.fullmatch(r"cxa_[A-Za-z0-9_-]{43}", secret)
        assert token.name == "CI job"
        assert token.token_hash == api_tokens.hash_secret(secret) != secret
        assert secret not in {str(v) for v in vars(token).values()}
        assert token.expires_at - token.created_at == dt.timedelta(days=30)
        assert api_tokens.find_token(secret) is token
        assert api_tokens.find_token(secret[:-1]) is None
        assert api_tokens.make_token(db.session.get(User, owner_id), "x", None)[1] != secret


def test_a_user_has_at_most_twenty_working_tokens(app, owner_id):
    with app.app_context():
        user = db.session.get(User, owner_id)
        for n in range(api_tokens.MAX_ACTIVE_TOKENS):
            api_tokens.make_token(user, f"token {n}", None)
        with pytest.raises(api_tokens.TokenError, match="Revoke one"):
            api_tokens.make_token(user, "one more", None)
        api_tokens.revoke_token(api_tokens.tokens_of(user)[0])
        api_tokens.make_token(user, "one more", None)


def form_token(client) -> str:
    page = BeautifulSoup(client.get(PAGE).data, "html.parser")
    return page.select_one("main form input[name=csrf_token]")["value"]


def make_on_page(client, name: str = "Dashboard", expires: str = "90"):
    return client.post(PAGE, data={"csrf_token": form_token(client), "name": name,
                                   "expires": expires})


def test_the_page_says_when_you_have_no_tokens(client):
    page = check_page(client.get(PAGE).data.decode())
    assert page.h1.get_text() == "API tokens"
    assert "You have no API tokens." in page_text(page)
    assert page.find("a", href=PAGE)  # the header links here


def test_a_new_token_is_shown_once_and_works(app, client, anonymous):
    response = make_on_page(client, "Quarterly dashboard", "30")
    page = check_page(response.data.decode())
    secret = page.find("input", id="api-token")["value"]
    assert secret.startswith("cxa_")
    assert "We show this token only now" in page_text(page)
    listing = check_page(client.get(PAGE).data.decode())
    assert secret not in str(listing)
    row = listing.select_one("table.app-tokens tbody tr")
    assert row.th.get_text() == "Quarterly dashboard"
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    today = dt.datetime.now(dt.UTC)
    assert cells[:3] == [today.strftime("%B %-d, %Y"), "Never",
                         (today + dt.timedelta(days=30)).strftime("%B %-d, %Y")]
    assert anonymous.get("/api/v1/teams",
                         headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    row = BeautifulSoup(client.get(PAGE).data, "html.parser").select_one("table.app-tokens td")
    assert row.find_next("td").get_text() == today.strftime("%B %-d, %Y")  # last used
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="api_token_created"))
        assert event.detail == "Quarterly dashboard" and event.email == "owner@state.gov"


def test_a_token_without_a_name_is_not_made(app, client):
    response = make_on_page(client, "   ")
    page = check_page(response.data.decode())
    assert page.title.get_text().startswith("Error: API tokens")
    assert "Enter a name for the token." in page_text(page)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_revoking_your_token_stops_it_working(app, client, anonymous):
    secret = BeautifulSoup(make_on_page(client).data, "html.parser").find(
        "input", id="api-token")["value"]
    page = BeautifulSoup(client.get(PAGE).data, "html.parser")
    form = page.select_one("table.app-tokens form")
    response = client.post(form["action"], data={"csrf_token": form_token(client)})
    assert response.status_code == 302 and response.location == PAGE
    listing = check_page(client.get(PAGE).data.decode())
    assert "is revoked" in page_text(listing) and "You have no API tokens." in page_text(listing)
    assert anonymous.get("/api/v1/teams",
                         headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.detail).filter_by(
            action="api_token_revoked")) == "Dashboard"


@pytest.mark.parametrize("persona", [VIEWER, MEMBER, "other team"])
def test_nobody_revokes_someone_elses_token(app, world, persona, owner_id):
    with app.app_context():
        token, secret = api_tokens.make_token(db.session.get(User, owner_id), "mine", None)
        db.session.commit()
        token_id = token.id
    caller = world["clients"][persona]
    response = caller.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": form_token(caller)})
    assert response.status_code == 404
    assert app.test_client().get("/api/v1/teams", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 200
    own = world["clients"][OWNER]
    response = own.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": form_token(own)})
    assert response.status_code == 302, response.data.decode()


def test_signed_out_visitors_are_asked_to_sign_in(anonymous, app, owner_id):
    with app.app_context():
        token, _ = api_tokens.make_token(db.session.get(User, owner_id), "mine", None)
        db.session.commit()
        token_id = token.id
    csrf = BeautifulSoup(anonymous.get("/sign-in").data, "html.parser").find(
        "input", attrs={"name": "csrf_token"})["value"]
    for response in (anonymous.get(PAGE), anonymous.post(PAGE, data={"csrf_token": csrf}),
                     anonymous.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": csrf})):
        assert response.status_code == 302 and response.location.startswith("/sign-in")
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


@pytest.mark.parametrize("data", [
    {"name": "x", "expires": "90", "is_admin": "1"},
    {"name": "x", "expires": "3650"},
    {"name": "x" * 600, "expires": "90"},
])
def test_a_tampered_form_is_refused(app, client, data):
    response = client.post(PAGE, data={"csrf_token": form_token(client), **data})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_a_form_without_its_security_token_is_refused(app, client):
    assert client.post(PAGE, data={"name": "x", "expires": "90"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None
