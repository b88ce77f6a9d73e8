"""The rendering cache on Redis as an accelerator, not a single point of failure.

``CACHE_TYPE = "beteiligung.rediscache.ResilientRedisCache"`` (set when ``REDIS_URL`` is): a Redis that cannot be
reached makes every read a miss and every write a no-op, instead of an error page. The first failure is
logged once (logger ``beteiligung.cache``); for ``CACHE_RETRY_SECONDS`` no request waits for Redis again,
then the next one tries, and when Redis answers the cache works again by itself (logged once as well).
Short socket timeouts keep a dead Redis host from holding requests up.
"""

import logging
import threading
import time

from flask_caching.backends.rediscache import RedisCache

log = logging.getLogger("beteiligung.cache")


class ResilientRedisCache(RedisCache):
    def __init__(self, *args, retry_seconds=5.0, **kwargs):
        super().__init__(*args, **kwargs)
        self._retry_seconds = retry_seconds
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    @classmethod
    def factory(cls, app, config, args, kwargs):
        from redis import Redis

        client = Redis.from_url(config["CACHE_REDIS_URL"], socket_connect_timeout=config.get(
            "CACHE_REDIS_CONNECT_TIMEOUT", 0.5), socket_timeout=config.get("CACHE_REDIS_TIMEOUT", 0.5))
        kwargs.update(host=client, key_prefix=config["CACHE_KEY_PREFIX"],
                      retry_seconds=float(config.get("CACHE_RETRY_SECONDS", 5)))
        return cls(*args, **kwargs)

    @property
    def available(self):
        """False while Redis is known to be down (until the next retry)."""
        return not (self._down and time.monotonic() < self._down_until)

    def _guard(self, operation, default, *args, **kwargs):
        if not self.available:
            return default
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any failure of the accelerator is a miss
            with self._lock:
                if not self._down:
                    log.warning("Redis nicht erreichbar: der Cache ist aus, bis Redis wieder antwortet (%s)",
                                type(error).__name__)
                self._down = True
                self._down_until = time.monotonic() + self._retry_seconds
            return default
        if self._down:
            with self._lock:
                if self._down:
                    log.warning("Redis antwortet wieder: der Cache ist wieder an")
                self._down = False
        return result

    def get(self, key):
        return self._guard("get", None, key)

    def get_many(self, *keys):
        return self._guard("get_many", [None] * len(keys), *keys)

    def has(self, key):
        return self._guard("has", False, key)

    def set(self, key, value, timeout=None):
        return self._guard("set", False, key, value, timeout)

    def add(self, key, value, timeout=None):
        return self._guard("add", False, key, value, timeout)

    def set_many(self, mapping, timeout=None):
        return self._guard("set_many", [], mapping, timeout)

    def delete(self, key):
        return self._guard("delete", False, key)

    def delete_many(self, *keys):
        return self._guard("delete_many", [], *keys)

    def clear(self):
        return self._guard("clear", False)

    def inc(self, key, delta=1):
        return self._guard("inc", None, key, delta)

    def dec(self, key, delta=1):
        return self._guard("dec", None, key, delta)
