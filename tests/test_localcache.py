"""The in-process cache bounded by bytes (beteiligung.localcache): least recently used out, exact byte count."""

import os

import pytest

from beteiligung import localcache
from beteiligung.config import Config, from_environment
from beteiligung.extensions import cache as flask_cache
from beteiligung.localcache import BoundedSimpleCache

PAGE = "x" * 1000  # about 1 KB pickled


def held(cache):
    """The bytes the entries hold, counted afresh: the key and the pickled value of each."""
    return sum(len(key) + len(item[1]) for key, item in cache._cache.items())


def test_the_least_recently_used_entries_go_first_when_the_bytes_are_used_up():
    cache = BoundedSimpleCache(threshold=100, max_bytes=3500)
    for key in ("a", "b", "c"):
        assert cache.set(key, PAGE)
    assert cache.get("a") == PAGE  # "a" was used: "b" is now the least recently used
    assert cache.set("d", PAGE)
    assert cache.get("b") is None
    assert [cache.get(key) == PAGE for key in ("a", "c", "d")] == [True, True, True]
    assert cache.bytes == held(cache) <= 3500


def test_the_number_of_entries_stays_bounded_too():
    cache = BoundedSimpleCache(threshold=3, max_bytes=10**9)
    for n in range(10):
        cache.set(f"k{n}", n)
    assert sorted(cache._cache) == ["k7", "k8", "k9"]
    assert cache.bytes == held(cache)


def test_a_value_larger_than_the_budget_is_not_stored_and_drops_the_old_one():
    cache = BoundedSimpleCache(threshold=100, max_bytes=2000)
    assert cache.set("page", "klein")
    assert cache.set("other", "bleibt")
    assert cache.set("page", "x" * 5000) is False
    assert cache.get("page") is None  # never the old value for a key that was set anew
    assert cache.get("other") == "bleibt"
    assert cache.bytes == held(cache)


def test_replacing_deleting_and_clearing_keep_the_byte_count():
    cache = BoundedSimpleCache(threshold=100, max_bytes=10**6)
    cache.set("a", "x" * 100)
    cache.set("a", "x" * 300)
    cache.set("b", [1, 2, 3])
    assert cache.bytes == held(cache)
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    assert cache.bytes == held(cache) > 0
    assert cache.add("b", "anders") is False
    assert cache.get("b") == [1, 2, 3]
    assert cache.add("c", "neu") is True
    assert cache.get_many("b", "c", "fehlt") == [[1, 2, 3], "neu", None]
    cache.clear()
    assert cache.bytes == 0
    assert cache.get("b") is None


def test_expired_entries_are_misses_and_give_their_bytes_back(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(localcache, "time", lambda: clock[0])
    monkeypatch.setattr("cachelib.simple.time", lambda: clock[0])
    cache = BoundedSimpleCache(threshold=100, max_bytes=10**6, default_timeout=60)
    cache.set("kurz", "wert")
    cache.set("ewig", "wert", timeout=0)
    clock[0] += 61
    assert cache.has("kurz") is False
    assert cache.get("kurz") is None
    assert cache.get("ewig") == "wert"
    assert list(cache._cache) == ["ewig"]
    assert cache.bytes == held(cache)


def test_without_redis_the_settings_name_the_bounded_cache():
    wanted = ("beteiligung.rediscache.ResilientRedisCache" if os.environ.get("REDIS_URL")
                else "beteiligung.localcache.BoundedSimpleCache")
    assert wanted == Config.CACHE_TYPE
    assert Config.CACHE_MAX_BYTES == 16 * 1024 * 1024
    assert from_environment({"CACHE_MAX_BYTES": "1048576"}) == {"CACHE_MAX_BYTES": 1048576}


@pytest.mark.parametrize("app_config", [{"CACHE_TYPE": "beteiligung.localcache.BoundedSimpleCache",
                                         "CACHE_MAX_BYTES": 200_000, "CACHE_THRESHOLD": 50}])
def test_rendered_pages_are_cached_within_the_budget(app, client, create_consultation, create_comment,
                                                     create_user):
    backend = app.extensions["cache"][flask_cache]
    assert isinstance(backend, BoundedSimpleCache)
    assert (backend.max_bytes, backend._threshold) == (200_000, 50)
    consultation = create_consultation()
    author = create_user(pseudonym="Autorin Anna")
    first = create_comment(consultation, author, body="Der erste Beitrag.")
    page = f"/beteiligungen/{consultation.id}"
    assert f'id="beitrag-{first.id}"' in client.get(page).get_data(as_text=True)
    stored = backend.bytes
    assert stored > 0 and stored == held(backend)
    assert client.get(page).status_code == 200
    assert backend.bytes == stored  # a hit stores nothing more
    second = create_comment(consultation, author, body="Der zweite Beitrag.")
    html = client.get(page).get_data(as_text=True)
    assert f'id="beitrag-{second.id}"' in html  # a new revision: a new key, never the old page
    assert backend.bytes == held(backend) <= 200_000
