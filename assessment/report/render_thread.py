"""Plans rendered ahead without Redis: one thread in the app process renders the plans of
finished assessments, one at a time, in the order they were finished."""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)


class BackgroundRenderer:
    """One thread in the app process that renders queued plans one at a time (without Redis)."""

    def __init__(self, app: Flask, job: Callable[[int], None]) -> None:
        self.app, self.job = app, job
        self.jobs: queue.Queue[int] = queue.Queue()
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="plan-renderer", daemon=True)
        self.thread.start()

    def put(self, assessment_id: int) -> None:
        self.jobs.put(assessment_id)

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.thread.is_alive()

    def join(self) -> None:
        """Wait until every queued plan is rendered (tests)."""
        self.jobs.join()

    def _run(self) -> None:
        while True:
            assessment_id = self.jobs.get()
            try:
                with self.app.app_context():
                    self.job(assessment_id)
            except Exception:  # noqa: BLE001 - one bad plan must not stop the thread
                log.exception("Rendering the plan of assessment %s ahead failed", assessment_id)
            finally:
                self.jobs.task_done()


_renderer_lock = threading.Lock()


def renderer(app: Flask, job: Callable[[int], None]) -> BackgroundRenderer:
    """This process's renderer thread, started on first use (a forked worker starts its own)."""
    with _renderer_lock:
        found = app.extensions.get("plan_renderer")
        if found is None or not found.alive():
            found = app.extensions["plan_renderer"] = BackgroundRenderer(app, job)
        return found


def running(app: Flask) -> bool:
    """Whether this process has a renderer thread that will run what is queued."""
    found = app.extensions.get("plan_renderer")
    return found is not None and found.alive()
