"""Several application hosts on one machine, for tests and benchmarks (issue 13): throw-away Redis, gunicorn
instances (separate processes and ports) on one PostgreSQL database, and Debian's nginx running the site of
example/nginx/beteiligung.conf with its addresses, ports and paths replaced (TLS with a certificate made here).

Used by tests/multihost/ (its conftest holds the fixture, the skip rules and the seed) and by
benchmarks/load_mixed.py. Everything runs as the current user on free loopback ports; ``Cluster.stop()``
ends every process that was started here. Needs nginx, openssl, redis-server, gunicorn and requests.
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

from .fixtures import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SITE = ROOT / "example" / "nginx" / "beteiligung.conf"
BIN = Path(sys.executable).parent


def nginx_binary():
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


def gunicorn_binary():
    return str(BIN / "gunicorn") if (BIN / "gunicorn").exists() else shutil.which("gunicorn")


def missing_tools():
    """(what is missing that CI must provide, what is missing that may only skip: redis-server)."""
    required = [name for name, found in (
        ("nginx", nginx_binary()), ("openssl", shutil.which("openssl")), ("gunicorn", gunicorn_binary()))
        if not found]
    try:
        import requests  # noqa: F401
    except ImportError:
        required.append("requests (python)")
    optional = [] if shutil.which("redis-server") else ["redis-server"]  # as in tests/test_redis_outage.py
    return required, optional


def wait_for(predicate, timeout, what, process=None, log=None):
    """Until ``predicate()`` is true (exceptions count as "not yet"); RuntimeError with the log's tail when
    ``process`` ends first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: process ended with {process.returncode}\n{tail(log)}")
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not ready after {timeout} s\n{tail(log)}")


def http_status(url, **kwargs):
    """GET url's status, without proxies or CA bundles from the environment."""
    import requests

    with requests.Session() as session:
        session.trust_env = False
        return session.get(url, timeout=2, **kwargs).status_code


def tail(path, lines=40):
    if path is None or not Path(path).exists():
        return ""
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def stop_process(process, sig=signal.SIGTERM, timeout=30):
    """Ends a process started here: ``sig``, then SIGKILL if it is still there after ``timeout``."""
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

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        from redis import Redis

        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_for(client.ping, 10, "redis-server", self.process)

    def client(self):
        from redis import Redis

        return Redis.from_url(self.url)

    def stop(self):
        stop_process(self.process, signal.SIGKILL)


class Instance:
    """One application host: ``gunicorn -w <workers> -b 127.0.0.1:<port> wsgi:app`` with the shared
    environment."""

    def __init__(self, name, env, log, workers=2):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = log
        self.workers = workers
        self.process = None

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [gunicorn_binary(), "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "20", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=40):
        wait_for(lambda: http_status(self.url + "/readyz") == 200, timeout,
                 f"instance {self.name}", self.process, self.log)

    def stop(self):
        """Graceful: SIGTERM; gunicorn stops accepting, finishes the requests in hand and exits."""
        stop_process(self.process, signal.SIGTERM)
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

    @property
    def logs(self):
        """The folder of the site's access and error logs."""
        return self.dir / "logs"

    def site(self):
        """The example site with this machine's addresses, ports and paths. Each replaced piece must be in the
        example, so that the test keeps running what the example says."""
        text = EXAMPLE_SITE.read_text()
        first, second = self.upstream_ports
        replacements = [
            (r"listen \[::\]:(80|443)[^;]*;\n\s*", ""),  # IPv6 may be missing here
            (r"server 10\.0\.0\.11:8000", f"server 127.0.0.1:{first}"),
            (r"server 10\.0\.0\.12:8000", f"server 127.0.0.1:{second}"),
            (r"listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            (r"listen 443 ssl", f"listen 127.0.0.1:{self.https_port} ssl"),
            (r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(self.cert)),
            (r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(self.key)),
            (r"/var/www/html", str(self.dir / "acme")),
            (r"/var/log/nginx/", f"{self.logs}/"),
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
        self.logs.mkdir(parents=True, exist_ok=True)
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
                [nginx_binary(), "-p", str(self.dir), "-c", str(conf),
                 "-g", f"daemon off; pid {self.dir / 'nginx.pid'}; error_log stderr;"],
                stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: http_status(self.url + "/healthz", verify=str(self.cert)) == 200, 20, "nginx",
                 self.process, self.log)

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
        wait_for(lambda: not (self.workers() & old) and self.workers(), 30, "nginx reload", self.process, self.log)

    def stop(self):
        stop_process(self.process, signal.SIGTERM)


def own_database(url, name):
    """The PostgreSQL database ``name`` on ``url``'s server, dropped if it was there and created empty.
    Returns (its URL, a function that drops it)."""
    from sqlalchemy import create_engine, text

    parts = urlsplit(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin_url = urlunsplit(parts._replace(path="/postgres"))

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
    """Two instances ``a``/``b`` behind ``nginx`` on one database and one ``redis``: ``start(seed)`` brings
    everything up (migrations, ``data = query(seed)``, instances, nginx), ``stop()`` ends it all.

    ``settings``: environment variables for the instances on top of the production defaults below (rate
    limits, say). ``query(fn)`` runs fn() inside an app context on the shared database;
    ``flask_on_both_hosts(*args)`` runs a command line on both hosts at once.
    """

    def __init__(self, workdir, database_url, redis, settings=None, workers=2, secret=None):
        self.dir = Path(workdir)
        self.database_url = database_url
        self.redis = redis
        self.settings = dict(settings or {})
        self.workers = workers
        self.secret = secret or secrets.token_hex(32)
        self.outbox = self.dir / "outbox"
        self.outbox.mkdir(parents=True, exist_ok=True)
        self.a = self.b = self.nginx = None
        self.root = ROOT
        self.env = None
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
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.settings)
        return env

    def migrate(self):
        result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],  # noqa: S603
                                cwd=ROOT, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{result.stdout}{result.stderr}")

    def start(self, seed=None):
        """Redis, the migrations, ``seed`` (a function run by ``query``; its result is ``data``), both
        instances and nginx in front of them. On failure, what was started stays for ``stop()``."""
        self.redis.start()
        nginx = Nginx(self.dir / "nginx", (0, 0))  # its ports are part of the instances' BASE_URL
        self.env = self.environment(f"https://127.0.0.1:{nginx.https_port}")
        self.migrate()
        if seed is not None:
            self.data = self.query(seed)
        self.a = Instance("A", self.env, self.dir / "gunicorn-a.log", self.workers)
        self.b = Instance("B", self.env, self.dir / "gunicorn-b.log", self.workers)
        for instance in (self.a, self.b):
            instance.start()
        for instance in (self.a, self.b):
            instance.wait_ready()
        nginx.upstream_ports = (self.a.port, self.b.port)
        self.nginx = nginx
        self.nginx.dir.mkdir()
        self.nginx.start()
        return self

    def stop(self):
        """nginx, the instances and Redis are ended; the app's connections closed (the database stays)."""
        for part in (self.nginx, self.a, self.b):
            if part is not None and part.process is not None:
                part.stop()
        self.redis.stop()
        self.close()

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
            wait_for(lambda: all((barrier / f"ready-{n}").exists() for n in range(2)), 60, "flask " + " ".join(args))
            (barrier / "go").touch()
            return [(run.wait(timeout=60), run.communicate()[0]) for run in runs]
        finally:
            for run in runs:
                stop_process(run, signal.SIGKILL)

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
