"""The Redis cache backend against a real Redis (REDIS_URL's server, database 15)."""

import pytest
from django.core.cache import caches

from digest.redis_cache import RedisCache
from tests.issues.test_page_cache import REDIS, redis_is_running

pytestmark = pytest.mark.skipif(not redis_is_running(), reason="needs Redis at 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS, {"KEY_PREFIX": "digest-test-redis-cache"})
    yield cache
    cache.clear()


def test_values_round_trip_through_redis(redis_cache):
    redis_cache.set("page", {"status": 200, "identity": b"<html>"}, 60)
    assert redis_cache.get("page") == {"status": 200, "identity": b"<html>"}
    assert redis_cache.add("page", "other") is False
    redis_cache.delete("page")
    assert redis_cache.get("page") is None


def test_every_call_shares_one_client_instead_of_building_one(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    redis_cache.get("a")
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client() is client


def test_the_configured_cache_is_this_backend(settings):
    settings.CACHES = {"default": {"BACKEND": "digest.redis_cache.RedisCache", "LOCATION": REDIS}}
    assert isinstance(caches.create_connection("default"), RedisCache)
