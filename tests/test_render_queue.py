"""Plans rendered ahead: finishing queues the render (RQ on Redis, or a thread without it), and
a download waits for a render under way instead of making a second one."""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from assessment.report import render_queue, render_thread
from assessment.report.cache import RedisPlanCache
from assessment.report.claims import LocalClaims
from assessment.store import audit

# A Redis database per pytest-xdist worker, and a queue (and so claim keys) per test.
REDIS_DB = 15 - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 8
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is "down"


class Renders(list):
    """The fake renders made so far; a render waits for `hold` while it is set up."""

    hold: threading.Event | None = None


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Renders:
    """A fake render (no WeasyPrint): each returns "%PDF-1.7 render N"."""
    made = Renders()

    def fake(html: str, static_folder: object) -> bytes:
        made.append(html)
        if made.hold is not None:
            assert made.hold.wait(5), "the held render was never let go"
        return f"%PDF-1.7 render {len(made)}".encode()

    monkeypatch.setattr("assessment.report.pdf.render_pdf", fake)
    return made


@pytest.fixture
def ahead(app, monkeypatch):
    """The app with plans rendered ahead, on a thread (no REDIS_URL) unless a test sets it."""
    app.config.update(PLAN_RENDER_AHEAD=True, REDIS_URL="", PLAN_WAIT_SECONDS=5,
                      PLAN_QUEUE=f"plans-test-{secrets.token_hex(4)}")
    return app


@pytest.fixture
def on_redis(ahead, monkeypatch):
    """The app on the test Redis: a queue and claims of this test's own, and a cache too."""
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except Exception as error:  # noqa: BLE001 - no server here: say so plainly
        pytest.skip(f"no Redis server at {REDIS_URL} ({type(error).__name__})")
    ahead.config["REDIS_URL"] = REDIS_URL
    prefix = f"cx:{ahead.config['PLAN_QUEUE']}:"
    cache = RedisPlanCache(REDIS_URL, ttl_seconds=60, prefix=prefix + "plan:")
    monkeypatch.setattr(render_queue, "plan_cache_for", lambda config: cache)
    yield Queue(ahead.config["PLAN_QUEUE"], connection=connection)
    for key in connection.scan_iter(prefix + "*"):
        connection.delete(key)
    connection.delete(f"rq:queue:{ahead.config['PLAN_QUEUE']}")


def finish(client, csrf_token, public_id: str) -> None:
    review = f"/assessments/{public_id}/review"
    response = client.post(f"/assessments/{public_id}/finish",
                           data={"csrf_token": csrf_token(review)})
    assert response.status_code == 302, response.status


def download(client, public_id: str) -> bytes:
    response = client.get(f"/assessments/{public_id}/plan.pdf")
    assert response.status_code == 200
    return response.data


def run_worker(app, plans: Queue) -> None:
    with app.app_context():
        SimpleWorker([plans], connection=plans.connection).work(burst=True)


def test_finishing_queues_the_plan_and_the_worker_renders_it_before_the_download(
        on_redis, ahead, client, csrf_token, make_assessment, renders):
    public_id = make_assessment({"strategy-1": "2"})
    finish(client, csrf_token, public_id)
    assert on_redis.count == 1 and not renders
    run_worker(ahead, on_redis)
    assert len(renders) == 1
    assert download(client, public_id) == b"%PDF-1.7 render 1"  # from the cache
    client.post(f"/assessments/{public_id}/reopen",
                data={"csrf_token": csrf_token(f"/assessments/{public_id}/review")})
    finish(client, csrf_token, public_id)
    assert on_redis.count == 1  # finished again: queued again
    result = ahead.test_cli_runner().invoke(args=["plan-worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert on_redis.count == 0
    assert len(renders) == 1  # nothing it prints changed: still in the cache


def test_the_plan_worker_says_it_needs_redis(ahead):
    result = ahead.test_cli_runner().invoke(args=["plan-worker", "--burst"])
    assert result.exit_code == 1 and "Set REDIS_URL" in result.output


def test_without_redis_a_thread_in_the_app_renders_the_plan(ahead, client, csrf_token,
                                                              make_assessment, renders):
    public_id = make_assessment({"strategy-1": "2"})
    finish(client, csrf_token, public_id)
    render_thread.renderer(ahead, render_queue.render_ahead).join()
    assert len(renders) == 1
    assert download(client, public_id) == b"%PDF-1.7 render 1"
    assert len(renders) == 1


def test_a_download_during_the_render_waits_for_it_and_gets_the_same_plan(
        ahead, client, csrf_token, make_assessment, renders):
    public_id = make_assessment({"strategy-1": "2"})
    hold = renders.hold = threading.Event()
    finish(client, csrf_token, public_id)
    threading.Timer(0.3, hold.set).start()
    started = time.monotonic()
    assert download(client, public_id) == b"%PDF-1.7 render 1"
    assert time.monotonic() - started >= 0.25  # it waited for the held render
    assert len(renders) == 1


def test_two_downloads_at_once_of_a_plan_not_yet_made_render_it_once(
        app, client, make_assessment, renders):
    public_id = make_assessment({"strategy-1": "2"}, finished=True)
    hold = renders.hold = threading.Event()
    other = threading.Thread(target=lambda: download(client, public_id))
    other.start()
    give_up = time.monotonic() + 5
    while not renders and time.monotonic() < give_up:  # the first renders, under its claim
        time.sleep(0.01)
    threading.Timer(0.3, hold.set).start()
    assert download(client, public_id) == b"%PDF-1.7 render 1"
    other.join()
    assert len(renders) == 1


def test_with_no_worker_alive_the_download_renders_the_plan_at_once(
        on_redis, ahead, client, csrf_token, make_assessment, renders):
    ahead.config["PLAN_WAIT_SECONDS"] = 30
    public_id = make_assessment({"strategy-1": "2"})
    finish(client, csrf_token, public_id)
    started = time.monotonic()
    assert download(client, public_id) == b"%PDF-1.7 render 1"
    assert time.monotonic() - started < 5
    run_worker(ahead, on_redis)  # the queued job finds the plan cached
    assert len(renders) == 1


def test_with_redis_down_finishing_still_works_and_the_download_renders(
        ahead, client, csrf_token, make_assessment, load_assessment, renders):
    ahead.config["REDIS_URL"] = CLOSED_PORT_URL
    public_id = make_assessment({"strategy-1": "2"})
    finish(client, csrf_token, public_id)
    assert load_assessment(public_id)["status"] == "finished"
    assert download(client, public_id) == b"%PDF-1.7 render 1"


def test_a_download_still_logs_itself_when_another_worker_writes_meanwhile(
        app, client, make_assessment, renders, monkeypatch):
    """On SQLite a GET reads in a deferred transaction; its audit line, written in that same
    transaction after another worker wrote, failed at once with "database is locked" (503)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    if path == app.config["SQLALCHEMY_DATABASE_URI"]:
        pytest.skip("a SQLite behaviour")
    public_id = make_assessment({"strategy-1": "2"}, finished=True)
    record_event = audit.record_event

    def after_another_worker_writes(*args, **kwargs):
        with sqlite3.connect(path) as other:
            other.execute("UPDATE team SET office = office || '.'")
        return record_event(*args, **kwargs)

    monkeypatch.setattr(audit, "record_event", after_another_worker_writes)
    assert download(client, public_id) == b"%PDF-1.7 render 1"


def test_a_claim_is_held_until_released_or_it_lapses(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("assessment.report.claims.time.monotonic", lambda: now[0])
    claims = LocalClaims(seconds=10)
    assert claims.take("render:a") and not claims.take("render:a")
    claims.release("render:a")
    assert claims.take("render:a")
    now[0] += 10
    assert not claims.held("render:a") and claims.take("render:a")
