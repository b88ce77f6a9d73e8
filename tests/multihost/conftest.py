"""Several hosts behind a real load balancer (issue 13, point 5): two gunicorn instances (separate processes and
ports) on one PostgreSQL database and one Redis, behind Debian's nginx running the site of
example/nginx/beteiligung.conf (its addresses, ports and paths replaced; TLS with a certificate made here).

Runs only on PostgreSQL (BETEILIGUNG_TEST_DB=postgresql) with nginx, redis-server and openssl installed;
without nginx or Redis the module is skipped, and with CI=true it fails instead. Everything runs as the user
running the tests, on free loopback ports; every process and the database are removed afterwards. The harness
(Redis, instances, nginx, the cluster) is beteiligung/testing/cluster.py, shared with benchmarks/load_mixed.py.
"""

import os
import secrets
from urllib.parse import urlsplit

import pytest

from beteiligung.testing.cluster import Cluster, RedisServer, missing_tools, own_database

PASSWORD = "mehrere-hosts-42"
#: log-ins (page and API) per client address in this test: small, so that counting across hosts shows
LOGIN_LIMIT = 6
CLOSED_POLLS = 40


def pytest_configure(config):
    config.addinivalue_line("markers", "multihost: needs PostgreSQL, nginx and redis-server (tests/multihost)")


def _fail_or_skip(reason):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"multi-host test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def seed():
    """The people and things the tests use, made through the app's services; returns their ids and tokens."""
    from datetime import timedelta

    from beteiligung.accounts.services import issue_token, register_user
    from beteiligung.consultations.models import Consultation
    from beteiligung.consultations.services import sync_sections
    from beteiligung.extensions import db
    from beteiligung.notifications.services import follow, set_preference
    from beteiligung.polls.models import Poll
    from beteiligung.regions.models import Region
    from beteiligung.timeutil import utcnow

    now = utcnow()
    region = Region(slug="mehrere-hosts", name="Mehrere Hosts", theme="Betrieb", description="")
    db.session.add(region)
    consultation = Consultation(region=region, title="Radwege an der Ruhr", summary="Kurz.",
                                body="Einleitung.\n\n## Strecken\n\nWo?", published=True,
                                opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    db.session.add(consultation)
    sync_sections(consultation)

    def person(number):
        return register_user(f"host{number}@example.org", PASSWORD, f"Host-Person {number}", accepted_terms=True)

    citizen = person(0)
    writers = [person(n) for n in range(1, 5)]
    daily, immediate = person(10), person(11)
    for user in (daily, immediate):
        follow(user, "region", region)
    set_preference(immediate, "poll_closed", "immediate")  # "daily" keeps the kind's default: the digest
    polls = []
    for number in range(CLOSED_POLLS):
        poll = Poll(region=region, kind="survey", title=f"Umfrage {number + 1}", description="",
                    audience="accounts", results_visibility="live", phase="collecting", state="open",
                    opened_at=now - timedelta(days=2), closes_at=now - timedelta(minutes=1))
        db.session.add(poll)
        polls.append(poll)
    db.session.flush()
    data = {"region": region.id, "consultation": consultation.id, "citizen": citizen.email,
            "citizen_pseudonym": citizen.pseudonym, "polls": [poll.id for poll in polls],
            "daily": daily.id, "immediate": immediate.id,
            "writers": [{"id": user.id, "token": issue_token(user, days=1)} for user in writers]}
    db.session.commit()
    return data


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql":
        pytest.skip("multi-host test: runs on PostgreSQL only (BETEILIGUNG_TEST_DB=postgresql)")
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        pytest.exit("BETEILIGUNG_TEST_DB=postgresql needs TEST_DATABASE_URL", returncode=2)
    required, optional = missing_tools()
    if required:
        _fail_or_skip(f"multi-host test skipped: missing {', '.join(required)}")
    if optional:
        pytest.skip(f"multi-host test skipped: missing {', '.join(optional)}")

    # A database of its own next to TEST_DATABASE_URL's (the core fixtures drop that one's schema).
    database_url, drop_database = own_database(test_url, urlsplit(test_url).path.lstrip("/") + "_multihost")
    cluster = Cluster(tmp_path_factory.mktemp("multihost"), database_url, RedisServer(), secret=secrets.token_hex(32),
                      settings={"LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per 10 minutes",  # a slow machine: one window
                                "WRITE_RATE_LIMIT": "5000 per minute"})
    cluster.password, cluster.login_limit, cluster.closed_polls = PASSWORD, LOGIN_LIMIT, CLOSED_POLLS
    try:
        cluster.start(seed)
        yield cluster
    finally:
        cluster.stop()
        drop_database()
