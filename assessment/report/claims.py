"""Claims on plan renders, so the same plan is not rendered twice at once.

Two kinds of name are claimed: "queued:<assessment>" from the moment a finished assessment's
plan is queued until a worker has rendered it, and "render:<cache key>" while one process
renders that content. Every claim lapses after a time limit, so a worker that died never
blocks a download for long. With REDIS_URL the claims live in Redis (shared by every server
and worker); without it, in this process's memory (the background thread is in this process).
"""

from __future__ import annotations

import logging
import threading
import time

from assessment.report.cache import REDIS_TIMEOUT_SECONDS

log = logging.getLogger(__name__)


class LocalClaims:
    """Claims in this process's memory, each lapsing after `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, name: str) -> bool:
        """Claim a name no one holds: True when this caller now holds it."""
        with self._lock:
            if self._held(name):
                return False
            self._until[name] = time.monotonic() + self.seconds
            return True

    def hold(self, name: str) -> None:
        """Claim a name whoever held it before (a new queued render replaces an old one)."""
        with self._lock:
            self._until[name] = time.monotonic() + self.seconds

    def held(self, name: str) -> bool:
        with self._lock:
            return self._held(name)

    def release(self, name: str) -> None:
        with self._lock:
            self._until.pop(name, None)

    def _held(self, name: str) -> bool:
        until = self._until.get(name)
        if until is not None and until <= time.monotonic():
            del self._until[name]
            return False
        return until is not None


class RedisClaims:
    """The same claims in Redis, as keys that expire. Best-effort, like the plan cache: while
    Redis does not answer, nothing is held and every take succeeds (the caller renders)."""

    def __init__(self, url: str, seconds: int, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                           socket_timeout=REDIS_TIMEOUT_SECONDS)
        self.errors = (redis.RedisError, OSError)
        self.seconds, self.prefix = seconds, prefix

    def take(self, name: str) -> bool:
        try:
            return bool(self.client.set(self.prefix + name, 1, nx=True, ex=self.seconds))
        except self.errors as error:
            log.warning("Plan claims unreachable, rendering anyway: %s", error)
            return True

    def hold(self, name: str) -> None:
        self.client.set(self.prefix + name, 1, ex=self.seconds)  # the caller handles errors

    def held(self, name: str) -> bool:
        try:
            return bool(self.client.exists(self.prefix + name))
        except self.errors:
            return False

    def release(self, name: str) -> None:
        try:
            self.client.delete(self.prefix + name)
        except self.errors as error:
            log.warning("Plan claims unreachable; the claim on %s lapses by itself: %s",
                        name, error)
