"""A GET never writes: no INSERT, UPDATE or DELETE on any page or API read, for every role.

Time-driven changes (a poll whose closing date has passed) are derived when read; recording them
is the scheduled job's work (`flask polls settle`, tests/test_polls_settle.py).
"""

from datetime import date, timedelta

import pytest

from beteiligung.polls.models import Poll, Problem
from beteiligung.showcase.services import create_project
from beteiligung.testing.helpers import writes_during
from beteiligung.timeutil import utcnow

PLUGINS = ("aachen", "gelsenkirchen", "paderborn", "soest", "wuppertal")


@pytest.fixture
def world(db, create_region, create_user, create_consultation, create_comment, create_poll):
    """One region with a consultation and comments, and polls whose dates changed their status."""
    region = create_region(slug="soest", name="Soest")
    moderator = create_user(role="moderator", regions=[region])
    citizen = create_user()
    admin = create_user(role="admin")
    consultation = create_consultation(region=region)
    comment = create_comment(consultation=consultation, author=citizen)
    past = utcnow() - timedelta(minutes=5)
    ended = create_poll(region=region, title="Beendet durch Datum")
    ended.closes_at = past
    started = create_poll(region=region, status="draft", title="Begonnen durch Datum")
    started.opens_at = past
    problems = create_poll(region=region, kind="problem_definition", phase="comparing",
                           problems=["Busse fahren zu selten", "Radwege fehlen"])
    problems.closes_at = utcnow() + timedelta(days=3)
    project = create_project(moderator, region, "Dorf-WLAN", "Freies WLAN an den Dorfplätzen der Börde.",
                             date(2026, 1, 1), date(2027, 12, 31), published=True)
    db.session.commit()
    problem = db.session.query(Problem).filter_by(poll_id=problems.id).first()
    return {"region": region, "users": {"citizen": citizen, "moderator": moderator, "admin": admin},
            "values": {"poll_id": ended.id, "consultation_id": consultation.id, "comment_id": comment.id,
                       "problem_id": problem.id, "user_id": citizen.id, "region_id": region.id,
                       "report_id": 1, "index": 0, "name": "soest", "slug": "soest", "project_id": project.id},
            "polls": [ended, started, problems]}


def get_urls(app, values):
    """Every GET route of the app that can be built from the world's ids (poll routes for each poll)."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or not rule.arguments <= set(values):
            continue
        urls.append(adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments}))
    return urls


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "admin"])
def test_no_get_request_writes_to_the_database(app, db, client, auth, world, role):
    assert_no_get_writes(app, db, client, auth, world, role)


@pytest.mark.plugins(*PLUGINS)
@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_no_get_request_of_a_plugin_page_writes_to_the_database(app, db, client, auth, world, enable_plugin, role):
    for name in PLUGINS:
        enable_plugin(world["region"], name)
    db.session.commit()
    world["values"].update(region_slug=world["region"].slug, dataset_id=1, service_id=1)
    assert any(url.startswith("/soest/soest/") for url in get_urls(app, world["values"]))
    assert_no_get_writes(app, db, client, auth, world, role)


def assert_no_get_writes(app, db, client, auth, world, role):
    if role != "anonymous":
        assert auth.login(world["users"][role]).status_code == 303
    urls = []
    for poll in world["polls"]:
        urls += get_urls(app, dict(world["values"], poll_id=poll.id))
    urls = sorted(set(urls))
    assert any("/umfragen/" in url for url in urls) and any("/api/v1/polls/" in url for url in urls)
    assert "/projektschaufenster/{}".format(world["values"]["project_id"]) in urls
    failures = []
    with writes_during(db) as writes:
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append((url, response.status_code))
            if writes:
                break
    assert failures == []
    assert writes == [], f"{url} wrote: {writes[0][:200]}"
    states = {poll.title: db.session.get(Poll, poll.id).state for poll in world["polls"]}
    assert states["Beendet durch Datum"] == "open" and states["Begonnen durch Datum"] == "draft"
