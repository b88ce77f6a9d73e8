"""Several hosts behind a real load balancer (issue 13, point 5): two gunicorn instances (separate processes and
ports) on one PostgreSQL database and one Redis, behind Debian's nginx running the site of
example/nginx/beteiligung.conf (its addresses, ports and paths replaced; TLS with a certificate made here).

Runs only on PostgreSQL (BETEILIGUNG_TEST_DB=postgresql) with nginx, redis-server and openssl installed;
without nginx or Redis the module is skipped, and with CI=true it fails instead. Everything runs as the user
running the tests, on free loopback ports; every process and the database are removed afterwards.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from beteiligung.testing.fixtures import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = ROOT / "example" / "nginx" / "beteiligung.conf"
BIN = Path(sys.executable).parent
PASSWORD = "mehrere-hosts-42"
#: log-ins (page and API) per client address in this test: small, so that counting across hosts shows
LOGIN_LIMIT = 6
CLOSED_POLLS = 40


def pytest_configure(config):
    config.addinivalue_line("markers", "multihost: needs PostgreSQL, nginx and redis-server (tests/multihost)")


def _nginx():
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def _missing_tools():
    """(what is missing that CI must provide, what is missing that skips the test anywhere)."""
    required = [name for name, found in (
        ("nginx", _nginx()), ("openssl", shutil.which("openssl")),
        ("gunicorn", (BIN / "gunicorn").exists() or shutil.which("gunicorn"))) if not found]
    try:
        import requests  # noqa: F401
    except ImportError:
        required.append("requests (python)")
    optional = [] if shutil.which("redis-server") else ["redis-server"]  # as in tests/test_redis_outage.py
    return required, optional


def _fail_or_skip(reason):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"multi-host test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _wait(predicate, timeout, what, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: process ended with {process.returncode}\n{_tail(log)}")
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready after {timeout} s\n{_tail(log)}")


def _status(url, **kwargs):
    """GET url's status, without proxies or CA bundles from the environment."""
    import requests

    with requests.Session() as session:
        session.trust_env = False
        return session.get(url, timeout=2, **kwargs).status_code


def _tail(path, lines=40):
    if path is None or not Path(path).exists():
        return ""
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def _stop(process, sig=signal.SIGTERM, timeout=30):
    """Ends a process this module started: ``sig``, then SIGKILL if it is still there after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class RedisServer:
    """A throw-away redis-server on a free port, without persistence (as in tests/test_redis_outage.py)."""

    def __init__(self, port):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        from redis import Redis

        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        _wait(client.ping, 10, "redis-server", self.process)

    def client(self):
        from redis import Redis

        return Redis.from_url(self.url)

    def stop(self):
        _stop(self.process, signal.SIGKILL)


class Instance:
    """One application host: ``gunicorn -w 2 -b 127.0.0.1:<port> wsgi:app`` with the shared environment."""

    def __init__(self, name, env, log):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = log
        self.process = None

    def start(self):
        gunicorn = str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else shutil.which("gunicorn")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [gunicorn, "-w", "2", "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "20", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=40):
        _wait(lambda: _status(self.url + "/readyz") == 200, timeout,
              f"instance {self.name}", self.process, self.log)

    def stop(self):
        """Graceful: SIGTERM; gunicorn stops accepting, finishes the requests in hand and exits."""
        _stop(self.process, signal.SIGTERM)
        code = self.process.returncode
        self.process = None
        return code


class Nginx:
    """Debian's nginx in the foreground, as this user, running the example site on free ports."""

    def __init__(self, workdir, upstream_ports):
        self.dir = workdir
        self.https_port, self.http_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.cert, self.key = workdir / "cert.pem", workdir / "key.pem"
        self.upstream_ports = upstream_ports
        self.log = workdir / "nginx.stderr"
        self.process = None
        self.down = set()  # upstream ports marked "down" (taken out of the rotation)

    def site(self):
        """The example site with this machine's addresses, ports and paths. Each replaced piece must be in the
        example, so that the test keeps running what the example says."""
        text = EXAMPLE_SITE.read_text()
        first, second = self.upstream_ports
        logs = self.dir / "logs"
        replacements = [
            (r"listen \[::\]:(80|443)[^;]*;\n\s*", ""),  # IPv6 may be missing here
            (r"server 10\.0\.0\.11:8000", f"server 127.0.0.1:{first}"),
            (r"server 10\.0\.0\.12:8000", f"server 127.0.0.1:{second}"),
            (r"listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            (r"listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl"),
            (r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(self.cert)),
            (r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(self.key)),
            (r"/var/www/html", str(self.dir / "acme")),
            (r"/var/log/nginx/", f"{logs}/"),
            (r"/srv/beteiligung/app/", f"{ROOT}/"),
        ]
        for pattern, replacement in replacements:
            text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
            assert count, f"example/nginx/beteiligung.conf no longer contains {pattern!r}"
        for port in self.down:
            text = re.sub(rf"(server 127\.0\.0\.1:{port}\b[^;]*);", r"\1 down;", text)
        return text

    def main_config(self, site):
        user = ""
        if os.geteuid() == 0:  # the workers would become "nobody", who cannot enter the test's folders
            import pwd

            user = f"user {pwd.getpwuid(os.geteuid()).pw_name};"
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        temp = "\n".join(f"    {kind}_temp_path {self.dir / 'temp' / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return (f"{user}\nworker_processes 2;\nevents {{ worker_connections 512; }}\n"
                f"http {{\n    {mime}\n    default_type application/octet-stream;\n{temp}\n"
                f"    include {site};\n}}\n")

    def start(self):
        (self.dir / "logs").mkdir(parents=True, exist_ok=True)
        (self.dir / "temp").mkdir(exist_ok=True)
        subprocess.run([shutil.which("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",  # noqa: S603
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(self.key), "-out", str(self.cert)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        site = self.dir / "beteiligung.conf"
        site.write_text(self.site())
        conf = self.dir / "nginx.conf"
        conf.write_text(self.main_config(site))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [_nginx(), "-p", str(self.dir), "-c", str(conf),
                 "-g", f"daemon off; pid {self.dir / 'nginx.pid'}; error_log stderr;"],
                stdout=log, stderr=subprocess.STDOUT)
        _wait(lambda: _status(self.url + "/healthz", verify=str(self.cert)) == 200, 20, "nginx", self.process, self.log)

    def workers(self):
        """The worker processes of this nginx (children of its master)."""
        found = set()
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == \
                        self.process.pid:
                    found.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
        return found

    def reload(self, down=()):
        """Rewrites the site with the upstream ports ``down`` taken out and reloads gracefully: returns when
        every old worker has finished its requests and exited, so only the new configuration is used."""
        self.down = set(down)
        (self.dir / "beteiligung.conf").write_text(self.site())
        old = self.workers()
        self.process.send_signal(signal.SIGHUP)
        _wait(lambda: not (self.workers() & old) and self.workers(), 30, "nginx reload", self.process, self.log)

    def stop(self):
        _stop(self.process, signal.SIGTERM)


def _own_database(test_url):
    """A database of its own next to TEST_DATABASE_URL's (the core fixtures drop that one's schema)."""
    from sqlalchemy import create_engine, text

    parts = urlsplit(test_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = parts.path.lstrip("/") + "_multihost"
    admin_url = urlunsplit(parts)

    def run(statement):
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name)), lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_AT_ONCE = """
import sys, time
from pathlib import Path
from sqlalchemy import text
from wsgi import app
import beteiligung.notifications.schedule, beteiligung.polls.services  # what the commands import when they run
from beteiligung.extensions import db
with app.app_context():
    db.session.execute(text("SELECT 1"))  # a connection in the pool
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
result = app.test_cli_runner().invoke(args=sys.argv[3:])
sys.stdout.write(result.output)
if result.exception is not None and not isinstance(result.exception, SystemExit):
    raise result.exception
sys.exit(result.exit_code)
"""


class Cluster:
    """What the tests use: ``a``/``b`` (the instances), ``nginx``, ``redis``, ``env``, ``data`` (ids, tokens),
    ``query(fn)`` (fn() inside an app context on the shared database), ``flask_on_both_hosts(*args)``."""

    def __init__(self, workdir, database_url, redis):
        self.dir = workdir
        self.database_url = database_url
        self.redis = redis
        self.outbox = workdir / "outbox"
        self.outbox.mkdir()
        self.a = self.b = self.nginx = None
        self.root, self.password, self.login_limit, self.closed_polls = ROOT, PASSWORD, LOGIN_LIMIT, CLOSED_POLLS
        self.data = {}
        self._app = None

    def environment(self, base_url):
        env = {key: value for key, value in os.environ.items()
               if key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR")}
        env.update({
            "BETEILIGUNG_ENV": "production",
            "SECRET_KEY": self.secret,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "TRUSTED_PROXIES": "1",
            "BASE_URL": base_url,
            "JOBS_BACKEND": "embedded",  # no worker: jobs run in the process that caused them, after its commit
            "BETEILIGUNG_PLUGINS": "",
            "MAIL_OUTBOX": str(self.outbox),
            "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per 10 minutes",  # a slow machine stays inside one window
            "WRITE_RATE_LIMIT": "5000 per minute",
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def flask_on_both_hosts(self, *args):
        """The command line ``flask --app wsgi <args>`` in two processes with the instances' environment, its
        work started at the same moment: each process loads the app (the slow part), says it is ready and
        waits for the start signal, then runs the command as flask's command line would. Returns the two
        (exit code, output) pairs."""
        barrier = self.dir / f"barrier-{secrets.token_hex(4)}"
        barrier.mkdir()
        runs = [subprocess.Popen([sys.executable, "-c", _AT_ONCE, str(barrier / f"ready-{n}"), str(barrier / "go"),  # noqa: S603
                                  *args], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for n in range(2)]
        try:
            _wait(lambda: all((barrier / f"ready-{n}").exists() for n in range(2)), 60, "flask " + " ".join(args))
            (barrier / "go").touch()
            return [(run.wait(timeout=60), run.communicate()[0]) for run in runs]
        finally:
            for run in runs:
                _stop(run, signal.SIGKILL)

    def app(self):
        if self._app is None:
            from beteiligung import create_app
            from beteiligung.testing.fixtures import make_test_config

            self._app = create_app(make_test_config(
                self.database_url, SECRET_KEY=self.secret, BETEILIGUNG_PLUGINS="", MAIL_OUTBOX=str(self.outbox),
                SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True}))
            self._app.instance_path = str(self.dir / "instance")
        return self._app

    def query(self, fn):
        from beteiligung.extensions import db

        with self.app().app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def close(self):
        if self._app is not None:
            from beteiligung.extensions import db

            with self._app.app_context():
                db.engine.dispose()


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
    required, optional = _missing_tools()
    if required:
        _fail_or_skip(f"multi-host test skipped: missing {', '.join(required)}")
    if optional:
        pytest.skip(f"multi-host test skipped: missing {', '.join(optional)}")

    workdir = tmp_path_factory.mktemp("multihost")
    database_url, drop_database = _own_database(test_url)
    redis = RedisServer(free_port())
    cluster = Cluster(workdir, database_url, redis)
    cluster.secret = secrets.token_hex(32)
    try:
        redis.start()
        nginx_port_holder = Nginx(workdir / "nginx", (0, 0))
        cluster.env = cluster.environment(f"https://127.0.0.1:{nginx_port_holder.https_port}")
        migrate = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],  # noqa: S603
                                 cwd=ROOT, env=cluster.env, capture_output=True, text=True)
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        cluster.data = cluster.query(seed)
        cluster.a = Instance("A", cluster.env, workdir / "gunicorn-a.log")
        cluster.b = Instance("B", cluster.env, workdir / "gunicorn-b.log")
        for instance in (cluster.a, cluster.b):
            instance.start()
        for instance in (cluster.a, cluster.b):
            instance.wait_ready()
        nginx_port_holder.upstream_ports = (cluster.a.port, cluster.b.port)
        cluster.nginx = nginx_port_holder
        cluster.nginx.dir.mkdir()
        cluster.nginx.start()
        yield cluster
    finally:
        for part in (cluster.nginx, cluster.a, cluster.b):
            if part is not None and part.process is not None:
                part.stop()
        redis.stop()
        cluster.close()
        drop_database()
