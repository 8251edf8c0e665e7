"""Accounts: sign up, sign in, lock-out, throttling, session lifetimes, password reset."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from assessment.extensions import db
from assessment.store import accounts
from assessment.store.models import SignInLock, User
from assessment.web.auth import safe_next, session_has_expired
from tests.conftest import PASSWORD, check_page, make_test_app, page_text, sign_in_as


@pytest.fixture
def client(anonymous):
    """These tests start signed out."""
    return anonymous


def sign_in(client, csrf_token, email="lead@state.gov", password=PASSWORD, next_=""):
    return client.post("/sign-in", data={"csrf_token": csrf_token("/sign-in"), "email": email,
                                         "password": password, "next": next_})


def sign_up(client, csrf_token, email="Lead@State.gov", password=PASSWORD, next_=""):
    return client.post("/sign-up", data={"csrf_token": csrf_token("/sign-up"), "email": email,
                                         "password": password, "next": next_})


def emailed_link(caplog, path: str) -> str:
    """The last link to `path` the app wrote to the log (it has no mail server in tests)."""
    return re.findall(rf"http://localhost({path}/\S+)", caplog.text)[-1]


def test_signing_up_emails_a_link_that_creates_the_account_and_signs_in(app, client,
                                                                       csrf_token, caplog):
    with caplog.at_level("INFO"):
        response = sign_up(client, csrf_token, next_="/how-scoring-works")
    assert response.status_code == 302
    # No mail server in tests: the page says the link is in the server log, and it is.
    assert "Email is not set up on this server. The link is in the server log." in \
        client.get(response.location).data.decode()
    with app.app_context():
        assert db.session.scalar(db.select(User)) is None  # not before the link is opened
    link = emailed_link(caplog, "/sign-up")
    page = check_page(client.get(link).data.decode())
    assert "lead@state.gov" in page_text(page)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    finished = client.post(link, data={"csrf_token": token})
    assert finished.status_code == 302 and finished.location == "/how-scoring-works"
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.email == "lead@state.gov"
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert "Sign out" in client.get("/").data.decode()
    again = client.post(link, data={"csrf_token": csrf_token("/")})  # the link works once
    assert again.status_code == 302 and again.location == "/sign-in"


def test_signing_up_asks_for_a_long_enough_password(client, csrf_token):
    response = sign_up(client, csrf_token, password="short")
    page = check_page(response.data.decode())
    assert "Use at least 12 characters" in page.select_one("#error-summary").get_text()


def test_signing_up_with_a_taken_address_says_the_same_and_emails_its_owner(
        app, client, csrf_token, make_user, caplog):
    make_user()
    answers = []
    for email in ("lead@state.gov", "new@state.gov"):
        with caplog.at_level("INFO"):
            response = sign_up(client, csrf_token, email=email)
        answers.append((response.status_code, response.location,
                        client.get(response.location).data.decode().replace(email, "EMAIL")))
    assert answers[0] == answers[1]
    assert "already uses" not in answers[0][2]
    owner_mail = caplog.text.split("to lead@state.gov: ")[1].split("to new@state.gov")[0]
    assert "You already have an account" in owner_mail and "/reset-password" in owner_mail
    assert "/sign-up/" not in owner_mail
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_signing_in_goes_to_next_on_this_site(client, csrf_token, make_user):
    make_user()
    response = sign_in(client, csrf_token, next_="/how-scoring-works")
    assert response.status_code == 302 and response.location == "/how-scoring-works"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "/\x0d\x0aLocation: x", ""])
def test_signing_in_never_redirects_to_another_site(client, csrf_token, make_user, target):
    make_user()
    response = sign_in(client, csrf_token, next_=target)
    assert response.status_code == 302 and response.location == "/your-work"


@pytest.mark.parametrize(("target", "expected"), [
    ("/teams", "/teams"), ("/assessments/x/results?y=1", "/assessments/x/results?y=1"),
    ("http://evil.example/", "/"), ("//evil.example", "/"), ("/\\evil", "/"),
    ("evil.example", "/"), (None, "/"), ("/a\tb", "/"),
])
def test_safe_next_keeps_only_paths_on_this_site(target, expected):
    assert safe_next(target, "/") == expected


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, csrf_token,
                                                                        make_user):
    make_user()
    for email in ("lead@state.gov", "nobody@state.gov"):
        page = check_page(sign_in(client, csrf_token, email, "wrong password!").data.decode())
        assert "The email address or password is not right." in page.get_text()
    assert "Sign out" not in client.get("/").data.decode()


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(
        app, client, csrf_token, make_user):
    make_user()
    for _ in range(accounts.FAILED_SIGN_INS_BEFORE_LOCK):
        sign_in(client, csrf_token, password="wrong password!")
    response = sign_in(client, csrf_token)
    assert "locked for 15 minutes" in response.data.decode()
    assert "Sign out" not in client.get("/").data.decode()
    with app.app_context():
        lock = db.session.get(SignInLock, "lead@state.gov")
        lock.locked_until = accounts.utcnow()  # the lock has run out
        db.session.commit()
    assert sign_in(client, csrf_token).status_code == 302


def test_sign_in_posts_are_throttled_per_address(app, client, csrf_token, make_user):
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    make_user()
    statuses = [sign_in(client, csrf_token, password="wrong password!").status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = check_page(sign_in(client, csrf_token).data.decode())
    assert "You tried too many times" in page.get_text()


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize(("storage", "fourth_try"), [
    ("memory://", 200),  # each app server counts on its own
    (REDIS_URL, 429),    # REDIS_URL: every app server counts together
])
def test_with_redis_the_sign_in_throttle_counts_across_app_servers(app, make_user, storage,
                                                                    fourth_try):
    import redis

    # A made-up address of this test's own: the throttle counts per address.
    address = "10.{}.{}.{}".format(*secrets.token_bytes(3))
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server at {REDIS_URL} ({type(error).__name__})")
    make_user()

    def app_server() -> Flask:
        return make_test_app(app.config["SQLALCHEMY_DATABASE_URI"],
                             RATELIMIT_STORAGE_URI=storage, SIGN_IN_RATE_LIMIT="3 per minute")

    def wrong_password(server_app) -> int:
        client = server_app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        page = BeautifulSoup(client.get("/sign-in").data, "html.parser")
        token = page.find("input", attrs={"name": "csrf_token"})["value"]
        return client.post("/sign-in", data={"csrf_token": token, "email": "lead@state.gov",
                                             "password": "wrong password!", "next": ""}
                           ).status_code

    servers = [app_server()]
    try:
        assert [wrong_password(servers[0]) for _ in range(3)] == [200, 200, 200]
        servers.append(app_server())  # another app server, with its own connection
        assert wrong_password(servers[1]) == fourth_try
    finally:
        for key in store.scan_iter(f"*/{address}/*"):
            store.delete(key)
        for server_app in servers:
            with server_app.app_context():
                db.engine.dispose()


@pytest.mark.parametrize(("signed_in", "seen", "now", "expired"), [
    (0, 0, 60, False),
    (0, 0, 30 * 60, False),
    (0, 0, 30 * 60 + 1, True),           # idle over 30 minutes
    (0, 11.9 * 3600, 12 * 3600, False),  # busy, just under 12 hours
    (0, 12 * 3600, 12 * 3600 + 1, True),  # busy, but over the absolute lifetime
])
def test_a_session_ends_after_idle_time_or_its_absolute_lifetime(signed_in, seen, now, expired):
    assert session_has_expired(signed_in, seen, now, 30 * 60, 12 * 3600) is expired


def test_an_idle_session_is_signed_out_on_the_next_request(client, make_user):
    sign_in_as(client, make_user())
    assert "Sign out" in client.get("/").data.decode()
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 31 * 60
    page = client.get("/").data.decode()
    assert "Sign out" not in page and "You were signed out" in page


def test_activity_keeps_a_session_alive_and_the_cookie_is_sent_only_when_it_changes(
        client, make_user):
    sign_in_as(client, make_user())
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 29 * 60
    busy = client.get("/")
    assert "Sign out" in busy.data.decode()
    assert "session=" in busy.headers.get("Set-Cookie", "")  # the idle clock moved
    with client.session_transaction() as session:
        assert time.time() - session["seen_at"] < 60
    again = client.get("/")
    assert "Sign out" in again.data.decode()
    assert "Set-Cookie" not in again.headers  # nothing changed within the minute


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(client, make_user):
    sign_in_as(client, make_user())
    with client.session_transaction() as session:
        session["signed_in_at"] = time.time() - 12 * 3600 - 5
    assert "Sign out" not in client.get("/").data.decode()


def test_the_session_cookie_is_httponly_samesite_and_secure_when_configured(
        app, client, csrf_token, make_user):
    make_user()
    app.config["SESSION_COOKIE_SECURE"] = True
    cookie = sign_in(client, csrf_token).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_signing_out_needs_a_post_with_a_token(client, csrf_token, make_user):
    sign_in_as(client, make_user())
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    response = client.post("/sign-out", data={"csrf_token": csrf_token("/")})
    assert response.status_code == 302
    assert "Sign out" not in client.get("/").data.decode()


def test_a_reset_link_is_logged_without_smtp_and_works_once(app, client, csrf_token, make_user,
                                                            caplog):
    make_user()
    with caplog.at_level("INFO"):
        response = client.post("/reset-password", data={
            "csrf_token": csrf_token("/reset-password"), "email": "lead@state.gov"})
    assert response.status_code == 302
    link = re.search(r"http://localhost(/reset-password/\S+)", caplog.text).group(1)
    new = "a brand new password here"
    data = {"csrf_token": csrf_token(link), "password": new, "confirm": new}
    assert client.post(link, data=data).status_code == 302
    assert sign_in(client, csrf_token, password=new).status_code == 302
    again = client.post(link, data=data | {"csrf_token": csrf_token("/reset-password")})
    assert again.status_code == 302 and again.location == "/reset-password"


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, csrf_token,
                                                                        caplog):
    with caplog.at_level("INFO"):
        response = client.post("/reset-password", data={
            "csrf_token": csrf_token("/reset-password"), "email": "nobody@state.gov"})
    assert response.status_code == 302
    assert "reset-password/" not in caplog.text


def test_a_forged_or_expired_reset_token_is_refused(app, make_user):
    user_id = make_user()
    with app.app_context():
        user = db.session.get(User, user_id)
        token = accounts.start_password_reset(user, "test-secret")
        assert accounts.user_for_reset_token(token, "test-secret") is user
        assert accounts.user_for_reset_token(token, "another-secret") is None
        assert accounts.user_for_reset_token(token + "x", "test-secret") is None
        accounts.start_password_reset(user, "test-secret")  # a newer link replaces it
        assert accounts.user_for_reset_token(token, "test-secret") is None


def test_create_user_makes_an_account_that_can_sign_in(app, client, csrf_token):
    result = app.test_cli_runner().invoke(
        args=["create-user", "cx@state.gov", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created the account cx@state.gov."
    assert sign_in(client, csrf_token, email="cx@state.gov").status_code == 302
    again = app.test_cli_runner().invoke(args=["create-user", "cx@state.gov", "--password",
                                               PASSWORD])
    assert again.exit_code != 0 and "already uses" in again.output


def test_a_locked_address_reads_the_same_whether_or_not_it_has_an_account(app, client,
                                                                          csrf_token, make_user):
    app.config["SIGN_IN_RATE_LIMIT"] = "100 per minute"
    make_user()
    pages = {}
    for email in ("lead@state.gov", "nobody@state.gov"):
        for _ in range(accounts.FAILED_SIGN_INS_BEFORE_LOCK):
            sign_in(client, csrf_token, email, "wrong password!")
        response = sign_in(client, csrf_token, email)
        pages[email] = (response.status_code,
                        page_text(check_page(response.data.decode())).replace(email, "EMAIL"))
    assert pages["lead@state.gov"] == pages["nobody@state.gov"]
    assert "locked for 15 minutes" in pages["nobody@state.gov"][1]


@pytest.mark.parametrize(("email", "password", "locked"), [
    ("lead@state.gov", PASSWORD, False),
    ("lead@state.gov", "wrong password!", False),
    ("nobody@state.gov", "wrong password!", False),
    ("lead@state.gov", PASSWORD, True),
    ("nobody@state.gov", PASSWORD, True),
])
def test_every_sign_in_hashes_the_password_once(app, make_user, monkeypatch, email, password,
                                                locked):
    """The same work for a known and an unknown address, locked or not, so the time taken
    does not tell them apart."""
    make_user()
    hashed = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda *args: hashed.append(1) or real(*args))
    with app.app_context():
        if locked:
            for _ in range(accounts.FAILED_SIGN_INS_BEFORE_LOCK):
                accounts.check_sign_in(email, "wrong password!")
            hashed.clear()
        accounts.check_sign_in(email, password)
    assert hashed == [1]


def test_the_stand_in_hash_for_unknown_addresses_is_a_real_scrypt_hash():
    """A wrong address takes as long as a wrong password only if the stand-in hash is checked
    the way real ones are: scrypt, with the parameters new passwords get."""
    from werkzeug.security import check_password_hash, generate_password_hash

    from assessment.store.accounts import _DUMMY_HASH

    assert check_password_hash(_DUMMY_HASH, "not a real password")
    assert _DUMMY_HASH.split("$")[0] == generate_password_hash("x", method="scrypt").split("$")[0]
