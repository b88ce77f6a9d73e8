"""The in-process rendering cache, bounded by the bytes it holds (used when there is no Redis).

``CACHE_TYPE = "beteiligung.localcache.BoundedSimpleCache"``: cachelib's SimpleCache (values stored pickled,
one lock per process) whose entries are also bounded by their total size, ``CACHE_MAX_BYTES`` (the pickled
values and their keys), besides their number (``CACHE_THRESHOLD``). When a new entry would exceed either
bound, the entries used least recently go first (a hit counts as a use); a single value larger than the
whole budget is not stored. A rendered discussion can be tens of kilobytes, so a bound by the number of
entries alone would let a worker's memory grow with the size of the pages it happens to cache.
"""

import threading
from collections import OrderedDict
from time import time

from flask_caching.backends.simplecache import SimpleCache

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class BoundedSimpleCache(SimpleCache):
    def __init__(self, threshold=500, default_timeout=300, max_bytes=DEFAULT_MAX_BYTES, **kwargs):
        super().__init__(threshold=threshold, default_timeout=default_timeout, **kwargs)
        self._cache = OrderedDict()  # least recently used first
        self._sizes = {}
        self._lock = threading.RLock()
        self.max_bytes = int(max_bytes)
        self.bytes = 0  # the pickled values and the keys held now

    @classmethod
    def factory(cls, app, config, args, kwargs):
        kwargs.update(threshold=config["CACHE_THRESHOLD"],
                      max_bytes=config.get("CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
        return cls(*args, **kwargs)

    # The entries are (expires, pickled value) as in SimpleCache; these keep the byte count with them.

    def _drop(self, key):
        if self._cache.pop(key, None) is not None:
            self.bytes -= self._sizes.pop(key)
            return True
        return False

    def _store(self, key, item):
        size = len(key) + len(item[1])
        self._drop(key)
        if size > self.max_bytes:
            return False
        while self._cache and (len(self._cache) >= self._threshold or self.bytes + size > self.max_bytes):
            self._drop(next(iter(self._cache)))  # the least recently used
        self._cache[key] = item
        self._sizes[key] = size
        self.bytes += size
        return True

    def _live(self, key):
        """The entry of ``key`` if it has not expired (marked as just used), else None (an expired one is dropped)."""
        item = self._cache.get(key)
        if item is None:
            return None
        if item[0] != 0 and item[0] <= time():
            self._drop(key)
            return None
        self._cache.move_to_end(key)
        return item

    def get(self, key):
        with self._lock:
            item = self._live(key)
            return None if item is None else self.serializer.loads(item[1])

    def has(self, key):
        with self._lock:
            return self._live(key) is not None

    def set(self, key, value, timeout=None):
        with self._lock:
            return self._store(key, (self._normalize_timeout(timeout), self.serializer.dumps(value)))

    def add(self, key, value, timeout=None):
        with self._lock:
            if self._live(key) is not None:
                return False
            return self._store(key, (self._normalize_timeout(timeout), self.serializer.dumps(value)))

    def delete(self, key):
        with self._lock:
            return self._drop(key)

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._sizes.clear()
            self.bytes = 0
            return True
