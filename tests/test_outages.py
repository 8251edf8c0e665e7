"""Outages answered, not crashed: the line to PostgreSQL or Redis is cut (or goes silent) in a
TCP proxy between them and the app, and the app answers a plain 503, replaces connections that
died while idle, gives up within its timeouts, and recovers by itself."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from bs4 import BeautifulSoup
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from assessment.extensions import db
from assessment.store import database
from assessment.store.models import User
from tests.backends import backend_app, empty, own_postgres  # noqa: F401 (a fixture)
from tests.conftest import FAST_HASH, check_page, page_text, sign_in_as, store_assessment
from tests.proxy import TcpProxy

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 15


@pytest.fixture
def database_line(own_postgres) -> Iterator[TcpProxy]:  # noqa: F811
    proxy = TcpProxy(own_postgres.host or "127.0.0.1", own_postgres.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def app(own_postgres, database_line, tmp_path):  # noqa: F811
    """The app on PostgreSQL through the proxy, with short timeouts."""
    url = own_postgres.set(host="127.0.0.1", port=database_line.port)
    app = backend_app(url.render_as_string(hide_password=False), tmp_path,
                      DATABASE_CONNECT_TIMEOUT=1, DATABASE_STATEMENT_TIMEOUT=1)
    yield app
    database_line.restore()
    empty(app)


@pytest.fixture
def member(app):
    """A signed-in owner of a team with a draft assessment: (browser, public id)."""
    with app.app_context():
        user = User(email="lead@state.gov", password_hash=FAST_HASH)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
        public_id = store_assessment(app.extensions["questionnaire"], None, False,
                                     "Passport Services", user_id)
    return sign_in_as(app.test_client(), user_id), public_id


def save_strategy(browser, public_id: str, questionnaire, token: str | None = None):
    """Post the Strategy page (with a form token read first, unless one is given)."""
    url = f"/assessments/{public_id}/pillars/strategy"
    if token is None:
        token = form_token(browser, url)
    return browser.post(url, data={"csrf_token": token, "action": "continue",
                                   **{f"answer-{q.id}": "3" for q in
                                      questionnaire.pillars[0].questions}})


def form_token(browser, url: str) -> str:
    page = BeautifulSoup(browser.get(url).data, "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def assert_plain_503(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = check_page(response.data.decode())
    assert page.h1.get_text() == "The site cannot answer right now"
    assert "Try again in a minute" in page_text(page)


def test_a_database_outage_answers_a_plain_503_page_and_recovers(app, member, database_line,
                                                                 questionnaire):
    browser, public_id = member
    assert browser.get("/teams").status_code == 200
    token = form_token(browser, f"/assessments/{public_id}/pillars/strategy")
    database_line.cut()
    assert_plain_503(browser.get("/teams"))
    assert_plain_503(browser.get(f"/assessments/{public_id}/review"))
    assert_plain_503(save_strategy(browser, public_id, questionnaire, token))
    unknown = browser.get("/no-such-page")  # the error page itself needs no database
    assert unknown.status_code == 404 and check_page(unknown.data.decode())
    database_line.restore()
    assert browser.get("/teams").status_code == 200
    assert save_strategy(browser, public_id, questionnaire).status_code == 302


def test_connections_the_database_dropped_while_idle_are_replaced_before_use(
        app, member, database_line, questionnaire, monkeypatch):
    browser, public_id = member
    assert browser.get("/teams").status_code == 200  # the pool now holds a connection
    database_line.cut()  # a short outage with no traffic: the pooled connection dies
    database_line.restore()
    later = time.monotonic() + database.PING_AFTER_IDLE_SECONDS + 1
    monkeypatch.setattr(database, "clock", lambda: later)  # and stays idle for a while
    assert browser.get("/teams").status_code == 200
    assert save_strategy(browser, public_id, questionnaire).status_code == 302


def test_a_connection_used_a_moment_ago_is_not_checked_again(app, member, monkeypatch):
    """Checking costs a round trip: a connection that just served a request is used as is."""
    browser, _ = member
    with app.app_context():
        dialect = db.engine.dialect
    pings: list[object] = []
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(connection) or True)
    now = [time.monotonic()]
    monkeypatch.setattr(database, "clock", lambda: now[0])
    for _ in range(3):
        assert browser.get("/teams").status_code == 200
    assert pings == []
    now[0] += database.PING_AFTER_IDLE_SECONDS + 1
    assert browser.get("/teams").status_code == 200
    assert len(pings) == 1


def test_a_silent_database_is_answered_within_the_connect_timeout(app, member, database_line):
    browser, _ = member
    with app.app_context():
        db.engine.dispose()  # no pooled connection: the next request connects
    database_line.silence()
    answered = {}

    def ask() -> None:
        started = time.monotonic()
        answered["status"] = browser.get("/teams").status_code
        answered["seconds"] = time.monotonic() - started

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(timeout=10)
    database_line.restore()
    assert not asking.is_alive(), "the request still waits for the database"
    assert answered["status"] == 503 and answered["seconds"] < 5


def test_a_statement_that_runs_too_long_is_stopped(app):
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(3)"))
        assert time.monotonic() - started < 2.5
        db.session.rollback()


# Redis: the sign-in throttle falls back to memory and the plan to a render without cache.

@pytest.fixture
def redis_line() -> Iterator[TcpProxy]:
    store = redis.Redis(REDIS_HOST, REDIS_PORT, db=REDIS_DB)
    store.ping()  # Redis runs here and in CI; without it this fails rather than skips
    proxy = TcpProxy(REDIS_HOST, REDIS_PORT)
    yield proxy
    proxy.close()


def sign_in_post(browser, address: str, password: str = "wrong password!") -> int:
    browser.environ_base["REMOTE_ADDR"] = address
    page = BeautifulSoup(browser.get("/sign-in").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return browser.post("/sign-in", data={"csrf_token": token, "email": "lead@state.gov",
                                          "password": password, "next": ""}).status_code


@pytest.fixture
def throttled_app(redis_line, tmp_path):
    """The app (on SQLite) counting sign-ins in Redis through the proxy. Made before the test
    runs: migrating reconfigures logging, which would drop the test's log capture."""
    app = backend_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path,
                      RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_line.port}/{REDIS_DB}",
                      SIGN_IN_RATE_LIMIT="3 per minute")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def cached_app(redis_line, tmp_path):
    """The app (on SQLite) caching plans in Redis through the proxy."""
    app = backend_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path,
                      REDIS_URL=f"redis://127.0.0.1:{redis_line.port}/{REDIS_DB}",
                      PLAN_CACHE_TTL_SECONDS=60)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_sign_in_works_while_redis_is_down_and_throttles_in_memory_until_it_is_back(
        throttled_app, redis_line, caplog):
    app = throttled_app
    address, other = ("10.{}.{}.{}".format(*secrets.token_bytes(3)) for _ in range(2))
    store = redis.Redis(REDIS_HOST, REDIS_PORT, db=REDIS_DB)
    browser = app.test_client()
    try:
        redis_line.cut()
        with caplog.at_level("WARNING"):
            statuses = [sign_in_post(browser, address) for _ in range(4)]
        assert statuses == [200, 200, 200, 429]  # counted in memory meanwhile
        assert "falling back to in-memory storage" in caplog.text
        redis_line.restore()
        deadline = time.monotonic() + 15
        while not list(store.scan_iter(f"*/{other}/*")) and time.monotonic() < deadline:
            assert sign_in_post(browser, other) in (200, 429)
            time.sleep(0.5)
        assert list(store.scan_iter(f"*/{other}/*")), "the throttle did not go back to Redis"
    finally:
        for key in [*store.scan_iter(f"*/{address}/*"), *store.scan_iter(f"*/{other}/*")]:
            store.delete(key)


def test_the_plan_renders_while_redis_is_down_and_is_cached_again_once_it_is_back(
        cached_app, redis_line, questionnaire, caplog, fake_renders):
    app = cached_app
    store = redis.Redis(REDIS_HOST, REDIS_PORT, db=REDIS_DB)
    with app.app_context():
        user = User(email="lead@state.gov", password_hash=FAST_HASH)
        db.session.add(user)
        db.session.commit()
        public_id = store_assessment(questionnaire, {q.id: "2" for *_, q in
                                                     questionnaire.questions()},
                                     True, "Passport Services", user.id)
        user_id = user.id
    browser = sign_in_as(app.test_client(), user_id)
    before = set(store.scan_iter("cx:plan:*"))
    try:
        redis_line.cut()
        with caplog.at_level("WARNING"):
            response = browser.get(f"/assessments/{public_id}/plan.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert "Plan cache unreachable" in caplog.text
        redis_line.restore()
        assert browser.get(f"/assessments/{public_id}/plan.pdf").status_code == 200
        assert set(store.scan_iter("cx:plan:*")) - before, "not cached once Redis was back"
        assert len(fake_renders) == 2  # made while Redis was down, and again to be cached
    finally:
        for key in set(store.scan_iter("cx:plan:*")) - before:
            store.delete(key)
