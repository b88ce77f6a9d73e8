"""Redis is an accelerator, not a single point of failure (issue 13, point 1): with a real Redis server that the
test starts, kills and starts again, pages, log-in, comments and ballots keep answering correctly; the cache
degrades to misses, rate limits to this process's memory, jobs to this process; each outage is logged once,
and when Redis is back the cache uses it again by itself."""

import logging
import shutil
import subprocess
import time

import pytest
from sqlalchemy import func, select

from beteiligung.comments.models import Comment
from beteiligung.polls.models import Ballot
from beteiligung.testing.fixtures import free_port
from beteiligung.testing.helpers import text_of

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


class RedisServer:
    """A throw-away redis-server on a free port (no persistence)."""

    def __init__(self, port):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        from redis import Redis

        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stored_keys(self):
        from redis import Redis

        return Redis.from_url(self.url).keys("*")


@pytest.fixture
def redis_server():
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(redis_server):
    url = redis_server.url
    return {"REDIS_URL": url, "CACHE_TYPE": "beteiligung.rediscache.ResilientRedisCache", "CACHE_REDIS_URL": url,
            "CACHE_RETRY_SECONDS": 0.2, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
            "WRITE_RATE_LIMIT": "1000 per minute", "LOGIN_RATE_LIMIT": "1000 per minute", "JOBS_BACKEND": "rq"}


def _take_part(client, auth, api, consultation, poll, user, label):
    """What citizens do, by page and API: read, log in, comment, vote in a poll. Returns the statuses."""
    question = poll.questions[0]
    statuses = {
        "page": client.get(f"/beteiligungen/{consultation.id}").status_code,
        "again": client.get(f"/beteiligungen/{consultation.id}").status_code,
        "region": client.get("/regionen").status_code,
        "login": auth.login(user).status_code,
        "comment page": client.post(f"/beteiligungen/{consultation.id}/beitraege",
                                    data={"body": f"Seitenbeitrag {label}"}).status_code,
        "comment api": api.post(f"/api/v1/consultations/{consultation.id}/comments", user=user,
                                json={"body": f"API-Beitrag {label}"}).status_code,
        "ballot": api.ballot(poll, user, {question: question.options[0].id}).status_code,
        "api read": api.get(f"/api/v1/consultations/{consultation.id}/comments").status_code,
    }
    auth.logout()
    return statuses


EXPECTED = {"page": 200, "again": 200, "region": 200, "login": 303, "comment page": 303, "comment api": 201,
            "ballot": 201, "api read": 200}


def test_pages_log_in_and_writes_work_while_redis_is_down_and_the_cache_comes_back(
        app, db, client, auth, api, redis_server, create_consultation, create_poll, create_user, caplog,
        mail_outbox):
    consultation = create_consultation()
    poll = create_poll(region=consultation.region)
    before, during, after = create_user(), create_user(), create_user()

    assert _take_part(client, auth, api, consultation, poll, before, "vorher") == EXPECTED
    assert any(key.startswith(b"beteiligung:") for key in redis_server.stored_keys()), "the cache did not use Redis"

    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        statuses = _take_part(client, auth, api, consultation, poll, during, "während")
        statuses.update(second=client.get(f"/beteiligungen/{consultation.id}").status_code)
        # A registration's confirmation mail is a job: with the queue down it is sent from this process.
        statuses.update(register=client.post("/konto/registrieren", data={
            "email": "ohne-redis@example.org", "pseudonym": "Ohne Redis", "password": "ein-langes-passwort",
            "password_confirm": "ein-langes-passwort", "accept_terms": "y"}).status_code)
    assert statuses == dict(EXPECTED, second=200, register=303)
    assert mail_outbox.to("ohne-redis@example.org"), "the confirmation mail was not sent while Redis was down"
    page = text_of(client.get(f"/beteiligungen/{consultation.id}"))
    assert "Seitenbeitrag während" in page and "API-Beitrag während" in page  # no stale copy from anywhere
    cache_warnings = [r for r in caplog.records if r.name == "beteiligung.cache" and "nicht erreichbar" in r.message]
    assert len(cache_warnings) == 1, "the outage should be logged once, not per request"
    queue_warnings = [r for r in caplog.records if "Warteschlange nicht erreichbar" in r.message]
    assert len(queue_warnings) == 1, "the queue's outage should be logged once"
    assert db.session.scalar(select(func.count(Comment.id))) == 4
    assert db.session.scalar(select(func.count(Ballot.id))) == 2

    redis_server.start()
    time.sleep(0.3)  # past CACHE_RETRY_SECONDS: the next request tries Redis again
    with caplog.at_level(logging.WARNING):
        assert _take_part(client, auth, api, consultation, poll, after, "nachher") == EXPECTED
    assert any(key.startswith(b"beteiligung:") for key in redis_server.stored_keys()), "the cache did not come back"
    assert any(r.name == "beteiligung.cache" and "wieder" in r.message for r in caplog.records)


def test_readiness_says_redis_is_degraded_but_the_platform_is_ready(client, redis_server):
    assert client.get("/readyz").get_json()["checks"]["redis"] == "ok"
    redis_server.stop()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "degraded"}
    assert client.get("/healthz").get_json() == {"status": "ok"}
