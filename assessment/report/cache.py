"""A small file cache for rendered plans: content-addressed, shared by processes, bounded in size.

Each entry is named by the hash of everything that went into the PDF, so a changed assessment
simply has a new key; old entries age out when the folder grows past its limit.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
# A cache that does not answer within this long is skipped: the plan is rendered instead.
REDIS_TIMEOUT_SECONDS = 1.0


class PlanCache:
    def __init__(self, folder: str | Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def get(self, key: str) -> bytes | None:
        """The stored PDF for this key, or None."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        _touch(path)  # recently used entries are the last to go
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store a PDF, then remove the least recently used entries beyond the size limit."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".tmp", delete=False) as file:
            file.write(data)
        os.replace(file.name, self._path(key))
        _touch(self._path(key))
        self._prune()

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / f"{key}.pdf"

    def _prune(self) -> None:
        entries = []
        for path in self.folder.glob("*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # another process removed it first
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


def _touch(path: Path) -> None:
    # Explicit nanoseconds: some file systems keep coarse times, which would tie entries.
    now = time.time_ns()
    os.utime(path, ns=(now, now))


class RedisPlanCache:
    """The same cache in Redis, shared by every app server (used when REDIS_URL is set).

    Entries expire after `ttl_seconds`; Redis's own memory limit and eviction policy bound
    the total size (set maxmemory-policy to allkeys-lru on a Redis used only as a cache).
    The cache is best-effort: while Redis is unreachable, a get finds nothing and a put keeps
    nothing (with a warning in the log), and each call tries Redis again.
    """

    def __init__(self, url: str, ttl_seconds: int, prefix: str = "cx:plan:") -> None:
        import redis  # only deployments with REDIS_URL need the package

        self.client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                           socket_timeout=REDIS_TIMEOUT_SECONDS)
        self.errors = (redis.RedisError, OSError)
        self.ttl_seconds, self.prefix = ttl_seconds, prefix

    def get(self, key: str) -> bytes | None:
        try:
            found = self.client.getex(self.prefix + key, ex=self.ttl_seconds)
            return found if isinstance(found, bytes) else None
        except self.errors as error:
            log.warning("Plan cache unreachable, rendering without it: %s", error)
            return None

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.set(self.prefix + key, data, ex=self.ttl_seconds)
        except self.errors as error:
            log.warning("Plan cache unreachable, not keeping this plan: %s", error)


def plan_cache_for(config: Mapping[str, Any]) -> PlanCache | RedisPlanCache:
    """Redis when REDIS_URL is set (several app servers share it), else files on this server."""
    if config.get("REDIS_URL"):
        return RedisPlanCache(config["REDIS_URL"], config["PLAN_CACHE_TTL_SECONDS"])
    return PlanCache(config["PLAN_CACHE_DIR"], config["PLAN_CACHE_MAX_BYTES"])
