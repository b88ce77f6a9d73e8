"""Comment writes through the API with the rendering cache on: writes per second, and fresh pages after each write.

    .venv/bin/python benchmarks/comment_writes.py [--db sqlite|postgresql] [--seconds N] [--comments 10000]
        [--writers 400] [--checks 200] [--connections 8] [--quick] [--json FILE]

What it does, in one run (benchmarks/README.md, section "Kommentare schreiben", has the details):

1. creates a fresh database (an SQLite file in a temporary folder, or the PostgreSQL database
   `beteiligung_bench_writes`, dropped and created again, and dropped at the end), applies the migrations
   and loads the consultation of comments_page.py with --comments comments, plus --writers confirmed
   accounts with an API token each (bulk inserts);
2. serves the real app (`wsgi:app`, its in-process cache on, no REDIS_URL) and a bare Flask "hello world"
   with gunicorn, 2 sync workers each; the API's write limit (WRITE_RATE_LIMIT) is raised for the
   benchmark server through its environment, the code is unchanged;
3. POSTs new comments to `/api/v1/consultations/<id>/comments` for --seconds, each request with the next
   account's token: writes per second, p50 and p99, and afterwards the comments in the database must be
   the ones acknowledged (201);
4. the freshness check, --checks times: POST a comment, then at once GET the consultation page
   anonymously and the comments API (sort newest, first page), twice each (two workers, two caches): the
   acknowledged comment must be on every one of them. The first GETs after each write are cache misses;
   their latency is compared with that of cached GETs (no write in between);
5. prints the figures and the goals (issue 14, goal 5), and writes them as JSON with --json.

It is a measurement, not a test: the exit code is 0 whether or not the goal is met.
"""

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402  (benchmarks/harness.py: setup, seeding, timing, printing)
from harness import HOST, PG_DEFAULT_URL, ROOT, format_ms, percentile  # noqa: E402

PG_DATABASE = "beteiligung_bench_writes"
WRITE_LIMIT = "1000000 per minute"  # the benchmark server's WRITE_RATE_LIMIT (the default is 60 per minute)
CACHED_SAMPLES = 60  # GETs of each path with no write in between, for the cached latency
BODY_SENTENCES = [
    "Bitte die Messwerte auch als CSV veröffentlichen.",
    "Die Karte muss auf dem Handy gut lesbar sein.",
    "In meiner Straße fehlt ein Sensor, die Werte sind dort sicher höher.",
    "Eine offene Schnittstelle wäre mir wichtiger als das Dashboard.",
    "Danke für die Beteiligung, ich bin gespannt auf die Umsetzung.",
    "Wer prüft, ob die Sensoren richtig kalibriert sind?",
]


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def load_data(database_url, args):
    """The consultation of comments_page.py with --comments comments, and the writers with their tokens."""
    import comments_page
    from sqlalchemy import func, select

    from beteiligung.accounts.models import ApiToken, User
    from beteiligung.comments.models import Comment
    from beteiligung.extensions import db
    from beteiligung.timeutil import utcnow

    loaded = comments_page.load_data(database_url, args.comments, 50, args.seed)
    rng = random.Random(args.seed + 1)
    app = harness.make_app(database_url)
    with app.app_context():
        session = db.session
        now = utcnow()
        first = harness.next_id(session, User.__table__)
        ids = list(range(first, first + args.writers))
        harness.bulk_insert(session, User.__table__,
                            ("id", "email", "pseudonym", "pseudonym_key", "password_hash", "role",
                             "terms_accepted_at", "email_confirmed_at", "created_at"),
                            ((uid, f"schreibende{uid}@example.org", f"Schreibende {uid}", f"schreibende {uid}",
                              "!benchmark-no-login", "citizen", now, now, now) for uid in ids))
        tokens = [f"bench-{rng.getrandbits(160):040x}" for _ in ids]
        harness.bulk_insert(session, ApiToken.__table__, ("user_id", "token_hash", "created_at", "expires_at"),
                            ((uid, token_digest(token), now, now + timedelta(days=1))
                             for uid, token in zip(ids, tokens, strict=True)))
        harness.fix_sequences(session, ("users",))
        session.commit()
        comments = session.scalar(select(func.count()).select_from(Comment)
                                  .where(Comment.consultation_id == loaded["big"]))
        session.remove()
        db.engine.dispose()
    return {"consultation": loaded["big"], "tokens": tokens, "comments": comments,
            "threads": loaded["consultations"][loaded["big"]]["threads"]}


def count_comments(database_url, consultation_id):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM comments WHERE consultation_id = :c"),
                                {"c": consultation_id}).scalar()
    finally:
        engine.dispose()


class Writers:
    """Hands out the writers' tokens round robin and numbers the comment bodies (each body is unique)."""

    def __init__(self, tokens):
        self.tokens, self.n = tokens, 0

    def next(self):
        self.n += 1
        marker = f"Messpunkt-{self.n:07d}-{random.getrandbits(32):08x}"
        body = f"{BODY_SENTENCES[self.n % len(BODY_SENTENCES)]} ({marker})"
        headers = {"Content-Type": "application/json",
                   "Authorization": f"Bearer {self.tokens[self.n % len(self.tokens)]}"}
        return json.dumps({"body": body}).encode(), headers, marker


def measure_writes(server, path, args, writers, also_ours):
    """POST comments for --seconds over --connections connections: rate, latency, answers by status."""
    # Bodies and headers prepared in advance: the load generator shares the CPUs with the server.
    prepared = [writers.next()[:2] for _ in range(max(2000, int(args.seconds * 400)))]
    shares = [prepared[slot::args.connections] for slot in range(args.connections)]

    def request_for(slot, n):
        mine = shares[slot]
        if n >= len(mine):
            return None
        body, headers = mine[n]
        return "POST", path, body, headers

    harness.wait_quiet(args.wait_quiet)
    meter = harness.CpuMeter(also_ours)
    meter.start()
    result = harness.run_python(server.port, path, args.seconds, args.connections, request_for=request_for,
                                expected=201, timeout=30)
    result["other_cpu"] = meter.other_share()
    result["exhausted"] = result["requests"] >= len(prepared)
    return result


def freshness(server, consultation_id, writers, checks):
    """POST, then GET the page and the API twice each: how often the acknowledged comment is missing."""
    page, api = f"/beteiligungen/{consultation_id}", f"/api/v1/consultations/{consultation_id}/comments"
    post_path = f"/api/v1/consultations/{consultation_id}/comments"
    stale = {"page": 0, "api": 0}
    first_ms = {"page": [], "api": []}
    second_ms = {"page": [], "api": []}
    write_ms, failed = [], 0
    for _ in range(checks):
        body, headers, _marker = writers.next()
        status, answer, ms = harness.http_request(server.port, "POST", post_path, body, headers, timeout=30)
        if status != 201:
            failed += 1
            continue
        write_ms.append(ms)
        comment_id = json.loads(answer)["id"]
        for round_ms in (first_ms, second_ms):
            status, html, ms = harness.http_request(server.port, "GET", page, timeout=30)
            round_ms["page"].append(ms)
            if status != 200 or f'id="beitrag-{comment_id}"'.encode() not in html:
                stale["page"] += 1
            status, listing, ms = harness.http_request(server.port, "GET", api, timeout=30)
            round_ms["api"].append(ms)
            items = json.loads(listing)["items"] if status == 200 else []
            if comment_id not in [item["id"] for item in items]:
                stale["api"] += 1
    # Cached: the same GETs with no write in between (both workers have filled their caches by then).
    cached_ms = {"page": [], "api": []}
    for kind, path in (("page", page), ("api", api)):
        for _ in range(4):
            harness.http_request(server.port, "GET", path, timeout=30)
        for _ in range(CACHED_SAMPLES):
            cached_ms[kind].append(harness.http_request(server.port, "GET", path, timeout=30)[2])

    def summary(values):
        return {"p50_ms": statistics.median(values) if values else None,
                "p99_ms": percentile(values, 0.99) if values else None, "n": len(values)}

    return {"checks": checks, "failed_writes": failed, "stale": stale,
            "write": summary(write_ms),
            "after_write": {kind: summary(values) for kind, values in first_ms.items()},
            "second_get": {kind: summary(values) for kind, values in second_ms.items()},
            "cached": {kind: summary(values) for kind, values in cached_ms.items()}}


def report(results):
    data, writes, fresh = results["data"], results["writes"], results["freshness"]
    print()
    print(f"Comment writes — {results['db']}: consultation with {data['comments']:,} comments "
          f"({data['threads']:,} threads), {data['writers']} writing accounts; gunicorn {harness.WORKERS} sync "
          f"workers on {HOST}, in-process cache on; load: Python http.client, {results['connections']} "
          f"connections, {results['seconds']:g} s; {results['cpus']} CPUs, Python {results['python']}")
    print()
    print("| measurement | rate/s | p50 ms | p99 ms | errors | other CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    hello = results["hello"]
    print(f"| hello world `/` | {hello['rps']:.1f} | {format_ms(hello['p50_ms'])} | {format_ms(hello['p99_ms'])} | "
          f"{hello['errors']} | {_share(hello.get('other_cpu'))} |")
    print(f"| POST comment (201) | {writes['writes_per_s']:.1f} | {format_ms(writes['p50_ms'])} | "
          f"{format_ms(writes['p99_ms'])} | {writes['errors']} | {_share(writes.get('other_cpu'))} |")
    print()
    print("| GET, sequential | p50 ms | p99 ms |")
    print("| --- | ---: | ---: |")
    for kind, label in (("page", "page"), ("api", "comments API")):
        for key, when in (("after_write", "first after a write (miss)"), ("second_get", "second after a write"),
                          ("cached", "cached (no write since)")):
            row = fresh[key][kind]
            print(f"| {label}, {when} | {format_ms(row['p50_ms'])} | {format_ms(row['p99_ms'])} |")
    print()
    print(f"written: {writes['created']:,} comments acknowledged with 201, {writes['stored']:,} new in the "
          f"database ({'consistent' if writes['consistent'] else 'INCONSISTENT'}); answers: "
          + ", ".join(f"{count} × {status}" for status, count in sorted(writes["statuses"].items())))
    print(f"freshness: {fresh['checks']} writes, each followed by 2 page and 2 API requests; acknowledged comment "
          f"missing: page {fresh['stale']['page']}, API {fresh['stale']['api']}; failed writes "
          f"{fresh['failed_writes']}")
    warning = harness.disturbance_warning(results["other_cpu"], "a measurement")
    if warning:
        print(warning)
    print()
    for g in results["goals"]:
        met = {True: "met", False: "NOT MET", None: "–"}[g["met"]]
        print(f"goal {g['goal']}: {g['name']}: {g['measured']} (target {g['target']}): {met}")


def _share(value):
    return "?" if value is None else f"{value:.0%}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true",
                        help="small and short: 1,000 comments, 3 s of writes, 30 freshness checks")
    parser.add_argument("--seconds", type=float, help="duration of the write load (default 10; --quick 3)")
    parser.add_argument("--comments", type=int, help="comments already in the consultation (default 10000; "
                                                     "--quick 1000)")
    parser.add_argument("--writers", type=int, default=400, help="accounts with a token that write (default 400)")
    parser.add_argument("--checks", type=int, help="writes of the freshness check (default 200; --quick 30)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT_URL),
                        help=f"PostgreSQL server for --db postgresql (default {PG_DEFAULT_URL}); the database "
                             f"{PG_DATABASE} on it is dropped, created and dropped again at the end")
    parser.add_argument("--wait-quiet", type=float, default=30.0, metavar="SECONDS",
                        help="before each load measurement, wait up to this long while other processes keep the "
                             "CPUs busy (default 30; 0: never wait)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed of the generated data")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    args.comments = args.comments or (1000 if args.quick else 10_000)
    args.checks = args.checks or (30 if args.quick else 200)
    if (args.comments < 10 or args.writers < 10 or not 1 <= args.connections <= 64 or not 0 < args.seconds <= 3600
            or not 1 <= args.checks <= 10_000 or not 0 <= args.wait_quiet <= 600):
        parser.error("need --comments ≥ 10, --writers ≥ 10, 1 ≤ --connections ≤ 64, 0 < --seconds ≤ 3600, "
                     "1 ≤ --checks ≤ 10000, 0 ≤ --wait-quiet ≤ 600")
    return args


def main(argv=None):
    args = parse_args(argv)
    # The in-process cache and in-memory rate limits, as without Redis (a Redis left over from another run
    # could hold renderings of an earlier database).
    os.environ.pop("REDIS_URL", None)
    also_ours = harness.local_postgres(args.db, args.pg_url)
    workdir = tempfile.mkdtemp(prefix="beteiligung-bench-writes-")
    servers, created_db = [], False
    try:
        t0 = time.perf_counter()
        database_url = harness.create_database(args.db, workdir, args.pg_url, PG_DATABASE, "bench-writes.db")
        created_db = True
        harness.run_migrations(database_url)
        loaded = load_data(database_url, args)
        consultation_id = loaded["consultation"]
        print(f"database {args.db}: {loaded['comments']:,} comments and {args.writers} writers with tokens "
              f"ready in {time.perf_counter() - t0:.1f} s")

        apps_dir = Path(workdir) / "apps"
        apps_dir.mkdir()
        (apps_dir / "hello_app.py").write_text(harness.HELLO_APP)
        env = harness.server_env(database_url, pythonpath=apps_dir)
        env["WRITE_RATE_LIMIT"] = WRITE_LIMIT
        hello = harness.Server("hello", "hello_app:app", apps_dir, env, workdir)
        servers.append(hello)
        server = harness.Server("beteiligung-writes", "wsgi:app", ROOT, env, workdir)
        servers.append(server)
        hello.wait_ready("/")
        server.wait_ready(f"/beteiligungen/{consultation_id}")
        hello_result = harness.measure(hello, "/", 1.0 if args.quick else min(args.seconds, 5.0), "python",
                                       args.connections, args.wait_quiet, also_ours)
        hello.stop()
        servers.remove(hello)

        writers = Writers(loaded["tokens"])
        path = f"/api/v1/consultations/{consultation_id}/comments"
        # Warm-up: both workers have compiled their templates and filled their pools.
        for _ in range(harness.WARMUP_REQUESTS // 5):
            body, headers, _marker = writers.next()
            status, answer, _ms = harness.http_request(server.port, "POST", path, body, headers, timeout=30)
            if status != 201:
                raise RuntimeError(f"warm-up comment answered {status}: {answer[:300]!r}")
            harness.http_request(server.port, "GET", f"/beteiligungen/{consultation_id}", timeout=30)
        before = count_comments(database_url, consultation_id)
        writes = measure_writes(server, path, args, writers, also_ours)
        time.sleep(1.0)  # requests still in flight when the load stopped
        stored = count_comments(database_url, consultation_id) - before
        created = writes["statuses"].get(201, 0)
        writes.update(created=created, stored=stored, writes_per_s=writes["rps"] * created / writes["requests"]
                      if writes["requests"] else 0.0,
                      consistent=created <= stored <= created + args.connections)
        fresh = freshness(server, consultation_id, writers, args.checks)
        server_log = server.log_tail(1_000_000)
    finally:
        for running in servers:
            running.stop()
        if created_db:
            with contextlib.suppress(Exception):
                harness.drop_database(args.db, args.pg_url, PG_DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)

    stale = fresh["stale"]["page"] + fresh["stale"]["api"]
    miss, hit = fresh["after_write"]["page"], fresh["cached"]["page"]
    api_miss, api_hit = fresh["after_write"]["api"], fresh["cached"]["api"]
    other_cpu = max(hello_result.get("other_cpu") or 0.0, writes.get("other_cpu") or 0.0)
    goals = [
        harness.goal(5, "comment writes through the API (cache on, invalidated by each write)", "measured",
                     f"{writes['writes_per_s']:.0f} writes/s, p50 {format_ms(writes['p50_ms'])} ms, p99 "
                     f"{format_ms(writes['p99_ms'])} ms; {'consistent' if writes['consistent'] else 'INCONSISTENT'}",
                     None if writes["consistent"] else False),
        harness.goal(5, "page and API right after a write (cache miss) vs. cached, p50", "measured",
                     f"page {format_ms(miss['p50_ms'])} vs. {format_ms(hit['p50_ms'])} ms, API "
                     f"{format_ms(api_miss['p50_ms'])} vs. {format_ms(api_hit['p50_ms'])} ms", None),
        harness.goal(5, "never older than the last acknowledged write", "0 stale of "
                     f"{4 * (fresh['checks'] - fresh['failed_writes'])} GETs", f"{stale} stale",
                     stale == 0 and fresh["failed_writes"] == 0),
    ]
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "db": args.db, "seconds": args.seconds,
        "connections": args.connections, "workers": harness.WORKERS, "cpus": os.cpu_count(),
        "python": platform.python_version(), "write_rate_limit": WRITE_LIMIT,
        "data": {"comments": loaded["comments"], "threads": loaded["threads"], "writers": args.writers},
        "hello": hello_result, "writes": writes, "freshness": fresh, "hello_rps": hello_result["rps"],
        "other_cpu": other_cpu, "server_errors": server_log.count("Traceback"), "goals": goals,
    }
    report(results)
    harness.write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
