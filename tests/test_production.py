"""Production (issue 13, points 3 and 4): settings from the environment, the checks of a production start,
trusted proxies, https, and the health endpoints."""

import os
import threading

import pytest

from beteiligung import create_app
from beteiligung.config import SettingError, from_environment
from beteiligung.production import StartRefused
from beteiligung.testing.fixtures import TEST_PASSWORD, free_port, make_test_config

# --- every setting from the environment --------------------------------------------------------------------


def test_every_setting_can_come_from_the_environment_in_its_type():
    found = from_environment({
        "SESSION_COOKIE_SECURE": "yes", "MAX_CONTENT_LENGTH": "2097152", "COMMENT_MAX_DEPTH": "4",
        "LANGUAGES": "de, en", "SQLALCHEMY_ENGINE_OPTIONS": '{"pool_size": 3}', "MAIL_SERVER": "smtp.example.org",
        "DATABASE_URL": "postgresql://db/x", "NOT_A_SETTING": "1", "TRUSTED_PROXIES": "2", "PLUGINS_STRICT": "0",
    })
    assert found == {"SESSION_COOKIE_SECURE": True, "MAX_CONTENT_LENGTH": 2097152, "COMMENT_MAX_DEPTH": 4,
                     "LANGUAGES": ("de", "en"), "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3},
                     "MAIL_SERVER": "smtp.example.org", "SQLALCHEMY_DATABASE_URI": "postgresql://db/x",
                     "TRUSTED_PROXIES": 2, "PLUGINS_STRICT": False}
    assert from_environment({"COMMENT_MAX_LENGTH": "", "TRUSTED_PROXIES": "  "}) == {}  # empty: the default


@pytest.mark.parametrize(("name", "value", "words"), [
    ("MAX_CONTENT_LENGTH", "viel", "ganze Zahl"), ("SESSION_COOKIE_SECURE", "vielleicht", "ja/nein"),
    ("SQLALCHEMY_ENGINE_OPTIONS", "[1]", "JSON-Objekt"),
])
def test_a_value_that_does_not_fit_stops_the_start_with_its_name(name, value, words):
    with pytest.raises(SettingError) as error:
        from_environment({name: value})
    assert name in str(error.value) and words in str(error.value)


def test_the_app_reads_settings_that_were_never_listed_by_name(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("COMMENT_MAX_DEPTH", "5")
    app = create_app(make_test_config("sqlite:///" + str(tmp_path / "x.db"), BETEILIGUNG_PLUGINS=""))
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["COMMENT_MAX_DEPTH"] == 5


# --- a production start ----------------------------------------------------------------------------------------

def _production(url, **settings):
    config = make_test_config(url, BETEILIGUNG_ENV="production", BETEILIGUNG_PLUGINS="", **settings)
    config.pop("TESTING")
    return config


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(StartRefused) as error:
        create_app(_production("postgresql+psycopg://postgres@127.0.0.1/x", SECRET_KEY=None))
    assert "SECRET_KEY" in str(error.value) and "\n" not in str(error.value)
    assert not os.path.exists(tmp_path / "secret_key")


def test_production_refuses_sqlite():
    with pytest.raises(StartRefused) as error:
        create_app(_production("sqlite:////tmp/beteiligung.db"))
    assert "SQLite" in str(error.value)


def test_production_refuses_an_unreachable_database_without_showing_its_password():
    url = f"postgresql+psycopg://postgres:geheim@127.0.0.1:{free_port()}/nirgends"
    with pytest.raises(StartRefused) as error:
        create_app(_production(url, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}))
    message = str(error.value)
    assert "nicht erreichbar" in message and "geheim" not in message and "\n" not in message


def test_production_starts_with_what_it_needs(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a production start needs PostgreSQL")
    app = create_app(_production(database_url))
    assert app.config["BETEILIGUNG_ENV"] == "production"


def test_development_starts_as_before_with_a_generated_key(tmp_path):
    app = create_app(make_test_config("sqlite:///" + str(tmp_path / "x.db"), SECRET_KEY=None,
                                      BETEILIGUNG_PLUGINS=""))
    assert len(app.config["SECRET_KEY"]) == 64


def test_workers_starting_at_once_agree_on_one_generated_key(tmp_path):
    from beteiligung import _secret_key

    class Instance:
        instance_path = str(tmp_path)

    keys, barrier = [], threading.Barrier(8)

    def start():
        barrier.wait()
        keys.append(_secret_key(Instance()))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys) == 8
    assert sorted(os.listdir(tmp_path)) == ["secret_key"]  # no temporary file left behind
    assert oct(os.stat(tmp_path / "secret_key").st_mode & 0o777) == "0o600"


# --- behind proxies --------------------------------------------------------------------------------------------

@pytest.fixture
def app_config(request):
    marker = request.node.get_closest_marker("settings")
    return dict(marker.args[0]) if marker else {}


def _address_seen(app):
    from flask import request as current

    seen = {}

    @app.route("/_test/address")
    def address():
        seen.update(addr=current.remote_addr, scheme=current.scheme, host=current.host)
        return "ok"

    return seen


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "beteiligung.nrw"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, client):
    seen = _address_seen(app)
    response = client.get("/_test/address", headers=FORWARDED)
    assert seen == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.settings({"TRUSTED_PROXIES": 1, "BASE_URL": "https://beteiligung.nrw"})
def test_one_trusted_proxy_gives_address_scheme_and_host_and_https_is_strict(app, client, auth, create_user):
    seen = _address_seen(app)
    response = client.get("/_test/address", headers=FORWARDED)
    assert seen == {"addr": "203.0.113.7", "scheme": "https", "host": "beteiligung.nrw"}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["PREFERRED_URL_SCHEME"] == "https"
    login = client.post("/konto/anmelden", headers=FORWARDED,
                        data={"email": create_user().email, "password": TEST_PASSWORD})
    cookies = login.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


@pytest.mark.settings({"TRUSTED_PROXIES": 1})
def test_a_forwarded_prefix_is_never_trusted(client):
    page = client.get("/konto/anmelden", headers={**FORWARDED, "X-Forwarded-Prefix": "/fremd"})
    assert page.status_code == 200 and "/fremd" not in page.get_data(as_text=True)


@pytest.mark.settings({"TRUSTED_PROXIES": 1, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"})
def test_behind_a_trusted_proxy_each_citizen_has_a_bucket_of_their_own(client, create_user):
    user = create_user()

    def attempt(address):
        return client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt("198.51.100.1") for _ in range(3)][-1] == 429  # one citizen guessing is stopped …
    assert attempt("198.51.100.2") != 429  # … and another citizen behind the same proxy is not


@pytest.mark.settings({"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"})
def test_without_trusted_proxies_a_forged_header_opens_no_new_bucket(client, create_user):
    user = create_user()
    statuses = [client.post("/konto/anmelden", data={"email": user.email, "password": "falsch-falsch"},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
    assert statuses[-1] == 429


# --- health --------------------------------------------------------------------------------------------------

def test_health_and_readiness_answer_json_and_write_nothing(db, client):
    from beteiligung.testing.helpers import writes_during

    with writes_during(db) as writes:
        health = client.get("/healthz")
        ready = client.get("/readyz")
    assert writes == []
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok",
                                                              "redis": "not_configured"}}


def test_readiness_fails_when_the_migrations_are_behind(tmp_path):
    from flask_migrate import upgrade

    app = create_app(make_test_config("sqlite:///" + str(tmp_path / "alt.db"), BETEILIGUNG_PLUGINS=""))
    with app.app_context():
        upgrade(revision="0011_search")
        from beteiligung.extensions import db

        db.engine.dispose()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not_ready" and body["checks"]["migrations"] == "behind"
    assert body["missing"] and "0011_search" not in body["missing"]  # the heads after it are missing


def test_readiness_fails_without_a_database(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nirgends"
    app = create_app(make_test_config(url, BETEILIGUNG_PLUGINS="",
                                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same

