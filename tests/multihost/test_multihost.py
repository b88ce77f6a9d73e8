"""Several hosts (issue 13, point 5): two gunicorn instances behind nginx (the site of example/nginx/) on one
PostgreSQL and one Redis. A session made on one instance is valid on the other; a comment written through one
is visible at once through the other; rate limits count across both; the scheduled jobs (poll settling, the
daily digest) run exactly once when both hosts run them at the same moment; a rolling restart of each
instance under load loses no write that was acknowledged. Real HTTP throughout; see conftest.py."""

import email
import os
import re
import threading
import time
import uuid
from html.parser import HTMLParser

import pytest

try:
    import requests
except ImportError:  # the cluster fixture says so (a skip, or a failure in CI)
    requests = None

pytestmark = [
    pytest.mark.multihost,
    pytest.mark.skipif(os.environ.get("BETEILIGUNG_TEST_DB") != "postgresql",
                       reason="multi-host test: runs on PostgreSQL only (BETEILIGUNG_TEST_DB=postgresql)"),
]


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


def csrf_token(html):
    parser = _Inputs()
    parser.feed(html)
    return parser.values["csrf_token"]


class Visitor:
    """A browser talking to one instance or the other directly, with the headers nginx would add (the app
    trusts one proxy). The session cookie is Secure (BASE_URL is https), so it is sent by hand here."""

    def __init__(self, cluster, address):
        self.cluster = cluster
        self.headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "127.0.0.1",
                        "X-Forwarded-Port": str(cluster.nginx.https_port)}
        self.cookies = {}
        self.http = requests.Session()
        self.http.trust_env = False

    def request(self, instance, method, path, **kwargs):
        headers = dict(self.headers, **kwargs.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.http.request(method, instance.url + path, headers=headers, allow_redirects=False,
                                     timeout=15, **kwargs)
        self.http.cookies.clear()  # the cookies go by hand, as the Secure ones would not be sent over http
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response


def through_nginx(cluster):
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment, and no CA bundle in place of this certificate
    session.verify = str(cluster.nginx.cert)
    return session


_direct = []


def direct():
    """A session straight to an instance (no proxy from the environment)."""
    if not _direct:
        _direct.append(requests.Session())
        _direct[0].trust_env = False
    return _direct[0]


def test_the_example_site_balances_over_both_instances_with_tls_and_proxy_headers(cluster):
    web = through_nginx(cluster)
    ready = web.get(cluster.nginx.url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
    # https seen through X-Forwarded-Proto: the app sends HSTS, which it does only for secure requests
    page = web.get(cluster.nginx.url + "/konto/anmelden", headers={"X-Forwarded-Prefix": "/fremd"}, timeout=10)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "/fremd" not in page.text, "nginx must not pass a client's X-Forwarded-Prefix on"
    assert list(web.cookies) and all(cookie.secure for cookie in web.cookies), "cookies without Secure behind https"
    # plain http is sent to https; static files come from nginx itself
    redirect = direct().get(f"http://127.0.0.1:{cluster.nginx.http_port}/regionen", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    challenge = cluster.nginx.dir / "acme" / ".well-known" / "acme-challenge" / "probe"
    challenge.parent.mkdir(parents=True, exist_ok=True)
    challenge.write_text("token-for-certbot")
    answer = direct().get(f"http://127.0.0.1:{cluster.nginx.http_port}/.well-known/acme-challenge/probe", timeout=10)
    assert answer.status_code == 200 and answer.text == "token-for-certbot"
    css = web.get(cluster.nginx.url + "/static/style.css", timeout=10)
    assert css.status_code == 200
    assert css.content == (cluster.root / "beteiligung" / "static" / "style.css").read_bytes()
    assert "max-age=" in css.headers.get("Cache-Control", "")
    for instance in (cluster.a, cluster.b):
        assert direct().get(instance.url + "/healthz", timeout=5).json() == {"status": "ok"}


def test_a_session_made_on_one_instance_is_valid_on_the_other(cluster):
    visitor = Visitor(cluster, "203.0.113.21")
    form = visitor.request(cluster.b, "GET", "/konto/anmelden")
    referer = {"Referer": f"{cluster.nginx.url}/konto/anmelden"}  # checked on https, as browsers send it
    assert form.status_code == 200
    assert visitor.request(cluster.a, "GET", "/konto/").status_code in (302, 303)  # not logged in yet
    login = visitor.request(cluster.a, "POST", "/konto/anmelden", headers=referer, data={
        "csrf_token": csrf_token(form.text), "email": cluster.data["citizen"], "password": cluster.password})
    assert login.status_code == 303, "a CSRF token made by B must count on A"
    for instance in (cluster.b, cluster.a, cluster.b):
        account = visitor.request(instance, "GET", "/konto/")
        assert account.status_code == 200, instance.name
        assert cluster.data["citizen_pseudonym"] in account.text
    stranger = Visitor(cluster, "203.0.113.22")
    assert stranger.request(cluster.b, "GET", "/konto/").status_code in (302, 303)

    # Through nginx (round robin: consecutive requests go to A and B) with the browser's own cookie jar
    web = through_nginx(cluster)
    form = web.get(cluster.nginx.url + "/konto/anmelden", timeout=10)
    login = web.post(cluster.nginx.url + "/konto/anmelden", allow_redirects=False, timeout=10, headers=referer, data={
        "csrf_token": csrf_token(form.text), "email": cluster.data["citizen"], "password": cluster.password})
    assert login.status_code == 303
    for _ in range(4):
        account = web.get(cluster.nginx.url + "/konto/", allow_redirects=False, timeout=10)
        assert account.status_code == 200 and cluster.data["citizen_pseudonym"] in account.text


def _write(instance, writer, body, headers):
    return direct().post(f"{instance.url}/api/v1/consultations/{writer['consultation']}/comments",
                         json={"body": body}, timeout=15,
                         headers=dict(headers, Authorization=f"Bearer {writer['token']}"))


def test_a_comment_written_through_one_is_visible_at_once_through_the_other(cluster):
    consultation = cluster.data["consultation"]
    headers = Visitor(cluster, "203.0.113.31").headers
    page, listing = f"/beteiligungen/{consultation}", f"/api/v1/consultations/{consultation}/comments"
    writer = dict(cluster.data["writers"][0], consultation=consultation)
    for writing, reading in ((cluster.a, cluster.b), (cluster.b, cluster.a)):
        for _ in range(2):  # the discussion is rendered and cached by the reading instance
            assert direct().get(reading.url + page, headers=headers, timeout=10).status_code == 200
            assert direct().get(reading.url + listing, headers=headers, timeout=10).status_code == 200
        body = f"Geschrieben über {writing.name}, gelesen über {reading.name}: {uuid.uuid4().hex[:8]}"
        created = _write(writing, writer, body, headers)
        assert created.status_code == 201, created.text
        comment_id = created.json()["id"]
        shown = direct().get(reading.url + page, headers=headers, timeout=10)
        assert body in shown.text, f"{reading.name} shows a stale discussion"
        items = direct().get(reading.url + listing, headers=headers, timeout=10).json()["items"]
        assert comment_id in [item["id"] for item in items], f"{reading.name} lists a stale discussion"
    cached = cluster.redis.client().keys("beteiligung:*")
    assert cached, "the rendering cache should live in the shared Redis, not in each process"


def test_rate_limits_count_across_both_instances(cluster):
    """A few log-in attempts per client address (LOGIN_RATE_LIMIT), whichever instance answers: counted per
    process (four gunicorn workers) the same address would get four times as many."""
    headers = Visitor(cluster, "198.51.100.7").headers

    def attempt(instance, number):
        return direct().post(instance.url + "/api/v1/auth/token", headers=headers, timeout=10,
                             json={"email": f"niemand{number}@example.org", "password": "falsch-falsch-1"})

    statuses = [attempt((cluster.a, cluster.b)[n % 2], n).status_code for n in range(cluster.login_limit + 2)]
    assert statuses == [401] * cluster.login_limit + [429, 429]
    other = dict(headers, **{"X-Forwarded-For": "198.51.100.8"})
    assert direct().post(cluster.b.url + "/api/v1/auth/token", headers=other, timeout=10,
                         json={"email": "niemand@example.org", "password": "falsch-falsch-1"}).status_code == 401

    # Through nginx the client's address is what nginx saw: a made-up X-Forwarded-For escapes nothing.
    web = through_nginx(cluster)
    statuses = [web.post(cluster.nginx.url + "/api/v1/auth/token", timeout=10,
                         headers={"X-Forwarded-For": f"192.0.2.{n}"},
                         json={"email": f"keiner{n}@example.org", "password": "falsch-falsch-1"}).status_code
                for n in range(cluster.login_limit + 1)]
    assert set(statuses) <= {401, 429} and statuses[-1] == 429, statuses  # (the session test logged in once)


def _run_on_both_hosts(cluster, *args):
    """The same command line from both hosts at the same moment; returns their outputs."""
    runs = cluster.flask_on_both_hosts(*args)
    assert [code for code, _ in runs] == [0, 0], runs
    return [output for _, output in runs]


def _mails_to(cluster, user_id):
    from beteiligung.accounts.models import User
    from beteiligung.extensions import db

    address = cluster.query(lambda: db.session.get(User, user_id).email)
    found = []
    for path in sorted(cluster.outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            found.append(str(email.header.make_header(email.header.decode_header(message["Subject"]))))
    return found


def test_the_scheduled_jobs_run_exactly_once_when_both_hosts_run_them(cluster):
    from sqlalchemy import func, select

    from beteiligung.extensions import db
    from beteiligung.mail.models import OutgoingMail
    from beteiligung.notifications.models import Notification, NotificationEvent
    from beteiligung.polls.models import Poll

    polls = cluster.data["polls"]
    outputs = _run_on_both_hosts(cluster, "polls", "settle")
    settled = [int(re.search(r"(\d+) Umfragen", output).group(1)) for output in outputs]
    print(f"\npolls settle on both hosts at once, polls recorded by each: {settled}")
    assert sum(settled) == cluster.closed_polls, outputs

    def recorded():
        states = set(db.session.scalars(select(Poll.state).where(Poll.id.in_(polls))))
        events = db.session.scalar(select(func.count()).select_from(NotificationEvent)
                                   .where(NotificationEvent.key.like("poll_closed:%")))
        per_user = dict(db.session.execute(select(Notification.user_id, func.count()).where(
            Notification.kind == "poll_closed").group_by(Notification.user_id)).all())
        return states, events, per_user

    states, events, per_user = cluster.query(recorded)
    assert states == {"closed"} and events == cluster.closed_polls
    assert per_user == {cluster.data["daily"]: cluster.closed_polls, cluster.data["immediate"]: cluster.closed_polls}
    immediate = _mails_to(cluster, cluster.data["immediate"])
    assert len(immediate) == cluster.closed_polls and len(set(immediate)) == cluster.closed_polls, immediate
    assert _mails_to(cluster, cluster.data["daily"]) == []  # they get the daily summary instead

    outputs = _run_on_both_hosts(cluster, "notifications", "digest")
    assert sum(int(re.search(r"(\d+) Zusammenfassungen", output).group(1)) for output in outputs) == 1, outputs
    digests = cluster.query(lambda: db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
        OutgoingMail.key.like(f"digest:{cluster.data['daily']}:%"))))
    assert digests == 1
    assert len(_mails_to(cluster, cluster.data["daily"])) == 1
    assert len(_mails_to(cluster, cluster.data["immediate"])) == cluster.closed_polls  # no digest: nothing was daily
    # a second run on both hosts finds nothing left
    assert _run_on_both_hosts(cluster, "polls", "settle") == ["0 Umfragen geöffnet oder beendet.\n"] * 2


class Load:
    """Citizens using the platform through nginx: writers post comments with their API tokens, readers read
    the discussion by page and API. Each write carries an ``Idempotency-Key``; a write answered 502/503 or
    cut off is sent again with the same key, as API clients should. Every answer is recorded with its time.
    The clients open a connection per request, so nginx's graceful reload never closes one under them."""

    RETRY = (502, 503, 504, None)

    def __init__(self, cluster):
        self.cluster = cluster
        self.stop = threading.Event()
        self.writes, self.reads = [], []
        self.lock = threading.Lock()

    def session(self):
        web = through_nginx(self.cluster)
        web.headers["Connection"] = "close"
        return web

    def post(self, web, url, body, key, token):
        try:
            response = web.post(url, json={"body": body}, timeout=30,
                                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
        except requests.RequestException as error:
            return None, repr(error)
        return response.status_code, response.json().get("id") if response.status_code == 201 else response.text

    def writer(self, writer):
        web = self.session()
        url = f"{self.cluster.nginx.url}/api/v1/consultations/{self.cluster.data['consultation']}/comments"
        number = 0
        while not self.stop.is_set():
            number += 1
            body, key, sent = f"Last {writer['id']}-{number}", uuid.uuid4().hex, time.monotonic()
            statuses = []
            for _ in range(3):
                status, answer = self.post(web, url, body, key, writer["token"])
                statuses.append(status)
                if status not in self.RETRY:
                    break
                time.sleep(0.2)
            with self.lock:
                self.writes.append({"sent": sent, "done": time.monotonic(), "body": body, "statuses": statuses,
                                    "answer": answer})

    def reader(self, path):
        web = self.session()
        while not self.stop.is_set():
            sent = time.monotonic()
            try:
                status = web.get(self.cluster.nginx.url + path, timeout=30).status_code
            except requests.RequestException as error:
                status = repr(error)
            with self.lock:
                self.reads.append((sent, status))

    def __enter__(self):
        consultation = self.cluster.data["consultation"]
        self.threads = [threading.Thread(target=self.writer, args=(writer,)) for writer in self.cluster.data["writers"]]
        self.threads += [threading.Thread(target=self.reader, args=(path,)) for path in (
            f"/api/v1/consultations/{consultation}/comments", f"/beteiligungen/{consultation}")]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def _fail_timeout(cluster):
    """How long nginx leaves out a server that failed (the example's fail_timeout)."""
    return max(int(seconds) for seconds in re.findall(r"fail_timeout=(\d+)s", cluster.nginx.site()))


def _restart(instance):
    assert instance.stop() == 0, f"gunicorn {instance.name} did not stop cleanly"
    instance.start()
    instance.wait_ready()


def test_a_rolling_restart_under_load_loses_no_acknowledged_write(cluster, record_property):
    """Instance A goes down as a host does without telling nginx first (SIGTERM: gunicorn finishes what it
    accepted); instance B as in an operator's rolling restart (docs/operations.md): out of nginx's rotation
    (upstream "down", graceful reload), SIGTERM, start, /readyz, back in. No acknowledged write is lost or
    doubled in either case. nginx passes reads and unsent writes on to the other instance; a write that
    reached A's listen queue when A closed it is answered 502 without having been stored (nginx does not
    send a POST twice), and the client's repeat with the same Idempotency-Key stores it once. With the
    rolling restart (B) no request fails at all."""
    from sqlalchemy import func, select

    from beteiligung.comments.models import Comment
    from beteiligung.extensions import db

    started = time.monotonic()
    windows = {}
    with Load(cluster) as load:
        time.sleep(1.5)
        begin = time.monotonic()
        _restart(cluster.a)
        windows["A"] = (begin, time.monotonic())
        time.sleep(_fail_timeout(cluster) + 0.5)  # nginx tries A again only fail_timeout after its last failure
        begin = time.monotonic()
        cluster.nginx.reload(down={cluster.b.port})
        _restart(cluster.b)
        cluster.nginx.reload(down=())
        windows["B"] = (begin, time.monotonic())
        time.sleep(1.5)
    duration = time.monotonic() - started

    def stored():
        rows = db.session.execute(select(Comment.body, func.count(), func.min(Comment.id))
                                  .where(Comment.body.like("Last %")).group_by(Comment.body)).all()
        return {body: (count, comment_id) for body, count, comment_id in rows}

    in_database = cluster.query(stored)
    acknowledged = {w["body"]: w["answer"] for w in load.writes if w["statuses"][-1] == 201}
    def during(name, write):  # the write was under way while the instance restarted
        begin, end = windows[name]
        return write["sent"] <= end and write["done"] >= begin

    first_failed = {name: [w for w in load.writes if w["statuses"][0] != 201 and during(name, w)] for name in windows}
    failed_reads = [entry for entry in load.reads if entry[1] != 200]
    figures = {"requests": len(load.reads) + sum(len(w["statuses"]) for w in load.writes),
               "writes": len(load.writes), "acknowledged": len(acknowledged),
               "acknowledged_first_time": sum(w["statuses"][0] == 201 for w in load.writes),
               "non_2xx_writes_A_unannounced": len(first_failed["A"]),
               "non_2xx_writes_B_rolling": len(first_failed["B"]),
               "reads": len(load.reads), "non_2xx_reads": len(failed_reads), "seconds": round(duration, 1)}
    record_property("rolling_restart", figures)
    print(f"\nrolling restart: {figures}")

    lost = {body: comment_id for body, comment_id in acknowledged.items()
            if in_database.get(body, (0, None))[1] != comment_id}
    assert not lost, f"acknowledged writes missing from the database: {lost}"
    doubled = {body: count for body, (count, _) in in_database.items() if count > 1}
    assert not doubled, f"writes stored twice: {doubled}"
    unanswered = [w for w in load.writes if w["statuses"][-1] != 201]
    assert not unanswered, f"{figures}: writes never acknowledged: {unanswered[:5]}"
    assert failed_reads == [], f"{figures}: {failed_reads[:10]}"
    assert first_failed["B"] == [], f"{figures}: the rolling restart failed requests: {first_failed['B'][:5]}"
    assert all(w["statuses"][0] == 502 for w in first_failed["A"]), first_failed["A"][:5]
    assert sum(w["statuses"][0] != 201 for w in load.writes) == len(first_failed["A"]), "failures outside a restart"
    for name in windows:
        answered = [w for w in load.writes if during(name, w) and w["statuses"] == [201]]
        assert answered, f"no write was answered while instance {name} restarted: the load did not overlap"
    assert len(acknowledged) >= 20, figures
