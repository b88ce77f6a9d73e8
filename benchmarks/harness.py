"""What the benchmarks share: app and database setup, data seeding, timing and requests per second,
SQL statement counting, and printing the results.

The scripts next to this file (``comments_page.py``, ``poll_results.py``, ``api_refusals.py``)
import it as ``harness``; it is no benchmark of its own.
"""

import contextlib
import hashlib
import http.client
import itertools
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
SECRET_KEY = "benchmark-secret-key-not-for-production"
PG_DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
WORKERS = 2
STARTUP_TIMEOUT = 60.0  # seconds a gunicorn server may take to answer its first request
WARMUP_REQUESTS = 50  # sequential requests before each measurement (templates compiled, pools filled)
OTHER_CPU_WARNING = 0.10  # share of the CPUs used by other processes above which the report warns
MAX_REQUESTS = 2_000_000  # upper bound for the Python load generator, whatever the duration
MODERATOR_PASSWORD = "moderation-geheim-42"
CHUNK = 20_000  # rows per executemany of bulk_insert on SQLite

# The real app with its rendering cache switched off: what every request costs when the cache misses.
NO_CACHE = {"CACHE_TYPE": "NullCache"}

HELLO_APP = '''\
"""A bare Flask app: the baseline that the benchmarks compare Beteiligung with."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Hallo Welt!"
'''


# --------------------------------------------------------------------------------------------
# App and database
# --------------------------------------------------------------------------------------------


def create_database(kind, workdir, pg_url, name, filename="bench.db"):
    """A fresh, empty database; returns its SQLAlchemy URL.

    SQLite: ``filename`` in ``workdir``. PostgreSQL: the database ``name`` on the server ``pg_url``,
    dropped and created again.
    """
    if kind == "sqlite":
        return "sqlite:///" + str(Path(workdir) / filename)
    from sqlalchemy import create_engine, text

    base_url = pg_url.rstrip("/")
    engine = create_engine(base_url + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return f"{base_url}/{name}"


def drop_database(kind, pg_url, name):
    """Drop the PostgreSQL database ``name`` (nothing to do for SQLite: its folder is removed)."""
    if kind != "postgresql":
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url.rstrip("/") + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def server_env(database_url, pythonpath=None):
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"})
    env.pop("FLASK_APP", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return env


def run_migrations(database_url):
    """``flask --app wsgi db upgrade`` on the database.

    With the environment variable BENCH_SQLITE_TEMPLATES (a folder; benchmarks/bench.py sets it), an SQLite
    database is migrated once per state of the migrations (core and plugins) and enabled plugins, and later
    runs copy that migrated file instead of migrating again (a few seconds each).
    """
    templates = os.environ.get("BENCH_SQLITE_TEMPLATES")
    target = database_url.removeprefix("sqlite:///") if database_url.startswith("sqlite:///") else None
    template = Path(templates) / f"migrated-{_migrations_key()}.db" if templates and target else None
    if template is not None and template.exists():
        shutil.copyfile(template, target)
        return
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                            env=server_env(database_url), capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{result.stdout}\n{result.stderr}")
    if template is not None:
        template.parent.mkdir(parents=True, exist_ok=True)
        partial = template.with_suffix(f".{os.getpid()}.part")
        # The backup API: a self-contained copy, with what is still in the write-ahead log.
        source, copy = sqlite3.connect(target), sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.replace(partial, template)


def _migrations_key():
    """A digest of every migration script (core and plugins) and of BETEILIGUNG_PLUGINS."""
    digest = hashlib.sha256(os.environ.get("BETEILIGUNG_PLUGINS", "<all>").encode())
    scripts = sorted([*(ROOT / "migrations").rglob("*.py"), *(ROOT / "plugins").glob("*/*/migrations/**/*.py")])
    for script in scripts:
        digest.update(str(script.relative_to(ROOT)).encode() + b"\0" + script.read_bytes())
    return digest.hexdigest()[:16]


def make_app(database_url, **overrides):
    from beteiligung import create_app

    config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY}
    config.update(overrides)
    return create_app(config)


@contextlib.contextmanager
def scratch_app(prefix="beteiligung-bench-", **overrides):
    """An app on a throw-away SQLite database (migrations applied) in a temporary folder, removed
    afterwards. For benchmarks that run in process only; requests are best sent outside any app
    context of ours (each gets its own, as under gunicorn)."""
    from flask_migrate import upgrade

    from beteiligung import create_app
    from beteiligung.extensions import db

    folder = tempfile.mkdtemp(prefix=prefix)
    config = {"TESTING": True, "SECRET_KEY": SECRET_KEY, "PASSWORD_HASH_FAST": True,
              "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(folder, "bench.db"),
              "RATELIMIT_ENABLED": False, "BETEILIGUNG_PLUGINS": "", "CACHE_TYPE": "SimpleCache", **overrides}
    try:
        app = create_app(config)
        app.instance_path = folder
        with app.app_context():
            upgrade(revision="heads")
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def local_postgres(kind, pg_url):
    """The process names that work for the benchmark (a PostgreSQL server on this machine), for CpuMeter."""
    local = kind == "postgresql" and re.search(r"@(127\.0\.0\.1|localhost|\[::1\])(:|/|$)", pg_url)
    return ("postgres",) if local else ()


# --------------------------------------------------------------------------------------------
# Seeding data
# --------------------------------------------------------------------------------------------


def seed_region(slug="gelsenkirchen", name="Gelsenkirchen", description="Offene Daten, Dashboards, Datensouveränität.",
                moderator_email="moderation@gelsenkirchen.example", moderator_password=None,
                moderator_pseudonym="Stadt Gelsenkirchen"):
    """A region and its moderator (flushed, in the current app context); returns (region, moderator)."""
    from beteiligung.accounts.services import assign_moderator, register_user
    from beteiligung.extensions import db
    from beteiligung.regions.models import Region

    region = Region(slug=slug, name=name, theme="Digitale Daten", description=description)
    db.session.add(region)
    db.session.flush()
    moderator = register_user(moderator_email, moderator_password or MODERATOR_PASSWORD, moderator_pseudonym,
                              accepted_terms=True, role="moderator")
    assign_moderator(moderator, region)
    return region, moderator


def bulk_insert(session, table, columns, rows):
    """Insert tuples fast: COPY on PostgreSQL, executemany of a Core insert() on SQLite; returns the count."""
    connection = session.connection()
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    statement = table.insert()
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        connection.execute(statement, [dict(zip(columns, row, strict=True)) for row in chunk])
        count += len(chunk)
    return count


def next_id(session, table):
    """The id after the table's largest one (for rows inserted with explicit ids)."""
    from sqlalchemy import func, select

    return (session.scalar(select(func.max(table.c.id))) or 0) + 1


def fix_sequences(session, tables):
    """After rows with explicit ids (PostgreSQL): the sequences continue behind them."""
    from sqlalchemy import text

    if session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (our names)
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))


# --------------------------------------------------------------------------------------------
# SQL statements per request
# --------------------------------------------------------------------------------------------


class QueryLog:
    """Records every SQL statement an engine executes while active: (statement, parameters, seconds).

    Use as a context manager around requests of a test client (``with QueryLog(engine) as log``);
    ``clear()`` between requests, ``statements`` for the texts.
    """

    def __init__(self, engine):
        self.engine = engine
        self.entries = []
        self._started = {}

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        started = self._started.pop(id(cursor), time.perf_counter())
        self.entries.append((statement, parameters, time.perf_counter() - started))

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def clear(self):
        self.entries.clear()

    @property
    def statements(self):
        return [statement for statement, _parameters, _seconds in self.entries]

    @property
    def seconds(self):
        return sum(seconds for *_rest, seconds in self.entries)


def app_engine(app):
    """The app's database engine (requests must run outside our app context: each gets its own, as
    under gunicorn; a shared session would answer some queries from its identity map and hide them)."""
    from beteiligung.extensions import db

    with app.app_context():
        return db.engine


def count_queries(database_url, paths, **overrides):
    """{path: (status, [statements])} of one request each, after one warm-up request."""
    app = make_app(database_url, **overrides)
    client = app.test_client()
    engine = app_engine(app)
    results = {}
    try:
        with QueryLog(engine) as log:
            for path in paths:
                client.get(path)  # warm-up: templates compiled, a connection in the pool
                log.clear()
                response = client.get(path)
                results[path] = (response.status_code, log.statements)
    finally:
        engine.dispose()
    return results


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_request(port, method, path, body=None, headers=None, timeout=10.0):
    """One request on a new connection: (status, body bytes, milliseconds until the body was read)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def http_get(port, path, timeout=5.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """A gunicorn master with WORKERS sync workers on 127.0.0.1; always stopped by stop()."""

    def __init__(self, name, app_spec, cwd, env, logdir, extra_args=()):
        self.name, self.port = name, free_port()
        self.log_path = Path(logdir) / f"gunicorn-{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"{HOST}:{self.port}", "--log-level", "warning", "--chdir", str(cwd), *extra_args,
               app_spec]
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, path):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _ = http_get(self.port, path, timeout=2.0)
                if status < 500:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer within {STARTUP_TIMEOUT:.0f} s:\n"
                           f"{self.log_tail()}")

    def worker_pids(self):
        """The pids of the master's worker processes (its children), sorted."""
        return children_of(self.proc.pid)

    def log_tail(self, lines=30):
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


# --------------------------------------------------------------------------------------------
# Timing and load generators
# --------------------------------------------------------------------------------------------


def percentile(values, fraction):
    """Nearest-rank percentile of the values."""
    values = sorted(values)
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(fraction * len(values) + 0.5)))
    return values[rank - 1]


def choose_generator(requested):
    """"wrk" or "python" for --generator auto|wrk|python (auto: wrk when it is on PATH)."""
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if requested == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not on PATH; use --generator python")
    return requested


_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(value):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not match:
        raise ValueError(f"unexpected wrk latency {value!r}")
    return float(match.group(1)) * _WRK_UNITS[match.group(2)]


def parse_wrk(output):
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    # Sync workers close every connection after the response; wrk counts those as read errors,
    # which are no failed requests. Only connect errors and timeouts count here.
    if socket_errors:
        errors += int(socket_errors.group(1)) + int(socket_errors.group(4))
    return {"rps": float(rps.group(1)), "p50_ms": _wrk_ms(p50.group(1)), "p99_ms": _wrk_ms(p99.group(1)),
            "requests": int(total.group(1)), "errors": errors}


def wrk_command(seconds, connections, *rest, timeout=None):
    """wrk's command line; ``timeout`` (seconds) replaces wrk's default of 2 s, which would count slow
    requests queued behind others as errors."""
    threads = max(1, min(2, connections))
    return ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
            *([f"--timeout={timeout}s"] if timeout else []), *rest]


def run_wrk(port, path, seconds, connections, timeout=None, script_args=()):
    """wrk against one path; with ``script_args`` (``-s script.lua url -- args``) instead of the path's URL.

    Returns rps, p50_ms, p99_ms, requests, errors and wrk's whole output (``output``).
    """
    rest = script_args or (f"http://{HOST}:{port}{path}",)
    cmd = wrk_command(seconds, connections, *rest, timeout=timeout)
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + (timeout or 0) + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return dict(parse_wrk(result.stdout), output=result.stdout)


def run_python(port, path, seconds, connections, request_for=None, expected=200, timeout=10):
    """`connections` threads, each with one keep-alive connection (reopened when the server closes it).

    By default each sends `GET path` (at most MAX_REQUESTS in all); `request_for(slot, n)` may give
    the n-th request of a thread instead, as `(method, path, body, headers)`, or None to stop it.
    A response other than `expected` counts as an error; the answers are counted by status.
    """
    per_thread = MAX_REQUESTS // connections
    if request_for is None:
        def request_for(slot, n):
            return ("GET", path, None, {}) if n < per_thread else None
    results = [None] * connections
    statuses, lock = {}, threading.Lock()
    start_gate = threading.Barrier(connections + 1)
    deadline_box = []

    def worker(slot):
        latencies, errors = [], 0
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        start_gate.wait()
        deadline = deadline_box[0]
        try:
            n = 0
            while (request := request_for(slot, n)) is not None:
                n += 1
                t0 = time.perf_counter()
                if t0 >= deadline:
                    break
                method, url, body, headers = request
                try:
                    conn.request(method, url, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.will_close:
                        conn.close()
                except (OSError, http.client.HTTPException):
                    errors += 1
                    conn.close()
                    continue
                latencies.append(time.perf_counter() - t0)
                with lock:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                if response.status != expected:
                    errors += 1
        finally:
            conn.close()
            results[slot] = (latencies, errors)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline_box.append(began + seconds)
    start_gate.wait()
    for t in threads:
        t.join(timeout=seconds + 30 + timeout)
    elapsed = time.perf_counter() - began
    latencies = sorted(x * 1000 for r in results if r for x in r[0])
    errors = sum(r[1] for r in results if r)
    return {"rps": len(latencies) / elapsed, "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99), "requests": len(latencies), "errors": errors,
            "statuses": statuses}


class CpuMeter:
    """How much of the machine's CPU time went to processes other than this benchmark's (Linux only).

    Ours are this process, its descendants (gunicorn, wrk) and processes named in `also_ours` (the
    local PostgreSQL server, which works for the benchmark). Other work on the machine (a test run,
    a build) lowers the figures; the report flags it.
    """

    def __init__(self, also_ours=()):
        self.available = os.path.exists("/proc/stat")
        self.also_ours = set(also_ours)

    @staticmethod
    def _total_and_busy():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values), sum(values) - idle

    def _ours(self):
        """CPU ticks of our processes (see the class) and of this process's reaped children."""
        stats = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    head, tail = f.read().rsplit(")", 1)
            except (OSError, ValueError):
                continue
            fields = tail.split()
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), head.split("(", 1)[-1])
        children = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        ours = {pid for pid, (_, _, name) in stats.items() if name in self.also_ours}
        frontier = [os.getpid()]
        while frontier:
            pid = frontier.pop()
            ours.add(pid)
            frontier.extend(child for child in children.get(pid, ()) if child not in ours)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (sum(stats[pid][1] for pid in ours if pid in stats)
                + round((usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK")))

    def start(self):
        if self.available:
            self._start = (*self._total_and_busy(), self._ours())

    def other_share(self):
        """The share of all CPU time since start() used by other processes, or None."""
        if not self.available:
            return None
        total, busy = self._total_and_busy()
        d_total = total - self._start[0]
        other = (busy - self._start[1]) - (self._ours() - self._start[2])
        return max(0.0, other / d_total) if d_total > 0 else None


def children_of(pid):
    """The pids of a process's direct children (Linux /proc), sorted; empty elsewhere."""
    found = []
    if not os.path.isdir("/proc"):
        return found
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                _head, tail = f.read().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if int(tail.split()[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def memory_mib(pid):
    """{"rss": VmRSS, "hwm": VmHWM} of a process in MiB (Linux /proc/<pid>/status), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    values = {}
    for line in lines:
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key[2:].lower()] = int(rest.split()[0]) / 1024  # kB
    return values or None


def wait_quiet(max_wait):
    """Wait (at most max_wait seconds) until other processes use less than OTHER_CPU_WARNING of the CPUs."""
    meter = CpuMeter()
    if not meter.available or max_wait <= 0:
        return
    deadline = time.monotonic() + max_wait
    announced = False
    while time.monotonic() < deadline:
        meter.start()
        time.sleep(1.0)
        share = meter.other_share()
        if share is None or share < OTHER_CPU_WARNING:
            return
        if not announced:
            print(f"  (other processes use {share:.0%} of the CPUs; waiting up to {max_wait:g} s for quiet)")
            announced = True


def measure(server, path, seconds, generator, connections, quiet_wait=0, also_ours=(), warmup=WARMUP_REQUESTS,
            timeout=None):
    """Requests per second and latency of GET path on a running server, with wrk or the Python client.

    ``warmup`` sequential requests first; then wait for a quiet machine (up to ``quiet_wait`` s). With
    ``timeout`` (seconds), slow requests are waited for that long (warm-up, wrk and the Python client).
    """
    for _ in range(warmup):
        http_get(server.port, path, **({"timeout": timeout} if timeout else {}))
    wait_quiet(quiet_wait)
    meter = CpuMeter(also_ours)
    meter.start()
    if generator == "wrk":
        result = run_wrk(server.port, path, seconds, connections, timeout=timeout)
        result.pop("output")
    else:
        result = run_python(server.port, path, seconds, connections, **({"timeout": timeout} if timeout else {}))
    result["other_cpu"] = meter.other_share()
    return result


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def goal(number, name, target, measured, met):
    """One entry of the "goals" list in a benchmark's JSON (benchmarks/bench.py prints them as one table):
    ``met`` True, False or None (could not be judged)."""
    return {"goal": str(number), "name": name, "target": target, "measured": measured,
            "met": None if met is None else bool(met)}


def verdict(ok):
    return "met" if ok else "NOT MET"


def format_ms(value):
    """Milliseconds with one decimal, or a dash for nothing measured."""
    return "–" if value is None or (isinstance(value, float) and value != value) else f"{value:.1f}"


def markdown_table(header, rows):
    """Print a markdown table; ``header`` is a list of (title, align) with align "l" or "r"."""
    print("| " + " | ".join(title for title, _align in header) + " |")
    print("| " + " | ".join("---:" if align == "r" else "---" for _title, align in header) + " |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def disturbance_warning(busiest, during="a measurement"):
    """The warning line when other processes took more than OTHER_CPU_WARNING of the CPUs, else None."""
    if busiest > OTHER_CPU_WARNING:
        return (f"WARNING: other processes used up to {busiest:.0%} of the machine's CPU time during {during}; "
                f"those figures are too low. Run again on a quiet machine.")
    return None


def write_json(path, results):
    """Write the results as JSON (when --json FILE was given) and say so."""
    if path:
        Path(path).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"\nresults written to {path}")
