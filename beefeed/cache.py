"""Django's Redis cache, with one Redis client per connection pool instead of one per command.

Django's RedisCacheClient.get_client() makes a new redis.Redis for every get or set, and making one
fills a table of about 200 reply handlers: about a millisecond of Python per cache command here, more
than the whole page cache hit (beefeed.pagecache) otherwise costs. A redis.Redis shares its pool's
connections safely between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class BeeFeedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClients
