"""Request ids, JSON logs, /metrics and the slow-query log (issue 13, point 7)."""

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from beteiligung import observability
from beteiligung.jobs import enqueue
from beteiligung.observability import current_request_id
from beteiligung.testing.fixtures import free_port
from beteiligung.testing.helpers import writes_during

GENERATED = re.compile(r"[0-9a-f]{32}")
SECRET_TOKEN = "geheimes-token-0123456789abcdef"


def settings(**values):
    """Parametrize the app fixture's settings for one test."""
    name = ",".join(f"{key}={value}" for key, value in values.items())
    return pytest.mark.parametrize("app_config", [pytest.param(values, id=name)], indirect=True)


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.fixture(autouse=True)
def no_request_id_left_over():
    """A response of an earlier test that nobody closed (a plain test client) leaves its id in this thread, as
    a server never would: each test here starts outside any request."""
    token = observability._request_id.set(None)
    yield
    observability._request_id.reset(token)


@pytest.fixture(autouse=True)
def restore_logging():
    """The JSON handler goes on the root logger: each test leaves logging as it found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), logging.getLogger("beteiligung.access").level
    yield
    root.handlers[:] = handlers
    logging.getLogger("beteiligung.access").setLevel(level)


def metric_samples(response):
    """{(name, frozenset(labels)): value} of a /metrics answer, as Prometheus parses it."""
    assert response.status_code == 200, response.status_code
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def requests_counted(samples, endpoint, status):
    return samples.get(("beteiligung_http_requests_total", frozenset({("endpoint", endpoint), ("status", status)})))


def json_lines(captured):
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    return [json.loads(line) for line in lines]  # each line on its own is one JSON object


# --- request ids -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["abc-123", "A.b_C-9", "x" * 64])
def test_a_well_formed_request_id_is_returned(client, given):
    response = client.get("/", headers={"X-Request-ID": given})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == given


def test_without_a_request_id_each_request_gets_a_new_one(client):
    first, second = (client.get("/").headers.get("X-Request-ID") for _ in range(2))
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize("given", ["", "x" * 65, "zwei wörter", "x@example.org", "<script>", "a/b", "a;b=c"])
def test_a_malformed_request_id_is_replaced(client, given):
    response = client.get("/", headers={"X-Request-ID": given})
    assert response.status_code == 200
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


def test_error_answers_carry_the_request_id_too(app, client, api):
    @app.route("/kaputt")
    def broken():
        raise RuntimeError("absichtlich")

    answers = {
        "page 404": client.get("/gibt-es-nicht", headers={"X-Request-ID": "r-404"}),
        "API 404": client.get("/api/v1/consultations/999999", headers={"X-Request-ID": "r-api"}),
        "405": client.delete("/", headers={"X-Request-ID": "r-405"}),
        "500": client.get("/kaputt", headers={"X-Request-ID": "r-500"}),
    }
    assert {name: (r.status_code, r.headers.get("X-Request-ID")) for name, r in answers.items()} == {
        "page 404": (404, "r-404"), "API 404": (404, "r-api"), "405": (405, "r-405"), "500": (500, "r-500")}


seen_by_jobs = []


def remember_request_id():
    """A background job: what current_request_id() says while it runs."""
    seen_by_jobs.append(current_request_id())


def test_current_request_id_inside_a_request_and_in_work_after_its_response(app, client, db):
    assert current_request_id() is None  # an app context, no request

    @app.route("/merken")
    def remember():
        enqueue(remember_request_id)
        db.session.commit()  # the embedded backend runs the job after the response
        return {"id": current_request_id()}

    seen_by_jobs.clear()
    response = client.get("/merken", headers={"X-Request-ID": "auftrag-7"})
    assert response.get_json() == {"id": "auftrag-7"}
    assert seen_by_jobs == ["auftrag-7"]
    # Nothing stays bound once the server has closed the response (a client in this thread's own context).
    assert FlaskClient(app).get("/merken", headers={"X-Request-ID": "auftrag-8"}, buffered=True).status_code == 200
    assert seen_by_jobs == ["auftrag-7", "auftrag-8"]
    assert current_request_id() is None


def test_bind_request_id_for_a_worker(app):
    with observability.bind_request_id("aus-der-warteschlange") as bound:
        assert bound == current_request_id() == "aus-der-warteschlange"
    assert current_request_id() is None
    with observability.bind_request_id("kein gültiger wert") as bound:
        assert GENERATED.fullmatch(bound)


# --- JSON logs -------------------------------------------------------------------------------------------


@settings(LOG_FORMAT="json")
def test_json_lines_without_personal_data_or_secrets(app, client, db, create_user, api_headers, capsys):
    user = create_user(email="anna.beispiel@example.org")
    headers = dict(api_headers(user), **{"X-Request-ID": "json-1"})

    @app.route("/protokoll")
    def logs_something():
        logging.getLogger("beteiligung.plugins").warning(
            "Anmeldung von %s aus %s mit %s", "anna.beispiel@example.org", "192.0.2.7",
            headers["Authorization"])
        return "ok"

    capsys.readouterr()
    assert client.get("/api/v1/consultations?email=x@example.org&token=abc", headers=headers).status_code == 200
    assert client.get("/protokoll?email=x@example.org", headers={"X-Request-ID": "json-2"}).status_code == 200
    captured = capsys.readouterr()
    entries = json_lines(captured)
    everything = captured.err
    token = headers["Authorization"].split()[1]
    for secret in ("anna.beispiel@example.org", "x@example.org", "email=", "?email", "token=abc", token,
                   "192.0.2.7", "127.0.0.1", "Authorization", "session="):
        assert secret not in everything, secret
    access = [entry for entry in entries if entry["logger"] == "beteiligung.access"]
    assert [(e["request_id"], e["method"], e["status"]) for e in access][-1] == ("json-2", "GET", 200)
    assert access[-1]["route"] == "/protokoll" and access[-1]["endpoint"] == "logs_something"
    assert isinstance(access[-1]["duration_ms"], float)
    assert len(access) == 2
    warning = next(entry for entry in entries if entry["logger"] == "beteiligung.plugins")
    assert warning["level"] == "WARNING" and warning["request_id"] == "json-2"
    assert warning["message"] == "Anmeldung von [E-Mail] aus [IP] mit Bearer [geheim]"


@settings(LOG_FORMAT="json")
def test_json_access_lines_name_the_rule_not_the_path_with_a_token(client, capsys):
    capsys.readouterr()
    client.get("/konto/passwort-neu/eyJlbWFpbCI6ImFubmFAZXhhbXBsZS5vcmcifQ.geheim")
    captured = capsys.readouterr()
    assert "eyJlbWFpbCI6" not in captured.err
    access = [entry for entry in json_lines(captured) if entry["logger"] == "beteiligung.access"]
    assert [entry["route"] for entry in access] == ["/konto/passwort-neu/<token>"]


@settings(LOG_FORMAT="json")
def test_an_unexpected_error_is_one_json_line_with_its_traceback(app, client, capsys):
    @app.route("/kaputt")
    def broken():
        raise RuntimeError("kaputt bei bernd@example.org")

    capsys.readouterr()
    assert client.get("/kaputt", headers={"X-Request-ID": "fehler-1"}).status_code == 500
    captured = capsys.readouterr()
    entries = json_lines(captured)
    error = next(entry for entry in entries if entry["level"] == "ERROR")
    assert error["request_id"] == "fehler-1"
    assert "RuntimeError: kaputt bei [E-Mail]" in error["exception"]
    assert "bernd@example.org" not in captured.err
    assert any(entry["logger"] == "beteiligung.access" and entry["status"] == 500 for entry in entries)


@settings(LOG_FORMAT="json")
def test_caplog_still_sees_records_with_json_lines(app, caplog):
    with caplog.at_level(logging.ERROR, logger="beteiligung.plugins"):
        logging.getLogger("beteiligung.plugins").error("Plugin %s kaputt", "irrweg")
    assert [record.getMessage() for record in caplog.records] == ["Plugin irrweg kaputt"]


def test_text_format_adds_no_json_handler_and_no_access_lines(client, capsys):
    assert not [h for h in logging.getLogger().handlers if getattr(h, "beteiligung_json", False)]
    capsys.readouterr()
    client.get("/")
    assert "beteiligung.access" not in capsys.readouterr().err


# --- /metrics --------------------------------------------------------------------------------------------


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


@settings(METRICS_ENABLED=True)
def test_metrics_count_requests_by_endpoint_and_status(app, client):
    client.get("/")
    client.get("/")
    client.get("/api/v1/consultations/424242")
    client.get("/gibt-es-nicht/777")
    response = client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = metric_samples(response)
    assert requests_counted(samples, "home.index", "200") == 2
    api_endpoint = app.url_map.bind("localhost").match("/api/v1/consultations/424242")[0]
    assert requests_counted(samples, api_endpoint, "404") == 1
    assert requests_counted(samples, "unmatched", "404") == 1
    labels = {value for _name, pairs in samples for _key, value in pairs}
    assert not [value for value in labels if "424242" in value or "777" in value]  # endpoints, never paths
    latency = ("beteiligung_http_request_duration_seconds_count", frozenset({("endpoint", "home.index")}))
    assert samples[latency] == 2
    assert ("beteiligung_db_pool_checked_out", frozenset()) in samples
    assert ("beteiligung_db_pool_size", frozenset()) in samples
    assert not any(name == "beteiligung_jobs_queue_length" for name, _labels in samples)  # embedded backend


@settings(METRICS_ENABLED=True)
def test_metrics_count_cache_hits_and_misses(client, consultation):
    def cache_reads():
        samples = metric_samples(client.get("/metrics"))
        return {result: samples.get(("beteiligung_cache_requests_total", frozenset({("result", result)})), 0)
                for result in ("hit", "miss")}

    url = f"/beteiligungen/{consultation.id}"
    assert client.get(url).status_code == 200
    first = cache_reads()
    assert first["hit"] == 0 and first["miss"] >= 1
    assert client.get(url).status_code == 200
    second = cache_reads()
    assert second["hit"] == 1 and second["miss"] == first["miss"]


@settings(METRICS_ENABLED=True, METRICS_TOKEN=SECRET_TOKEN)
def test_metrics_ask_for_the_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer falsch"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {SECRET_TOKEN}"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": f"Bearer {SECRET_TOKEN}"})
    assert response.status_code == 200
    samples = metric_samples(response)
    assert requests_counted(samples, "metrics", "401") == 3
    assert SECRET_TOKEN not in response.get_data(as_text=True)


@settings(METRICS_ENABLED=True)
def test_reading_metrics_writes_nothing(client, db):
    with writes_during(db) as writes:
        client.get("/")
        assert client.get("/metrics").status_code == 200
    assert writes == []


@settings(METRICS_ENABLED=True, JOBS_BACKEND="rq", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
def test_metrics_answer_when_redis_does_not(client):
    samples = metric_samples(client.get("/metrics"))
    assert samples[("beteiligung_jobs_queue_length", frozenset())] == -1


REDIS_PORT = free_port()
REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def redis_server(tmp_path):
    process = subprocess.Popen([REDIS_SERVER, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",  # noqa: S603 - fixed command
                                "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    from redis import Redis

    connection = Redis(port=REDIS_PORT)
    for _ in range(100):
        try:
            connection.ping()
            break
        except Exception:
            time.sleep(0.05)
    yield process
    process.terminate()
    process.wait(10)


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")
@settings(METRICS_ENABLED=True, JOBS_BACKEND="rq", REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
          JOBS_QUEUE="beobachtet")
def test_metrics_give_the_queue_length_and_survive_redis_going_away(app, client, redis_server):
    from beteiligung.jobs import queue

    for number in range(3):
        queue(app).enqueue_call("beteiligung.jobs.run_job", args=("tests.nothing", [number]))
    samples = metric_samples(client.get("/metrics"))
    assert samples[("beteiligung_jobs_queue_length", frozenset())] == 3
    redis_server.terminate()
    redis_server.wait(10)
    samples = metric_samples(client.get("/metrics"))
    assert samples[("beteiligung_jobs_queue_length", frozenset())] == -1
    assert requests_counted(samples, "metrics", "200") == 1


MULTIPROCESS_WORKER = textwrap.dedent("""
    import sys
    from beteiligung import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "BETEILIGUNG_PLUGINS": "", "METRICS_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
    client = app.test_client()
    for _ in range(int(sys.argv[2])):
        assert client.get("/favicon.ico").status_code == 200
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
""")


def test_multiprocess_mode_adds_up_the_workers(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (gunicorn with several workers) any worker answers for all of them."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(folder))
    answers = [subprocess.run([sys.executable, "-c", MULTIPROCESS_WORKER, str(tmp_path / "db.sqlite"),  # noqa: S603
                               str(count)], env=env, capture_output=True, text=True, timeout=120, check=True).stdout
               for count in (3, 2)]
    counted = [line for line in answers[1].splitlines()
               if line.startswith('beteiligung_http_requests_total{endpoint="favicon",status="200"}')]
    assert [float(line.split()[-1]) for line in counted] == [5.0]
    assert any(line.startswith("beteiligung_db_pool_size") for line in answers[1].splitlines())


# --- the slow-query log ----------------------------------------------------------------------------------


@pytest.fixture
def slow_clock(monkeypatch):
    """Every statement seems to take 50 ms."""
    now = [0.0]

    def clock():
        now[0] += 0.05
        return now[0]

    monkeypatch.setattr(observability, "_clock", clock)


@settings(SLOW_QUERY_MS=1)
def test_slow_statements_are_logged_without_their_parameters(db, client, create_user, auth, slow_clock, caplog):
    user = create_user(email="carla.geheim@example.org")
    with caplog.at_level(logging.WARNING, logger="beteiligung.sql"):
        db.session.execute(text("SELECT :address AS a"), {"address": "dora.geheim@example.org"}).all()
        auth.login(user)  # looks the account up by its address
    records = [record for record in caplog.records if record.name == "beteiligung.sql"]
    assert records and all(record.levelno == logging.WARNING for record in records)
    messages = [record.getMessage() for record in records]
    assert any(re.fullmatch(r"Langsame Datenbankabfrage \(50 ms\): SELECT (\?|%\(address\)s) AS a", message)
               for message in messages), messages
    assert any("FROM users" in message for message in messages)
    assert not any("geheim@example.org" in message for message in messages)
    assert not any(user.password_hash in message for message in messages)


@settings(SLOW_QUERY_MS=1)
def test_a_long_statement_is_logged_shortened(db, slow_clock, caplog):
    statement = "SELECT " + ", ".join(f"{n} AS spalte_{n}" for n in range(200))
    with caplog.at_level(logging.WARNING, logger="beteiligung.sql"):
        db.session.execute(text(statement)).all()
    message = next(record.getMessage() for record in caplog.records
                   if record.name == "beteiligung.sql" and "spalte_1" in record.getMessage())
    logged = message.split(": ", 1)[1]
    assert len(statement) > 1000 and logged == statement[:observability.STATEMENT_CHARS] + " …"


@pytest.mark.parametrize("app_config", [pytest.param({"SLOW_QUERY_MS": 0}, id="off"),
                                        pytest.param({"SLOW_QUERY_MS": 60}, id="above")], indirect=True)
def test_statements_below_the_threshold_or_with_the_log_off_are_not_logged(db, slow_clock, caplog):
    with caplog.at_level(logging.DEBUG, logger="beteiligung.sql"):
        db.session.execute(text("SELECT 1")).all()
    assert [r for r in caplog.records if r.name == "beteiligung.sql"] == []


def test_a_job_carries_the_id_of_the_request_that_queued_it(app, monkeypatch):
    """Queued from a request, the job's arguments carry its id; run by a worker, its log lines carry it."""
    from beteiligung import jobs
    from beteiligung.observability import current_request_id

    queued = []

    class FakeQueue:
        connection = None

        def enqueue_call(self, func, args, **kwargs):
            queued.append((func, args))

    monkeypatch.setattr(jobs, "queue", lambda app=None: FakeQueue())
    monkeypatch.setattr(jobs, "retry_intervals", lambda app=None: [])
    from beteiligung.observability import bind_request_id

    with bind_request_id("anfrage-42"):  # as the request's WSGI wrapper does
        jobs._enqueue_rq("beteiligung.mail.delivery.deliver_pending", [], None)
    assert queued == [("beteiligung.jobs.run_job", ("beteiligung.mail.delivery.deliver_pending", [], "anfrage-42"))]

    seen = []
    monkeypatch.setattr(jobs, "_app_for_worker", lambda: app)
    monkeypatch.setattr(jobs, "_resolve", lambda path: lambda *args: seen.append(current_request_id()))
    jobs.run_job("irgendeine.aufgabe", [], "anfrage-42")
    assert seen == ["anfrage-42"] and current_request_id() is None
