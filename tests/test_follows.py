"""Following consultations, polls and regions: the buttons, auto-follow when commenting, the settings list."""

import pytest
from sqlalchemy import select

from beteiligung.notifications import services
from beteiligung.notifications.models import Follow


def follows(db, user):
    return sorted((f.target_type, f.target_id, f.automatic)
                  for f in db.session.scalars(select(Follow).where(Follow.user_id == user.id)))


@pytest.fixture
def world(create_region, create_consultation, create_poll, create_user):
    region = create_region(slug="soest", name="Soest")
    return {"region": region, "consultation": create_consultation(region, title="Bänke am Markt"),
            "poll": create_poll(region, title="Busse am Abend"), "citizen": create_user(pseudonym="Clara")}


@pytest.mark.parametrize(("target_type", "page"), [
    ("consultation", "/beteiligungen/{id}"), ("poll", "/umfragen/{id}"), ("region", "/regionen/soest")])
def test_following_and_unfollowing_from_the_page(db, client, auth, world, target_type, page):
    target = world[target_type]
    citizen = world["citizen"]
    path = page.format(id=target.id)
    auth.login(citizen)
    html = client.get(path).get_data(as_text=True)
    assert f'action="/benachrichtigungen/folgen/{target_type}/{target.id}"' in html and ">Folgen<" in html

    response = client.post(f"/benachrichtigungen/folgen/{target_type}/{target.id}", data={"next": path})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert follows(db, citizen) == [(target_type, target.id, False)]
    html = client.get(path).get_data(as_text=True)
    assert "Sie folgen jetzt" in html and ">Nicht mehr folgen<" in html and 'aria-pressed="true"' in html

    assert client.post(f"/benachrichtigungen/folgen/{target_type}/{target.id}").status_code == 303
    assert follows(db, citizen) == [(target_type, target.id, False)]  # following twice: one row

    response = client.post(f"/benachrichtigungen/nicht-mehr-folgen/{target_type}/{target.id}", data={"next": path})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert follows(db, citizen) == []
    assert "Sie folgen dem nicht mehr." in client.get(path).get_data(as_text=True)


def test_anonymous_readers_see_no_button_and_cannot_follow(db, client, world):
    html = client.get(f"/umfragen/{world['poll'].id}").get_data(as_text=True)
    assert "/benachrichtigungen/folgen/" not in html
    response = client.post(f"/benachrichtigungen/folgen/poll/{world['poll'].id}")
    assert response.status_code == 302 and "/konto/anmelden" in response.headers["Location"]
    assert db.session.scalar(select(Follow.id)) is None


@pytest.mark.parametrize("url", [
    "/benachrichtigungen/folgen/process/1", "/benachrichtigungen/folgen/nonsense/1",
    "/benachrichtigungen/folgen/poll/99999", "/benachrichtigungen/folgen/consultation/99999",
    "/benachrichtigungen/folgen/region/99999", "/benachrichtigungen/folgen/poll/99999999999999",
    "/benachrichtigungen/nicht-mehr-folgen/nonsense/1",
])
def test_unknown_targets_are_404(db, client, auth, world, url):
    auth.login(world["citizen"])
    assert client.post(url).status_code == 404
    assert db.session.scalar(select(Follow.id)) is None


def test_drafts_cannot_be_followed(db, client, auth, world, create_consultation, create_poll):
    draft = create_consultation(world["region"], status="draft")
    draft_poll = create_poll(world["region"], status="draft")
    auth.login(world["citizen"])
    assert client.post(f"/benachrichtigungen/folgen/consultation/{draft.id}").status_code == 404
    assert client.post(f"/benachrichtigungen/folgen/poll/{draft_poll.id}").status_code == 404
    assert db.session.scalar(select(Follow.id)) is None


def test_the_next_page_must_be_a_local_path(db, client, auth, world):
    auth.login(world["citizen"])
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(f"/benachrichtigungen/folgen/region/{world['region'].id}", data={"next": target})
        assert response.headers["Location"] == "/benachrichtigungen/einstellungen"


def test_authors_follow_what_they_comment_on_automatically(db, world, create_comment, create_user):
    consultation, citizen = world["consultation"], world["citizen"]
    create_comment(consultation, citizen)
    assert follows(db, citizen) == [("consultation", consultation.id, True)]
    create_comment(consultation, citizen, body="Noch ein Gedanke.")
    assert follows(db, citizen) == [("consultation", consultation.id, True)]

    quiet = create_user()
    quiet.auto_follow = False
    db.session.commit()
    create_comment(consultation, quiet)
    assert follows(db, quiet) == []


def test_a_follow_made_by_hand_is_not_turned_automatic(db, client, auth, world, create_comment):
    consultation, citizen = world["consultation"], world["citizen"]
    auth.login(citizen)
    client.post(f"/benachrichtigungen/folgen/consultation/{consultation.id}")
    create_comment(consultation, citizen)
    assert follows(db, citizen) == [("consultation", consultation.id, False)]


def test_an_automatic_follow_becomes_manual_when_the_button_is_pressed(db, client, auth, world, create_comment):
    consultation, citizen = world["consultation"], world["citizen"]
    create_comment(consultation, citizen)
    auth.login(citizen)
    client.post(f"/benachrichtigungen/folgen/consultation/{consultation.id}")
    assert follows(db, citizen) == [("consultation", consultation.id, False)]


def test_the_settings_page_lists_follows_and_switches_auto_follow(db, client, auth, world, create_comment):
    citizen = world["citizen"]
    create_comment(world["consultation"], citizen)
    auth.login(citizen)
    client.post(f"/benachrichtigungen/folgen/region/{world['region'].id}")
    client.post(f"/benachrichtigungen/folgen/poll/{world['poll'].id}")
    html = client.get("/benachrichtigungen/einstellungen").get_data(as_text=True)
    for title, href in (("Bänke am Markt", f"/beteiligungen/{world['consultation'].id}"),
                        ("Busse am Abend", f"/umfragen/{world['poll'].id}"), ("Soest", "/regionen/soest")):
        assert f'<a href="{href}">{title}</a>' in html
    assert html.count(">Nicht mehr folgen<") == 3
    assert "automatisch, weil Sie dort mitdiskutiert haben" in html
    assert 'name="auto_follow" value="1" checked' in html

    choices = {f"kind-{key}": channel for key, channel in services.preferences(citizen).items()}
    response = client.post("/benachrichtigungen/einstellungen", data=choices)  # auto_follow unchecked
    assert response.status_code == 303
    db.session.refresh(citizen)
    assert citizen.auto_follow is False
    assert 'name="auto_follow" value="1" checked' not in client.get("/benachrichtigungen/einstellungen").get_data(
        as_text=True)

    response = client.post(f"/benachrichtigungen/nicht-mehr-folgen/poll/{world['poll'].id}",
                           data={"next": "/benachrichtigungen/einstellungen"})
    assert response.headers["Location"] == "/benachrichtigungen/einstellungen"
    assert [f[0] for f in follows(db, citizen)] == ["consultation", "region"]


def test_follows_of_lists_titles_newest_first_and_skips_what_is_gone(db, world, create_poll):
    citizen = world["citizen"]
    gone = create_poll(world["region"], title="Gelöscht")
    services.follow(citizen, "region", world["region"])
    services.follow(citizen, "poll", world["poll"])
    services.follow(citizen, "poll", gone)
    db.session.commit()
    db.session.delete(gone)
    db.session.commit()
    listed = services.follows_of(citizen)
    assert [(item.title, item.endpoint, item.values) for item in listed] == [
        ("Busse am Abend", "polls.show", {"poll_id": world["poll"].id}),
        ("Soest", "regions.show", {"region_slug": "soest"})]


def test_the_services_refuse_anonymous_callers(db, world):
    from beteiligung.errors import Unauthorized

    with pytest.raises(Unauthorized):
        services.follow(None, "region", world["region"])
    with pytest.raises(Unauthorized):
        services.unfollow(None, "region", world["region"].id)
    assert services.is_following(None, "region", world["region"].id) is False


# --- the API -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("target_type", "path"), [
    ("consultation", "/api/v1/consultations/{id}/follow"), ("poll", "/api/v1/polls/{id}/follow"),
    ("region", "/api/v1/regions/soest/follow")])
def test_the_api_follows_and_unfollows(db, api, world, target_type, path):
    target, citizen = world[target_type], world["citizen"]
    url = path.format(id=target.id)
    response = api.post(url, user=citizen)
    assert response.status_code == 201
    assert response.get_json() == {"target_type": target_type, "target_id": target.id, "following": True}
    assert api.post(url, user=citizen).status_code == 200  # again: nothing changes
    assert follows(db, citizen) == [(target_type, target.id, False)]
    assert api.delete(url, user=citizen).status_code == 204
    assert api.delete(url, user=citizen).status_code == 204  # not following: still 204
    assert follows(db, citizen) == []


def test_the_api_refuses_without_token_and_for_unknown_targets(db, client, api, world, create_poll):
    for url in ("/api/v1/polls/1/follow", "/api/v1/regions/soest/follow", "/api/v1/regions/nirgendwo/follow"):
        response = client.post(url)
        assert response.status_code == 401 and response.get_json()["error"]["code"]
    draft = create_poll(world["region"], status="draft")
    for url in (f"/api/v1/polls/{draft.id}/follow", "/api/v1/polls/99999/follow",
                "/api/v1/consultations/99999/follow", "/api/v1/regions/nirgendwo/follow"):
        assert api.post(url, user=world["citizen"]).status_code == 404
    assert api.delete("/api/v1/regions/nirgendwo/follow", user=world["citizen"]).status_code == 404
    assert db.session.scalar(select(Follow.id)) is None


# --- processes ---------------------------------------------------------------------------------------

@pytest.fixture
def process_world(db, world, create_user):
    from datetime import timedelta

    from beteiligung.processes import services as processes
    from beteiligung.timeutil import utcnow

    region = world["region"]
    moderator = create_user(role="moderator", regions=[region], pseudonym="Moderation Soest")
    now = utcnow().replace(microsecond=0)
    process = processes.create_process(moderator, region, "Mobilität auf dem Land", "Kurz.", "Text.",
                                       published=True)
    first = processes.add_phase(moderator, process, "Erfahrungen sammeln", "", now - timedelta(days=10),
                                now + timedelta(days=10))
    processes.add_phase(moderator, process, "Auswertung", "", now - timedelta(minutes=5), now + timedelta(days=20))
    processes.attach_instrument(moderator, first, "poll", world["poll"].id, follows_phase_dates=False)
    draft = processes.create_process(moderator, region, "Noch geheim", "Kurz.", "Text.")
    db.session.commit()
    return {**world, "process": process, "draft": draft, "moderator": moderator}


def test_a_published_process_can_be_followed_from_its_page_and_the_api(db, client, auth, api, process_world):
    citizen, process = process_world["citizen"], process_world["process"]
    auth.login(citizen)
    html = client.get(f"/prozesse/{process.id}").get_data(as_text=True)
    assert f'action="/benachrichtigungen/folgen/process/{process.id}"' in html
    assert client.post(f"/benachrichtigungen/folgen/process/{process.id}").status_code == 303
    assert follows(db, citizen) == [("process", process.id, False)]
    assert [item.title for item in services.follows_of(citizen)] == ["Mobilität auf dem Land"]
    assert api.delete(f"/api/v1/processes/{process.id}/follow", user=citizen).status_code == 204
    assert follows(db, citizen) == []
    assert api.post(f"/api/v1/processes/{process.id}/follow", user=citizen).status_code == 201
    assert follows(db, citizen) == [("process", process.id, False)]


def test_a_draft_process_cannot_be_followed(db, client, auth, api, process_world):
    citizen, draft = process_world["citizen"], process_world["draft"]
    auth.login(citizen)
    assert client.post(f"/benachrichtigungen/folgen/process/{draft.id}").status_code == 404
    assert api.post(f"/api/v1/processes/{draft.id}/follow", user=citizen).status_code == 404
    assert follows(db, citizen) == []


def test_process_followers_hear_of_its_phases_instruments_and_measures(db, runner, process_world):
    from beteiligung.jobs import run_pending
    from beteiligung.measures.services import add_update, create_measure
    from beteiligung.notifications.models import Notification
    from beteiligung.polls.services import close_poll

    citizen, process, moderator = process_world["citizen"], process_world["process"], process_world["moderator"]
    services.follow(citizen, "process", process)
    services.follow(moderator, "process", process)
    db.session.commit()
    for _ in range(2):  # cron twice: the phase that began five minutes ago is announced once
        assert runner.invoke(args=["notifications", "run"]).exit_code == 0
    close_poll(moderator, process_world["poll"])  # the poll in its first phase
    measure = create_measure(moderator, process, "Rufbus am Abend")
    add_update(moderator, measure, "Ausschreibung läuft.", progress=20)
    db.session.commit()
    run_pending()

    def kinds_of(user):
        return sorted(n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)))

    poll_kind = "results_published" if process_world["poll"].results_visibility == "after_close" else "poll_closed"
    assert kinds_of(citizen) == sorted(["measure_updated", "phase_started", poll_kind])
    assert "measure_updated" not in kinds_of(moderator)  # the one who wrote the update is not told
