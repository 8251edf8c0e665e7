"""Where rendered plans are kept: files on one server, or Redis shared by several."""

from __future__ import annotations

import secrets

import pytest

from assessment.report.cache import PlanCache, RedisPlanCache, plan_cache_for

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache() -> RedisPlanCache:
    cache = RedisPlanCache(REDIS_URL, ttl_seconds=60, prefix=f"cx:test:{secrets.token_hex(4)}:")
    try:
        cache.client.ping()
    except Exception as error:  # noqa: BLE001 - no server here: say so plainly
        pytest.skip(f"no Redis server at {REDIS_URL} ({type(error).__name__})")
    yield cache
    for key in cache.client.scan_iter(cache.prefix + "*"):
        cache.client.delete(key)


def test_without_redis_the_cache_is_a_folder(tmp_path):
    cache = plan_cache_for({"REDIS_URL": "", "PLAN_CACHE_DIR": str(tmp_path),
                            "PLAN_CACHE_MAX_BYTES": 1000})
    assert isinstance(cache, PlanCache)
    cache.put("abc123", b"%PDF-1.7 one")
    assert (tmp_path / "abc123.pdf").read_bytes() == b"%PDF-1.7 one"


def test_with_redis_url_the_cache_is_redis():
    cache = plan_cache_for({"REDIS_URL": REDIS_URL, "PLAN_CACHE_TTL_SECONDS": 60})
    assert isinstance(cache, RedisPlanCache)


def test_a_plan_put_by_one_server_is_found_by_another(redis_cache):
    other_server = RedisPlanCache(REDIS_URL, ttl_seconds=60, prefix=redis_cache.prefix)
    assert other_server.get("k1") is None
    redis_cache.put("k1", b"%PDF-1.7 shared")
    assert other_server.get("k1") == b"%PDF-1.7 shared"


def test_redis_entries_expire(redis_cache):
    redis_cache.put("k2", b"%PDF-1.7")
    ttl = redis_cache.client.ttl(redis_cache.prefix + "k2")
    assert 0 < ttl <= 60
