"""Passkeys through the Flask test client, answered by a software authenticator that signs real
WebAuthn answers (tests/software_authenticator.py): adding, signing in, recovery codes, what must
fail, REQUIRE_PHISHING_RESISTANT, and a recent sign-in before risky changes."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from bs4 import BeautifulSoup

from assessment.extensions import db
from assessment.rules.audit_words import event_words
from assessment.rules.sign_in_strength import (
    ADD_PASSKEY,
    OPEN,
    PASSKEY,
    PASSWORD,
    RECOVERY_CODE,
    SSO,
    USE_PASSKEY,
    is_fresh_challenge,
    is_recent,
    new_recovery_code,
    normalize_recovery_code,
    sign_in_gate,
)
from assessment.store.audit import ACTIONS
from assessment.store.models import ApiToken, AuditEvent, Membership, Team
from assessment.store.passkey_models import Passkey, PasskeyChallenge, RecoveryCode
from assessment.web.passkey_ceremony import CHALLENGE
from tests.conftest import OWNER_EMAIL, check_page, page_text, sign_in_as
from tests.conftest import PASSWORD as THE_PASSWORD
from tests.software_authenticator import SoftwareAuthenticator

ORIGIN = "http://localhost"  # the test client's host: WEBAUTHN_ORIGIN unset uses it


@pytest.mark.parametrize(("required", "method", "has_passkey", "added_here", "gate"), [
    (False, PASSWORD, False, False, OPEN),
    (True, PASSKEY, True, False, OPEN),
    (True, SSO, False, False, OPEN),
    (True, PASSWORD, False, False, ADD_PASSKEY),
    (True, PASSWORD, True, False, USE_PASSKEY),  # a stolen password must not add its own
    (True, PASSWORD, True, True, OPEN),  # added one in this session
    (True, RECOVERY_CODE, True, False, ADD_PASSKEY),  # lost the passkey: add a new one
])
def test_the_gate_holds_only_sessions_that_are_not_phishing_resistant(
        required, method, has_passkey, added_here, gate):
    assert sign_in_gate(required, method, has_passkey, added_here) == gate


@pytest.mark.parametrize(("signed_in", "confirmed", "recent"), [
    (1000, 0, True), (400, 0, True), (399, 0, False), (0, 500, True), (0, 0, False)])
def test_a_sign_in_is_recent_for_ten_minutes_after_signing_in_or_confirming(
        signed_in, confirmed, recent):
    assert is_recent(signed_in, confirmed, now=1000) is recent


@pytest.mark.parametrize(("age", "fresh"), [(0, True), (300, True), (301, False), (-1, False)])
def test_a_challenge_is_answerable_for_five_minutes(age, fresh):
    assert is_fresh_challenge(age) is fresh


def test_recovery_codes_read_the_same_however_they_are_typed():
    code = new_recovery_code()
    assert len(code) == 14 and code.count("-") == 2
    assert normalize_recovery_code(f" {code.lower().replace('-', ' ')} ") == code


def csrf_of(client, path: str) -> str:
    page = BeautifulSoup(client.get(path).data, "html.parser")
    return page.select_one("main input[name=csrf_token]")["value"]


def options(client, kind: str, page: str) -> tuple[dict, str]:
    token = csrf_of(client, page)
    response = client.post(f"/passkeys/options/{kind}", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_json(), token


def add_passkey(client, authenticator, name="Work laptop", **how):
    opts, token = options(client, "register", "/account/passkeys")
    assert opts["authenticatorSelection"]["residentKey"] == "required"
    assert opts["authenticatorSelection"]["userVerification"] == "required"
    return client.post("/account/passkeys", data={
        "csrf_token": token, "name": name, "credential": authenticator.create(opts, ORIGIN, **how)})


def sign_in_with_passkey(client, authenticator, next_path="/teams", **how):
    opts, token = options(client, "sign-in", "/sign-in")
    assert opts["userVerification"] == "required" and opts["allowCredentials"] == []
    answer = authenticator.get(opts, ORIGIN, **how)
    return client.post("/sign-in/passkey", data={"csrf_token": token, "next": next_path,
                                                  "credential": answer}), answer, token


def events(app, action):
    with app.app_context():
        return [(e.outcome, e.email, e.detail) for e in db.session.scalars(
            db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id))]


def test_a_passkey_is_added_signs_in_and_its_recovery_codes_work_once(app, client, anonymous):
    authenticator = SoftwareAuthenticator()
    added = add_passkey(client, authenticator)
    assert added.status_code == 200
    page = check_page(added.data)
    codes = [c.get_text() for c in page.select(".app-recovery-codes code")]
    assert len(set(codes)) == 10 and "Work laptop" in page_text(page)
    with app.app_context():
        (passkey,) = db.session.scalars(db.select(Passkey)).all()
        hashes = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not set(codes) & set(hashes)  # only hashes are kept
        assert passkey.name == "Work laptop" and passkey.last_used_at is None
    listed = page_text(check_page(client.get("/account/passkeys").data))
    assert "Work laptop" in listed and "10 unused codes" in listed

    opts, token = options(anonymous, "sign-in", "/sign-in")
    cookie = anonymous.get_cookie("session").value  # holds the challenge's handle
    answer = authenticator.get(opts, ORIGIN)
    signed_in = anonymous.post("/sign-in/passkey", data={"csrf_token": token, "next": "/teams",
                                                         "credential": answer})
    assert signed_in.status_code == 302 and signed_in.location == "/teams"
    with anonymous.session_transaction() as session:
        assert session["sign_in_method"] == PASSKEY and CHALLENGE not in session
    assert anonymous.get("/teams").status_code == 200
    with app.app_context():
        assert db.session.get(Passkey, passkey.id).last_used_at is not None

    replayed = app.test_client()  # the same answer and cookie again: the challenge is gone
    replayed.set_cookie("session", cookie)
    again = replayed.post("/sign-in/passkey", data={"csrf_token": token, "credential": answer})
    assert again.location.startswith("/sign-in")
    assert "We did not ask for that passkey" in page_text(check_page(replayed.get("/sign-in").data))
    assert replayed.get("/teams").location.startswith("/sign-in")

    by_code = app.test_client()
    token = csrf_of(by_code, "/sign-in/recovery-code")
    used = by_code.post("/sign-in/recovery-code", data={
        "csrf_token": token, "email": OWNER_EMAIL, "code": codes[3].lower().replace("-", " ")})
    assert used.status_code == 302 and by_code.get("/teams").status_code == 200
    twice = app.test_client()
    refused = twice.post("/sign-in/recovery-code", data={
        "csrf_token": csrf_of(twice, "/sign-in/recovery-code"), "email": OWNER_EMAIL,
        "code": codes[3]})
    assert refused.status_code == 200
    assert "recovery code is not right" in page_text(check_page(refused.data))
    assert events(app, "sign_in") == [
        ("success", OWNER_EMAIL, "with a passkey"), ("failure", OWNER_EMAIL, "with a passkey"),
        ("success", OWNER_EMAIL, "with a recovery code"),
        ("failure", OWNER_EMAIL, "with a recovery code")]
    assert [e[0] for e in events(app, "passkey_added")] == ["success"]
    assert len(events(app, "recovery_code_used")) == 1


def test_answers_that_must_not_sign_in_do_not(app, client):
    authenticator = SoftwareAuthenticator()
    unverified = add_passkey(client, authenticator, verified=False)
    assert "Your passkey was not added" in page_text(check_page(unverified.data))
    assert add_passkey(client, authenticator).status_code == 200
    cases = {
        "from another site": dict(origin="https://evil.example"),
        "without user verification": dict(verified=False),
        "after five minutes": dict(stale=True),
    }
    for case, how in cases.items():
        visitor = app.test_client()
        opts, token = options(visitor, "sign-in", "/sign-in")
        if how.pop("stale", False):
            with app.app_context():
                for challenge in db.session.scalars(db.select(PasskeyChallenge)):
                    challenge.created_at -= dt.timedelta(seconds=301)
                db.session.commit()
        answer = authenticator.get(opts, how.pop("origin", ORIGIN), **how)
        response = visitor.post("/sign-in/passkey", data={"csrf_token": token,
                                                          "credential": answer})
        assert response.location.startswith("/sign-in"), case
        assert visitor.get("/teams").location.startswith("/sign-in"), case

    with app.app_context():
        passkey_id = db.session.scalar(db.select(Passkey.id))
    token = csrf_of(client, "/account/passkeys")
    assert client.post(f"/account/passkeys/{passkey_id}/remove",
                       data={"csrf_token": token}).status_code == 302
    removed, _, _ = sign_in_with_passkey(app.test_client(), authenticator)
    assert removed.location.startswith("/sign-in")
    assert [e[2] for e in events(app, "passkey_removed")] == ["Work laptop"]
    with app.app_context():  # the recovery codes went with the last passkey
        assert db.session.scalar(db.select(db.func.count()).select_from(Passkey)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_someone_elses_passkey_is_never_found(app, client, make_user):
    add_passkey(client, SoftwareAuthenticator())
    with app.app_context():
        passkey_id = db.session.scalar(db.select(Passkey.id))
    other = sign_in_as(app.test_client(), make_user("x@irs.gov"))
    token = csrf_of(other, "/account/passkeys")
    assert other.post(f"/account/passkeys/{passkey_id}/remove",
                      data={"csrf_token": token}).status_code == 404


def sign_in_by_password(client):
    token = csrf_of(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "email": OWNER_EMAIL,
                                         "password": THE_PASSWORD})


def test_required_passkeys_hold_a_password_only_session_until_it_adds_one(
        app, anonymous, make_assessment):
    app.config["REQUIRE_PHISHING_RESISTANT"] = True
    team_page = "/teams"
    assert sign_in_by_password(anonymous).status_code == 302
    for path in (team_page, "/account/api-tokens", "/start", "/account"):
        assert anonymous.get(path).location == "/account/passkey-needed", path
    held = page_text(check_page(anonymous.get("/account/passkey-needed").data))
    assert "Add a passkey to continue" in held and "Passkeys need JavaScript" in held
    authenticator = SoftwareAuthenticator()
    assert add_passkey(anonymous, authenticator).status_code == 200
    assert anonymous.get(team_page).status_code == 200

    again = app.test_client()  # a password alone is not enough once the account has a passkey
    sign_in_by_password(again)
    assert again.get(team_page).location == "/account/passkey-needed"
    assert "Sign in with your passkey" in page_text(check_page(
        again.get("/account/passkey-needed").data))
    token = csrf_of(again, "/account/passkey-needed")
    assert again.post("/passkeys/options/register", headers={"X-CSRFToken": token}).location \
        == "/account/passkey-needed"
    assert again.post("/sign-out", data={"csrf_token": token}).location == "/"
    signed_in, _, _ = sign_in_with_passkey(again, authenticator)
    assert signed_in.location == team_page and again.get(team_page).status_code == 200


def test_risky_changes_ask_to_confirm_after_ten_minutes_and_keep_what_was_typed(
        app, client, make_assessment, make_user, join_team):
    public_id = make_assessment()
    join_team(public_id, make_user("m@state.gov"), "member")
    with app.app_context():
        team_id = db.session.scalar(db.select(Team.id))
        member = db.session.scalar(db.select(Membership.id).filter_by(role="member"))
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 60
    token = csrf_of(client, "/account/api-tokens")
    for path, data, words in (
            (f"/teams/{team_id}/delete", {}, "To delete the team for Passport Services"),
            (f"/teams/{team_id}/members/{member}/role", {"role": "viewer"},
             "To make m@state.gov a viewer"),
            ("/account/api-tokens", {"name": "Dashboard", "expires": "30"},
             "To make the API token “Dashboard”")):
        asked = client.post(path, data={"csrf_token": token, **data})
        assert asked.status_code == 200, path
        page = check_page(asked.data)
        assert page.h1.get_text() == "Confirm it is you", path
        assert words in page_text(page), path
        kept = {i["name"]: i["value"] for i in page.select("input[name^=keep-]")}
        assert kept == {f"keep-{k}": v for k, v in data.items()}, path
    with app.app_context():
        assert events(app, "team_deleted") == []
        assert db.session.scalar(db.select(Membership.role).filter_by(id=member)) == "member"
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0

    form = {"csrf_token": token, "action": "/account/api-tokens", "keep-name": "Dashboard",
            "keep-expires": "30", "what": "make the API token “Dashboard”"}
    wrong = client.post("/account/confirm", data={**form, "password": "not it"})
    page = check_page(wrong.data)
    assert "That password is not right" in page_text(page)
    assert page.select_one("input[name=keep-name]")["value"] == "Dashboard"
    right = check_page(client.post("/account/confirm",
                                   data={**form, "password": THE_PASSWORD}).data)
    finish = right.select_one("main form")
    assert finish["action"] == "/account/api-tokens"
    assert finish.button.get_text() == "Make the API token “Dashboard”"
    fields = {i["name"]: i["value"] for i in finish.select("input")}
    assert fields["name"] == "Dashboard" and fields["expires"] == "30"
    made = client.post(finish["action"], data=fields)
    assert "Your new API token" in page_text(check_page(made.data))
    assert [e[0] for e in events(app, "sign_in_confirmed")] == ["failure", "success"]


def test_a_passkey_confirms_it_is_you(app, client, make_assessment):
    make_assessment()
    authenticator = SoftwareAuthenticator()
    add_passkey(client, authenticator)
    with app.app_context():
        team_id = db.session.scalar(db.select(Team.id))
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 11 * 60
    token = csrf_of(client, "/account/api-tokens")
    asked = check_page(client.post(f"/teams/{team_id}/delete", data={"csrf_token": token}).data)
    assert asked.select_one("form[data-passkey=confirm]") is not None
    opts, _ = options(client, "confirm", "/account/api-tokens")
    assert len(opts["allowCredentials"]) == 1  # only the user's own passkeys
    confirmed = client.post("/account/confirm", data={
        "csrf_token": token, "action": f"/teams/{team_id}/delete",
        "credential": authenticator.get(opts, ORIGIN)})
    finish = check_page(confirmed.data).select_one("main form")
    assert finish["action"] == f"/teams/{team_id}/delete"
    assert client.post(finish["action"], data={"csrf_token": token}).status_code == 302
    assert len(events(app, "team_deleted")) == 1


@pytest.mark.parametrize(("action", "detail", "words"), [
    ("sign_in", "with a passkey", "Signed in with a passkey"),
    ("sign_in", "with a recovery code", "Signed in with a recovery code"),
    ("sign_in", "account locked", "Signed in: account locked"),
    ("sign_in_confirmed", "with a password", "Confirmed it was them with a password, before a "
                                             "change"),
    ("passkey_added", "Work laptop", "Added a passkey: Work laptop"),
    ("passkey_removed", "Work laptop", "Removed a passkey: Work laptop"),
    ("recovery_code_used", "", "Used a recovery code"),
    ("recovery_codes_made", "", "Made new recovery codes"),
])
def test_passkey_events_read_as_sentences_in_the_audit_log(action, detail, words):
    assert event_words(action, detail, ACTIONS, {}) == words


def test_a_passkey_sign_in_keeps_what_was_chosen_before_the_session_ended(app, client):
    authenticator = SoftwareAuthenticator()
    add_passkey(client, authenticator)
    visitor = app.test_client()
    opts, token = options(visitor, "sign-in", "/sign-in")
    response = visitor.post("/sign-in/passkey", data={
        "csrf_token": token, "next": "/teams", "credential": authenticator.get(opts, ORIGIN),
        "keep-note-x": "Our note"})
    page = check_page(response.data)
    form = page.select_one("main form")
    assert form["action"] == "/teams"
    assert form.select_one("input[name=note-x]")["value"] == "Our note"


def test_signing_out_everywhere_else_keeps_when_and_how_this_session_signed_in(app, client):
    signed_in_at = time.time() - 11 * 60
    with client.session_transaction() as session:
        session.update({"signed_in_at": signed_in_at, "sign_in_method": PASSKEY})
    token = csrf_of(client, "/account")
    assert client.post("/account/sign-out-everywhere", data={"csrf_token": token}).status_code \
        == 302
    with client.session_transaction() as session:
        assert session["sign_in_method"] == PASSKEY  # not held as a password session
        assert session["signed_in_at"] == signed_in_at  # not a fresh sign-in for risky changes


def test_an_operator_removes_every_passkey_of_someone_who_lost_them(app, client):
    add_passkey(client, SoftwareAuthenticator())
    add_passkey(client, SoftwareAuthenticator(), name="Phone")
    result = app.test_cli_runner().invoke(args=["remove-passkeys", OWNER_EMAIL])
    assert result.exit_code == 0 and "Removed 2 passkeys" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Passkey)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    assert client.get("/account").location.startswith("/sign-in")  # its sessions ended
    unknown = app.test_cli_runner().invoke(args=["remove-passkeys", "nobody@state.gov"])
    assert unknown.exit_code == 1 and "No account uses nobody@state.gov" in unknown.output
