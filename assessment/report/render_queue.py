"""Plans made ahead: finishing an assessment queues its plan's render, so the download that
follows comes from the cache.

With REDIS_URL the render is an RQ job on the PLAN_QUEUE queue, run by `flask plan-worker`
(`make worker`); without Redis, a background thread in the app process renders it (so `make run`
needs nothing more). A download that finds its plan queued or being rendered waits for it, up
to PLAN_WAIT_SECONDS, then renders in the request; it never fails for want of a worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context

from assessment.report import render_thread
from assessment.report.cache import (
    REDIS_TIMEOUT_SECONDS,
    PlanCache,
    RedisPlanCache,
    plan_cache_for,
)
from assessment.report.claims import LocalClaims, RedisClaims

log = logging.getLogger(__name__)
POLL_SECONDS = 0.1  # how often a waiting download looks for its plan
FAILED_JOBS_KEPT_SECONDS = 7 * 24 * 3600  # `rq info` shows them for a week


def queue_plan_render(assessment_id: int) -> None:
    """Queue the render of a finished assessment's plan. Call it after the finish is committed:
    the worker reads the assessment from the database. Never raises: a plan that could not be
    queued is rendered when someone downloads it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["PLAN_RENDER_AHEAD"]:
        return
    claims = claims_for(app)
    try:
        claims.hold(queued_name(assessment_id))
        if app.config["REDIS_URL"]:
            enqueue(app, assessment_id)
        else:
            render_thread.renderer(app, render_ahead).put(assessment_id)
    except Exception as error:  # noqa: BLE001 - the finish is stored; the download renders
        log.warning("Could not queue the plan of assessment %s; it will be rendered when "
                    "downloaded: %s", assessment_id, error)
        claims.release(queued_name(assessment_id))


def render_ahead(assessment_id: int) -> None:
    """The job: render a finished assessment's plan into the cache (unless it is there, or
    another process is rendering the same content), then release its queued claim."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()  # type: ignore[attr-defined]
    with app.app_context():  # a database session of the job's own
        try:
            from assessment.extensions import db
            from assessment.report import pdf
            from assessment.store.models import Assessment

            assessment = db.session.get(Assessment, assessment_id)
            if assessment is not None and assessment.is_finished:
                pdf.render_plan_ahead(assessment)
        finally:
            claims_for(app).release(queued_name(assessment_id))


def cached_or_rendered(key: str, render: Callable[[], bytes], assessment_id: int) -> bytes:
    """A download's plan: from the cache, after waiting for a render of it that is queued
    (while a worker is alive) up to PLAN_WAIT_SECONDS, or under way up to twice that; else
    rendered here (under a claim, so a worker that comes to it later skips it) and kept."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache, claims = plan_cache_for(app.config), claims_for(app)
    deadline = time.monotonic() + app.config["PLAN_WAIT_SECONDS"]
    worker_is_alive: bool | None = None  # asked once, when first needed
    while (pdf := cache.get(key)) is None:
        waiting = time.monotonic() < deadline
        if claims.held(queued_name(assessment_id)) and waiting:
            if worker_is_alive is None:
                worker_is_alive = worker_alive(app)
                if worker_is_alive and not claims.held(render_name(key)):
                    put_first(app, assessment_id)  # someone is waiting for this one
            if worker_is_alive:
                time.sleep(POLL_SECONDS)
                continue
        if claims.take(render_name(key)):
            if not waiting:
                log.warning("Waited %s s for the plan %s; rendering it in the request.",
                            app.config["PLAN_WAIT_SECONDS"], key[:12])
            try:
                return rendered_and_kept(cache, key, render)
            finally:
                claims.release(render_name(key))
        if time.monotonic() >= deadline + app.config["PLAN_WAIT_SECONDS"]:
            # Another render of this very plan is under way: a second one would only slow both
            # down, so it has twice the wait before this request renders the plan as well.
            log.warning("Waited %s s for another render of the plan %s; rendering it too.",
                        2 * app.config["PLAN_WAIT_SECONDS"], key[:12])
            return rendered_and_kept(cache, key, render)
        time.sleep(POLL_SECONDS)
    return pdf


def put_first(app: Flask, assessment_id: int) -> None:
    """Queue the render again at the front of the queue, ahead of plans no one waits for (the
    job queued at the finish then finds the plan cached)."""
    if not app.config["REDIS_URL"]:
        return  # the thread renders in order; a download waits for its turn or renders
    try:
        enqueue(app, assessment_id, at_front=True)
    except Exception as error:  # noqa: BLE001 - it keeps its place in the queue
        log.warning("Could not move the plan of assessment %s up the queue: %s",
                    assessment_id, error)


def render_into_cache(key: str, render: Callable[[], bytes]) -> None:
    """A worker's render: skipped when the plan is cached or another process renders it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache, claims = plan_cache_for(app.config), claims_for(app)
    if cache.get(key) is not None or not claims.take(render_name(key)):
        return
    try:
        rendered_and_kept(cache, key, render)
    finally:
        claims.release(render_name(key))


def rendered_and_kept(cache: PlanCache | RedisPlanCache, key: str,
                      render: Callable[[], bytes]) -> bytes:
    if (pdf := cache.get(key)) is not None:  # it landed while we took the claim
        return pdf
    pdf = render()
    cache.put(key, pdf)
    return pdf


def queued_name(assessment_id: int) -> str:
    return f"queued:{assessment_id}"


def render_name(key: str) -> str:
    return f"render:{key}"


def claims_for(app: Flask) -> LocalClaims | RedisClaims:
    """This app's claims: in Redis when REDIS_URL is set, else in this process."""
    claims = app.extensions.get("plan_claims")
    if claims is None:
        seconds = app.config["PLAN_CLAIM_SECONDS"]
        claims = app.extensions["plan_claims"] = (
            RedisClaims(app.config["REDIS_URL"], seconds,
                        prefix=f"cx:{app.config['PLAN_QUEUE']}:claim:")
            if app.config["REDIS_URL"] else LocalClaims(seconds))
    return claims


def enqueue(app: Flask, assessment_id: int, at_front: bool = False) -> None:
    """An RQ job that renders the plan; kept a week if it fails, dropped when it succeeds."""
    job_queue(app).enqueue_call(
        render_ahead, args=(assessment_id,), timeout=app.config["PLAN_CLAIM_SECONDS"],
        result_ttl=0, failure_ttl=FAILED_JOBS_KEPT_SECONDS, at_front=at_front)


def job_queue(app: Flask, connection: Any = None) -> Any:
    """The RQ queue plans are rendered on (REDIS_URL, PLAN_QUEUE)."""
    import redis
    import rq

    if connection is None:
        connection = app.extensions.get("plan_queue_redis")
        if connection is None:
            connection = app.extensions["plan_queue_redis"] = redis.Redis.from_url(
                app.config["REDIS_URL"], socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                socket_timeout=REDIS_TIMEOUT_SECONDS)
    return rq.Queue(app.config["PLAN_QUEUE"], connection=connection)


def worker_alive(app: Flask) -> bool:
    """Whether anything will run a queued render: an RQ worker on the queue, or this process's
    background thread."""
    if not app.config["REDIS_URL"]:
        return render_thread.running(app)
    import rq

    try:
        plans = job_queue(app)
        return rq.Worker.count(connection=plans.connection, queue=plans) > 0
    except Exception as error:  # noqa: BLE001 - Redis down: no worker can answer either
        log.warning("Could not ask Redis for plan workers: %s", error)
        return False


_app: Flask | None = None


def _worker_app() -> Flask:
    """The app a plain `rq worker` runs jobs in (`flask plan-worker` provides its own)."""
    global _app
    if _app is None:
        from assessment import create_app

        _app = create_app()
    return _app
