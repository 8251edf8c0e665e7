"""Single sign-on against a real OpenID provider (tests/oidc_provider.mjs) on loopback: the
flow, linking to a password account, signing out at the provider, invites, and every way it
fails ending on a clear page with no account and no session made."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.store import deleting, operations, teams
from assessment.store.models import MEMBER, AuditEvent, SsoIdentity, Team, User
from assessment.web.auth import SIGN_IN_METHOD
from tests import oidc
from tests.conftest import PASSWORD, fresh_app, page_text

APP_ROOT = "http://localhost/"


@pytest.fixture
def app(tmp_path, postgres_url, migrated, oidc_issuer):
    """The app with the test provider, and one ("down") whose issuer nobody answers at."""
    down = oidc.provider_settings(f"http://127.0.0.1:{oidc.free_port()}", name="down")
    with fresh_app(tmp_path, postgres_url, migrated,
                   OIDC_PROVIDERS=(oidc.provider_settings(oidc_issuer), down)) as app:
        yield app


def start(client, name="test", next_=None):
    """Press "Sign in with …" on the sign-in page."""
    page = BeautifulSoup(client.get("/sign-in").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(f"/sign-in/sso/{name}" + (f"?next={next_}" if next_ else ""),
                       data={"csrf_token": token})


def callback_url(client, login_hint="ada@agency.gov", next_=None) -> str:
    """Start at the app and sign in at the provider; where the provider sends the person."""
    response = start(client, next_=next_)
    assert response.status_code == 302, response.data
    return oidc.at_provider(response.headers["Location"], APP_ROOT, login_hint)


def sign_in(client, login_hint="ada@agency.gov", next_=None):
    return client.get(callback_url(client, login_hint, next_).removeprefix("http://localhost"))


def tamper(issuer: str, mode: str) -> None:
    requests.get(f"{issuer}/test/tamper", params={"mode": mode}, timeout=5).raise_for_status()


def counts(issuer: str) -> dict[str, int]:
    return requests.get(f"{issuer}/test/counts", timeout=5).json()


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_sign_in_page_offers_each_provider_and_lets_its_form_go_there(anonymous,
                                                                        oidc_issuer):
    response = anonymous.get("/sign-in")
    page = BeautifulSoup(response.data, "html.parser")
    assert [b.get_text(strip=True) for b in page.select("form[action^='/sign-in/sso/'] button")] \
        == [f"Sign in with {oidc.LABEL}", f"Sign in with {oidc.LABEL}"]
    assert f"form-action 'self' {oidc_issuer} http://127.0.0.1:" in \
        response.headers["Content-Security-Policy"]


def test_the_authorization_request_uses_pkce_state_and_nonce(anonymous, oidc_issuer):
    response = start(anonymous)
    url = urlsplit(response.headers["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}" == oidc_issuer
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email"] and query["client_id"] == [oidc.CLIENT_ID]


def test_starting_again_and_again_keeps_the_cookie_small(anonymous):
    starts = [start(anonymous).headers["Location"] for _ in range(6)]
    with anonymous.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 2
    oldest = oidc.at_provider(starts[0], APP_ROOT).removeprefix("http://localhost")
    assert anonymous.get(oldest).status_code == 400  # forgotten
    second_newest = oidc.at_provider(starts[-2], APP_ROOT).removeprefix("http://localhost")
    assert anonymous.get(second_newest).status_code == 302 and signed_in(anonymous)


def test_a_first_sign_in_makes_an_account_and_the_next_finds_it(app, anonymous, oidc_issuer):
    keys_fetched = counts(oidc_issuer)["jwks"]
    response = sign_in(anonymous, "new.person@agency.gov", next_="/teams")
    assert response.status_code == 302 and response.headers["Location"] == "/teams"
    assert signed_in(anonymous)
    with anonymous.session_transaction() as session:
        assert session[SIGN_IN_METHOD] == "sso"
    # The session keeps the ID token (for signing out at the provider): well under 4 KB.
    assert len(anonymous.get_cookie("session").value) < 2500
    with app.app_context():
        identity = db.session.scalar(select(SsoIdentity))
        assert (identity.issuer, identity.subject) == (oidc_issuer, "new.person@agency.gov")
        user = db.session.get(User, identity.user_id)
        assert user.email == "new.person@agency.gov"
        assert db.session.scalar(select(AuditEvent.detail).where(
            AuditEvent.action == "sign_in")) == f"by single sign-on with {oidc.LABEL}"
    other = app.test_client()
    assert sign_in(other, "new.person@agency.gov").status_code == 302 and signed_in(other)
    assert rows(app, User) == 1 and rows(app, SsoIdentity) == 1
    assert counts(oidc_issuer)["jwks"] - keys_fetched == 1  # the keys are cached


def test_a_client_authenticating_with_private_key_jwt_signs_in(tmp_path, postgres_url, migrated,
                                                               oidc_issuer):
    """private_key_jwt, the method Login.gov uses: no secret is sent, a signed assertion is."""
    key = requests.get(f"{oidc_issuer}/test/client-key", timeout=5).text
    provider = replace(oidc.provider_settings(oidc_issuer), client_id=f"{oidc.CLIENT_ID}-jwt",
                       client_secret="", private_key=key)
    with fresh_app(tmp_path, postgres_url, migrated, OIDC_PROVIDERS=(provider,)) as app:
        client = app.test_client()
        assert sign_in(client).status_code == 302 and signed_in(client)


FAILURES = {
    # name: (status, words on the page)
    "bad_signature": (502, "could not trust"),
    "wrong_audience": (502, "could not trust"),
    "expired": (502, "could not trust"),
    "unknown_kid": (502, "could not trust"),
}


def assert_nothing_made(app, client, response, status: int, words: str) -> None:
    assert response.status_code == status, response.data[:2000]
    page = BeautifulSoup(response.data, "html.parser")
    assert page.h1.get_text(strip=True) == "You are not signed in"
    assert words in page_text(page)
    assert not signed_in(client)
    assert rows(app, User) == 0 and rows(app, SsoIdentity) == 0
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.outcome).where(
            AuditEvent.action == "sign_in")) == "failure"


@pytest.mark.parametrize("mode", list(FAILURES))
def test_a_tampered_id_token_is_refused(app, anonymous, oidc_issuer, mode):
    url = callback_url(anonymous)
    before = counts(oidc_issuer)["jwks"]
    tamper(oidc_issuer, mode)
    response = anonymous.get(url.removeprefix("http://localhost"))
    assert_nothing_made(app, anonymous, response, *FAILURES[mode])
    if mode == "unknown_kid":  # the keys were fetched, and fetched once more for the new key id
        assert counts(oidc_issuer)["jwks"] - before == 2


def test_an_answer_naming_another_issuer_is_refused(app, anonymous, oidc_issuer):
    url = callback_url(anonymous)
    assert f"iss={quote(oidc_issuer, safe='')}" in url
    url = url.replace(f"iss={quote(oidc_issuer, safe='')}", "iss=https%3A%2F%2Fevil.example")
    assert_nothing_made(app, anonymous, anonymous.get(url.removeprefix("http://localhost")),
                        400, "could not trust")


def test_a_wrong_state_is_refused(app, anonymous):
    url = callback_url(anonymous).replace("state=", "state=x")
    assert_nothing_made(app, anonymous, anonymous.get(url.removeprefix("http://localhost")),
                        400, "did not start here")


def test_a_replayed_code_is_refused(app, anonymous):
    used = urlsplit(callback_url(anonymous))
    assert anonymous.get(f"{used.path}?{used.query}").status_code == 302
    attacker = app.test_client()
    fresh = parse_qs(urlsplit(callback_url(attacker, "mallory@agency.gov")).query)
    code = parse_qs(used.query)["code"][0]
    response = attacker.get(used.path, query_string={"code": code, "state": fresh["state"][0]})
    assert response.status_code == 400 and "already used" in page_text(
        BeautifulSoup(response.data, "html.parser"))
    assert not signed_in(attacker)
    assert rows(app, User) == 1  # only the person who used the code first


def test_cancelling_at_the_provider_ends_on_a_clear_page(app, anonymous):
    response = sign_in(anonymous, "cancel")
    assert_nothing_made(app, anonymous, response, 401, "You stopped signing in at Test ID")


def test_an_email_outside_the_allowed_domains_is_refused(app, anonymous):
    app.config["ALLOWED_EMAIL_DOMAINS"] = (".gov", ".mil")
    response = sign_in(anonymous, "someone@example.com")
    assert_nothing_made(app, anonymous, response, 403, "ends in .gov or .mil")


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(tmp_path, postgres_url,
                                                                     migrated, oidc_issuer):
    elsewhere = oidc.provider_settings(oidc_issuer.replace("127.0.0.1", "localhost"))
    with fresh_app(tmp_path, postgres_url, migrated, OIDC_PROVIDERS=(elsewhere,)) as app:
        client = app.test_client()
        assert_nothing_made(app, client, start(client), 502, "do not match")


def test_a_provider_that_is_down_ends_on_a_clear_page(app, anonymous):
    response = start(anonymous, "down")
    assert_nothing_made(app, anonymous, response, 503, "We could not reach")


def test_a_provider_that_fails_while_swapping_the_code_ends_on_a_clear_page(app, anonymous,
                                                                           oidc_issuer):
    url = callback_url(anonymous)
    tamper(oidc_issuer, "token_down")
    response = anonymous.get(url.removeprefix("http://localhost"))
    assert_nothing_made(app, anonymous, response, 503, "We could not reach")


def test_an_account_with_the_email_links_only_after_its_password(app, anonymous, make_user):
    user_id = make_user("lead@state.gov")
    response = sign_in(anonymous, "lead@state.gov")
    assert response.headers["Location"] == "/sign-in/link-sso"
    assert not signed_in(anonymous) and rows(app, SsoIdentity) == 0
    page = BeautifulSoup(anonymous.get("/sign-in/link-sso").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    tampered = anonymous.post("/sign-in/link-sso", data={"csrf_token": token, "password": PASSWORD,
                                                        "email": "someone@else.gov"})
    assert tampered.status_code == 400 and not signed_in(anonymous)
    wrong = anonymous.post("/sign-in/link-sso", data={"csrf_token": token, "password": "nope"})
    assert wrong.status_code == 200 and "The password is not right" in wrong.text
    assert not signed_in(anonymous) and rows(app, SsoIdentity) == 0
    right = anonymous.post("/sign-in/link-sso", data={"csrf_token": token, "password": PASSWORD})
    assert right.status_code == 302 and signed_in(anonymous)
    with app.app_context():
        assert db.session.scalar(select(SsoIdentity.user_id)) == user_id
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "sso_linked")) == "sso_linked"
    again = app.test_client()  # from now on the provider alone signs in to the account
    assert sign_in(again, "lead@state.gov").status_code == 302 and signed_in(again)
    assert rows(app, User) == 1


def test_an_unconfirmed_email_never_reaches_an_existing_account(app, anonymous, make_user):
    make_user("unverified@state.gov")
    response = sign_in(anonymous, "unverified@state.gov")
    assert response.status_code == 403 and not signed_in(anonymous)
    assert rows(app, SsoIdentity) == 0


def test_signing_out_ends_the_session_at_the_provider_too(app, anonymous, oidc_issuer):
    sign_in(anonymous)
    page = BeautifulSoup(anonymous.get("/account").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    # Signing out everywhere else keeps this session, and that it came by single sign-on.
    assert anonymous.post("/account/sign-out-everywhere",
                          data={"csrf_token": token}).status_code == 302
    with anonymous.session_transaction() as session:
        assert session[SIGN_IN_METHOD] == "sso"
    page = BeautifulSoup(anonymous.get("/account").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = anonymous.post("/sign-out", data={"csrf_token": token})
    url = urlsplit(response.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{oidc_issuer}/session/end"
    query = parse_qs(url.query)
    assert query["post_logout_redirect_uri"] == [APP_ROOT]
    assert query["client_id"] == [oidc.CLIENT_ID] and query["id_token_hint"][0].count(".") == 2
    assert not signed_in(anonymous)
    at_provider = requests.get(response.headers["Location"], timeout=5)
    assert at_provider.status_code == 200  # the provider's "sign out?" page


def test_an_invite_is_accepted_by_the_sso_account_with_its_email(app, anonymous, owner_id):
    with app.app_context():
        team = operations.create_team("Department of State", "Bureau", "Passports")
        teams.add_member(team, db.session.get(User, owner_id), "owner")
        teams.create_invite(team, MEMBER, db.session.get(User, owner_id), "grace@state.gov")
        db.session.commit()
        team_id = team.id
    sign_in(anonymous, "grace@state.gov")
    page = BeautifulSoup(anonymous.get("/teams").data, "html.parser")
    form = page.find("input", attrs={"name": "invite"}).find_parent("form")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    button = form.find("button", attrs={"value": "accept"}) or form.find("button")
    data[button["name"]] = button["value"]
    assert anonymous.post(form["action"], data=data).status_code == 302
    with app.app_context():
        team = db.session.get(Team, team_id)
        assert "grace@state.gov" in {m.user.email for m in team.memberships}


def test_deleting_an_account_forgets_its_identity(app, anonymous):
    sign_in(anonymous, "leaving@agency.gov")
    with app.app_context():
        deleting.delete_account(db.session.scalar(select(User)))
        db.session.commit()
    assert rows(app, SsoIdentity) == 0
    again = app.test_client()  # the same person later gets a new, empty account
    assert sign_in(again, "leaving@agency.gov").status_code == 302 and signed_in(again)


def test_an_sso_account_confirms_a_risky_change_by_signing_in_again_there(app, anonymous):
    """An account without a password (made by single sign-on) confirms it is them, after ten
    minutes, at its provider, with max_age=0; what it typed comes back with it. Another
    account's sign-in there confirms nothing."""
    import time

    sign_in(anonymous, "ada@agency.gov")
    with anonymous.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 60
    page = BeautifulSoup(anonymous.get("/account/api-tokens").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    asked = BeautifulSoup(anonymous.post("/account/api-tokens", data={
        "csrf_token": token, "name": "Dashboard", "expires": "30"}).data, "html.parser")
    assert asked.h1.get_text() == "Confirm it is you"
    assert asked.find("input", attrs={"name": "password"}) is None  # it has no password
    form = asked.find("button", string=f"Sign in again with {oidc.LABEL}").find_parent("form")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    assert data["keep-name"] == "Dashboard"

    def confirm_as(login_hint: str):
        started = anonymous.post(form["action"], data=data)
        assert started.status_code == 302, started.data
        assert parse_qs(urlsplit(started.headers["Location"]).query)["max_age"] == ["0"]
        back = oidc.at_provider(started.headers["Location"], APP_ROOT, login_hint)
        return anonymous.get(back.removeprefix("http://localhost"))

    someone_else = confirm_as("grace@agency.gov")
    assert someone_else.status_code == 403 and "as someone else" in page_text(
        BeautifulSoup(someone_else.data, "html.parser"))
    confirmed = BeautifulSoup(confirm_as("ada@agency.gov").data, "html.parser")
    finish = confirmed.select_one("main form")
    assert finish["action"] == "/account/api-tokens"
    fields = {i["name"]: i["value"] for i in finish.select("input")}
    assert fields["name"] == "Dashboard" and fields["expires"] == "30"
    made = anonymous.post(finish["action"], data=fields)
    assert "Your new API token" in page_text(BeautifulSoup(made.data, "html.parser"))
    with app.app_context():
        assert [(e.outcome, e.detail) for e in db.session.scalars(
            select(AuditEvent).filter_by(action="sign_in_confirmed"))] == [
            ("success", f"by single sign-on with {oidc.LABEL}")]


def test_a_form_posted_after_the_session_ended_comes_back_through_single_sign_on(
        anonymous, make_assessment):
    """The sign-in page that keeps a posted form carries it through the provider and back, to
    save with one button; what is too long for that is said, and signing in still works."""
    url = f"/assessments/{make_assessment()}/pillars/strategy"
    asked = BeautifulSoup(anonymous.post(url, data={"answer-q1": "4", "note-q1": "Our plan"}).data,
                          "html.parser")
    form = asked.find("button", string=f"Sign in with {oidc.LABEL}").find_parent("form")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    assert data["keep-answer-q1"] == "4" and data["keep-note-q1"] == "Our plan"
    started = anonymous.post(form["action"], data=data)
    back = oidc.at_provider(started.headers["Location"], APP_ROOT, "ada@agency.gov")
    save = BeautifulSoup(anonymous.get(back.removeprefix("http://localhost")).data,
                         "html.parser")
    assert save.h1.get_text() == "Save what you chose" and signed_in(anonymous)
    saving = save.select_one("main form")
    assert saving["action"] == url
    assert {i["name"]: i["value"] for i in saving.select("input") if i["name"] != "csrf_token"} \
        == {"answer-q1": "4", "note-q1": "Our plan"}

    long_note = "x" * 2500
    too_long = BeautifulSoup(app_client_post(anonymous, url, long_note), "html.parser")
    assert "too long to carry through single sign-on" in page_text(too_long)
    button = too_long.find("button", string=f"Sign in with {oidc.LABEL}").find_parent("form")
    assert button.find("input", attrs={"name": "keep-note-q1"}) is None


def app_client_post(client, url: str, note: str) -> bytes:
    """A form posted by a browser whose session ended (a new client: no cookie)."""
    fresh = client.application.test_client()
    return fresh.post(url, data={"answer-q1": "4", "note-q1": note}).data


def test_an_account_without_a_password_deletes_itself_after_a_recent_sign_in(app, anonymous):
    """An account made by single sign-on has no password to type: the delete page asks for
    none, and after ten minutes it asks the person to sign in again there first."""
    import time

    sign_in(anonymous, "leaving@agency.gov")
    page = BeautifulSoup(anonymous.get("/account/delete").data, "html.parser")
    assert page.find("input", attrs={"name": "password"}) is None
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    with anonymous.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 60
    asked = BeautifulSoup(anonymous.post("/account/delete", data={"csrf_token": token}).data,
                          "html.parser")
    assert asked.h1.get_text() == "Confirm it is you"
    assert asked.find("button", string=f"Sign in again with {oidc.LABEL}") is not None
    assert rows(app, User) == 1
    with anonymous.session_transaction() as session:
        session["signed_in_at"] = time.time()
    assert anonymous.post("/account/delete", data={"csrf_token": token}).status_code == 302
    assert rows(app, User) == 0 and rows(app, SsoIdentity) == 0
