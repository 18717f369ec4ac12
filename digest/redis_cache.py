"""Django's Redis cache backend, without a new client object per operation.

Django's ``RedisCacheClient.get_client`` builds a ``redis.Redis`` for every
cache call, and redis-py fills each new client with its ~170 response
callbacks: about 0.1 ms per call, more than the round trip to Redis itself on
a cache hit. A client is safe to share (it takes connections from its pool),
so this keeps one per pool.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
